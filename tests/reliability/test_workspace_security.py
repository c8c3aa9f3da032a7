"""A workspace only its owner can bend (issue 14, point 8).

A workspace folder another user owns, or can write to, is refused (exit 2, one line
and a hint) by writers and readers alike; an empty folder of the user's own is made
private instead. Nothing inside a workspace is opened through a symbolic link: a
planted ``.lock`` link must not truncate the file it points to, a planted
``manifest.json`` (or part, identity, sub-folder) link is refused.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kunde_cli import synth
from kunde_cli.store import LOCK_FILE, MANIFEST, Workspace
from kunde_cli.store import files as store_files
from kunde_cli.store.layout import READERS_FILE
from reliability.conftest import kunde, kunde_process, no_traceback, snapshot


@pytest.fixture(autouse=True)
def english(monkeypatch) -> None:
    """These tests read the English messages ($KUNDE_LANG, which --lang would override);
    the Danish ones are checked at the end of this file."""
    monkeypatch.setenv("KUNDE_LANG", "en")


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "ordrer.csv"
    synth.write_danish_csv(synth.generate_orders(n_lines=200, seed=8), path)
    return path


@pytest.fixture
def ws(tmp_path, export) -> Path:
    """A workspace with one export ingested."""
    folder = tmp_path / "ws"
    done = kunde("ingest", export, "--workspace", folder)
    assert done.exit_code == 0, done.stderr
    return folder


def refused(result, *needles: str) -> str:
    """Exit 2, an error line and a hint, no traceback; the error line returned."""
    no_traceback(result.stdout, result.stderr)
    code = getattr(result, "exit_code", getattr(result, "returncode", None))
    assert code == 2, result.stderr
    *notes, error, hint = result.stderr.strip().splitlines()  # notes: e.g. "already ingested"
    assert not any(line.startswith("Error") for line in notes), result.stderr
    assert error.startswith("Error: ") and hint.startswith("Hint: ")
    for needle in needles:
        assert needle in error, error
    return error


# --- whose folder ---------------------------------------------------------------------


def test_a_world_writable_workspace_is_refused_for_writing_and_reading(ws, export):
    ws.chmod(0o777)
    before = snapshot(ws)
    error = refused(
        kunde("ingest", export, "--workspace", ws), "other users can change", "mode 777"
    )
    assert error.startswith(f"Error: {ws}: ")
    refused(kunde("segment", "--workspace", ws), "other users can change")
    assert snapshot(ws) == before
    assert stat.S_IMODE(ws.stat().st_mode) == 0o777  # not "fixed" behind the user's back


def test_a_group_writable_workspace_is_refused_with_the_fix(ws, export):
    ws.chmod(0o770)
    result = kunde("churn", "--workspace", ws)
    refused(result, "mode 770")
    assert f"chmod 700 {ws}" in result.stderr
    ws.chmod(0o700)  # the fix the hint gives
    assert kunde("churn", "--workspace", ws).exit_code == 0


def test_an_empty_folder_of_ones_own_is_made_private(tmp_path, export):
    folder = tmp_path / "mine"
    folder.mkdir()
    folder.chmod(0o777)
    done = kunde("ingest", export, "--workspace", folder)
    assert done.exit_code == 0, done.stderr
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_readable_but_not_writable_folder_is_accepted(ws):
    ws.chmod(0o755)  # others may look (the files inside are 0600), not change
    assert kunde("segment", "--workspace", ws).exit_code == 0


def test_a_folder_another_user_owns_is_refused(ws, export, monkeypatch):
    # Ownership by another user needs root to set up; the check compares with the uid.
    monkeypatch.setattr(store_files, "_current_uid", lambda: os.getuid() + 1)
    before = snapshot(ws)
    refused(kunde("ingest", export, "--workspace", ws), "belongs to another user")
    refused(kunde("segment", "--workspace", ws), "belongs to another user")
    assert snapshot(ws) == before


def test_a_new_folder_of_another_user_is_refused_too(tmp_path, export, monkeypatch):
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(store_files, "_current_uid", lambda: os.getuid() + 1)
    refused(kunde("ingest", export, "--workspace", folder), "belongs to another user")
    assert list(folder.iterdir()) == []


# --- links inside the workspace ---------------------------------------------------------


def test_a_planted_lock_link_is_not_followed(ws, export, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("someone's thesis\n", encoding="utf-8")
    victim.chmod(0o644)
    (ws / LOCK_FILE).unlink()
    (ws / LOCK_FILE).symlink_to(victim)
    before = snapshot(ws)
    result = kunde_process("ingest", export, "--workspace", ws)  # a real process, as cron
    refused(result, ".lock in the workspace is a symbolic link")
    assert victim.read_text(encoding="utf-8") == "someone's thesis\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert (ws / LOCK_FILE).is_symlink()
    assert snapshot(ws) == before


def test_a_fifo_as_lock_is_refused_without_hanging(ws, export):
    (ws / LOCK_FILE).unlink()
    os.mkfifo(ws / LOCK_FILE)
    refused(kunde_process("ingest", export, "--workspace", ws, timeout=60), "is not a file")


def test_a_planted_manifest_link_is_refused(ws, export, tmp_path):
    elsewhere = tmp_path / "their-manifest.json"
    (ws / MANIFEST).rename(elsewhere)
    (ws / MANIFEST).symlink_to(elsewhere)
    refused(
        kunde("segment", "--workspace", ws), "manifest.json in the workspace is a symbolic link"
    )
    before = snapshot(ws)
    refused(kunde("ingest", export, "--workspace", ws), "manifest.json", "symbolic link")
    assert (ws / MANIFEST).is_symlink() and snapshot(ws) == before


def test_a_dangling_manifest_link_is_not_taken_for_a_new_workspace(tmp_path, export):
    folder = tmp_path / "ws"
    folder.mkdir(mode=0o700)
    (folder / MANIFEST).symlink_to(tmp_path / "nowhere.json")
    refused(kunde("ingest", export, "--workspace", folder), "symbolic link")
    assert (folder / MANIFEST).is_symlink()


def test_links_to_data_files_and_folders_are_refused(ws, tmp_path):
    manifest = Workspace(ws).manifest()
    identity = ws / manifest["identity"]
    moved = tmp_path / "identity.parquet"
    identity.rename(moved)
    identity.symlink_to(moved)
    refused(kunde("segment", "--workspace", ws), "is a symbolic link")
    identity.unlink()
    moved.rename(identity)
    part = ws / manifest["orders"][0]["file"]
    moved = tmp_path / "part.parquet"
    part.rename(moved)
    part.symlink_to(moved)
    refused(kunde("segment", "--workspace", ws), "is a symbolic link")
    part.unlink()
    moved.rename(part)
    orders = ws / "orders"
    orders.rename(tmp_path / "orders")
    orders.symlink_to(tmp_path / "orders")
    refused(kunde("segment", "--workspace", ws), "orders in the workspace is a symbolic link")


def test_recover_never_deletes_through_a_linked_folder(ws, tmp_path, export):
    # A linked orders/ folder pointing at someone's files named like part files.
    theirs = tmp_path / "theirs"
    (ws / "orders").rename(theirs)
    (ws / "orders").symlink_to(theirs)
    bait = theirs / "part-19990101T000000000000-00000000-000000.parquet"
    bait.write_bytes(b"not ours")
    kunde("ingest", export, "--workspace", ws)
    assert bait.read_bytes() == b"not ours"


def test_the_readers_lock_is_not_followed_either(ws, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("x", encoding="utf-8")
    (ws / READERS_FILE).unlink()
    (ws / READERS_FILE).symlink_to(victim)
    refused(kunde("segment", "--workspace", ws), ".readers in the workspace is a symbolic link")
    assert victim.read_text(encoding="utf-8") == "x"


def test_files_are_made_owner_only(ws):
    for path in ws.rglob("*"):
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path


# --- in Danish, the default language ----------------------------------------------------------


def test_an_open_workspace_is_refused_in_danish_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("KUNDE_LANG")
    folder = tmp_path / "open"
    folder.mkdir()
    (folder / MANIFEST).write_text("{}", encoding="utf-8")
    folder.chmod(0o777)
    result = kunde("forget", "a@b.dk", "--workspace", folder, "--yes")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Fejl: {folder}: andre brugere kan ændre arbejdsmappen (rettigheder 777); kunde bruger "
        "kun en privat mappe",
        f"Tip: gør den privat med `chmod 700 {folder}`, eller angiv en anden --workspace",
    ]
    english = kunde("forget", "a@b.dk", "--workspace", folder, "--yes", "--lang", "en")
    assert english.stderr.splitlines()[0] == (
        f"Error: {folder}: other users can change the workspace folder (mode 777); kunde "
        "only uses a private one"
    )
