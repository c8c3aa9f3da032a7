"""kunde's benchmark: every step beside the floor and the peers, in one interleaved run.

    python bench/run.py --size 100k --quick          # < 1 minute: check a change
    python bench/run.py --size 1m --write-results    # the full run, into bench/RESULTS.md
    python bench/run.py --size 10m --repeat 1 --no-lifetimes --write-results

On a deterministic export (seed 7; generated once and cached in bench/data/, which
git ignores) in the Danish format (plus the Shopify layout and a Google Forms NPS
survey), it runs, round-robin over ``--repeat`` rounds so machine noise is shared:

* startup: ``python -c "import typer, rich"``, ``kunde --version``, ``kunde --help``;
* the floor: Polars ``read_csv`` of the export, and a full read of the workspace's
  Parquet (``scan_parquet(...).collect()``);
* ``kunde ingest`` (a fresh workspace each run; the Shopify file too), then on the
  workspace every analysis, ``kunde report`` with and without the models (each round on
  a fresh copy of the workspace as ingest left it), and ``kunde report`` once more on
  the same unchanged copy (the cron re-run);
* kunde in-process: the model step (rfm_summary + BG/NBD + Gamma-Gamma + P(alive) +
  expected purchases + CLV) and the analyses of the report step by step;
* the peers, in their own virtual environment (bench/data/.venv-peers, made on
  demand): pandas and DuckDB computing the same RFM table, and the pandas +
  ``lifetimes`` pipeline (bench/peers/).

Each is a fresh process: wall time (``time.perf_counter`` around it) and peak RSS
(``os.wait4``'s ``ru_maxrss``). Where meaningful also the in-process work time, which
leaves out interpreter start-up and imports: a small wrapper (this script with
``--_work``) imports every kunde module first and times only the command; the floors
and peers time themselves after their imports. Then it checks that kunde's RFM table
equals pandas' and DuckDB's, and that kunde's fitted BG/NBD and Gamma-Gamma parameters
equal lifetimes' to 3 significant digits, prints one table, the targets of issues 9
and 15 with the size each applies at and PASS/FAIL, where the time of each target not
met goes (the report's in-process steps, the model's stages; with ``--profile`` a
cProfile run), and with ``--write-results`` replaces this size's section of
bench/RESULTS.md. ``--render-only`` rewrites RESULTS.md from the data it holds, e.g.
after writing the next steps into ``NEXT_STEPS``.

kunde's Python API is called only in the section "kunde's API" (``api_model``,
``api_report``, ``api_cli``); everything else runs kunde as a command.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
PEERS = HERE / "peers"
RESULTS = HERE / "RESULTS.md"
DEFAULT_PEER_VENV = DATA / ".venv-peers"
PEER_PACKAGES = ("lifetimes", "pandas", "duckdb")
SEED = 7
MIB = 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576
STARTUP_RUNS = 3  # start-up takes ~0.1-0.5 s: a few samples per round

#: (row key, kunde arguments) of the analyses run on the workspace.
ANALYSES: list[tuple[str, list[str]]] = [
    ("segment", ["segment"]),
    ("ladder", ["ladder"]),
    ("churn", ["churn"]),
    ("churn --model bgnbd", ["churn", "--model", "bgnbd"]),
    ("clv", ["clv"]),
    ("clv --model bgnbd", ["clv", "--model", "bgnbd"]),
    ("retention", ["retention"]),
    ("nps", ["nps"]),
    ("profiles", ["profiles"]),
]

FLOOR_CSV = """\
import json, sys, time
import polars as pl
t = time.perf_counter()
df = pl.read_csv(sys.argv[1], separator=sys.argv[2])
print(json.dumps({"work": time.perf_counter() - t, "rows": df.height}))
"""

FLOOR_PARQUET = """\
import json, sys, time
import polars as pl
t = time.perf_counter()
df = pl.scan_parquet(sys.argv[1]).collect()
print(json.dumps({"work": time.perf_counter() - t, "rows": df.height}))
"""

# The build_report steps that are rule-based analyses (with fit_model=False, "value" is
# the simple CLV); html/xlsx are rendering, timed separately.
REPORT_RENDER_STEPS = ("html", "xlsx")


# --- measuring ---------------------------------------------------------------------


class TaskFailed(Exception):
    """A measured command exited with an error."""


@dataclass
class Sample:
    """One run: wall seconds, peak RSS (MiB), in-process work seconds, JSON it printed."""

    wall: float
    rss: float
    work: float | None = None
    info: dict[str, Any] = field(default_factory=dict)


#: Lines of the "next day's export" (bench step "ingest a day").
DAY_LINES = 300


def day_export(source: Path, target: Path) -> None:
    """A day's export of the shop whose export is ``source``: its last lines, as new
    orders (``D`` before each order number) of the same, known customers."""
    with source.open("rb") as handle:
        header = handle.readline()
        handle.seek(max(0, source.stat().st_size - 400 * DAY_LINES))
        tail = handle.read().splitlines()[1:][-DAY_LINES:]
    target.write_bytes(header + b"".join(b"D" + line + b"\n" for line in tail))


def run_measured(
    cmd: list[str], *, cwd: Path, json_out: bool = False, env: dict[str, str] | None = None
) -> Sample:
    """Run ``cmd`` as its own process; wall time, peak RSS and (json_out) its JSON line."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            stdout=out if json_out else subprocess.DEVNULL,
            stderr=err,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-12:]
            last = tail[-1].strip() if tail else "(nothing on stderr)"
            raise TaskFailed(f"exit {proc.returncode}: {last}\n{' '.join(cmd)}\n" + "\n".join(tail))
        info: dict[str, Any] = {}
        if json_out:
            out.seek(0)
            lines = out.read().decode(errors="replace").strip().splitlines()
            if not lines:
                raise TaskFailed(f"no JSON output from: {' '.join(cmd)}")
            info = json.loads(lines[-1])
    return Sample(wall, usage.ru_maxrss / 1024, info.get("work"), info)


@dataclass
class Row:
    """One line of the results table: process samples and in-process work samples."""

    key: str
    label: str
    group: str
    process: list[Sample] = field(default_factory=list)
    work: list[float] = field(default_factory=list)
    info: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def add(self, sample: Sample, *, is_process: bool = True) -> None:
        if is_process:
            self.process.append(sample)
        if sample.work is not None:
            self.work.append(sample.work)
        if sample.info:
            self.info.append(sample.info)

    def summary(self) -> dict[str, Any]:
        walls = [p.wall for p in self.process]
        return {
            "key": self.key,
            "label": self.label,
            "group": self.group,
            "runs": max(len(walls), len(self.work)),
            "min": min(walls) if walls else None,
            "median": statistics.median(walls) if walls else None,
            "rss": max(p.rss for p in self.process) if self.process else None,
            "work_min": min(self.work) if self.work else None,
            "work_median": statistics.median(self.work) if self.work else None,
            "error": self.error,
        }


# --- kunde's API: the only place run.py calls kunde_cli functions ---------------------
#
# The in-process rows call kunde through these two functions. When the API changes
# (the order basis, the store package, build_report's arguments), adapt them here;
# everything else in run.py runs kunde as a command.


def api_model(workspace: Path, lap: Callable[[str], None]) -> dict[str, Any]:
    """The model step: rfm_summary + BG/NBD + Gamma-Gamma + P(alive), purchases, CLV."""
    from kunde_cli.analytics.clv import (
        EXPECTED_PURCHASES,
        P_ALIVE,
        PREDICTED_CLV,
        fit_bgnbd,
        fit_gamma_gamma,
        predict_customers,
        rfm_summary,
    )
    from kunde_cli.analytics.orders import OrderBasis, default_as_of
    from kunde_cli.store import Workspace

    ws = Workspace(workspace)
    lines = ws.scan_orders()
    as_of = default_as_of(lines)
    # As kunde reads a workspace: the order basis from its stored tables.
    basis = OrderBasis.of(lines, as_of=as_of, tables=ws.read_tables())
    lap("as_of")
    summary = rfm_summary(basis, as_of=as_of).collect()
    lap("summary")
    bg = fit_bgnbd(summary)
    lap("fit_bgnbd")
    gg = fit_gamma_gamma(summary)
    lap("fit_gamma_gamma")
    pred = predict_customers(summary, bg, gg, horizon_months=12, discount_monthly=0.01)
    lap("predict")
    return {
        "customers": summary.height,
        "repeat_customers": int((summary["repeat_purchases"] > 0).sum()),
        "params_bgnbd": bg.as_dict(),
        "params_gamma_gamma": gg.as_dict(),
        "mean_p_alive": float(pred[P_ALIVE].mean()),
        "total_expected_purchases": float(pred[EXPECTED_PURCHASES].sum()),
        "total_clv": float(pred[PREDICTED_CLV].sum()),
    }


def api_report(workspace: Path, on_step: Callable[[str], None]) -> None:
    """What ``kunde report --no-model`` computes, step by step, without writing files.

    ``on_step(name)`` starts the step ``name``: build_report names its analyses, then
    "html" and "xlsx" (rendering) and "end".
    """
    from kunde_cli import build_report, load
    from kunde_cli.render.html import report_html_bytes
    from kunde_cli.render.workbook import report_workbook

    on_step("read")  # the workspace's lines and tables, the basis, the headline
    loaded = load(None, workspace, read_once=True)
    data = build_report(loaded, fit_model=False, on_step=on_step)
    on_step("html")
    report_html_bytes(data)
    on_step("xlsx")
    report_workbook(data)
    on_step("end")


def api_cli(args: list[str]) -> int | None:
    """A kunde command in this process (Typer's app, no exit)."""
    from kunde_cli.cli.main import app

    return app(args=args, prog_name="kunde", standalone_mode=False)


# --- the in-process wrapper (``run.py --_work [cprofile] KIND ...``) ------------------


def _preimport() -> None:
    """Import every kunde module and the heavy libraries the commands import lazily."""
    import importlib
    import pkgutil

    import kunde_cli

    for mod in pkgutil.walk_packages(kunde_cli.__path__, "kunde_cli."):
        if not mod.name.endswith("__main__"):
            importlib.import_module(mod.name)
    for name in (
        "polars",
        "numpy",
        "scipy.optimize",
        "scipy.special",
        "scipy.sparse.csgraph",
        "jinja2",
        "xlsxwriter",
        "rich.console",
        "rich.table",
        "rich.progress",
    ):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _work_main(argv: list[str]) -> int:
    """Time one piece of kunde work in this process, after all imports; JSON on stdout.

    * ``cli ARGS...``: a kunde command (its own output goes to /dev/null);
    * ``model WORKSPACE``: the model step (:func:`api_model`);
    * ``report WORKSPACE``: the report without models step by step (:func:`api_report`).

    With ``cprofile`` first (``--_work cprofile report WS``) the work runs under
    cProfile and the JSON carries its top functions ("profile").
    """
    profiler = None
    if argv[:1] == ["cprofile"]:
        import cProfile

        profiler, argv = cProfile.Profile(), argv[1:]
    kind, args = argv[0], argv[1:]
    json_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # the command's own stdout goes nowhere, as in the process runs
    _preimport()
    out: dict[str, Any] = {}
    if profiler is not None:
        profiler.enable()
    if kind == "cli":
        start = time.perf_counter()
        code = api_cli(args)
        sys.stdout.flush()
        out["work"] = time.perf_counter() - start
        if code not in (None, 0):
            sys.stderr.write(f"kunde {' '.join(args)} exited with {code}\n")
            return 1
    elif kind == "model":
        out.update(_work_model(Path(args[0])))
    elif kind == "report":
        out.update(_work_report(Path(args[0])))
    else:
        raise SystemExit(f"unknown --_work kind {kind!r}")
    if profiler is not None:
        profiler.disable()
        out["profile"] = top_functions(profiler)
    os.write(json_fd, (json.dumps(out) + "\n").encode())
    return 0


def top_functions(profiler: Any, n: int = 12) -> list[str]:
    """kunde's functions by cumulative time, then any function by own time (cProfile)."""
    import pstats

    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    root = str(HERE.parent)

    def name(key: tuple[str, int, str]) -> str:
        path, line, func = key
        path = path.replace(root + os.sep, "")
        if "site-packages" in path:
            path = path.split("site-packages" + os.sep, 1)[1]
        return f"{path}:{line} {func}" if line else func

    ours = sorted(
        ((v[3], v[2], v[1], k) for k, v in stats.items() if f"kunde_cli{os.sep}" in k[0]),
        reverse=True,
    )
    own = sorted(((v[2], v[3], v[1], k) for k, v in stats.items()), reverse=True)
    lines = [
        f"cum {ct:7.3f} s  own {tt:7.3f} s  {nc:>8} calls  {name(k)}" for ct, tt, nc, k in ours[:n]
    ]
    lines += [
        f"own {tt:7.3f} s  cum {ct:7.3f} s  {nc:>8} calls  {name(k)}"
        for tt, ct, nc, k in own[: n // 2]
    ]
    return lines


def _work_model(workspace: Path) -> dict[str, Any]:
    times: dict[str, float] = {}
    start = mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        times[name] = now - mark
        mark = now

    info = api_model(workspace, lap)
    times["work"] = time.perf_counter() - start
    times["fits"] = times["fit_bgnbd"] + times["fit_gamma_gamma"]
    return {**times, **info}


def _work_report(workspace: Path) -> dict[str, Any]:
    steps: dict[str, float] = {}
    current: list[Any] = ["load", time.perf_counter()]

    def on_step(name: str) -> None:
        now = time.perf_counter()
        steps[current[0]] = steps.get(current[0], 0.0) + now - current[1]
        current[:] = [name, now]

    start = current[1]
    api_report(workspace, on_step)
    total = time.perf_counter() - start
    analyses = sum(v for k, v in steps.items() if k not in REPORT_RENDER_STEPS)
    return {"work": analyses, "total": total, "steps": steps}


# --- inputs ------------------------------------------------------------------------


def label_of(n: int) -> str:
    sys.path.insert(0, str(HERE))
    from generate import _label

    return _label(n)


def parse_size(text: str) -> int:
    sys.path.insert(0, str(HERE))
    from generate import parse_count

    return parse_count(text)


@dataclass
class Inputs:
    danish: Path
    survey: Path
    shopify: Path | None


def ensure_inputs(lines: int, *, shopify: bool) -> Inputs:
    """The cached exports of this size (generated by bench/generate.py on first use)."""
    label = label_of(lines)
    danish = DATA / f"orders_danish_{label}_seed{SEED}.csv"
    survey = DATA / f"nps_{label}_seed{SEED}.csv"
    shop = DATA / f"orders_shopify_{label}_seed{SEED}.csv"
    DATA.mkdir(exist_ok=True)
    wanted = [("danish", [danish, survey])] + ([("shopify", [shop])] if shopify else [])
    for layout, paths in wanted:
        if all(p.exists() for p in paths):
            continue
        tmp = Path(tempfile.mkdtemp(prefix=".gen-", dir=DATA))
        try:
            cmd = [
                sys.executable,
                str(HERE / "generate.py"),
                "--lines",
                str(lines),
                "--layout",
                layout,
                "--out",
                str(tmp),
                "--seed",
                str(SEED),
            ]
            if layout == "danish":
                cmd.append("--survey")
            print(f"generating the {layout} export of {label} lines …", file=sys.stderr)
            subprocess.run(cmd, check=True, stdout=sys.stderr)
            for p in paths:
                (tmp / p.name).replace(p)  # only complete files get the cached name
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return Inputs(danish, survey, shop if shopify else None)


def ensure_peer_python(explicit: str | None) -> tuple[str | None, str]:
    """A python with the peer packages: --peer-python, else bench/data/.venv-peers (made here)."""
    if explicit:
        return explicit, f"given: {explicit}"
    py = DEFAULT_PEER_VENV / "bin" / "python"
    if not py.exists():
        print(f"creating {DEFAULT_PEER_VENV} with {', '.join(PEER_PACKAGES)} …", file=sys.stderr)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(DEFAULT_PEER_VENV)], check=True)
            subprocess.run([str(py), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
        except (subprocess.CalledProcessError, OSError) as err:
            shutil.rmtree(DEFAULT_PEER_VENV, ignore_errors=True)
            return None, f"could not create the peer environment: {err}"
    return str(py), str(DEFAULT_PEER_VENV)


def peer_available(python: str, module: str) -> str | None:
    """None when ``module`` imports in ``python``; else the reason it does not."""
    done = subprocess.run([python, "-c", f"import {module}"], capture_output=True, text=True)
    if done.returncode == 0:
        return None
    last = (done.stderr.strip().splitlines() or ["?"])[-1]
    return f"{module} does not import in {python}: {last}"


# --- the run -----------------------------------------------------------------------


@dataclass
class Step:
    """One measured command in a round."""

    key: str
    label: str
    group: str
    cmd: Callable[[int], list[str]]
    json_out: bool = False
    is_process: bool = True  # False: an in-process wrapper run (only its work time counts)
    before: Callable[[int], None] | None = None
    after: Callable[[int], None] | None = None
    times: int = 1


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.lines = parse_size(args.size)
        self.label = label_of(self.lines)
        self.rows: dict[str, Row] = {}
        self.notes: list[str] = []
        self.extra: dict[str, Any] = {}
        DATA.mkdir(exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=".run-", dir=DATA))
        self.ws = self.tmp / "ws"  # the analysis workspace, made by the first ingest
        self.pristine = self.tmp / "ws-pristine"  # its copy before any analysis ran
        exe = Path(sys.executable).with_name("kunde")
        self.kunde = [str(exe)] if exe.exists() else [sys.executable, "-m", "kunde_cli"]
        self.env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
        self.env.pop("KUNDE_DEBUG", None)

    # rows
    def row(self, key: str, label: str, group: str) -> Row:
        if key not in self.rows:
            self.rows[key] = Row(key, label, group)
        return self.rows[key]

    def wanted(self, key: str) -> bool:
        only, skip = self.args.tasks, self.args.skip
        if skip and any(part.strip() == key for part in skip.split(",")):
            return False
        return not only or any(part.strip() == key for part in only.split(","))

    # steps
    def steps(
        self, inputs: Inputs, peer_py: str | None, peers: dict[str, str | None]
    ) -> list[Step]:
        a, kunde, py = self.args, self.kunde, sys.executable
        work = not a.quick and not a.no_work
        wsa = ["--workspace", str(self.ws)]
        startup_runs = 1 if a.quick else STARTUP_RUNS
        out: list[Step] = []

        def cli_work(args: list[str]) -> Callable[[int], list[str]]:
            return lambda _r: [py, str(Path(__file__)), "--_work", "cli", *args]

        # start-up
        out += [
            Step(
                "startup typer+rich",
                'python -c "import typer, rich"',
                "startup",
                lambda _r: [py, "-c", "import typer, rich"],
                times=startup_runs,
            ),
            Step(
                "kunde --version",
                "kunde --version",
                "startup",
                lambda _r: [*kunde, "--version"],
                times=startup_runs,
            ),
            Step(
                "kunde --help",
                "kunde --help",
                "startup",
                lambda _r: [*kunde, "--help"],
                times=startup_runs,
            ),
        ]
        # floor + ingest
        out.append(
            Step(
                "floor csv",
                "polars read_csv (CSV floor)",
                "floor",
                lambda _r: [py, "-c", FLOOR_CSV, str(inputs.danish), ";"],
                json_out=True,
            )
        )
        fresh = self.tmp / "ingest-ws"

        def ingest_cmd(path: Path, target: Path) -> Callable[[int], list[str]]:
            def cmd(r: int) -> list[str]:
                return [
                    *kunde,
                    "ingest",
                    str(path),
                    "--workspace",
                    str(
                        self.ws
                        if r == 0 and path == inputs.danish and not self.ws.exists()
                        else target
                    ),
                    "--format",
                    "csv",
                ]

            return cmd

        def clear(target: Path) -> Callable[[int], None]:
            return lambda _r: shutil.rmtree(target, ignore_errors=True)

        def after_first_ingest(r: int) -> None:
            clear(fresh)(r)
            if not (self.ws / "survey").exists():
                # the NPS answers go into the analysis workspace once (not timed)
                subprocess.run(
                    [*kunde, "ingest", str(inputs.survey), *wsa, "--format", "csv"],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    cwd=self.tmp,
                    env=self.env,
                )
            if not self.pristine.exists():
                # the workspace as ingest left it, for the report rows (not timed)
                shutil.copytree(self.ws, self.pristine, symlinks=True)

        out.append(
            Step(
                "ingest",
                "kunde ingest (Danish CSV)",
                "kunde",
                ingest_cmd(inputs.danish, fresh),
                before=clear(fresh),
                after=after_first_ingest,
            )
        )
        if work:
            out.append(
                Step(
                    "ingest",
                    "kunde ingest (Danish CSV)",
                    "kunde",
                    lambda _r: [
                        py,
                        str(Path(__file__)),
                        "--_work",
                        "cli",
                        "ingest",
                        str(inputs.danish),
                        "--workspace",
                        str(fresh),
                        "--format",
                        "csv",
                    ],
                    json_out=True,
                    is_process=False,
                    before=clear(fresh),
                    after=clear(fresh),
                )
            )
        if inputs.shopify is not None:
            out.append(
                Step(
                    "floor csv shopify",
                    "polars read_csv (Shopify CSV floor)",
                    "floor",
                    lambda _r: [py, "-c", FLOOR_CSV, str(inputs.shopify), ","],
                    json_out=True,
                )
            )
            out.append(
                Step(
                    "ingest shopify",
                    "kunde ingest (Shopify CSV)",
                    "kunde",
                    ingest_cmd(inputs.shopify, fresh),
                    before=clear(fresh),
                    after=clear(fresh),
                )
            )
        out.append(
            Step(
                "floor parquet",
                "polars scan_parquet(workspace).collect()",
                "floor",
                lambda _r: [py, "-c", FLOOR_PARQUET, str(self.ws / "orders" / "*.parquet")],
                json_out=True,
            )
        )
        # analyses on the workspace
        for key, args in ANALYSES:
            if a.quick and "--model" in args:
                continue  # the models are timed by the report and the model step
            full = [*args, *wsa, "--format", "csv"]
            out.append(Step(key, f"kunde {key}", "kunde", lambda _r, f=full: [*kunde, *f]))
            if work:
                out.append(
                    Step(
                        key,
                        f"kunde {key}",
                        "kunde",
                        cli_work(full),
                        json_out=True,
                        is_process=False,
                    )
                )
        # The report rows run on a copy of the workspace as ingest left it (before any
        # analysis ran on it), made fresh each round: "report" is a first run, whatever
        # the commands before it kept in the workspace; "report again" then runs the same
        # command on the same, unchanged copy, as cron would the next time.
        report_dir = self.tmp / "report"
        report_ws = self.tmp / "report-ws"
        rwsa = ["--workspace", str(report_ws)]

        def fresh_report_ws(r: int) -> None:
            clear(report_dir)(r)
            clear(report_ws)(r)
            if not self.pristine.exists():
                raise TaskFailed("no workspace to report on: the first ingest failed")
            shutil.copytree(self.pristine, report_ws, symlinks=True)

        def done_report_ws(r: int) -> None:
            clear(report_dir)(r)
            clear(report_ws)(r)

        again = self.wanted("report again")
        out.append(
            Step(
                "report",
                "kunde report (with models)",
                "kunde",
                lambda _r: [*kunde, "report", *rwsa, "--output-dir", str(report_dir)],
                before=fresh_report_ws,
                after=self.after_report(report_dir, done_report_ws if not again else None),
            )
        )
        out.append(
            Step(
                "report again",
                "kunde report, again on the unchanged workspace (cron)",
                "kunde",
                lambda _r: [*kunde, "report", *rwsa, "--output-dir", str(report_dir)],
                after=done_report_ws,
            )
        )
        # The next day's export into the workspace as ingest left it (a cron job's
        # ingest): the stored tables are updated from its orders and customers only.
        day_ws = self.tmp / "day-ws"
        day_file = self.tmp / "day.csv"

        def fresh_day_ws(r: int) -> None:
            clear(day_ws)(r)
            if not self.pristine.exists():
                raise TaskFailed("no workspace to ingest into: the first ingest failed")
            shutil.copytree(self.pristine, day_ws, symlinks=True)
            if not day_file.exists():
                day_export(inputs.danish, day_file)

        out.append(
            Step(
                "ingest a day",
                f"kunde ingest of a day's export ({DAY_LINES} lines) into the workspace",
                "kunde",
                lambda _r: [
                    *kunde,
                    "ingest",
                    str(day_file),
                    *["--workspace", str(day_ws)],
                    "--format",
                    "csv",
                ],
                before=fresh_day_ws,
                after=clear(day_ws),
            )
        )
        if not a.quick:
            out.append(
                Step(
                    "report --no-model",
                    "kunde report --no-model",
                    "kunde",
                    lambda _r: [
                        *kunde,
                        "report",
                        "--no-model",
                        *rwsa,
                        "--output-dir",
                        str(report_dir),
                    ],
                    before=fresh_report_ws,
                    after=done_report_ws,
                )
            )
        # in-process model step and report analyses (the report's steps are timed in
        # --quick too: they are the profile of the report targets)
        out.append(
            Step(
                "model step",
                "kunde model step (in-process)",
                "inproc",
                lambda _r: [py, str(Path(__file__)), "--_work", "model", str(self.ws)],
                json_out=True,
                is_process=False,
            )
        )
        out.append(
            Step(
                "report analyses",
                "kunde report analyses, no model (in-process)",
                "inproc",
                lambda _r: [py, str(Path(__file__)), "--_work", "report", str(self.ws)],
                json_out=True,
                is_process=False,
            )
        )
        # peers
        if peer_py is not None:
            for name, label in (("pandas", "pandas RFM table"), ("duckdb", "DuckDB SQL RFM table")):
                if peers.get(name) is None:
                    out.append(
                        Step(
                            f"{name} rfm",
                            f"peer: {label}",
                            "peer",
                            lambda _r, name=name: [
                                peer_py,
                                str(PEERS / f"{name}_rfm.py"),
                                str(inputs.danish),
                                *self.check_out(name),
                            ],
                            json_out=True,
                        )
                    )
            if peers.get("lifetimes") is None:
                out.append(
                    Step(
                        "lifetimes",
                        "peer: pandas + lifetimes pipeline",
                        "peer",
                        lambda _r: [peer_py, str(PEERS / "lifetimes_clv.py"), str(inputs.danish)],
                        json_out=True,
                    )
                )
        keep = {"ingest"} | ({"report"} if self.wanted("report again") else set())
        return [s for s in out if self.wanted(s.key) or s.key in keep]

    def peer_table(self, name: str) -> Path:
        return self.tmp / ("pandas-rfm.csv" if name == "pandas" else "duckdb-rfm.parquet")

    def check_out(self, name: str) -> list[str]:
        """--quick: the timed peer run also writes its table for the check (not timed)."""
        if not self.args.quick or self.args.no_check:
            return []
        return ["--out", str(self.peer_table(name))]

    def after_report(
        self, report_dir: Path, then: Callable[[int], None] | None
    ) -> Callable[[int], None]:
        def after(r: int) -> None:
            if r == 0:
                self.extra["report_files"] = report_files(report_dir)
            if then is not None:
                then(r)

        return after

    def run(self) -> dict[str, Any]:
        a = self.args
        repeat = 1 if a.quick else a.repeat
        started = time.perf_counter()
        load_before = os.getloadavg()
        code_before = code_fingerprint()
        git_before = versions({}).get("git")
        inputs = ensure_inputs(self.lines, shopify=not a.quick and not a.no_shopify)
        peer_py, peers = None, {}
        if a.no_peers:
            self.notes.append("peers skipped (--no-peers)")
        else:
            peer_py, where = ensure_peer_python(a.peer_python)
            if peer_py is None:
                self.notes.append(f"peers skipped: {where}")
            else:
                for name in ("pandas", "duckdb", "lifetimes"):
                    if name == "lifetimes" and (a.no_lifetimes or a.quick):
                        peers[name] = "skipped (--quick)" if a.quick else "skipped (--no-lifetimes)"
                    else:
                        peers[name] = peer_available(peer_py, name)
                    if peers[name]:
                        self.notes.append(f"peer {name}: {peers[name]}")
        if a.tasks:
            self.notes.append(f"only the rows {a.tasks} (--tasks)")
        if a.skip:
            self.notes.append(f"left out: {a.skip} (--skip)")
        steps = self.steps(inputs, peer_py, peers)
        size_mb = inputs.danish.stat().st_size / 1e6
        print(
            f"# {inputs.danish.name}: {self.lines:,} lines, {size_mb:.0f} MB; {repeat} round(s)",
            file=sys.stderr,
        )
        for r in range(repeat):
            for step in steps:
                row = self.row(step.key, step.label, step.group)
                if row.error:
                    continue
                for _ in range(step.times):
                    try:
                        if step.before:
                            step.before(r)
                        sample = run_measured(
                            step.cmd(r), cwd=self.tmp, json_out=step.json_out, env=self.env
                        )
                        if step.after:
                            step.after(r)
                    except (TaskFailed, subprocess.CalledProcessError) as err:
                        row.error = str(err).splitlines()[0]
                        print(f"FAILED {step.label}: {err}", file=sys.stderr)
                        break
                    row.add(sample, is_process=step.is_process)
                    kind = "process" if step.is_process else "in-process"
                    work = f"  work {sample.work:8.3f} s" if sample.work is not None else ""
                    print(
                        f"[{r + 1}/{repeat}] {step.label:<46} {kind:<10} {sample.wall:8.3f} s "
                        f"{sample.rss:7.0f} MiB{work}",
                        file=sys.stderr,
                    )
        checks = {} if a.no_check else self.checks(inputs, peer_py, peers)
        load_after = os.getloadavg()
        if code_fingerprint() != code_before:
            self.notes.append(
                f"kunde's source changed during this run (git {git_before} at the start); "
                "rows measured before and after the change are not strictly comparable"
            )
        result = {
            "size": self.label,
            "lines": self.lines,
            "file": inputs.danish.name,
            "file_mb": round(size_mb, 1),
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "repeat": repeat,
            "quick": a.quick,
            "elapsed": round(time.perf_counter() - started, 1),
            "load": [round(x, 2) for x in (*load_before, *load_after)],
            "machine": machine(),
            "versions": versions(self.rows),
            "rows": [row.summary() for row in self.rows.values()],
            "model": self.model_info(),
            "report_steps": self.report_steps(),
            "checks": checks,
            "report_files": self.extra.get("report_files"),
            "notes": self.notes,
        }
        if a.profile:
            result["profiles"] = self.profiles(result, inputs)
        shutil.rmtree(self.tmp, ignore_errors=True)
        return result

    def profiles(self, result: dict[str, Any], inputs: Inputs) -> dict[str, list[str]]:
        """One cProfile run of each kind asked for (or of each target not met here)."""
        asked = set(self.args.profile.split(","))
        if "failed" in asked:
            asked.discard("failed")
            asked |= {
                PROFILE_KIND[t["id"]]
                for t in targets(result)
                if t["passed"] is False and t["applies"] and t["id"] in PROFILE_KIND
            }
        fresh = self.tmp / "profile-ws"
        wsa = ["--workspace", str(self.ws), "--format", "csv"]
        work = {
            "ingest": ["cli", "ingest", str(inputs.danish), "--workspace", str(fresh)],
            "segment": ["cli", "segment", *wsa],
            "report": ["report", str(self.ws)],
            "model": ["model", str(self.ws)],
        }
        out: dict[str, list[str]] = {}
        for kind in [k for k in work if k in asked]:
            print(f"profiling {kind} …", file=sys.stderr)
            shutil.rmtree(fresh, ignore_errors=True)
            cmd = [sys.executable, str(Path(__file__)), "--_work", "cprofile", *work[kind]]
            try:
                sample = run_measured(cmd, cwd=self.tmp, json_out=True, env=self.env)
                out[kind] = sample.info.get("profile", [])
            except TaskFailed as err:
                out[kind] = [f"failed: {str(err).splitlines()[0]}"]
            shutil.rmtree(fresh, ignore_errors=True)
        return out

    # derived figures
    def first_info(self, key: str) -> dict[str, Any] | None:
        row = self.rows.get(key)
        return row.info[0] if row and row.info else None

    def model_info(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, name in (("model step", "kunde"), ("lifetimes", "lifetimes")):
            row = self.rows.get(key)
            if not row or not row.info:
                continue
            stages = ("summary", "fit_bgnbd", "fit_gamma_gamma", "predict")
            total = "work" if name == "kunde" else "model"
            out[name] = {
                **{s: min(i[s] for i in row.info) for s in stages},
                "fits": min(i["fit_bgnbd"] + i["fit_gamma_gamma"] for i in row.info),
                "model": min(i[total] for i in row.info),
                "params_bgnbd": row.info[0]["params_bgnbd"],
                "params_gamma_gamma": row.info[0]["params_gamma_gamma"],
                "customers": row.info[0]["customers"],
                "total_clv": row.info[0]["total_clv"],
                "mean_p_alive": row.info[0]["mean_p_alive"],
            }
        return out

    def report_steps(self) -> dict[str, float] | None:
        row = self.rows.get("report analyses")
        if not row or not row.info:
            return None
        names = list(row.info[0]["steps"])
        return {n: min(i["steps"].get(n, 0.0) for i in row.info) for n in names}

    def checks(self, inputs: Inputs, peer_py: str | None, peers: dict[str, str | None]) -> dict:
        """kunde's RFM table against the peers'; fitted parameters against lifetimes'."""
        import polars as pl

        out: dict[str, Any] = {}
        ours_path = self.tmp / "kunde-rfm.parquet"
        try:
            subprocess.run(
                [
                    *self.kunde,
                    "segment",
                    "--by",
                    "customer",
                    "--workspace",
                    str(self.ws),
                    "--format",
                    "parquet",
                    "--output",
                    str(ours_path),
                ],
                check=True,
                cwd=self.tmp,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        except subprocess.CalledProcessError as err:
            last = (err.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]
            out["rfm_error"] = f"kunde segment --by customer failed: {last[-300:]}"
            return out
        ours = pl.read_parquet(ours_path).select(
            pl.col("customer_id").cast(pl.String),
            pl.col("recency_days").cast(pl.Float64),
            pl.col("frequency").cast(pl.Float64),
            pl.col("monetary").cast(pl.Float64),
        )
        if peer_py is not None:
            for name, script in (("pandas", "pandas_rfm.py"), ("duckdb", "duckdb_rfm.py")):
                if peers.get(name) is not None or not self.wanted(f"{name} rfm"):
                    continue
                path = self.peer_table(name)
                print(f"checking kunde's RFM table against {name} …", file=sys.stderr)
                if not path.exists():
                    subprocess.run(
                        [peer_py, str(PEERS / script), str(inputs.danish), "--out", str(path)],
                        check=True,
                        cwd=self.tmp,
                        stdout=subprocess.DEVNULL,
                    )
                theirs = (
                    pl.read_csv(path, schema_overrides={"customer_id": pl.String})
                    if path.suffix == ".csv"
                    else pl.read_parquet(path)
                )
                out[f"rfm_{name}"] = compare_rfm(ours, theirs)
        kunde_model = self.model_info().get("kunde")
        lt_model = self.model_info().get("lifetimes")
        if kunde_model and lt_model:
            out["params"] = compare_params(kunde_model, lt_model)
        return out


def compare_rfm(ours: Any, theirs: Any) -> dict[str, Any]:
    """Per-customer differences of recency_days, frequency and monetary.

    kunde's RFM table holds the customers with at least one counted order (the others
    get no score: "potential" on the ladder), so the peer's are compared likewise.
    """
    import polars as pl

    no_order = int((theirs["frequency"] == 0).sum())
    theirs = theirs.filter(pl.col("frequency") > 0).select(
        pl.col("customer_id").cast(pl.String),
        *(
            pl.col(c).cast(pl.Float64).alias(f"{c}_peer")
            for c in ("recency_days", "frequency", "monetary")
        ),
    )
    joined = ours.join(theirs, on="customer_id", how="full", coalesce=True)
    result: dict[str, Any] = {
        "kunde_customers": ours.height,
        "peer_customers": theirs.height,
        "only_kunde": int(joined["frequency_peer"].is_null().sum()),
        "only_peer": int(joined["frequency"].is_null().sum()),
        "peer_no_counted_order": no_order,
    }
    both = joined.drop_nulls(["frequency", "frequency_peer"])
    bad = pl.lit(False)
    for col, tol in (("recency_days", 0.0), ("frequency", 0.0), ("monetary", 1e-6)):
        diff = (pl.col(col) - pl.col(f"{col}_peer")).abs()
        null_mismatch = pl.col(col).is_null() != pl.col(f"{col}_peer").is_null()
        result[f"max_abs_diff_{col}"] = float(both.select(diff.max()).item() or 0.0)
        bad = bad | null_mismatch | (diff > tol).fill_null(False)
    result["mismatching_customers"] = int(both.select(bad.sum()).item()) + (
        result["only_kunde"] + result["only_peer"]
    )
    return result


def agree_3sig(a: float, b: float) -> bool:
    """Equal to 3 significant digits: rounded alike, or within half a unit of the 3rd."""
    return f"{a:.3g}" == f"{b:.3g}" or abs(a - b) <= 5e-4 * max(abs(a), abs(b))


def compare_params(kunde: dict[str, Any], lt: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for group in ("params_bgnbd", "params_gamma_gamma"):
        for name, ours in kunde[group].items():
            theirs = lt[group][name]
            rows.append(
                {
                    "param": name,
                    "kunde": ours,
                    "lifetimes": theirs,
                    "rel_diff": abs(ours - theirs) / max(abs(theirs), 1e-300),
                    "agree": agree_3sig(ours, theirs),
                }
            )
    return {
        "rows": rows,
        "all_agree": all(r["agree"] for r in rows),
        "total_clv_kunde": kunde["total_clv"],
        "total_clv_lifetimes": lt["total_clv"],
    }


def report_files(folder: Path) -> dict[str, Any]:
    """Sizes of the report's HTML and xlsx, and the row count of the workbook's largest sheet."""
    info: dict[str, Any] = {}
    for path in folder.glob("*.html"):
        info["html_mb"] = path.stat().st_size / 1e6
    for path in folder.glob("*.xlsx"):
        info["xlsx_mb"] = path.stat().st_size / 1e6
        with zipfile.ZipFile(path) as zf:
            names = re.findall(r'<sheet [^>]*name="([^"]+)"', zf.read("xl/workbook.xml").decode())
            sheets = sorted(
                n for n in zf.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n)
            )
            rows = {}
            for i, member in enumerate(sorted(sheets, key=lambda n: int(re.findall(r"\d+", n)[0]))):
                with zf.open(member) as fh:
                    head = fh.read(4096).decode(errors="replace")
                m = re.search(r'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"', head)
                rows[names[i] if i < len(names) else member] = int(m.group(1) or 1) if m else None
            info["sheet_rows"] = rows
    return info


# --- machine and versions ------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "ram_gib": ram,
        "cpu": cpu,
        "os": platform.platform(terse=True),
    }


def code_fingerprint() -> str:
    """A hash of kunde's source (kunde_cli/ and templates/), to notice edits during a run."""
    import hashlib

    digest = hashlib.sha1()
    root = HERE.parent
    for path in sorted([*root.glob("kunde_cli/**/*.py"), *root.glob("templates/**/*")]):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def versions(rows: dict[str, Row]) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("kunde", "polars", "numpy", "scipy"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "?"
    try:
        head = subprocess.run(
            ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(HERE), "status", "--porcelain", "--", "../kunde_cli"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        out["git"] = head + (" + uncommitted changes in kunde_cli/" if dirty else "")
    except (subprocess.CalledProcessError, OSError):
        pass
    for key in ("pandas rfm", "duckdb rfm", "lifetimes"):
        row = rows.get(key)
        if row and row.info:
            for name in ("pandas", "duckdb", "lifetimes"):
                if name in row.info[0]:
                    out[name] = row.info[0][name]
    return out


# --- targets and tables ----------------------------------------------------------------


def _rows(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in result["rows"]}


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets of issues 9 and 15 evaluated on one run.

    Each: ``id``, ``target`` (text), ``where`` ([issue, size] pairs: the issue sets the
    target at that size, "all" = at every size), ``applies`` (this run's size is one of
    them), ``measured``, ``passed`` (None: a figure without a threshold) and, when not
    passed, ``profile`` (where the time goes, :func:`profile_of`).
    """
    rows = _rows(result)
    out: list[dict[str, Any]] = []

    def add(
        tid: str, text: str, where: list[tuple[str, str]], measured: str, passed: bool | None
    ) -> None:
        applies = any(size in ("all", result["size"]) for _, size in where)
        t = {
            "id": tid,
            "target": text,
            "where": [list(w) for w in where],
            "applies": applies,
            "measured": measured,
            "passed": passed,
        }
        if passed is False:
            t["profile"] = profile_of(tid, result)
        out.append(t)

    def get(key: str, stat: str = "min") -> float | None:
        row = rows.get(key)
        return row.get(stat) if row else None

    at_1m = [("15", "1M")]
    floor, floor_w, floor_rss = (
        get("floor csv"),
        get("floor csv", "work_min"),
        get("floor csv", "rss"),
    )
    ing = _ratio(get("ingest"), floor)
    if ing is not None:
        add(
            "ingest-time",
            "kunde ingest ≤ 2 × read_csv floor (process, min)",
            [*at_1m, ("9", "1M"), ("9", "10M")],
            f"{ing:.2f} × ({get('ingest'):.2f} s vs {floor:.2f} s)",
            ing <= 2.0,
        )
    mem = _ratio(get("ingest", "rss"), floor_rss)
    if mem is not None:
        add(
            "ingest-rss",
            "kunde ingest peak RSS ≤ 2 × the floor's",
            [*at_1m, ("15", "10M"), ("9", "1M"), ("9", "10M")],
            f"{mem:.2f} × ({get('ingest', 'rss'):.0f} vs {floor_rss:.0f} MiB)",
            mem <= 2.0,
        )
    seg = _ratio(get("segment"), floor)
    if seg is not None:
        seg_w = _ratio(get("segment", "work_min"), floor_w)
        extra = f"; in-process {seg_w:.2f} ×" if seg_w is not None else ""
        add(
            "segment",
            "kunde segment ≤ 0.7 × CSV floor (process, min)",
            [*at_1m, ("9", "10M")],
            f"{seg:.2f} × ({get('segment'):.2f} s){extra}",
            seg <= 0.7,
        )
    rep_w = _ratio(get("report analyses", "work_min"), floor_w)
    if rep_w is not None:
        add(
            "report-analyses",
            "report's rule-based analyses together ≤ 1.5 × CSV floor (in-process, min)",
            [*at_1m, ("9", "10M")],
            f"{rep_w:.2f} × ({get('report analyses', 'work_min'):.2f} s vs {floor_w:.2f} s)",
            rep_w <= 1.5,
        )
    steps = result.get("report_steps") or {}
    for tid, step, what, limit in (
        ("render-xlsx", "xlsx", "workbook", 1.0),
        ("render-html", "html", "HTML report", 0.5),
    ):
        if step in steps:
            add(
                tid,
                f"{what} rendering ≤ {limit:.1f} s (in-process, min)",
                at_1m,
                f"{steps[step]:.2f} s",
                steps[step] <= limit,
            )
    model = result.get("model", {})
    k, lt = model.get("kunde"), model.get("lifetimes")
    if k:
        add(
            "fit",
            "BG/NBD + Gamma-Gamma fit ≤ 5 s",
            [("9", "10M")],
            f"{k['fits']:.2f} s on {k['customers']:,} customers",
            k["fits"] <= 5.0,
        )
    if k and lt:
        speed = lt["model"] / k["model"]
        add(
            "model-speed",
            "model step ≥ 25 × faster than lifetimes (in-process, min)",
            [*at_1m, ("9", "1M"), ("9", "10M")],
            f"{speed:.1f} × ({k['model']:.2f} s vs {lt['model']:.2f} s)",
            speed >= 25,
        )
    e2e_k = (get("ingest") or 0) + (get("report") or 0) if get("ingest") and get("report") else None
    if e2e_k and get("lifetimes"):
        speed = get("lifetimes") / e2e_k
        add(
            "e2e",
            "ingest + report ≥ 10 × faster than pandas + lifetimes (process, min)",
            [*at_1m, ("9", "10M")],
            f"{speed:.1f} × ({e2e_k:.1f} s vs {get('lifetimes'):.1f} s)",
            speed >= 10,
        )
    if get("report") is not None:
        add(
            "report-3s",
            "kunde report ≤ 3 s (whole process, with models, min)",
            [("15", "100k")],
            f"{get('report'):.2f} s",
            get("report") <= 3.0,
        )
    again, first = get("report again"), get("report")
    if again is not None:
        vs = f" (first run {first:.2f} s: {speed_text(first, again)})" if first else ""
        add(
            "report-again",
            "kunde report, again on the unchanged workspace (cron; process, min)",
            [("15", "all")],
            f"{again:.2f} s{vs}",
            None,
        )
    base = get("startup typer+rich")
    for key in ("kunde --help", "kunde --version"):
        ratio = _ratio(get(key), base)
        if ratio is not None:
            add(
                key.replace("kunde --", "startup-"),
                f'{key} ≤ 1.5 × `python -c "import typer, rich"`',
                [("9", "all")],
                f"{ratio:.2f} × ({get(key):.3f} s vs {base:.3f} s)",
                ratio <= 1.5,
            )
    files = result.get("report_files") or {}
    if "html_mb" in files:
        add(
            "html-size",
            "HTML report < 5 MB",
            [("9", "10M")],
            f"{files['html_mb']:.2f} MB",
            files["html_mb"] < 5,
        )
    if files.get("sheet_rows"):
        name, most = max(files["sheet_rows"].items(), key=lambda kv: kv[1] or 0)
        add(
            "sheet-rows",
            "every workbook sheet ≤ 1,048,576 rows",
            [("9", "all")],
            f"largest: {name!r} {most:,} rows",
            (most or 0) <= EXCEL_MAX_ROWS,
        )
    checks = result.get("checks") or {}
    for name in ("pandas", "duckdb"):
        c = checks.get(f"rfm_{name}")
        if c:
            add(
                f"rfm-{name}",
                f"kunde's RFM table = the {name} peer's",
                [("9", "all"), ("15", "all")],
                f"{c['mismatching_customers']} mismatching of {c['kunde_customers']:,}; max |Δ| "
                f"R {c['max_abs_diff_recency_days']:g}, F {c['max_abs_diff_frequency']:g}, "
                f"M {c['max_abs_diff_monetary']:.2g}; {c['peer_no_counted_order']} customers with "
                "no counted order left out on both sides",
                c["mismatching_customers"] == 0,
            )
    if checks.get("params"):
        p = checks["params"]
        worst = max(p["rows"], key=lambda r: r["rel_diff"])
        add(
            "params",
            "fitted BG/NBD + Gamma-Gamma parameters = lifetimes' to 3 significant digits",
            [("9", "all"), ("15", "all")],
            f"largest relative difference {worst['rel_diff']:.1e} ({worst['param']})",
            p["all_agree"],
        )
    return out


def where_text(where: list[list[str]]) -> str:
    """[[15, 1M], [9, 1M], [9, 10M]] → "1M (issues 15, 9) · 10M (issue 9)"."""
    sizes: dict[str, list[str]] = {}
    for issue, size in where:
        sizes.setdefault(size, []).append(issue)
    parts = []
    for size, issues in sizes.items():
        label = "every size" if size == "all" else size
        parts.append(f"{label} (issue{'s' if len(issues) > 1 else ''} {', '.join(issues)})")
    return " · ".join(parts)


def verdict(passed: bool | None) -> str:
    return "info" if passed is None else ("PASS" if passed else "FAIL")


#: Which ``--profile`` run shows where a target's time goes.
PROFILE_KIND = {
    "ingest-time": "ingest",
    "ingest-rss": "ingest",
    "segment": "segment",
    "report-analyses": "report",
    "render-xlsx": "report",
    "render-html": "report",
    "report-3s": "report",
    "e2e": "report",
    "fit": "model",
    "model-speed": "model",
}

#: The next step for a target not met, by target id, written after looking at a run's
#: profile; ``run.py --render-only`` rewrites RESULTS.md with them (no measuring).
NEXT_STEPS: dict[str, str] = {
    "ingest-time": (
        "at 10M (cProfile), a first ingest is: reading and validating the text 15.6 s "
        "(every column read as text, checked, and cleaned once per distinct value), the "
        "orders and customers tables built from every line 24 s (orders 5 s, contacts "
        "5 s, e-mails 2.4 s, assembling the customers 5-7 s), the per-file status table "
        "about 10 s (the export's orders grouped a second time), the store's compare, "
        "identity and Parquet 7 s. Next: on a first ingest build the tables and the "
        "status table from one grouping of the orders; take contacts by max_by over one "
        "ordinal date rank instead of sorting every column (0.45 -> 0.30 s at 1M, "
        "measured); hash the file while it is read. 2 x is below what validating the "
        "text alone costs (1.0 s at 1M against a 0.50 s floor): it needs a reader that "
        "checks while it parses, not more tuning. A day's export into the workspace "
        "(an append) updates the tables instead of building them: 1.96 s at 1M, 17.6 s "
        "at 10M, of which assembling every customer row again 6 s, identity over every "
        "stored customer 3.9 s and writing both tables 2.4 s -- next: keys, purchase "
        "figures and e-mail matching for the touched customers only, identity by "
        "union-find on the new triples"
    ),
    "ingest-rss": (
        "the export's lines are let go once written (before the tables are built); what "
        "is left is reading and validating the text: read in batches, one part per batch, "
        "split by a hash of the order id so an order's lines stay together"
    ),
    "segment": (
        "the process is ~0.45 s of Python, Polars and kunde imports plus reading the "
        "orders table (480k rows at 1M); keep only the columns a command needs in the "
        "tables it reads, and a basis at the compare date reads the lines for orders it "
        "cuts: store a per-order 'cut-free before' date so most dates need no lines"
    ),
    "report-analyses": (
        "profiles and the ladder still read order lines (products and categories per "
        "segment, survey e-mails); store per-customer product and category totals and "
        "the customer e-mail pairs with the tables; nps links answers by e-mail over the "
        "lines' distinct pairs"
    ),
    "model-speed": (
        "half of the step is reading the tables and building the purchase days; the BG/NBD "
        "fit is 0.19 s at 1M: fit on the collapsed patterns with an analytic gradient in "
        "one SciPy call, and predict only the columns the report shows"
    ),
    "e2e": (
        "ingest is half of it (5.25 s of 10.0 s at 1M, see the ingest target); the "
        "report with models is 4.7 s, of which the rule analyses 2.7 s (see that target)"
    ),
}


def _top_steps(steps: dict[str, float], n: int = 6) -> str:
    ordered = sorted(steps.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{k} {v:.2f}" for k, v in ordered[:n])


def profile_of(tid: str, result: dict[str, Any]) -> str:
    """Where the time (or memory) of a target not met goes, from the run's own figures."""
    rows = _rows(result)

    def get(key: str, stat: str = "min") -> float | None:
        return (rows.get(key) or {}).get(stat)

    steps = result.get("report_steps") or {}
    analyses = {k: v for k, v in steps.items() if k not in REPORT_RENDER_STEPS and k != "end"}
    no_steps = "no in-process report steps in this run"
    parts: list[str] = []
    if tid in ("ingest-time", "ingest-rss", "segment"):
        key = "ingest" if tid != "segment" else "segment"
        p, w = get(key), get(key, "work_min")
        if p is not None and w is not None and w <= p:
            parts.append(
                f"in-process {w:.2f} s of {p:.2f} s (start-up and imports ≈ {p - w:.2f} s)"
            )
        elif p is not None and w is not None:  # one round each: noise beats start-up
            parts.append(f"process {p:.2f} s, in-process {w:.2f} s (one round each)")
        if tid == "ingest-rss":
            parts.append(f"floor read_csv {get('floor csv', 'rss') or 0:.0f} MiB")
    elif tid == "report-analyses":
        parts.append(f"steps (s): {_top_steps(analyses)}" if analyses else no_steps)
    elif tid in ("render-xlsx", "render-html"):
        files = result.get("report_files") or {}
        rendering = {k: v for k, v in steps.items() if k in REPORT_RENDER_STEPS}
        parts.append(f"rendering (s): {_top_steps(rendering)}" if rendering else no_steps)
        if files.get("sheet_rows"):
            name, most = max(files["sheet_rows"].items(), key=lambda kv: kv[1] or 0)
            parts.append(
                f"workbook {files.get('xlsx_mb', 0):.1f} MB, {len(files['sheet_rows'])} sheets, "
                f"largest {name!r} {most:,} rows; HTML {files.get('html_mb', 0):.2f} MB"
            )
    elif tid in ("report-3s", "e2e"):
        p = get("report")
        if tid == "e2e":
            parts.append(f"ingest {get('ingest') or 0:.2f} s + report {p or 0:.2f} s")
        if steps:
            inproc = sum(v for k, v in steps.items() if k != "end")
            model = (result.get("model") or {}).get("kunde", {}).get("model")
            rest = (p or 0) - inproc - (model or 0)
            parts.append(
                f"report {p or 0:.2f} s ≈ analyses and rendering in-process {inproc:.2f} s "
                f"({_top_steps(steps, 5)}) + model step {model or 0:.2f} s + start-up, "
                f"imports and writing ≈ {rest:.2f} s"
            )
        else:
            parts.append(no_steps)
    elif tid.startswith("startup-"):
        parts.append("imports: `python -X importtime -m kunde_cli --help 2>&1 | sort -t'|' -k2 -n`")
    elif tid in ("fit", "model-speed"):
        k = (result.get("model") or {}).get("kunde")
        if k:
            parts.append(
                f"kunde model step (s): summary {k['summary']:.2f}, BG/NBD fit "
                f"{k['fit_bgnbd']:.2f}, Gamma-Gamma fit {k['fit_gamma_gamma']:.2f}, "
                f"predict {k['predict']:.2f}"
            )
    kind = PROFILE_KIND.get(tid)
    if kind and kind in (result.get("profiles") or {}):
        parts.append(f"cProfile: see “{kind}” below")
    elif kind:
        parts.append(f"cProfile: `bench/run.py --size {result['size']} --profile {kind}`")
    return "; ".join(parts)


def fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def speed_text(theirs: float, ours: float) -> str:
    """ "4.2 × faster" or "1.5 × slower" (kunde's time ``ours`` against ``theirs``)."""
    if ours <= theirs:
        return f"{theirs / ours:.1f} × faster"
    return f"{ours / theirs:.1f} × slower"


def peer_text(result: dict[str, Any], key: str) -> str:
    rows = _rows(result)
    seg = rows.get("segment", {})
    row = rows[key]
    if key in ("pandas rfm", "duckdb rfm") and seg.get("min") and row.get("min"):
        text = f"kunde segment {speed_text(row['min'], seg['min'])}"
        if seg.get("work_min") and row.get("work_min"):
            text += f" ({speed_text(row['work_min'], seg['work_min'])} in-process)"
        return text
    model = result.get("model", {})
    if key == "lifetimes" and model.get("kunde") and model.get("lifetimes"):
        k, lt = model["kunde"], model["lifetimes"]
        text = f"kunde model step {speed_text(lt['model'], k['model'])}"
        if rows.get("ingest", {}).get("min") and rows.get("report", {}).get("min"):
            e2e = rows["ingest"]["min"] + rows["report"]["min"]
            text += f"; kunde ingest + report {speed_text(row['min'], e2e)}"
        return text
    return ""


def table(result: dict[str, Any]) -> list[str]:
    rows = _rows(result)
    floor = rows.get("floor csv", {})
    shop_floor = rows.get("floor csv shopify", {})
    head = (
        "| task | runs | min s | median s | in-process min s | in-process median s | "
        "peak MiB | × CSV floor | × floor in-process | vs peer |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in result["rows"]:
        if r["error"]:
            lines.append(f"| {r['label']} | – | failed: {r['error'][:120]} | | | | | | | |")
            continue
        base = shop_floor if r["key"] == "ingest shopify" else floor
        ratio = _ratio(r["min"], base.get("min")) if r["group"] not in ("startup",) else None
        ratio_w = _ratio(r["work_min"], base.get("work_min"))
        lines.append(
            f"| {r['label']} | {r['runs']} | {fmt(r['min'])} | {fmt(r['median'])} | "
            f"{fmt(r['work_min'])} | {fmt(r['work_median'])} | {fmt(r['rss'], 0)} | "
            f"{fmt(ratio)} | {fmt(ratio_w)} | {peer_text(result, r['key'])} |"
        )
    return lines


def render_size(result: dict[str, Any]) -> list[str]:
    m, v = result["machine"], result["versions"]
    lb = result["load"]
    out = [
        f"## {result['size']} lines",
        "",
        f"Run {result['date']} · `{result['file']}` ({result['lines']:,} lines, "
        f"{result['file_mb']:.0f} MB) · {result['repeat']} round(s)"
        f"{' (--quick)' if result['quick'] else ''} · {result['elapsed']:.0f} s in all",
        "",
        f"Machine: {m['nproc']} cores, {m['ram_gib']} GiB RAM, {m['cpu']}, {m['os']}; "
        f"load average {lb[0]:.1f} / {lb[1]:.1f} / {lb[2]:.1f} before, "
        f"{lb[3]:.1f} / {lb[4]:.1f} / {lb[5]:.1f} after.",
        "",
        "Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
        "",
        *table(result),
        "",
    ]
    model = result.get("model") or {}
    if model:
        out += [
            "Model step, in-process, min over runs (s):",
            "",
            "| | summary | BG/NBD fit | Gamma-Gamma fit | predict | whole step | customers |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, mi in model.items():
            out.append(
                f"| {name} | {fmt(mi['summary'])} | {fmt(mi['fit_bgnbd'])} | "
                f"{fmt(mi['fit_gamma_gamma'])} | {fmt(mi['predict'])} | "
                f"{fmt(mi['model'])} | {mi['customers']:,} |"
            )
        out.append("")
    steps = result.get("report_steps")
    if steps:
        out += [
            "Report steps, in-process with `fit_model=False`, min over runs (s): "
            + ", ".join(f"{k} {val:.2f}" for k, val in steps.items())
            + ".",
            "",
        ]
    files = result.get("report_files")
    if files:
        sheets = ", ".join(f"{k} {val:,}" for k, val in (files.get("sheet_rows") or {}).items())
        out += [
            f"Report files: HTML {files.get('html_mb', 0):.2f} MB, xlsx "
            f"{files.get('xlsx_mb', 0):.2f} MB; rows per sheet: {sheets}.",
            "",
        ]
    checks = result.get("checks") or {}
    if checks.get("params"):
        p = checks["params"]
        out += [
            "Fitted parameters (time unit: weeks):",
            "",
            "| parameter | kunde | lifetimes | relative difference | 3 significant digits |",
            "|---|---|---|---|---|",
        ]
        for r in p["rows"]:
            out.append(
                f"| {r['param']} | {r['kunde']:.6g} | {r['lifetimes']:.6g} | "
                f"{r['rel_diff']:.1e} | {'equal' if r['agree'] else 'DIFFERENT'} |"
            )
        out += [
            "",
            f"Total 12-month CLV: kunde {p['total_clv_kunde']:,.0f}, lifetimes "
            f"{p['total_clv_lifetimes']:,.0f} (kunde's month is 365.25/12 days, "
            "lifetimes' 4.345 weeks).",
            "",
        ]
    for key in ("rfm_error",):
        if checks.get(key):
            out += [f"RFM check: {checks[key]}", ""]
    out += [
        "Targets of issues 9 and 15 (“set at” = the size at which an issue sets the "
        "target; “applies” = yes at those sizes, info at the others):",
        "",
        "| target | set at | applies | measured | result |",
        "|---|---|---|---|---|",
    ]
    found = targets(result)
    for t in found:
        # a target set at another size: its verdict, in brackets, is information only
        shown = verdict(t["passed"]) if t["applies"] else f"({verdict(t['passed']).lower()})"
        out.append(
            f"| {t['target']} | {where_text(t['where'])} | {'yes' if t['applies'] else 'info'} "
            f"| {t['measured']} | {shown} |"
        )
    out.append("")
    failed = [t for t in found if t["passed"] is False and t["applies"]]
    if failed:
        out += ["Targets not met here: where the time goes, and the next step:", ""]
        for t in failed:
            step = NEXT_STEPS.get(t["id"], "to be written (NEXT_STEPS in bench/run.py)")
            out.append(f"- **{t['target']}** — {t['profile']}. Next step: {step}")
        out.append("")
    for kind, lines in (result.get("profiles") or {}).items():
        out += [
            f"cProfile of “{kind}” (one in-process run; top kunde functions by "
            "cumulative time, then any function by own time):",
            "",
            "```",
            *lines,
            "```",
            "",
        ]
    if result.get("notes"):
        out += ["Notes: " + "; ".join(result["notes"]) + ".", ""]
    return out


# --- RESULTS.md ---------------------------------------------------------------------

_DATA_MARK = re.compile(r"<!-- bench-data (\{.*?\}) -->")
SIZE_ORDER = {"100k": 0, "1M": 1, "10M": 2}


def load_results() -> dict[str, dict[str, Any]]:
    if not RESULTS.exists():
        return {}
    found = {}
    for text in _DATA_MARK.findall(RESULTS.read_text(encoding="utf-8")):
        data = json.loads(text)
        found[data["size"]] = data
    return found


def write_results(result: dict[str, Any] | None) -> None:
    """Replace ``result``'s size section of RESULTS.md (None: rewrite it from its data)."""
    results = load_results()
    if result is not None:
        results[result["size"]] = result
    ordered = sorted(results.values(), key=lambda r: (SIZE_ORDER.get(r["size"], 9), r["lines"]))
    lines = [
        "# kunde benchmark results",
        "",
        "Written by `python bench/run.py --size SIZE --write-results` (see "
        "[bench/README.md](README.md)); each run replaces its size's section. Times are "
        "wall seconds of whole processes (start-up and imports included) and, where given, "
        "in-process work time after the imports; min and median over the rounds; peak "
        "RSS is the largest `ru_maxrss` of the process runs. “× CSV floor” divides by the "
        "same run's Polars `read_csv` of the same file; tasks are interleaved round by "
        "round, so every ratio shares the machine's noise.",
        "",
        "## Targets at a glance",
        "",
        "The targets of issues 9 and 15 at the sizes where the issues set them; each FAIL's "
        "profile and next step are in its size's section below.",
        "",
        "| size | target | measured | result |",
        "|---|---|---|---|",
    ]
    for res in ordered:
        for t in targets(res):
            if t["applies"]:
                lines.append(
                    f"| {res['size']} | {t['target']} | {t['measured']} | {verdict(t['passed'])} |"
                )
    lines += ["", "Not measured by run.py: the progress bar on a terminal (run.py has no tty).", ""]
    for res in ordered:
        lines += render_size(res)
        # "--" cannot appear inside an HTML comment; in JSON it can only be inside a string
        dumped = json.dumps(res, ensure_ascii=False, separators=(",", ":"))
        dumped = dumped.replace("--", "\\u002d\\u002d")
        lines += [f"<!-- bench-data {dumped} -->", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {RESULTS}", file=sys.stderr)


# --- main -------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_work"]:
        return _work_main(argv[1:])
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size", default="100k", help="order lines: 100k, 1m or 10m (or any count)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one round, whole processes (and the report's in-process steps) only, no Shopify "
        "file, no lifetimes",
    )
    parser.add_argument(
        "--no-work", action="store_true", help="skip the in-process runs of the CLI commands"
    )
    parser.add_argument("--no-peers", action="store_true", help="skip pandas, DuckDB, lifetimes")
    parser.add_argument(
        "--no-lifetimes",
        action="store_true",
        help="skip the lifetimes peer (it takes many minutes at 10m)",
    )
    parser.add_argument("--no-shopify", action="store_true", help="skip the Shopify-layout rows")
    parser.add_argument("--no-check", action="store_true", help="skip the RFM equality check")
    parser.add_argument("--peer-python", help="python of an environment with the peer packages")
    parser.add_argument("--tasks", help="only these row keys, comma-separated (ingest always runs)")
    parser.add_argument(
        "--skip", help="leave out these row keys, comma-separated (e.g. 'report --no-model')"
    )
    parser.add_argument(
        "--write-results",
        action="store_true",
        help="replace this size's section of bench/RESULTS.md",
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="failed",
        metavar="KINDS",
        help="after the rounds, run under cProfile once: the work of the targets not met "
        "here (default), or these of ingest,segment,report,model",
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="measure nothing: rewrite bench/RESULTS.md from the data it holds "
        "(after editing NEXT_STEPS)",
    )
    args = parser.parse_args(argv)
    if args.render_only:
        write_results(None)
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.profile:
        wrong = set(args.profile.split(",")) - {"failed", *PROFILE_KIND.values()}
        if wrong:
            parser.error(f"--profile: unknown {', '.join(sorted(wrong))}")

    bench = Bench(args)
    try:
        result = bench.run()
    finally:
        shutil.rmtree(bench.tmp, ignore_errors=True)
    print("\n".join(render_size(result)))
    if args.write_results:
        write_results(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
