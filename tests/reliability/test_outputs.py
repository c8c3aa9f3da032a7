"""Issue 14, case 11 and the output parts of case 15: outputs respect what is there.

``-o`` to a device or a FIFO writes through and leaves it what it was; a link to a file
replaces that file and stays a link; a folder, a dangling link or a link loop is refused.
A folder where a file belongs (and the reverse), a read-only folder, a full disk and
``ulimit -f`` are one line and exit 2, and the previous output is byte for byte as it
was. An amount no shop has (above 10¹²) is a refused row, not a crash in the report.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import stat
import subprocess
import sys
import threading
from pathlib import Path

import polars as pl
import pytest

from tests.reliability.conftest import kunde, kunde_process, no_traceback, quiet_env

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "ordrer.csv"
AS_OF = "2023-12-31"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """The Danish sample shop's first 299 order lines: a real-looking small export."""
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()[:300]
    path = tmp_path / "ordrer.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def segment_csv(export: Path, output: Path | str) -> object:
    return kunde("segment", export, "--as-of", AS_OF, "--format", "csv", "-o", output)


def expected_csv(export: Path, tmp_path: Path) -> bytes:
    """What ``segment`` writes to a plain new file (the bytes every target should get)."""
    plain = tmp_path / "plain" / "segmenter.csv"
    result = segment_csv(export, plain)
    assert result.exit_code == 0, result.stderr
    return plain.read_bytes()


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English messages (``KUNDE_LANG=en``, which a subprocess
    inherits); the ``_in_danish`` tests pass ``--lang da``, which wins over it."""
    monkeypatch.setenv("KUNDE_LANG", "en")


def leftovers(folder: Path) -> list[str]:
    """Temporary files a writer left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- devices, FIFOs and links ----------------------------------------------------------


def test_output_to_a_device_writes_through_and_leaves_a_device(
    export: Path, tmp_path: Path
) -> None:
    # As root a broken writer would replace the machine's /dev/null: use a private
    # null device then. Without root, /dev/null itself (its folder is not writable).
    if os.geteuid() == 0:
        device = tmp_path / "null"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    else:
        device = Path("/dev/null")
    before = device.stat()
    result = segment_csv(export, device)
    assert result.exit_code == 0, result.stderr
    after = device.stat()
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert leftovers(device.parent) == []


def test_output_to_a_fifo_sends_the_bytes_through_it(export: Path, tmp_path: Path) -> None:
    want = expected_csv(export, tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = segment_csv(export, fifo)
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert got == [want]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_link_to_a_file_replaces_that_file_and_stays_a_link(export: Path, tmp_path: Path) -> None:
    want = expected_csv(export, tmp_path)
    shared = tmp_path / "delt"
    shared.mkdir()
    real = shared / "segmenter.csv"
    real.write_bytes(b"last month\n")
    link = tmp_path / "seneste.csv"
    link.symlink_to(real)
    result = segment_csv(export, link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert link.readlink() == real
    assert real.read_bytes() == want
    assert leftovers(shared) == [] and leftovers(tmp_path) == []


def test_dangling_link_is_refused_and_nothing_is_created(export: Path, tmp_path: Path) -> None:
    link = tmp_path / "seneste.csv"
    link.symlink_to(tmp_path / "gone" / "segmenter.csv")
    result = segment_csv(export, link)
    assert result.exit_code == 2
    assert "is a symbolic link to" in result.stderr
    assert "which does not exist; nothing was written" in result.stderr
    no_traceback(result.stderr)
    assert not (tmp_path / "gone").exists()
    assert link.is_symlink()


def test_link_loop_is_refused(export: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.symlink_to(b)
    b.symlink_to(a)
    result = segment_csv(export, a)
    assert result.exit_code == 2
    assert "points back to itself (a loop); nothing was written" in result.stderr
    no_traceback(result.stderr)
    assert a.is_symlink() and b.is_symlink()


def _run_with_stdout(args: list[str], stdout: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "kunde_cli", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=quiet_env(),
        timeout=120,
        check=False,
    )


def test_dev_stdout_writes_to_what_the_shell_opened(export: Path, tmp_path: Path) -> None:
    want = expected_csv(export, tmp_path)
    # A link made like /dev/stdout (→ /proc/self/fd/1), not /dev/stdout itself: as root
    # a broken writer would replace the machine's /dev/stdout with a file.
    stdout_link = tmp_path / "stdout"
    stdout_link.symlink_to("/proc/self/fd/1")
    args = ["segment", str(export), "--as-of", AS_OF, "--format", "csv", "-o", str(stdout_link)]
    # `kunde … -o /dev/stdout | …`: the bytes go down the pipe.
    piped = _run_with_stdout(args, subprocess.PIPE)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == want
    # `kunde … -o /dev/stdout >> log.csv`: added to the file, which is not replaced.
    log = tmp_path / "log.csv"
    log.write_bytes(b"earlier\n")
    inode = log.stat().st_ino
    with log.open("ab") as out:
        appended = _run_with_stdout(args, out)
    assert appended.returncode == 0, appended.stderr
    assert log.read_bytes() == b"earlier\n" + want
    assert log.stat().st_ino == inode
    assert stdout_link.readlink() == Path("/proc/self/fd/1")


# --- a folder where a file belongs, and the reverse -----------------------------------


def test_output_that_is_a_folder_is_refused(export: Path, tmp_path: Path) -> None:
    folder = tmp_path / "rapporter"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    result = segment_csv(export, folder)
    assert result.exit_code == 2
    assert "rapporter: is a folder, not a file; nothing was written" in result.stderr
    no_traceback(result.stderr)
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]


def test_output_that_is_a_folder_is_refused_in_danish(export: Path, tmp_path: Path) -> None:
    folder = tmp_path / "rapporter"
    folder.mkdir()
    result = kunde("segment", export, "--as-of", AS_OF, "-f", "csv", "-o", folder, "--lang", "da")
    assert result.exit_code == 2
    # After the notes on what was counted, the error and its hint, in Danish.
    assert result.stderr.splitlines()[-2:] == [
        f"Fejl: {folder}: er en mappe, ikke en fil; intet blev skrevet",
        f"Tip: angiv et filnavn, fx --output {folder / 'kunde.csv'}",
    ]


def test_output_under_a_file_is_refused(export: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "rapporter"
    blocker.write_text("a file, not a folder")
    result = segment_csv(export, blocker / "segmenter.csv")
    assert result.exit_code == 2
    assert "rapporter is a file, not a folder; nothing was written" in result.stderr
    no_traceback(result.stderr)
    assert blocker.read_text() == "a file, not a folder"


def test_report_folder_that_is_a_file_is_refused(export: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "rapporter"
    blocker.write_text("a file, not a folder")
    result = kunde("report", export, "--as-of", AS_OF, "-d", blocker, "--no-model", "-q")
    assert result.exit_code == 2
    assert "rapporter: is a file, not a folder; nothing was written" in result.stderr
    assert result.stdout == ""
    no_traceback(result.stderr)
    assert blocker.read_text() == "a file, not a folder"


def test_report_folder_that_is_a_file_is_refused_in_danish(export: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "rapporter"
    blocker.write_text("a file, not a folder")
    result = kunde("report", export, "-d", blocker, "--no-model", "-q", "--lang", "da")
    assert result.exit_code == 2
    # Refused before anything is read: --lang is known first, so it is said in Danish.
    assert result.stderr.splitlines() == [
        f"Fejl: {blocker}: er en fil, ikke en mappe; intet blev skrevet",
        "Tip: giv --output et mappenavn, fx --output rapporter",
    ]


def test_report_file_that_is_a_folder_is_refused(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapporter"
    (out / f"kunde-rapport-{AS_OF}.xlsx").mkdir(parents=True)
    result = kunde("report", export, "--as-of", AS_OF, "-d", out, "--no-model", "-q")
    assert result.exit_code == 2
    assert f"kunde-rapport-{AS_OF}.xlsx: is a folder, not a file" in result.stderr
    no_traceback(result.stderr)
    # Refused before anything was written: no HTML beside the folder either.
    assert sorted(p.name for p in out.iterdir()) == [f"kunde-rapport-{AS_OF}.xlsx"]


# --- read-only, permission, disk full, ulimit -f ----------------------------------------


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_folder(export: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "segmenter.csv").write_bytes(b"last month\n")
    folder.chmod(0o555)
    try:
        result = segment_csv(export, folder / "segmenter.csv")
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2
    assert "permission denied; the previous file is unchanged" in result.stderr
    no_traceback(result.stderr)
    assert (folder / "segmenter.csv").read_bytes() == b"last month\n"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "the disk is read-only"),
    ],
)
def test_folder_that_refuses_new_files(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    target = tmp_path / "segmenter.csv"
    target.write_bytes(b"last month\n")

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("kunde_cli.store.atomic.write_temp", refuse)
    result = segment_csv(export, target)
    assert result.exit_code == 2
    assert f"segmenter.csv: cannot write the output: {words}; the previous file is unchanged" in (
        result.stderr
    )
    no_traceback(result.stderr)
    assert target.read_bytes() == b"last month\n"


def _disk_full_on_call(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """The ``n``-th fsync (1-based) of an output finds the disk full."""
    real = os.fsync
    calls = {"n": 0}

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == n:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr("kunde_cli.render.formats.os.fsync", fsync)


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "xlsx"])
def test_disk_full_keeps_the_previous_file(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    target = tmp_path / f"segmenter.{fmt}"
    target.write_bytes(b"last month\n")
    _disk_full_on_call(monkeypatch, 1)
    result = kunde("segment", export, "--as-of", AS_OF, "--format", fmt, "-o", target)
    assert result.exit_code == 2
    assert (
        f"segmenter.{fmt}: cannot write the output: the disk is full; "
        "the previous file is unchanged"
    ) in result.stderr
    assert "Hint: free some space" in result.stderr
    no_traceback(result.stderr)
    assert target.read_bytes() == b"last month\n"
    assert leftovers(tmp_path) == []


def test_disk_full_keeps_the_previous_file_in_danish(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "segmenter.csv"
    target.write_bytes(b"last month\n")
    _disk_full_on_call(monkeypatch, 1)
    result = kunde("segment", export, "--as-of", AS_OF, "-o", target, "--lang", "da")
    assert result.exit_code == 2
    assert (
        f"Fejl: {target}: kan ikke skrive resultatet: disken er fuld; den tidligere fil er uændret"
    ) in result.stderr
    assert (
        "Tip: frigør plads, eller skriv et andet sted med --output, og kør så kommandoen igen"
    ) in result.stderr
    assert target.read_bytes() == b"last month\n"


def test_disk_full_on_a_new_file_says_nothing_was_written(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _disk_full_on_call(monkeypatch, 1)
    result = kunde("export", "--segment", "champion", export, "--as-of", AS_OF, "-o",
                   tmp_path / "liste.csv")  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert "the disk is full; nothing was written" in result.stderr
    no_traceback(result.stderr)
    assert list(tmp_path.iterdir()) == [export]


def test_disk_full_during_report_keeps_both_previous_files(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "rapporter"
    out.mkdir()
    html, xlsx = out / f"kunde-rapport-{AS_OF}.html", out / f"kunde-rapport-{AS_OF}.xlsx"
    html.write_bytes(b"<p>last month</p>")
    xlsx.write_bytes(b"last month's workbook")
    # The HTML is written in full; the workbook finds the disk full.
    _disk_full_on_call(monkeypatch, 2)
    result = kunde("report", export, "--as-of", AS_OF, "-d", out, "--no-model", "-q")
    assert result.exit_code == 2
    assert "the disk is full; the previous report files are unchanged" in result.stderr
    assert result.stdout == ""
    no_traceback(result.stderr)
    assert html.read_bytes() == b"<p>last month</p>"
    assert xlsx.read_bytes() == b"last month's workbook"
    assert leftovers(out) == []


def _file_size_limit(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_ulimit_f_during_report_is_one_line(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapporter"
    out.mkdir()
    html = out / f"kunde-rapport-{AS_OF}.html"
    html.write_bytes(b"<p>last month</p>")
    result = kunde_process(
        "report", export, "--as-of", AS_OF, "-d", out, "--no-model", "-q",
        preexec_fn=lambda: _file_size_limit(8192),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "larger than this system allows (ulimit -f)" in result.stderr
    assert "the previous report files are unchanged" in result.stderr
    assert result.stdout == ""
    no_traceback(result.stderr)
    assert html.read_bytes() == b"<p>last month</p>"
    assert sorted(p.name for p in out.iterdir()) == [html.name]


def test_ulimit_f_during_an_analysis_output(export: Path, tmp_path: Path) -> None:
    target = tmp_path / "clv.csv"
    target.write_bytes(b"last month\n")
    result = kunde_process(
        "clv", export, "--as-of", AS_OF, "-o", target,
        preexec_fn=lambda: _file_size_limit(2048),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "clv.csv: cannot write the output: the file would be larger" in result.stderr
    assert "the previous file is unchanged" in result.stderr
    no_traceback(result.stderr)
    assert target.read_bytes() == b"last month\n"


def test_ulimit_f_during_demo(tmp_path: Path) -> None:
    result = kunde_process(
        "demo", "--out", tmp_path / "demo", "--customers", "50",
        preexec_fn=lambda: _file_size_limit(4096),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "ulimit -f" in result.stderr and "nothing was written" in result.stderr
    no_traceback(result.stderr)
    assert list((tmp_path / "demo").iterdir()) == []


def test_a_polars_disk_error_anywhere_is_one_line(
    export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Polars raises ComputeError (not OSError) when it meets a full disk itself.
    def full(*args: object, **kwargs: object) -> None:
        raise pl.exceptions.ComputeError(
            "parquet: underlying IO error: No space left on device (os error 28)"
        )

    monkeypatch.setattr("kunde_cli.app.loading.load", full)
    result = kunde("segment", export, "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "Error: kunde stopped: the disk is full;" in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("Error")]) == 1
    no_traceback(result.stderr)


# --- an amount that would overflow the report ------------------------------------------

ABSURD = (
    "Ordrenummer;Ordredato;Kundenummer;Navn;E-mail;Beløb;Status\n"
    "1001;02-11-2023 18:31;10001;Anna Holm;anna@mail.dk;749,00;Betalt\n"
    "1002;05-11-2023 10:00;10002;Bo Lund;bo@mail.dk;9999999999999999999;Betalt\n"
    "1003;10-11-2023 12:00;10001;Anna Holm;anna@mail.dk;199,50;Betalt\n"
    "1004;12-11-2023 09:00;10003;Eva Dahl;eva@mail.dk;-1000000000000,01;Refunderet\n"
)


@pytest.fixture
def absurd(tmp_path: Path) -> Path:
    path = tmp_path / "ordrer.csv"
    path.write_text(ABSURD, encoding="utf-8")
    return path


def test_absurd_amounts_are_refused_rows_with_their_reason(absurd: Path) -> None:
    result = kunde("inspect", absurd, "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)[0]
    assert (info["accepted"], info["rejected"]) == (2, 2)
    assert info["problems"] == [
        {
            "column": "Beløb",
            "reason": "amount above 1 000 000 000 000 (a typo?)",
            "reason_code": "amount_too_large",
            "rows": 2,
            "first_rows": "3, 5",
            "example": "9999999999999999999",
        }
    ]


def test_absurd_amount_does_not_crash_the_report(absurd: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapporter"
    result = kunde("report", absurd, "--as-of", AS_OF, "-d", out, "--no-model", "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        str(out / f"kunde-rapport-{AS_OF}.html"),
        str(out / f"kunde-rapport-{AS_OF}.xlsx"),
    ]


def test_absurd_amount_does_not_crash_the_workbook_or_clv(absurd: Path, tmp_path: Path) -> None:
    book = tmp_path / "segmenter.xlsx"
    result = kunde("segment", absurd, "--as-of", AS_OF, "--format", "xlsx", "-o", book)
    assert result.exit_code == 0, result.stderr
    assert book.read_bytes()[:2] == b"PK"
    clv = kunde("clv", absurd, "--as-of", AS_OF, "--format", "csv")
    assert clv.exit_code == 0, clv.stderr
    rows = pl.read_csv(clv.stdout.encode(), schema_overrides={"customer_id": pl.String})
    # Only Anna's two real orders count: 749,00 + 199,50.
    assert rows.select("customer_id", "orders", "revenue_to_date").rows() == [("10001", 2, 948.5)]


def test_absurd_number_cell_in_a_workbook_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "ordrer.xlsx"
    pl.DataFrame(
        {
            "order_id": ["1", "2", "3"],
            "order_date": ["2023-11-02", "2023-11-05", "2023-11-10"],
            "customer_id": ["c1", "c2", "c1"],
            "amount": [100.0, 1e300, 250.25],
        }
    ).write_excel(book)
    result = kunde("clv", book, "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = pl.read_csv(result.stdout.encode())
    assert rows.select("customer_id", "revenue_to_date").rows() == [("c1", 350.25)]
    assert "1 rows could not be used" in result.stderr
