"""Same data, same bytes (issue 13, point 8).

Every command runs twice, in every format it writes, on one small synthetic shop, and
the two outputs must be byte-identical: CSV, JSON, Parquet and Excel (and the report's
HTML). Nothing kunde writes carries a generated-at stamp — a workbook is dated by the
analysis's as-of date, not the clock — so the comparison is of the whole file, with
nothing left out.

CSV and JSON must also be free of float noise: money has at most 2 decimals (øre),
shares and rates at most 4, and no number anywhere has the 15–17 digits of an
unrounded float (``41565.600000000006``, ``0.09794871794871794``).

Runs in-process share one Python hash seed, so a last test also runs a few commands as
real processes with different ``PYTHONHASHSEED``s (set order must not leak into output).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli import synth
from kunde_cli.cli.main import app
from kunde_cli.render.formats import rounded

runner = CliRunner()

END = date(2026, 10, 31)
COMPARE = "2026-04-30"
FORMATS = ("csv", "json", "parquet", "xlsx")

#: Money columns (kr.): at most 2 decimals in CSV and JSON.
MONEY = {
    "revenue",
    "monetary",
    "aov",
    "avg_monetary",
    "value",
    "value_at_stake",
    "revenue_to_date",
    "avg_revenue_to_date",
    "simple_clv",
    "avg_simple_clv",
    "simple_clv_total",
    "expected_spend",
    "predicted_clv",
    "value_at_risk",
}
#: Shares and rates: at most 4 decimals.
RATES = {
    "share_customers",
    "share_revenue",
    "share_promoters",
    "share_passives",
    "share_detractors",
    "p_alive",
    "mean_p_alive",
    "retention_rate",
    "repurchase_rate",
}
#: The brief's float-noise pattern, for money and rate cells.
NOISE = re.compile(r"\d+\.\d{5,}")
#: Any number with 9+ decimals is an unrounded float (rounded measures below 0.001 keep
#: 4 significant digits, at most 8 decimals: 0.00001235).
RAW_FLOAT = re.compile(r"\d\.\d{9,}")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?(?:e[-+]?\d+)?")

# (arguments, whether the output has money or rate columns)
COMMANDS: list[tuple[list[str], bool]] = [
    (["segment"], True),
    (["segment", "--by", "customer"], True),
    (["segment", "--compare", COMPARE], False),
    (["segment", "--by", "customer", "--compare", COMPARE], False),
    (["ladder"], True),
    (["ladder", "--by", "customer"], True),
    (["ladder", "--compare", COMPARE], False),
    (["churn"], True),
    (["churn", "--list"], True),
    (["churn", "--model", "bgnbd"], True),
    (["churn", "--list", "--model", "bgnbd"], True),
    (["nps"], True),
    (["nps", "--period", "month"], False),
    (["nps", "--by", "segment"], False),
    (["nps", "--by", "channel"], False),
    (["nps", "--list", "detractors"], True),
    (["nps", "--list", "promoters"], True),
    (["nps", "--comments"], False),
    (["retention"], True),
    (["retention", "--cohorts"], False),
    (["clv"], True),
    (["clv", "--by", "segment"], True),
    (["clv", "--model", "bgnbd"], True),
    (["clv", "--holdout", "6m"], False),
    (["profiles"], True),
    (["profiles", "--by", "rung"], True),
]


@dataclass(frozen=True)
class Shop:
    orders: Path
    survey: Path
    workspace: Path
    customer: str


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Shop:
    root = tmp_path_factory.mktemp("same_bytes")
    orders = synth.generate_orders(n_customers=150, seed=13, end=END, years=2.0)
    survey = synth.generate_survey(orders, seed=13, response_rate=0.5)
    orders_csv, survey_csv = root / "ordrer.csv", root / "svar.csv"
    synth.write_danish_csv(orders, orders_csv)
    synth.write_survey_google_forms(survey, survey_csv)
    workspace = root / "ws"
    result = runner.invoke(app, ["ingest", str(orders_csv), str(survey_csv), "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    # The customer with the most orders: explain has something to say about them.
    customer = orders.group_by("customer_id").agg(pl.col("order_id").n_unique().alias("n"))
    top = customer.sort(["n", "customer_id"], descending=[True, False]).item(0, "customer_id")
    return Shop(orders_csv, survey_csv, workspace, str(top))


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    # export's pseudonym salt: fixed, and never the developer's own ~/.config/kunde/salt.
    return {"KUNDE_SALT": "same-bytes-same-bytes", "XDG_CONFIG_HOME": str(tmp_path / "config")}


def _run(args: list[str], env: dict[str, str], output: Path | None = None) -> bytes:
    result = runner.invoke(
        app, [*args, *(["-o", str(output)] if output else [])], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, f"{args}: {result.output}"
    if output is None:
        return result.stdout_bytes
    data = output.read_bytes()
    output.unlink()
    return data


def _twice(args: list[str], env: dict[str, str], output: Path | None = None) -> bytes:
    first, second = _run(args, env, output), _run(args, env, output)
    assert first, f"{args} wrote nothing"
    assert first == second, f"two runs of `kunde {' '.join(args)}` gave different bytes"
    return first


def _cells(data: bytes, fmt: str) -> dict[str, list[str]]:
    """Every value as the text written, per column (CSV cells; JSON numbers as written)."""
    if fmt == "csv":
        frame = pl.read_csv(io.BytesIO(data), infer_schema=False)
        return {c: frame.get_column(c).drop_nulls().to_list() for c in frame.columns}
    rows = json.loads(data, parse_float=str, parse_int=str)
    if isinstance(rows, dict):
        # clv/churn --model: {"model": {the fits}, "rows": [...]}; explain: one object.
        rows = rows.get("rows", [rows])
    cells: dict[str, list[str]] = {}
    for row in rows:
        for key, value in row.items() if isinstance(row, dict) else ():
            if isinstance(value, str):
                cells.setdefault(key, []).append(value)
    return cells


def _assert_no_float_noise(data: bytes, fmt: str, args: list[str]) -> int:
    """No noise in any number; money ≤ 2 decimals, rates ≤ 4. Returns money/rate cells seen."""
    checked = 0
    for column, values in _cells(data, fmt).items():
        numbers = [v for v in values if NUMBER.fullmatch(v)]
        noisy = [v for v in numbers if RAW_FLOAT.search(v)]
        assert not noisy, f"{args} {fmt}: unrounded floats in {column}: {noisy[:3]}"
        if column in MONEY or column in RATES:
            hits = [v for v in numbers if NOISE.search(v)]
            assert not hits, f"{args} {fmt}: float noise in {column}: {hits[:3]}"
            places = 2 if column in MONEY else 4
            long = [v for v in numbers if len(re.split(r"[.,]", v + ".")[1]) > places]
            assert not long, f"{args} {fmt}: {column} has more than {places} decimals: {long[:3]}"
            checked += len(numbers)
    return checked


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[0]).replace("--", ""))
def test_every_format_twice_gives_the_same_bytes(shop, env, tmp_path, command):
    args, has_money = command
    base = [*args, "-w", str(shop.workspace)]
    checked = 0
    for fmt in FORMATS:
        output = tmp_path / f"out.{fmt}" if fmt in ("parquet", "xlsx") else None
        data = _twice([*base, "-f", fmt], env, output)
        if fmt in ("csv", "json"):
            checked += _assert_no_float_noise(data, fmt, args)
    if has_money:
        assert checked > 0, f"{args}: no money or rate column was checked"


def test_danish_csv_twice_gives_the_same_bytes(shop, env):
    data = _twice(
        ["segment", "-w", str(shop.workspace), "-f", "csv", "--csv-style", "da", "--bom"], env
    )
    text = data.decode("utf-8-sig")
    assert ";" in text
    assert not re.search(r"\d+,\d{5,}", text), text


def test_explain_twice_gives_the_same_bytes(shop, env, tmp_path):
    base = ["explain", shop.customer, "-w", str(shop.workspace)]
    for fmt in FORMATS:
        output = tmp_path / f"out.{fmt}" if fmt in ("parquet", "xlsx") else None
        data = _twice([*base, "-f", fmt], env, output)
        if fmt == "json":
            assert json.loads(data)["customer_id"] == shop.customer
            assert not RAW_FLOAT.search(data.decode())


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_and_call_list_twice_give_the_same_bytes(shop, env, tmp_path, suffix):
    base = ["export", "--tier", "cooling,inactive,lost", "-w", str(shop.workspace)]
    _twice(base, env, tmp_path / f"liste.{suffix}")
    hashed = _twice([*base, "--hash-emails"], env, tmp_path / f"anonym.{suffix}")
    assert hashed
    calls = tmp_path / f"ring.{suffix}"
    first = _run([*base, "--calls", str(calls)], env, tmp_path / f"a.{suffix}")
    first_calls = calls.read_bytes()
    second = _run([*base, "--calls", str(calls)], env, tmp_path / f"a.{suffix}")
    assert (first, first_calls) == (second, calls.read_bytes())


def test_inspect_and_ingest_twice_give_the_same_bytes(shop, env, tmp_path):
    _twice(["inspect", str(shop.orders), str(shop.survey), "-f", "json"], env)
    for fmt in ("csv", "json"):
        runs = [
            _run(["ingest", str(shop.orders), "-w", str(tmp_path / f"{fmt}{i}"), "-f", fmt], env)
            for i in (1, 2)
        ]
        assert runs[0] == runs[1], fmt


def test_report_html_and_workbook_twice_give_the_same_bytes(shop, env, tmp_path):
    written = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = runner.invoke(
            app,
            ["report", "-w", str(shop.workspace), "--output-dir", str(out), "--compare", COMPARE],
            env=env,
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        written.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert sorted(written[0]) == [f"kunde-rapport-{END}.html", f"kunde-rapport-{END}.xlsx"]
    for name in written[0]:
        assert written[0][name] == written[1][name], f"{name} differs between two runs"


def test_workbook_is_dated_by_the_as_of_date_not_the_clock(shop, env, tmp_path):
    import openpyxl

    path = tmp_path / "segmenter.xlsx"
    result = runner.invoke(
        app, ["segment", "-w", str(shop.workspace), "-f", "xlsx", "-o", str(path)], env=env
    )
    assert result.exit_code == 0, result.output
    props = openpyxl.load_workbook(path).properties
    assert props.created.date() == END
    assert props.modified.date() == END


@pytest.mark.parametrize(
    "command",
    [["segment", "--by", "customer"], ["clv", "--model", "bgnbd"], ["churn", "--list"]],
    ids=lambda c: "-".join(c).replace("--", ""),
)
def test_files_given_directly_twice_give_the_same_bytes(shop, env, tmp_path, command):
    base = [*command, str(shop.orders), str(shop.survey)]
    for fmt in FORMATS:
        output = tmp_path / f"out.{fmt}" if fmt in ("parquet", "xlsx") else None
        data = _twice([*base, "-f", fmt], env, output)
        if fmt in ("csv", "json"):
            assert _assert_no_float_noise(data, fmt, command) > 0


def test_separate_processes_with_other_hash_seeds_give_the_same_bytes(shop, tmp_path):
    kunde = [sys.executable, "-m", "kunde_cli"]
    commands = [
        [*kunde, "segment", str(shop.orders), "--by", "customer", "--format", "csv"],
        [*kunde, "nps", "--comments", "-w", str(shop.workspace), "-f", "json"],
        [*kunde, "profiles", "-w", str(shop.workspace), "-f", "csv"],
    ]
    for command in commands:
        outputs = []
        for seed in ("1", "2"):
            env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
            done = subprocess.run(command, capture_output=True, env=env, check=False)
            assert done.returncode == 0, done.stderr.decode()
            outputs.append(done.stdout)
        assert outputs[0] == outputs[1], command
        assert not re.search(rb"[0-9]+\.[0-9]{6,}", outputs[0]) or command[3] != "segment"


# --- the rounding and the tie-breaks, by hand ---------------------------------------------


def test_money_to_ore_rates_to_four_decimals_measures_keep_small_values():
    frame = pl.DataFrame(
        {
            "customer_id": ["1", "2", "3"],
            "revenue": [41565.600000000006, 10.005, -0.001],
            "share_customers": [0.09794871794871794, 0.12345, 1.0],
            "avg_frequency": [9.732984293193716, 0.00001234567, 2.0],
            "orders": [3, 2, 1],
        }
    )
    out = rounded(frame)
    assert out.get_column("revenue").to_list() == [41565.6, 10.01, 0.0]
    assert str(out.item(2, "revenue")) == "0.0"  # not -0.0
    assert out.get_column("share_customers").to_list() == [0.0979, 0.1235, 1.0]
    assert out.get_column("avg_frequency").to_list() == [9.733, 0.00001235, 2.0]
    assert out.get_column("orders").to_list() == [3, 2, 1]
    # An explicit kind wins over the name: a 0–100 rate shown as a plain number.
    assert rounded(frame, {"share_customers": "float"}).item(1, "share_customers") == 0.1235
    assert rounded(frame, {"avg_frequency": "money"}).item(0, "avg_frequency") == 9.73
    # Noise on either side of a half-øre rounds the same way.
    noisy = pl.DataFrame({"revenue": [0.125, 0.12500000000000003, 0.12499999999999997]})
    assert rounded(noisy).get_column("revenue").to_list() == [0.13, 0.13, 0.13]


def test_ties_are_broken_by_customer_id_and_money_is_rounded(tmp_path, env):
    # Customers 2 and 1 bought the same on the same days; 3 bought a month later.
    # Every per-customer list puts 1 before 2 (the tie-break), and 3 × 0,10 kr. is 0.3,
    # not 0.30000000000000004.
    path = tmp_path / "ordrer.csv"
    path.write_text(
        "Ordrenummer;Ordredato;Kundenummer;Beløb\n"
        "1;01-03-2024;2;0,10\n2;01-04-2024;2;0,10\n3;01-05-2024;2;0,10\n"
        "4;01-03-2024;1;0,10\n5;01-04-2024;1;0,10\n6;01-05-2024;1;0,10\n"
        "7;01-06-2024;3;0,10\n",
        encoding="utf-8",
    )

    def ids_and(args: list[str], column: str) -> tuple[list[str], list[float]]:
        data = _run([args[0], str(path), *args[1:], "-f", "json"], env)
        frame = pl.read_json(io.BytesIO(data))
        return frame.get_column("customer_id").to_list(), frame.get_column(column).to_list()

    assert ids_and(["segment", "--by", "customer"], "monetary") == (
        ["1", "2", "3"],
        [0.3, 0.3, 0.1],
    )
    assert ids_and(["clv"], "revenue_to_date") == (["1", "2", "3"], [0.3, 0.3, 0.1])
    ids, revenue = ids_and(["churn", "--list"], "revenue")
    assert (ids, revenue) == (["1", "2"], [0.3, 0.3])
    csv = _run(["segment", str(path), "--by", "customer", "-f", "csv"], env).decode()
    assert csv.splitlines()[1].startswith("1,31,3,0.3,")
