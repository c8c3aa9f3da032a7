"""Overlapping cron jobs: real ``kunde ingest`` processes on one workspace.

Writers are serialised by the workspace lock: a second run waits up to ``--wait``
seconds, then gives up with a message naming the run that holds the lock; lines that
both exports contain are stored once. A lock left by a killed run is taken over.

To make "while the other one holds the lock" deterministic, the first run is frozen
with SIGSTOP as soon as it holds the lock and thawed with SIGCONT later.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from kunde_cli import schema as s
from kunde_cli import synth
from kunde_cli.store import LOCK_FILE, Workspace
from reliability.conftest import (
    ingest_json,
    kunde_process,
    listed_files,
    no_traceback,
    quiet_env,
    snapshot,
)

LINES = 5000
OVERLAP = 1000  # lines in both exports
KUNDE = (sys.executable, "-m", "kunde_cli")


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> tuple[Path, Path]:
    """January's export (lines 0–2999) and February's (2000–4999): 1,000 lines in both."""
    folder = tmp_path_factory.mktemp("exports")
    lines = synth.generate_orders(n_lines=LINES, seed=5)
    jan, feb = folder / "jan.csv", folder / "feb.csv"
    synth.write_danish_csv(lines.slice(0, 3000), jan)
    synth.write_danish_csv(lines.slice(3000 - OVERLAP), feb)
    return jan, feb


def start_ingest(path: Path, ws: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*KUNDE, "ingest", str(path), "--workspace", str(ws), "--format", "json", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=quiet_env(),
    )


def lock_holder(ws: Path) -> int | None:
    """The pid written in the lock file (None when free or not written yet)."""
    try:
        text = (ws / LOCK_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return json.loads(text)["pid"] if text.strip() else None
    except (json.JSONDecodeError, KeyError):
        return None  # caught between truncate and write


def wait_until_locked_by(proc: subprocess.Popen[str], ws: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while lock_holder(ws) != proc.pid:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never took the lock"
        time.sleep(0.005)


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    no_traceback(out, err)
    return proc.returncode, out, err


def check_each_line_once(ws: Path) -> pl.DataFrame:
    stored = Workspace(ws).scan_orders().collect()
    assert stored.height == LINES
    assert stored.select(pl.struct(s.ORDER_ID, s.LINE_NO).n_unique()).item() == LINES
    return stored


def test_two_runs_at_the_same_moment_store_each_line_once(tmp_path, exports):
    jan, feb = exports
    ws = tmp_path / "ws"
    procs = [start_ingest(jan, ws), start_ingest(feb, ws)]
    rows = []
    for proc in procs:
        code, out, err = finish(proc)
        assert code == 0, err
        rows += json.loads(out)
    assert sum(r["accepted"] for r in rows) == LINES
    assert sum(r["duplicates"] for r in rows) == OVERLAP
    assert all(r["rows_read"] == r["accepted"] + r["duplicates"] + r["rejected"] for r in rows)
    check_each_line_once(ws)


def test_second_run_waits_and_a_third_gives_up_naming_the_first(tmp_path, exports):
    jan, feb = exports
    ws = tmp_path / "ws"
    first = start_ingest(jan, ws)
    wait_until_locked_by(first, ws)
    os.kill(first.pid, signal.SIGSTOP)  # frozen while it holds the lock
    try:
        second = start_ingest(feb, ws, "--wait", "120")
        # A run with a short --wait gives up: exit 2, one line naming the holder.
        started = time.monotonic()
        third = kunde_process("ingest", feb, "--workspace", ws, "--wait", "1", "--lang", "en")
        waited = time.monotonic() - started
        no_traceback(third.stdout, third.stderr)
        assert third.returncode == 2
        error, hint = third.stderr.splitlines()
        assert error.startswith(
            f"Error: {ws}: workspace is busy: another kunde ingest (pid {first.pid}) "
            "has been running since "
        )
        assert hint == "Hint: let it finish, or wait for it with --wait SECONDS"
        assert waited >= 1
        # Meanwhile the second run is still waiting, and nothing was written.
        assert second.poll() is None
        assert not (ws / "manifest.json").exists()
    finally:
        os.kill(first.pid, signal.SIGCONT)
    code, out, err = finish(first)
    assert code == 0, err
    (jan_row,) = json.loads(out)
    code, out, err = finish(second)
    assert code == 0, err
    (feb_row,) = json.loads(out)
    # The second stored after the first: the shared lines are its duplicates.
    assert (jan_row["accepted"], jan_row["duplicates"]) == (3000, 0)
    assert (feb_row["accepted"], feb_row["duplicates"]) == (LINES - 3000, OVERLAP)
    check_each_line_once(ws)
    sources = Workspace(ws).manifest()["sources"]
    assert [Path(x["path"]).name for x in sources] == ["jan.csv", "feb.csv"]


def test_stale_lock_of_a_killed_run_is_cleared(tmp_path, exports):
    jan, feb = exports
    ws = tmp_path / "ws"
    done = kunde_process("ingest", jan, "--workspace", ws)
    assert done.returncode == 0, done.stderr
    lines_before = Workspace(ws).scan_orders().collect().height
    victim = start_ingest(feb, ws)
    wait_until_locked_by(victim, ws)
    victim.kill()  # SIGKILL while holding the lock: the lock file still names it
    victim.communicate()
    assert lock_holder(ws) == victim.pid
    assert Workspace(ws).scan_orders().collect().height == lines_before
    # The next run does not wait for the dead one (even with --wait 0) and succeeds.
    started = time.monotonic()
    again = kunde_process("ingest", feb, "--workspace", ws, "--wait", "0", "--format", "json")
    assert again.returncode == 0, again.stderr
    assert time.monotonic() - started < 60
    (row,) = ingest_json(again)
    assert (row["accepted"], row["duplicates"]) == (LINES - 3000, OVERLAP)
    check_each_line_once(ws)
    assert lock_holder(ws) is None  # released cleanly this time
    # The killed run's leftovers are gone: every data file is one the manifest lists.
    assert set(snapshot(ws)) - {"manifest.json", "rejects.csv"} == listed_files(ws)
