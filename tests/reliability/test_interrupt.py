"""Killing kunde at any moment (SIGKILL: no cleanup runs) loses nothing.

A real ``python -m kunde_cli ingest`` works on a large generated export and is killed
at seeded random moments, and once the moment its first file appears in the workspace.
Afterwards every file that was in the workspace is byte-for-byte as it was, the
workspace loads with exactly the old lines, and the only new files are leftovers that
readers ignore and the next writer removes — after which the folder is identical to
before. The same for ``kunde report``: earlier reports are untouched and no report
file with its final name is ever half written.
"""

from __future__ import annotations

import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kunde_cli import schema as s
from kunde_cli import synth
from kunde_cli.store import Workspace
from reliability.conftest import (
    ingest_json,
    kunde,
    kunde_process,
    listed_files,
    quiet_env,
    snapshot,
)

KILLS = 4  # at seeded random moments, plus one as the first file is written
SEED = 20240308
# What a killed writer may leave: temporary files, and parts, identity and tables files
# written before the manifest (never listed, so never read; the next writer removes them).
_LEFTOVER = re.compile(r"(^|/)(\.kunde-tmp-[^/]*|(orders|survey|rejects)/part-[^/]*\.parquet|identity-[^/]*\.parquet|tables/(orders|customers)-[^/]*\.parquet)$")  # fmt: skip


def make_exports(folder: Path, n_lines: int) -> tuple[Path, Path]:
    """An earlier small export (with 8 broken rows) and a large new one."""
    folder.mkdir(parents=True, exist_ok=True)
    small, big = folder / "ordrer-2024.csv", folder / "ordrer-alle.csv"
    synth.write_danish_csv(synth.generate_orders(n_lines=3000, seed=3), small, bad_rows=True)
    synth.write_danish_csv(synth.generate_orders(n_lines=n_lines, seed=11), big)
    return small, big


def pristine_workspace(folder: Path, small: Path) -> Path:
    ws = folder / "ws"
    result = kunde("ingest", small, "--workspace", ws, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return ws


def run_and_kill(
    args: list[str | Path], *, after: float | None = None, when: Callable[[], bool] | None = None
) -> tuple[int | None, float]:
    """Start ``python -m kunde_cli ARGS``; SIGKILL it ``after`` seconds or as soon as
    ``when()`` is true. Returns (exit code if it finished first, else None; seconds run)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kunde_cli", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=quiet_env(),
    )
    started = time.monotonic()
    deadline = started + (after if after is not None else 300)
    while proc.poll() is None and time.monotonic() < deadline:
        if when is not None and when():
            break
        time.sleep(0.002)
    finished = proc.poll()
    if finished is None:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return finished, time.monotonic() - started


def check_as_before(ws: Path, before: dict[str, str], lines_before: pl.DataFrame) -> None:
    """Nothing that was there changed or went missing; new files are only leftovers."""
    after = snapshot(ws)
    changed = sorted(name for name, digest in before.items() if after.get(name) != digest)
    assert changed == [], f"changed or lost after the kill: {changed}"
    extra = set(after) - set(before)
    assert all(_LEFTOVER.search(name) for name in extra), extra
    assert not extra & listed_files(ws)
    # Readers see exactly the old lines (they ignore unlisted files).
    assert_frame_equal(Workspace(ws).scan_orders().collect(), lines_before)
    # The next writer removes the leftovers; then the folder is as it was, byte for byte.
    with Workspace(ws).lock(wait_seconds=5):
        pass
    assert snapshot(ws) == before


def kill_moments(duration: float, n: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    return sorted(rng.uniform(0.1, 0.95) * duration for _ in range(n))


def new_file_in(folder: Path, before: dict[str, str]) -> Callable[[], bool]:
    def appeared() -> bool:
        return any(
            p.is_file() and p.name != ".lock" and str(p.relative_to(folder)) not in before
            for p in folder.rglob("*")
        )

    return appeared


def check_killed_ingests(tmp: Path, n_lines: int, kills: int) -> None:
    small, big = make_exports(tmp / "exports", n_lines)
    pristine = pristine_workspace(tmp / "pristine", small)
    before = snapshot(pristine)
    lines_before = Workspace(pristine).scan_orders().collect()

    # A complete run first: how long it takes, and what a committed run leaves.
    complete = tmp / "complete"
    shutil.copytree(pristine, complete)
    started = time.monotonic()
    done = kunde_process("ingest", big, "--workspace", complete, "--format", "json", timeout=600)
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    (summary,) = ingest_json(done)
    lines_complete = Workspace(complete).scan_orders().collect().height
    assert lines_complete == lines_before.height + summary["accepted"]

    moments: list[float | None] = [*kill_moments(duration, kills, SEED), None]
    killed = 0
    for i, moment in enumerate(moments):
        ws = tmp / f"ws-{i}"
        shutil.copytree(pristine, ws)
        args: list[str | Path] = ["ingest", big, "--workspace", ws, "--wait", "5"]
        if moment is None:  # as soon as the run writes its first file into the workspace
            finished, _ = run_and_kill(args, when=new_file_in(ws, before))
        else:
            finished, _ = run_and_kill(args, after=moment)
        manifest_changed = snapshot(ws).get("manifest.json") != before["manifest.json"]
        if finished is None and not manifest_changed:
            killed += 1
            check_as_before(ws, before, lines_before)
        else:
            # It got past its commit point before the kill: the run counts in full.
            assert Workspace(ws).scan_orders().collect().height == lines_complete
        if i == len(moments) - 1:
            # After the kills, a normal run on the same folder just works: the stale
            # lock is taken over and the new lines are stored once.
            again = kunde_process("ingest", big, "--workspace", ws, "--format", "json")
            assert again.returncode == 0, again.stderr
            stored = Workspace(ws).scan_orders().collect()
            assert stored.height == lines_complete
            assert stored.select(pl.struct(s.ORDER_ID, s.LINE_NO).n_unique()).item() == (
                lines_complete
            )
            assert set(snapshot(ws)) - {"manifest.json", "rejects.csv"} == listed_files(ws)
    assert killed >= kills // 2, "most kills must land before the commit point"


def test_killed_ingest_leaves_the_workspace_as_it_was(tmp_path):
    check_killed_ingests(tmp_path, n_lines=100_000, kills=KILLS)


@pytest.mark.slow
def test_killed_ingest_of_300k_lines_at_many_moments(tmp_path):
    check_killed_ingests(tmp_path, n_lines=300_000, kills=10)


# --- kunde report --------------------------------------------------------------------


def complete_report(path: Path) -> None:
    """A report file with its final name must be whole."""
    data = path.read_bytes()
    if path.suffix == ".html":
        assert data.rstrip().endswith(b"</html>"), path
    else:
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
            assert "xl/workbook.xml" in zf.namelist()


def test_killed_report_leaves_earlier_reports_and_the_workspace(tmp_path):
    small = tmp_path / "ordrer.csv"
    synth.write_danish_csv(synth.generate_orders(n_lines=3000, seed=3), small, bad_rows=True)
    ws = pristine_workspace(tmp_path, small)
    reports = tmp_path / "rapporter"
    earlier = kunde("report", "--workspace", ws, "--output-dir", reports, "--as-of", "2026-06-30",
                    "--no-model", "--quiet")  # fmt: skip
    assert earlier.exit_code == 0, earlier.stderr
    reports_before = snapshot(reports)
    assert len(reports_before) == 2
    ws_before = snapshot(ws)
    args: list[str | Path] = ["report", "--workspace", ws, "--output-dir", reports, "--no-model", "-q"]  # fmt: skip

    started = time.monotonic()
    timing = kunde_process("report", "--workspace", ws, "--output-dir", tmp_path / "timing",
                           "--no-model", "-q")  # fmt: skip
    duration = time.monotonic() - started
    assert timing.returncode == 0, timing.stderr

    moments: list[float | None] = [*kill_moments(duration, 3, SEED + 1), None]
    for moment in moments:
        if moment is None:  # as soon as a new file (a temporary one) shows up
            run_and_kill(args, when=new_file_in(reports, reports_before))
        else:
            run_and_kill(args, after=moment)
        after = snapshot(reports)
        assert {k: after.get(k) for k in reports_before} == reports_before
        for name in set(after) - set(reports_before):
            if name.startswith("."):
                assert name.endswith(".tmp"), name  # a hidden temporary file, never opened
            else:
                complete_report(reports / name)

        # A report writes nothing into the workspace's data: only its line in the record
        # of outputs (written.jsonl, appended after the files are in place; kunde
        # forget) and its cache (fitted models, the record of the report it wrote).
        def data(files: dict[str, str]) -> dict[str, str]:
            return {
                k: v
                for k, v in files.items()
                if k != "written.jsonl" and not k.startswith("cache/")
            }

        assert data(snapshot(ws)) == data(ws_before)
