"""Time writing the report workbook (``render/workbook.py``) from a workspace.

The report's analyses run once per workspace (the model fit on, as ``kunde report``
does unless ``--no-model``); then the workbook is written ``--repeat`` times and the
minimum is printed (wall clock, and the process's CPU time over all its threads — on
a shared machine the steadier figure), with the size of the file and the rows of its
largest sheet.

    python bench/render_workbook.py -w /tmp/me/ws100 -w /tmp/me/ws1m --repeat 5

A workspace comes from the bench data::

    kunde ingest bench/data/orders_danish_100k_seed7.csv bench/data/nps_100k_seed7.csv -w /tmp/me/ws100
    kunde ingest bench/data/orders_danish_1M_seed7.csv -w /tmp/me/ws1m

``--profile`` prints the top of a cProfile of one more run; ``--save DIR`` writes each
workbook to ``DIR/<workspace name>.xlsx`` (to compare two versions' cells);
``--cache DIR`` keeps the analyses' result as ``DIR/<workspace name>.pickle`` and reuses
it on the next run (only for comparing renderers on the same code of the analyses).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pickle
import pstats
import sys
import time
from pathlib import Path


def report_data(workspace: Path, *, fit_model: bool = True):
    from kunde_cli.analytics.nps import nps_as_of
    from kunde_cli.cli import common
    from kunde_cli.report import build_report

    loaded = common.load(None, workspace, quiet=True)
    return build_report(
        loaded.orders,
        as_of=loaded.as_of,
        survey=loaded.survey,
        config=loaded.config,
        lang=loaded.lang,
        fit_model=fit_model,
        nps_date=nps_as_of(loaded.as_of, loaded.survey, given=None),
    )


def time_workbook(data, repeat: int) -> tuple[list[float], list[float], bytes, list]:
    """Wall-clock and CPU seconds (all threads) of each run, and the last run's output."""
    from kunde_cli.render.workbook import report_workbook

    times: list[float] = []
    cpu: list[float] = []
    raw, results = b"", []
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        raw, results = report_workbook(data)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu, raw, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-w", "--workspace", type=Path, action="append", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-model", action="store_true", help="skip the CLV model fit")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--save", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="one JSON line per workspace")
    args = parser.parse_args(argv)

    for workspace in args.workspace:
        start = time.perf_counter()
        cached = args.cache / f"{workspace.name}.pickle" if args.cache else None
        if cached is not None and cached.exists():
            data = pickle.loads(cached.read_bytes())
        else:
            data = report_data(workspace, fit_model=not args.no_model)
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_bytes(pickle.dumps(data))
        analyses = time.perf_counter() - start
        times, cpu, raw, results = time_workbook(data, max(1, args.repeat))
        largest = max(results, key=lambda r: r.rows)
        figures = {
            "workspace": str(workspace),
            "customers": data.customers.height,
            "analyses_s": round(analyses, 2),
            "workbook_min_s": round(min(times), 3),
            "workbook_runs_s": [round(t, 3) for t in times],
            "workbook_cpu_min_s": round(min(cpu), 3),
            "bytes": len(raw),
            "largest_sheet": largest.name,
            "largest_rows": largest.rows,
            "cut_rows": largest.cut,
        }
        if args.json:
            print(json.dumps(figures, ensure_ascii=False))
        else:
            print(
                f"{workspace}: workbook {figures['workbook_min_s']:.3f} s "
                f"(min of {len(times)}: {', '.join(f'{t:.3f}' for t in times)}; "
                f"CPU {min(cpu):.3f} s), "
                f"{len(raw) / 1e6:.1f} MB, {largest.name!r} {largest.rows:,} rows "
                f"({largest.cut:,} cut); analyses {analyses:.1f} s, "
                f"{data.customers.height:,} customers"
            )
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{workspace.name}.xlsx").write_bytes(raw)
        if args.profile:
            from kunde_cli.render.workbook import report_workbook

            prof = cProfile.Profile()
            prof.enable()
            report_workbook(data)
            prof.disable()
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue())
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
