"""Time the HTML report's rendering from an already built report, chart by chart.

Usage: python bench/render_html.py [--sizes 100k,1m] [--repeat 5] [--process 3]
       [--workspace 100k=PATH] [--no-model]

For each size it ingests the bench export (``bench/data/orders_danish_<size>_seed7.csv``
and, where there is one, ``nps_<size>_seed7.csv``) into a temporary workspace, or uses
the one given, builds the report's data once in this process (``build_report``, the
analyses: not timed here) and then prints, in seconds:

* ``first``: the first ``report_html_bytes`` of the process, with the chart
  libraries' imports and the SVG converter's start-up (a ``kunde report`` pays it once);
* ``html``: min and median of ``--repeat`` further ``report_html_bytes`` calls — the
  figure of issue 15's target (≤ 0.5 s at 1M lines);
* per chart: min of ``--repeat`` renders (spec + SVG), and the page without charts.

With ``--process N`` it also runs ``kunde report`` on the 100k workspace N times as a
fresh process (min and median wall time; the issue's target is ≤ 3 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def _timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def ingest(size: str, folder: Path) -> Path:
    orders = DATA / f"orders_danish_{size.upper() if size.endswith('m') else size}_seed7.csv"
    if not orders.exists():
        raise SystemExit(f"{orders} is missing: run python bench/run.py --size {size} once")
    files = [str(orders)]
    survey = DATA / f"nps_{size}_seed7.csv"
    if survey.exists():
        files.append(str(survey))
    workspace = folder / f"ws-{size}"
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kunde_cli", "ingest", *files, "-w", str(workspace), "--quiet"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"  ingested {orders.name} in {time.perf_counter() - start:.1f} s", flush=True)
    return workspace


def build(workspace: Path, *, model: bool) -> Any:
    from kunde_cli.cli import common
    from kunde_cli.report import build_report

    loaded = common.load(None, workspace)
    start = time.perf_counter()
    data = build_report(
        loaded.orders,
        as_of=loaded.as_of,
        survey=loaded.survey,
        config=loaded.config,
        lang=loaded.lang,
        fit_model=model,
    )
    print(f"  analyses (not timed below): {time.perf_counter() - start:.2f} s", flush=True)
    return data


def chart_calls(data: Any) -> dict[str, Callable[[], str]]:
    """Each chart of the page as a call with the page's own inputs."""
    from kunde_cli.render import html

    if hasattr(html, "chart_calls"):
        return html.chart_calls(data)
    # The layout before html.chart_calls existed (kept so old commits can be measured).
    from kunde_cli.render import charts
    from kunde_cli.report import HEATMAP_COHORTS, HEATMAP_MONTHS

    lg = data.lang
    calls = {
        "segments": lambda: charts.segment_chart(html._chart_segments(data), lang=lg),
        "ladder": lambda: charts.ladder_funnel(data.ladder_change, lang=lg),
        "cohorts": lambda: charts.cohort_heatmap(
            data.cohorts, lang=lg, max_cohorts=HEATMAP_COHORTS, max_months=HEATMAP_MONTHS
        ),
        "clv": lambda: charts.value_distribution_chart(
            data.clv.distribution, lang=lg, currency=data.currency
        ),
    }
    if data.nps is not None:
        calls["nps"] = lambda: charts.nps_trend(data.nps.trend, lang=lg)
    return calls


def measure(size: str, workspace: Path, *, repeat: int, model: bool) -> dict[str, Any]:
    from kunde_cli.render.html import report_html_bytes

    data = build(workspace, model=model)
    start = time.perf_counter()
    page = report_html_bytes(data)
    first = time.perf_counter() - start
    html = _timed(lambda: report_html_bytes(data), repeat)
    charts = {name: min(_timed(call, repeat)) for name, call in chart_calls(data).items()}
    return {
        "size": size,
        "first": first,
        "html_min": min(html),
        "html_median": statistics.median(html),
        "charts": charts,
        "page_kb": len(page) / 1024,
    }


def process_runs(workspace: Path, folder: Path, runs: int) -> list[float]:
    out = folder / "report-out"
    out.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "kunde_cli", "report", "-w", str(workspace)]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [*command, "-d", str(out), "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode:
            print(f"  kunde report failed ({done.returncode}): {done.stderr.strip()[-300:]}")
            return []
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100k,1m")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--process", type=int, default=0, metavar="N")
    parser.add_argument("--workspace", action="append", default=[], metavar="SIZE=PATH")
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args(argv)
    given = dict(item.split("=", 1) for item in args.workspace)
    with tempfile.TemporaryDirectory(prefix="kunde-render-") as tmp:
        folder = Path(tmp)
        results = []
        workspaces = {}
        for size in [s.strip().lower() for s in args.sizes.split(",") if s.strip()]:
            print(f"{size}:", flush=True)
            workspaces[size] = Path(given[size]) if size in given else ingest(size, folder)
            results.append(
                measure(size, workspaces[size], repeat=args.repeat, model=not args.no_model)
            )
        print()
        print(f"HTML rendering, seconds (min of {args.repeat}; first = first call of the process)")
        for r in results:
            charts = "  ".join(f"{k} {v * 1000:.1f}" for k, v in r["charts"].items())
            print(
                f"  {r['size']:>5}: html {r['html_min']:.3f} (median {r['html_median']:.3f}), "
                f"first {r['first']:.3f}, charts {sum(r['charts'].values()):.3f} "
                f"[ms: {charts}], page {r['page_kb']:.0f} KiB"
            )
        if args.process:
            ws = workspaces.get("100k") or next(iter(workspaces.values()))
            times = process_runs(ws, folder, args.process)
            if times:
                print(
                    f"  kunde report (process, {ws.name}): min {min(times):.2f} s, "
                    f"median {statistics.median(times):.2f} s over {len(times)}"
                )
        print(f"  (machine: {os.cpu_count()} cores, python {sys.version.split()[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
