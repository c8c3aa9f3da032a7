"""Time `kunde ingest` beside a plain `polars.read_csv` of the same file, in one run.

Usage: python bench/ingest.py 1000000 [--repeat 3] [--keep]

Generates (once, cached in bench/data/) an N-line Danish-format export — semicolons,
decimal commas, dd-mm-yyyy dates, Danish headers — then runs, alternately so machine
noise is shared, each as a fresh process:

* floor:  python -c "polars.read_csv(FILE, separator=';')"
* kunde:  kunde ingest FILE --workspace <fresh temp dir>

and prints min/median wall time, peak RSS of each, and the ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def run_measured(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, peak RSS in MiB) of that process alone."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024


def ensure_file(lines: int) -> Path:
    """The cached N-line Danish export (generated deterministically on first use)."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"ordrer_{lines}.csv"
    if not path.exists():
        from kunde_cli.synth import generate_orders, write_danish_csv

        start = time.perf_counter()
        orders = generate_orders(n_lines=lines, seed=7)
        tmp = path.with_suffix(".tmp")
        write_danish_csv(orders, tmp)
        tmp.replace(path)
        print(
            f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f} s"
        )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("lines", type=int, help="order lines in the generated export")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    path = ensure_file(args.lines)
    kunde = [sys.executable, "-m", "kunde_cli"]
    floor_cmd = [
        sys.executable,
        "-c",
        f"import polars as pl; pl.read_csv({str(path)!r}, separator=';')",
    ]
    floor_t, floor_m, kunde_t, kunde_m = [], [], [], []
    for _ in range(args.repeat):
        t, m = run_measured(floor_cmd)
        floor_t.append(t)
        floor_m.append(m)
        ws = Path(tempfile.mkdtemp(prefix="kunde-bench-"))
        try:
            t, m = run_measured(
                [*kunde, "ingest", str(path), "--workspace", str(ws / "ws"), "--format", "csv"]
            )
        finally:
            shutil.rmtree(ws, ignore_errors=True)
        kunde_t.append(t)
        kunde_m.append(m)

    def row(name: str, times: list[float], mem: list[float]) -> str:
        return f"{name:<28} {min(times):8.2f} {statistics.median(times):8.2f} {max(mem):10.0f}"

    print(
        f"\nfile: {path.name}, {args.lines:,} lines, {path.stat().st_size / 1e6:.0f} MB, {args.repeat} runs each"
    )
    print(f"{'task':<28} {'min s':>8} {'median s':>8} {'peak MiB':>10}")
    print(row("polars.read_csv (floor)", floor_t, floor_m))
    print(row("kunde ingest", kunde_t, kunde_m))
    print(
        f"ratio kunde/floor: time {min(kunde_t) / min(floor_t):.2f} x (min), "
        f"{statistics.median(kunde_t) / statistics.median(floor_t):.2f} x (median); "
        f"peak memory {max(kunde_m) / max(floor_m):.2f} x"
    )


if __name__ == "__main__":
    main()
