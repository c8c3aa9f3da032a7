"""Killing ``kunde remove`` at any moment (SIGKILL: no cleanup runs) loses nothing.

A workspace of an earlier small export and a large one; a real ``python -m kunde_cli
remove`` of the small one (the identity map and the tables are rebuilt from the large
one's lines) is killed at seeded random moments, and once as its first file appears.
Killed before its commit point, every file of the workspace is byte for byte as it was,
readers see the old lines, and the next writer removes what it left; killed after it,
the file is out in full. Then a normal remove just works.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from kunde_cli.store import Workspace
from reliability.conftest import ingest_json, kunde, kunde_process, listed_files, snapshot
from reliability.test_interrupt import (
    check_as_before,
    kill_moments,
    make_exports,
    new_file_in,
    run_and_kill,
)

KILLS = 3
SEED = 20261206


def files_in(ws: Path) -> list[str]:
    result = kunde("status", "-w", ws, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [row["file"] for row in ingest_json(result)]


def test_killed_remove_leaves_the_workspace_as_it_was(tmp_path: Path) -> None:
    small, big = make_exports(tmp_path / "exports", 60_000)
    pristine = tmp_path / "pristine"
    for export in (small, big):
        done = kunde("ingest", export, "--workspace", pristine, "--format", "json")
        assert done.exit_code == 0, done.stderr
    before = snapshot(pristine)
    lines_before = Workspace(pristine).scan_orders().collect()

    complete = tmp_path / "complete"
    shutil.copytree(pristine, complete)
    started = time.monotonic()
    done = kunde_process("remove", small, "--workspace", complete, "--yes")
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert files_in(complete) == [big.name]
    lines_complete = Workspace(complete).scan_orders().collect()

    moments: list[float | None] = [*kill_moments(duration, KILLS, SEED), None]
    killed = 0
    for i, moment in enumerate(moments):
        ws = tmp_path / f"ws-{i}"
        shutil.copytree(pristine, ws)
        args: list[str | Path] = ["remove", small, "--workspace", ws, "--yes", "--wait", "5"]
        if moment is None:
            finished, _ = run_and_kill(args, when=new_file_in(ws, before))
        else:
            finished, _ = run_and_kill(args, after=moment)
        if finished is None and snapshot(ws).get("manifest.json") == before["manifest.json"]:
            killed += 1
            check_as_before(ws, before, lines_before)
            assert files_in(ws) == [small.name, big.name]
        else:  # past its commit point: the file is out in full
            assert files_in(ws) == [big.name]
            assert Workspace(ws).scan_orders().collect().height == lines_complete.height
        if i == len(moments) - 1:
            again = kunde_process("remove", small, "--workspace", ws, "--yes")
            assert again.returncode == 0, again.stderr
            assert files_in(ws) == [big.name]
            assert Workspace(ws).scan_orders().collect().height == lines_complete.height
            assert set(snapshot(ws)) - {"manifest.json", "rejects.csv"} == listed_files(ws)
    assert killed >= KILLS // 2, "most kills must land before the commit point"
