"""Readers survive a commit (issue 14, point 7).

Every ingest replaces the identity file and deletes the old one after committing the
manifest; ``forget`` replaces part files the same way. A reader that read the old
manifest a moment before must still find every file it lists: readers hold a shared
lock on ``.readers``, writers delete superseded files only when nobody holds it, and a
reader that finds a listed file gone all the same reads the manifest again.

The harness at the end runs real reader processes in a loop against a writer that
ingests over and over; the unit tests force each race deterministically.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kunde_cli import schema as s
from kunde_cli import synth
from kunde_cli.errors import WorkspaceError
from kunde_cli.store import MANIFEST, SourceInfo, Workspace
from kunde_cli.store import lock as store_lock
from reliability.conftest import kunde_process, listed_files, no_traceback, quiet_env

KUNDE = (sys.executable, "-m", "kunde_cli")


def lines(start: int, n: int) -> pl.DataFrame:
    """``n`` order lines, order ids ``start``…, one new customer each (a new identity)."""
    ids = list(range(start, start + n))
    return pl.DataFrame(
        {
            s.ORDER_ID: [f"o{i}" for i in ids],
            s.LINE_NO: [1] * n,
            s.CUSTOMER_ID: [f"c{i}" for i in ids],
            s.EMAIL: [f"k{i}@example.dk" for i in ids],
            s.ORDER_DATE: [date(2025, 1, 1) + timedelta(days=i % 300) for i in ids],
            s.AMOUNT: [100.0 + i for i in ids],
        }
    )


def ingest(ws: Workspace, start: int, n: int = 5) -> None:
    ws.append_orders(
        lines(start, n),
        s.empty_rejects(),
        source=SourceInfo(f"e{start}.csv", sha256=f"{start:064x}"),
    )


def identity_file(ws: Workspace) -> Path:
    return ws.path / ws.manifest()["identity"]


# --- the race, forced ------------------------------------------------------------------


def test_a_file_deleted_between_manifest_and_read_is_read_from_the_new_manifest(
    tmp_path, monkeypatch
):
    writer = Workspace(tmp_path / "ws")
    ingest(writer, 0)
    stale = writer.manifest()  # what a reader read a moment before the commit
    ingest(writer, 100)  # a new identity file; the old one is deleted (no reader held it)
    assert not (writer.path / stale["identity"]).exists()
    real = Workspace._read_manifest
    calls: list[int] = []

    def first_stale(self: Workspace) -> dict:
        calls.append(1)
        return stale if len(calls) == 1 else real(self)

    monkeypatch.setattr(Workspace, "_read_manifest", first_stale)
    got = Workspace(writer.path).scan_orders().collect()
    monkeypatch.undo()
    assert len(calls) == 2  # read, found the identity gone, read the manifest again
    assert_frame_equal(got, Workspace(writer.path).scan_orders().collect())
    assert got.height == 10


def test_without_the_retry_the_race_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    writer = Workspace(tmp_path / "ws")
    ingest(writer, 0)
    stale = writer.manifest()
    ingest(writer, 100)
    monkeypatch.setattr(store_lock, "READ_ATTEMPTS", 1)
    monkeypatch.setattr(Workspace, "_read_manifest", lambda self: stale)
    with pytest.raises(WorkspaceError, match="the workspace is missing 1 data file"):
        Workspace(writer.path).scan_orders()


def test_a_part_gone_between_manifest_and_scan_is_retried(tmp_path, monkeypatch):
    # forget replaces part files: the same race for parts instead of the identity file.
    ws = Workspace(tmp_path / "ws")
    ingest(ws, 0)
    manifest = ws.manifest()
    part = ws.path / manifest["orders"][0]["file"]
    moved = part.with_name("part-moved.parquet")
    part.rename(moved)
    renamed = json.loads(json.dumps(manifest))
    renamed["orders"][0]["file"] = f"orders/{moved.name}"
    real = Workspace._read_manifest
    calls: list[int] = []

    def old_then_new(self: Workspace) -> dict:
        calls.append(1)
        return manifest if len(calls) == 1 else renamed

    monkeypatch.setattr(Workspace, "_read_manifest", old_then_new)
    got = Workspace(ws.path).scan_orders().collect()
    monkeypatch.setattr(Workspace, "_read_manifest", real)
    assert len(calls) == 2 and got.height == 5


# --- the readers' lock --------------------------------------------------------------------

READER = textwrap.dedent(
    """
    import sys, time
    from kunde_cli.store import Workspace
    ws = Workspace(sys.argv[1])
    frame = ws.scan_orders()          # holds the readers' lock from here
    print("reading", flush=True)
    sys.stdin.readline()              # the test ingests meanwhile
    print(frame.collect().height, flush=True)
    """
)


def test_a_reading_process_keeps_the_old_files_until_it_is_done(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ingest(ws, 0)
    old_identity = identity_file(ws)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(ws.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=quiet_env(),
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline() == "reading\n"
        ingest(ws, 100)  # commits, but may not delete what the reader may still read
        assert identity_file(ws) != old_identity
        assert old_identity.exists()
        out, _ = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    assert reader.returncode == 0 and out.strip() == "5"  # the old manifest's lines, whole
    # The reader is gone: the next writer removes what was kept for it.
    with ws.lock():
        pass
    assert not old_identity.exists()
    assert {p.name for p in ws.path.glob("identity-*")} == {identity_file(ws).name}


def test_this_process_reading_does_not_stop_its_own_writer(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ingest(ws, 0)
    frame = ws.scan_orders()  # this object now holds the readers' lock
    other = Workspace(ws.path)
    other.scan_orders()  # and so does a second object of this process (the same lock)
    old = identity_file(ws)
    ingest(ws, 100)
    ingest(other, 200)
    assert not old.exists()  # flock locks belong to the open file: ours is no obstacle
    assert {p.name for p in ws.path.glob("identity-*")} == {identity_file(ws).name}
    assert ws.scan_orders().collect().height == 15
    del frame


def test_the_lock_ends_with_the_object(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ingest(ws, 0)
    reader = Workspace(ws.path)
    reader.scan_orders()
    key = store_lock._folder_key(ws.path)
    assert key in store_lock._READERS
    del reader
    assert key not in store_lock._READERS
    held = Workspace(ws.path)
    held.scan_survey()
    assert key in store_lock._READERS
    held.close()
    assert key not in store_lock._READERS


def test_a_workspace_where_readers_cannot_lock_is_still_readable(tmp_path, monkeypatch):
    # A read-only workspace: .readers cannot be made; nobody can delete there either.
    ws = Workspace(tmp_path / "ws")
    ingest(ws, 0)
    (ws.path / store_lock.READERS_FILE).unlink()
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if flags & os.O_CREAT:
            raise OSError(30, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    assert Workspace(ws.path).scan_orders().collect().height == 5
    assert Workspace(ws.path).read_rejects().height == 0
    assert not (ws.path / store_lock.READERS_FILE).exists()


def test_recover_keeps_unlisted_files_while_someone_reads(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ingest(ws, 0)
    leftover = ws.path / "identity-20000101T000000000000-abcdef.parquet"
    leftover.write_bytes(identity_file(ws).read_bytes())
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(ws.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=quiet_env(),
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline() == "reading\n"
        with ws.lock():
            pass
        assert leftover.exists()  # perhaps a superseded file the reader still reads
    finally:
        reader.communicate("go\n", timeout=60)
    with ws.lock():
        pass
    assert not leftover.exists()
    assert set(p.name for p in ws.path.glob("identity-*")) == {identity_file(ws).name}


# --- the harness: many readers against a writer -------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from kunde_cli.store import Workspace, erase
    sys.path.insert(0, sys.argv[3])
    from reliability.test_readers_commit import ingest
    # Readers never stop here: forget must not wait for them to let go of old files.
    erase.OLD_FILES_WAIT_SECONDS = 0
    ws = Workspace(sys.argv[1])
    for i in range(int(sys.argv[2])):
        ingest(ws, 1000 + 10 * i)  # a new identity file, the old one superseded
        ws.forget(f"k{1000 + 10 * i}@example.dk")  # a new part file, the old one superseded
    open(sys.argv[4], "w").close()
    print("done", flush=True)
    """
)

READERS_LOOP = textwrap.dedent(
    """
    import sys, time, traceback
    from pathlib import Path
    from kunde_cli.store import Workspace
    failures, heights = 0, []
    done = Path(sys.argv[3])
    while len(heights) + failures < int(sys.argv[2]) or not done.exists():
        try:
            ws = Workspace(sys.argv[1])   # a new object: takes and ends the lock each time
            orders = ws.scan_orders()
            ws.scan_survey()
            time.sleep(0.005)             # the lazy frame is read a moment later, as in a report
            heights.append(orders.collect().height)
            del ws, orders
        except Exception:
            failures += 1
            traceback.print_exc()
    print(failures, min(heights or [0]), max(heights or [0]), flush=True)
    """
)


def test_readers_in_a_loop_never_fail_while_a_writer_ingests(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ingest(ws, 0)
    tests_dir = str(Path(__file__).resolve().parents[1])
    done = tmp_path / "writer-done"
    # 8 reader processes, each reading at least 25 times and on until the writer is
    # done: 200+ reads racing 80 commits (40 ingests, 40 forgets).
    commits, n_readers, reads_each = 40, 8, 25
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(ws.path), str(commits), tests_dir, str(done)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=quiet_env(),
    )
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READERS_LOOP, str(ws.path), str(reads_each), str(done)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=quiet_env(),
        )
        for _ in range(n_readers)
    ]
    out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0 and out.strip() == "done", err
    for reader in readers:
        out, err = reader.communicate(timeout=300)
        assert reader.returncode == 0, err
        failures, low, high = map(int, out.split())
        assert failures == 0, err
        assert 5 <= low <= high <= 5 + 5 * commits
    assert ws.scan_orders().collect().height == 5 + 5 * commits
    # Once everyone is done, the next writer leaves only what the manifest lists.
    with ws.lock():
        pass
    data = {str(p.relative_to(ws.path)) for p in ws.path.rglob("*.parquet")}
    assert data == listed_files(ws.path)


def test_cli_readers_survive_repeated_ingests(tmp_path):
    """Real `kunde segment`/`churn`/`report` runs while `kunde ingest` commits again and
    again (the nightly cron of the issue): every one exits 0."""
    ws = tmp_path / "ws"
    exports = tmp_path / "exports"
    exports.mkdir()
    all_lines = synth.generate_orders(n_lines=3000, seed=14)
    paths = []
    for i in range(8):
        path = exports / f"e{i}.csv"
        synth.write_danish_csv(all_lines.slice(0, 600 + 300 * i), path)
        paths.append(path)
    first = kunde_process("ingest", paths[0], "--workspace", ws)
    assert first.returncode == 0, first.stderr

    # One shell runs the seven further ingests one after the other: seven commits.
    script = " && ".join(
        f"{sys.executable} -m kunde_cli ingest {p} -w {ws} --wait 60" for p in paths[1:]
    )
    writer = subprocess.Popen(
        ["sh", "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=quiet_env(),
    )

    def command(i: int) -> list[str]:
        which = ("segment", "churn", "report")[i % 3]
        if which == "report":
            return [*KUNDE, "report", "-w", str(ws), "-d", str(tmp_path / f"rep{i}"), "-q"]
        return [*KUNDE, which, "-w", str(ws), "--format", "json"]

    runs: list[tuple[list[str], int, str]] = []
    started = time.monotonic()
    while writer.poll() is None or len(runs) < 12:
        batch = [
            subprocess.Popen(
                command(len(runs) + k),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=quiet_env(),
            )
            for k in range(6)
        ]
        for proc in batch:
            out, err = proc.communicate(timeout=300)
            no_traceback(out, err)
            runs.append((proc.args, proc.returncode, err))  # type: ignore[arg-type]
        assert time.monotonic() - started < 600
    out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    failed = [(args[3:], err) for args, code, err in runs if code != 0]
    assert failed == [], failed
    assert (ws / MANIFEST).exists()


def test_forget_says_when_a_running_reader_keeps_the_persons_old_files(tmp_path, monkeypatch):
    """Old part files still hold the erased person while another run reads them: forget
    waits a moment, then says so; the next writer removes them once the reader is done."""
    from kunde_cli.store import erase

    monkeypatch.setattr(erase, "OLD_FILES_WAIT_SECONDS", 0.5)
    ws = Workspace(tmp_path / "ws")
    ingest(ws, 0)
    old_part = ws.path / ws.manifest()["orders"][0]["file"]
    with subprocess.Popen(
        [sys.executable, "-c", READER, str(ws.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=quiet_env(),
    ) as reader:
        assert reader.stdout is not None and reader.stdout.readline() == "reading\n"
        summary = Workspace(ws.path).forget("k1@example.dk")
        assert summary.order_lines == 1
        assert summary.old_files_left >= 1  # the old part (and identity) still on disk
        assert old_part.exists()
        out, _ = reader.communicate("go\n", timeout=60)
    assert out.strip() == "5"
    with Workspace(ws.path).lock():  # the next writer, once the reader is gone
        pass
    assert not old_part.exists()


def test_forget_waits_for_a_short_read_to_end(tmp_path):
    """A reader that finishes within the wait: the old files go, nothing left to say."""
    ws = Workspace(tmp_path / "ws")
    ingest(ws, 0)
    with subprocess.Popen(
        [sys.executable, "-c", READER, str(ws.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=quiet_env(),
    ) as reader:
        assert reader.stdout is not None and reader.stdout.readline() == "reading\n"
        assert reader.stdin is not None
        reader.stdin.write("go\n")
        reader.stdin.flush()  # the reader finishes while forget waits
        summary = Workspace(ws.path).forget("k1@example.dk")
        reader.communicate(timeout=60)
    assert summary.old_files_left == 0
