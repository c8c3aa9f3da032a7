"""Every OS error a message, on the workspace's side (issue 14, point 15).

Polars writes Parquet itself and reports a full disk or ``ulimit -f`` as a
``ComputeError`` (the errno only in its text), which used to escape as a traceback.
Now a failed write during ``ingest`` or ``forget`` is exit 2 with one line saying the
workspace is unchanged — and it is, byte for byte: data files written before the
failure are removed again. A read-only workspace refuses ingest in one line and still
serves every reading command.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from kunde_cli import synth
from kunde_cli.errors import WorkspaceError
from kunde_cli.store import MANIFEST, Workspace
from kunde_cli.store import files as store_files
from kunde_cli.store.layout import READERS_FILE
from reliability.conftest import kunde, no_traceback, quiet_env, snapshot

KUNDE = (sys.executable, "-m", "kunde_cli")
FILE_LIMIT = 4096  # bytes: more than the lock file, less than any new part file


@pytest.fixture(autouse=True)
def english(monkeypatch) -> None:
    """These tests read the English messages ($KUNDE_LANG, which --lang would override);
    the Danish ones are checked at the end of this file."""
    monkeypatch.setenv("KUNDE_LANG", "en")


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> tuple[Path, Path]:
    """January (400 lines) and February (all 3,000 and one line with an unreadable
    date): ingesting February writes a part, an identity file and a rejects part."""
    folder = tmp_path_factory.mktemp("exports")
    lines = synth.generate_orders(n_lines=3000, seed=15)
    small, big = folder / "jan.csv", folder / "feb.csv"
    synth.write_danish_csv(lines.slice(0, 400), small)
    synth.write_danish_csv(lines, big)
    with big.open("a", encoding="utf-8") as handle:
        handle.write(
            "99999;1;ikke en dato;10001;Tina Nørgaard;tina69@gmail.com;;Vare;Køkken;1;"
            "89,00;9000;Aalborg;Danmark;Betalt;Webshop;Ja\n"
        )
    return small, big


@pytest.fixture
def ws(tmp_path, exports) -> Path:
    folder = tmp_path / "ws"
    done = kunde("ingest", exports[0], "--workspace", folder)
    assert done.exit_code == 0, done.stderr
    return folder


def one_line(stderr: str, *needles: str) -> str:
    """The error line (after any notes), with a hint after it."""
    *_, error, hint = stderr.strip().splitlines()
    assert error.startswith("Error: ") and hint.startswith("Hint: "), stderr
    for needle in needles:
        assert needle in error, error
    return error


def _limit_file_size() -> None:
    # cli/main.py ignores SIGXFSZ too; set here so the test does not depend on it.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def limited(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``kunde ARGS`` as a real process under ``ulimit -f`` (4 KB)."""
    return subprocess.run(
        [*KUNDE, *map(str, args)],
        capture_output=True,
        text=True,
        env=quiet_env(),
        timeout=300,
        preexec_fn=_limit_file_size,
    )


# --- ulimit -f and a full disk, as real processes and as Polars reports them -----------


def test_ingest_over_ulimit_is_one_line_and_changes_nothing(ws, exports):
    before = snapshot(ws)
    result = limited("ingest", exports[1], "--workspace", ws)
    no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2, result.stderr
    error = one_line(
        result.stderr,
        "cannot write to the workspace: a file would be larger than this system allows "
        "(ulimit -f); it is unchanged",
    )
    assert str(ws) in error
    assert "raise the file-size limit" in result.stderr
    assert snapshot(ws) == before
    # Without the limit the same run stores it all.
    again = kunde("ingest", exports[1], "--workspace", ws)
    assert again.exit_code == 0, again.stderr
    assert Workspace(ws).scan_orders().collect().height == 3000


def test_forget_over_ulimit_is_one_line_and_changes_nothing(ws):
    stored = Workspace(ws).scan_orders().collect()
    email = stored.drop_nulls("email").item(0, "email")
    before = snapshot(ws)
    result = limited("forget", email, "--workspace", ws, "--yes")
    no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2, result.stderr
    one_line(result.stderr, "cannot write to the workspace", "it is unchanged")
    assert snapshot(ws) == before


def _polars_disk_full(fail_on: int, code: int = errno.ENOSPC):
    """A write_parquet that works ``fail_on - 1`` times, then fails as Polars does."""
    real = pl.DataFrame.write_parquet
    calls: list[int] = []
    text = os.strerror(code)

    def write_parquet(self, file, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) >= fail_on:
            raise pl.exceptions.ComputeError(
                f"parquet: File out of specification: underlying IO error: {text} (os error {code})"
            )
        return real(self, file, *args, **kwargs)

    return write_parquet


@pytest.mark.parametrize("fail_on", [1, 2, 3])  # the part, the identity, the rejects part
def test_disk_full_in_any_data_file_leaves_the_workspace_as_it_was(
    ws, exports, monkeypatch, fail_on
):
    before = snapshot(ws)
    monkeypatch.setattr(pl.DataFrame, "write_parquet", _polars_disk_full(fail_on))
    result = kunde("ingest", exports[1], "--workspace", ws)
    monkeypatch.undo()
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2, result.stderr
    one_line(result.stderr, "cannot write to the workspace: the disk is full; it is unchanged")
    assert "free some space" in result.stderr
    # Files written before the failure are gone again: byte for byte as before.
    assert snapshot(ws) == before


def test_disk_full_while_forgetting_leaves_the_workspace_as_it_was(ws, monkeypatch):
    email = Workspace(ws).scan_orders().collect().drop_nulls("email").item(0, "email")
    before = snapshot(ws)
    monkeypatch.setattr(pl.DataFrame, "write_parquet", _polars_disk_full(1))
    with pytest.raises(WorkspaceError, match="the disk is full; it is unchanged"):
        Workspace(ws).forget(email)
    monkeypatch.undo()
    assert snapshot(ws) == before


def test_disk_full_at_the_manifest_removes_the_new_parts(ws, exports, monkeypatch):
    before = snapshot(ws)
    real = store_files.WorkspaceFolder._write_via

    def full_at_manifest(tmp: Path, target: Path, write: object) -> None:
        if target.name == MANIFEST:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(tmp, target, write)  # type: ignore[arg-type]

    monkeypatch.setattr(Workspace, "_write_via", staticmethod(full_at_manifest))
    result = kunde("ingest", exports[1], "--workspace", ws)
    monkeypatch.undo()
    assert result.exit_code == 2, result.stderr
    one_line(result.stderr, "the disk is full; it is unchanged")
    assert snapshot(ws) == before


def test_a_polars_error_that_is_no_os_error_stays_a_bug():
    with (
        pytest.raises(pl.exceptions.ComputeError, match="not an OS error"),
        store_files._os_errors(Path("ws")),
    ):
        raise pl.exceptions.ComputeError("not an OS error")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.EFBIG, "a file would be larger than this system allows (ulimit -f)"),
        (errno.ENOSPC, "the disk is full"),
        (errno.EDQUOT, "the disk quota is used up"),
        (errno.EROFS, "the disk is read-only"),
        (errno.EACCES, "permission denied"),
        (errno.ENOTDIR, "part of its path is a file, not a folder"),
        (errno.EISDIR, "a folder is where kunde keeps a file"),
        (errno.ELOOP, "its path has a loop of symbolic links"),
    ],
)
def test_each_os_error_has_its_reason(code, reason):
    for raised in (
        OSError(code, os.strerror(code)),
        pl.exceptions.ComputeError(f"io: {os.strerror(code)} (os error {code})"),
    ):
        with pytest.raises(WorkspaceError) as caught, store_files._os_errors(Path("ws")):
            raise raised
        assert caught.value.message == f"cannot write to the workspace: {reason}; it is unchanged"


# --- a read-only workspace ----------------------------------------------------------------


def _read_only(monkeypatch: pytest.MonkeyPatch, ws: Path) -> None:
    """Every change inside ``ws`` fails as on a read-only mount (root ignores chmod)."""
    real_open = os.open
    inside = str(ws.resolve())

    def open_(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        writes = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC)
        if writes and str(Path(path).resolve()).startswith(inside):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)


def test_a_read_only_workspace_refuses_ingest_and_serves_readers(ws, exports, monkeypatch):
    (ws / READERS_FILE).unlink()  # an older workspace: readers cannot make it
    before = snapshot(ws)
    _read_only(monkeypatch, ws)
    result = kunde("ingest", exports[1], "--workspace", ws)
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2, result.stderr
    one_line(result.stderr, "cannot write to the workspace: the disk is read-only")
    for command in ("segment", "churn", "ladder", "clv"):
        read = kunde(command, "--workspace", ws)
        assert read.exit_code == 0, (command, read.stderr)
    monkeypatch.undo()
    assert snapshot(ws) == before
    assert not (ws / READERS_FILE).exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0500 folder anyway")
def test_a_chmod_0500_workspace_refuses_ingest_and_serves_readers(ws, exports):
    before = snapshot(ws)
    ws.chmod(0o500)
    try:
        result = kunde("ingest", exports[1], "--workspace", ws)
        assert result.exit_code == 2, result.stderr
        one_line(result.stderr, "cannot write to the workspace: permission denied")
        assert kunde("segment", "--workspace", ws).exit_code == 0
    finally:
        ws.chmod(0o700)
    assert snapshot(ws) == before


# --- paths that are not what they should be ---------------------------------------------


def test_a_workspace_under_a_file_is_one_line(tmp_path, exports):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = kunde("ingest", exports[0], "--workspace", tmp_path / "afile" / "ws")
    assert result.exit_code == 2, result.stderr
    one_line(result.stderr, "part of its path is not a folder")
    result = kunde("ingest", exports[0], "--workspace", tmp_path / "afile")
    assert result.exit_code == 2
    one_line(result.stderr, "is not a folder")


def test_a_workspace_through_a_link_loop_or_a_dangling_link_is_one_line(tmp_path, exports):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    for where in (tmp_path / "loop" / "ws", tmp_path / "dangling", tmp_path / "loop"):
        result = kunde("ingest", exports[0], "--workspace", where)
        no_traceback(result.stdout, result.stderr)
        assert result.exit_code == 2, (where, result.stderr)
    assert not (tmp_path / "nowhere").exists()


def test_a_manifest_that_is_a_folder_is_one_line(ws):
    (ws / MANIFEST).unlink()
    (ws / MANIFEST).mkdir()
    result = kunde("segment", "--workspace", ws)
    assert result.exit_code == 2, result.stderr
    one_line(result.stderr, "manifest.json in the workspace is not a file")


def test_a_part_that_is_a_folder_is_one_line(ws):
    part = ws / Workspace(ws).manifest()["orders"][0]["file"]
    part.unlink()
    part.mkdir()
    result = kunde("segment", "--workspace", ws)
    assert result.exit_code == 2, result.stderr
    one_line(result.stderr, "is not a file")


# --- in Danish, the default language ----------------------------------------------------------


def test_workspace_errors_in_danish_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("KUNDE_LANG")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    where = tmp_path / "afile" / "ws"
    result = kunde("forget", "a@b.dk", "--workspace", where, "--yes")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Fejl: ingen arbejdsmappe i {where}",
        "Tip: læs først en eksport ind: kunde ingest ordrer.csv",
    ]
    with pytest.raises(WorkspaceError) as err:
        Workspace(where)._ensure_dir()
    assert err.value.one_line("da") == (
        f"{where}: kan ikke oprette arbejdsmappen: en del af stien er ikke en mappe"
    )
    assert err.value.hint_in("da") == "angiv en anden --workspace"
    assert err.value.message == (
        "cannot make the workspace folder: part of its path is not a folder"
    )


def test_an_os_error_is_said_in_danish_too(tmp_path):
    full = OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(WorkspaceError) as err, store_files._os_errors(tmp_path):
        raise full
    assert err.value.one_line("da") == (
        f"{tmp_path}: kan ikke skrive i arbejdsmappen: disken er fuld; den er uændret"
    )
    assert err.value.message == "cannot write to the workspace: the disk is full; it is unchanged"
    assert err.value.hint_in("da") == (
        "frigør plads (eller hæv grænsen for filstørrelse), og kør så kommandoen igen"
    )
