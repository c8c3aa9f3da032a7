"""Issue 17 point 6, options that behave: one name per concept on every command
(-o/--output, -w/--workspace, -q/--quiet), --as-of today, --from/--to on every analysis,
unknown values refused with the valid ones listed, a too short --window refused, and a
warning when the data ends well before the day analysed (kunde.toml
[data] stale_after_days). Through the command line, in Danish and English."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kunde_cli.cli.main import COMMANDS, app

runner = CliRunner()

#: Three customers; A buys in January, February and March 2024, B in February and
#: March, C once in June 2023. Newest order: 25-03-2024.
ORDERS = """ordre_id,kunde_id,dato,beløb,status
1,A,2024-01-05,100.00,betalt
2,A,2024-02-05,200.00,betalt
3,A,2024-03-01,300.00,betalt
4,A,2024-03-25,400.00,betalt
5,B,2024-02-10,150.00,betalt
6,B,2024-03-20,50.00,betalt
7,C,2023-06-01,80.00,betalt
"""

#: The analysis commands: each takes --from and --to.
ANALYSES = (
    "segment",
    "ladder",
    "churn",
    "nps",
    "retention",
    "clv",
    "profiles",
    "explain",
    "export",
    "report",
)


@pytest.fixture
def orders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KUNDE_LANG", raising=False)
    monkeypatch.delenv("KUNDE_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)  # no kunde.toml of the caller's
    path = tmp_path / "ordrer.csv"
    path.write_text(ORDERS, encoding="utf-8")
    return path


def _click_command(name: str) -> typer.main.TyperCommand:
    module = importlib.import_module(f"kunde_cli.cli.{name}")
    return typer.main.get_command(module.app)  # type: ignore[return-value]


def _names(name: str) -> dict[str, list[str]]:
    """Every visible option of a command: its Python name -> its spellings."""
    command = _click_command(name)
    return {
        str(p.name): [*p.opts, *p.secondary_opts]
        for p in command.params
        if not getattr(p, "hidden", False)
    }


# --- one name per concept -----------------------------------------------------------------


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_takes_quiet_and_the_same_names_for_output_and_workspace(
    name: str,
) -> None:
    options = _names(name)
    spellings = [s for names in options.values() for s in names]
    assert "-q" in spellings and "--quiet" in spellings, name
    for names in options.values():
        # An output file or folder is -o/--output; a workspace is -w/--workspace.
        if "--output" in names or "-o" in names:
            assert {"-o", "--output"} <= set(names), (name, names)
        if "--workspace" in names or "-w" in names:
            assert {"-w", "--workspace"} <= set(names), (name, names)
    assert "--output-dir" not in spellings and "--out" not in spellings, name
    result = runner.invoke(app, [name, "--help"], terminal_width=100)
    assert result.exit_code == 0
    assert "--quiet" in result.stdout
    if name in ANALYSES or name in ("ingest", "forget"):
        assert "--workspace" in result.stdout
    if name in (*ANALYSES, "ingest", "demo"):
        assert "--output" in result.stdout
    if name in ANALYSES:
        assert "--from" in result.stdout and "--to" in result.stdout


def test_report_writes_to_output_and_the_old_spelling_still_works(
    orders: Path, tmp_path: Path
) -> None:
    for option, folder in (
        ("-o", "new"),
        ("--output", "new2"),
        ("-d", "old"),
        ("--output-dir", "old2"),
    ):
        result = runner.invoke(
            app,
            ["report", str(orders), "--as-of", "2024-03-31", "--no-model", "-q", option, folder],
        )
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines()[0] == f"{folder}/kunde-rapport-2024-03-31.html"
        assert (tmp_path / folder / "kunde-rapport-2024-03-31.html").is_file()


def test_demo_writes_to_output_and_the_old_spelling_still_works(tmp_path: Path) -> None:
    for option, folder in (("-o", "ny"), ("--out", "gammel")):
        target = tmp_path / folder
        result = runner.invoke(app, ["demo", option, str(target), "--customers", "20", "-q"])
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines() == [
            f"{target}/ordrer.csv",
            f"{target}/nps_svar.csv",
        ]
        assert result.stderr == ""  # -q: no "next step" note


# --- --quiet ------------------------------------------------------------------------------


def test_quiet_prints_nothing_but_the_result(orders: Path) -> None:
    loud = runner.invoke(app, ["segment", str(orders), "--as-of", "2024-03-31", "-f", "csv"])
    assert loud.exit_code == 0, loud.stderr
    assert "Talt med: 7 køb for 1.280,00 kr. fra 3 kunder." in loud.stderr
    quiet = runner.invoke(app, ["segment", str(orders), "--as-of", "2024-03-31", "-f", "csv", "-q"])
    assert quiet.exit_code == 0
    assert quiet.stderr == ""
    assert quiet.stdout == loud.stdout


def test_ingest_quiet_prints_only_the_table(orders: Path, tmp_path: Path) -> None:
    loud = runner.invoke(app, ["ingest", str(orders), "-w", str(tmp_path / "a"), "-f", "csv"])
    assert loud.exit_code == 0, loud.stderr
    assert "Talt med: 7 køb" in loud.stderr  # what the file holds, on stderr
    quiet = runner.invoke(
        app, ["ingest", str(orders), "-w", str(tmp_path / "b"), "-f", "csv", "--quiet"]
    )
    assert quiet.exit_code == 0
    assert quiet.stderr == ""
    assert quiet.stdout.splitlines()[1].split(",")[1:5] == ["orders", "shop", "7", "7"]


def test_quiet_still_says_errors_in_the_runs_language(orders: Path) -> None:
    result = runner.invoke(app, ["segment", str(orders), "-q", "--as-of", "i-morgen"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Fejl: --as-of 'i-morgen' er ikke en dato"
    english = runner.invoke(app, ["segment", str(orders), "-q", "--lang", "en", "--as-of", "x"])
    assert english.exit_code == 2
    assert english.stderr.splitlines() == [
        "Error: --as-of 'x' is not a date",
        "Hint: write YYYY-MM-DD (2024-03-31), DD-MM-YYYY or today",
    ]


def test_quiet_is_not_left_on_after_the_command(orders: Path) -> None:
    runner.invoke(app, ["segment", str(orders), "--as-of", "2024-03-31", "-q"])
    after = runner.invoke(app, ["segment", str(orders), "--as-of", "2024-03-31", "-f", "csv"])
    assert "Talt med" in after.stderr


# --- --as-of today ------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["today", "TODAY", "i-dag", "idag"])
def test_as_of_today_is_todays_date(orders: Path, word: str) -> None:
    result = runner.invoke(
        app, ["segment", str(orders), "--as-of", word, "--by", "customer", "-f", "csv", "-q"]
    )
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    recency = header.split(",").index("recency_days")
    by_customer = {row.split(",")[0]: row.split(",")[recency] for row in rows}
    # A's last order 25-03-2024: days since it count to today.
    assert by_customer["A"] == str((date.today() - date(2024, 3, 25)).days)


# --- --from / --to ------------------------------------------------------------------------


def _customers(orders: Path, *args: str) -> dict[str, list[str]]:
    result = runner.invoke(
        app, ["segment", str(orders), "--by", "customer", "-f", "csv", "-q", *args]
    )
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    cells = [row.split(",") for row in rows]
    names = header.split(",")
    return {c[0]: [c[names.index("frequency")], c[names.index("monetary")]] for c in cells}


def test_from_leaves_out_older_orders_and_to_is_the_as_of_date(orders: Path) -> None:
    every = _customers(orders, "--as-of", "2024-03-31")
    assert every == {"A": ["4", "1000.0"], "B": ["2", "200.0"], "C": ["1", "80.0"]}
    # From 1 February: A's January order and C's only order are left out.
    assert _customers(orders, "--from", "2024-02-01", "--as-of", "2024-03-31") == {
        "A": ["3", "900.0"],
        "B": ["2", "200.0"],
    }
    # To 29 February = as of 29 February: A's and B's March orders are left out.
    window = _customers(orders, "--from", "2024-02-01", "--to", "2024-02-29")
    assert window == {"A": ["1", "200.0"], "B": ["1", "150.0"]}
    same = _customers(orders, "--from", "2024-02-01", "--to", "2024-02-29", "--as-of", "2024-02-29")
    assert same == window


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        (
            "da",
            [
                "Fejl: --to 2024-02-29 og --as-of 2024-03-31 er to forskellige slutdatoer",
                "Tip: --to er analysedatoen (som --as-of): angiv kun den ene",
            ],
        ),
        (
            "en",
            [
                "Error: --to 2024-02-29 and --as-of 2024-03-31 are two different end dates",
                "Hint: --to is the as-of date (like --as-of): give only one of them",
            ],
        ),
    ],
)
def test_to_and_as_of_that_disagree_are_refused(orders: Path, lang: str, lines: list[str]) -> None:
    result = runner.invoke(
        app,
        ["segment", str(orders), "--to", "2024-02-29", "--as-of", "2024-03-31", "--lang", lang],
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == lines


def test_from_after_to_is_refused(orders: Path) -> None:
    result = runner.invoke(
        app, ["churn", str(orders), "--from", "2024-03-01", "--to", "01-02-2024"]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["Fejl: --from 2024-03-01 er efter slutdatoen 2024-02-01"]


@pytest.mark.parametrize("name", ANALYSES)
def test_every_analysis_filters_by_from_and_to(orders: Path, name: str, tmp_path: Path) -> None:
    args = {
        "report": ["-o", str(tmp_path / "r"), "--no-model"],
        "nps": [],
        "export": [],
        "explain": [],
    }.get(name, ["-f", "csv"])
    given = ["A", str(orders)] if name == "explain" else [str(orders)]
    result = runner.invoke(
        app, [name, *given, "--from", "2024-02-01", "--to", "2024-02-29", "-q", *args]
    )
    # nps without survey answers says so (exit 2); every other analysis answers.
    assert result.exit_code in ((0, 2) if name == "nps" else (0,)), (name, result.stderr)
    assert "Traceback" not in result.stderr


def test_the_report_counts_only_the_window(orders: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["report", str(orders), "--from", "2024-02-01", "--to", "2024-02-29", "--no-model",
         "-o", str(tmp_path / "r"), "--lang", "en"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # 2 purchases in February (A 200, B 150), C and the January and March orders out.
    assert "Counted: 2 purchases for DKK 350.00 from 2 customers." in result.stderr
    assert result.stdout.splitlines()[0].endswith("kunde-rapport-2024-02-29.html")


# --- values from a fixed set --------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "da", "en"),
    [
        (
            ["inspect", "{orders}", "--kind", "ordrer"],
            "Fejl: --kind 'ordrer' er ukendt; vælg blandt orders, survey",
            "Error: --kind 'ordrer' is unknown; choose from orders, survey",
        ),
        (
            ["ingest", "{orders}", "-w", "{ws}", "--kind", "x"],
            "Fejl: --kind 'x' er ukendt; vælg blandt orders, survey",
            "Error: --kind 'x' is unknown; choose from orders, survey",
        ),
        (
            ["inspect", "{orders}", "--format", "csv"],
            "Fejl: --format 'csv' er ukendt; vælg blandt table, json",
            "Error: --format 'csv' is unknown; choose from table, json",
        ),
    ],
)
def test_an_unknown_value_is_refused_with_the_valid_ones(
    orders: Path, tmp_path: Path, args: list[str], da: str, en: str
) -> None:
    given = [a.format(orders=orders, ws=tmp_path / "ws") for a in args]
    for lang, line in (("da", da), ("en", en)):
        result = runner.invoke(app, [*given, "--lang", lang])
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [line]
    assert not (tmp_path / "ws").exists()


def test_a_known_kind_in_any_case_is_accepted(orders: Path) -> None:
    result = runner.invoke(app, ["inspect", str(orders), "--kind", " Orders ", "-f", "json"])
    assert result.exit_code == 0, result.stderr


# --- --window -----------------------------------------------------------------------------


@pytest.mark.parametrize(("period", "shortest"), [("month", 31), ("quarter", 92), ("year", 365)])
def test_a_window_shorter_than_the_period_is_refused_at_the_boundary(
    orders: Path, period: str, shortest: int
) -> None:
    base = ["retention", str(orders), "--as-of", "2024-03-31", "--period", period, "-f", "csv"]
    ok = runner.invoke(app, [*base, "--window", str(shortest), "-q"])
    assert ok.exit_code == 0, ok.stderr
    short = runner.invoke(app, [*base, "--window", str(shortest - 1)])
    assert short.exit_code == 2
    lines = short.stderr.splitlines()
    assert lines[0].startswith(f"Fejl: --window {shortest - 1} er kortere end perioden (")
    assert lines[1] == f"Tip: brug --window {shortest} eller mere, eller en kortere --period"


def test_a_short_window_is_refused_in_english_with_the_reason(orders: Path) -> None:
    result = runner.invoke(
        app, ["retention", str(orders), "--window", "30", "--lang", "en", "-f", "csv"]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: --window 30 is shorter than the period (month: 31 days): a new customer whose "
        "only orders lie more than 30 days before the period's end counts as new but not as "
        "active, so the retention rate comes out too low or negative",
        "Hint: use --window 31 or more, or a shorter --period",
    ]


# --- data older than the day analysed -----------------------------------------------------


def test_an_as_of_well_past_the_data_warns_also_under_quiet(orders: Path) -> None:
    # 25-03-2024 + 14 days = 08-04-2024: not yet; a day later it is.
    near = runner.invoke(app, ["segment", str(orders), "--as-of", "2024-04-08", "-q", "-f", "csv"])
    assert near.exit_code == 0
    assert near.stderr == ""
    far = runner.invoke(app, ["segment", str(orders), "--as-of", "2024-04-09", "-q", "-f", "csv"])
    assert far.exit_code == 0
    assert far.stderr.splitlines() == [
        "! Den nyeste ordre er fra 25-03-2024, 15 dage før analysedatoen (over 14): dage "
        "siden sidste køb tælles til den, så alle ser mindre aktive ud"
    ]
    english = runner.invoke(
        app, ["churn", str(orders), "--to", "2024-06-30", "-q", "-f", "csv", "--lang", "en"]
    )
    assert english.stderr.splitlines() == [
        "! The newest order is from 2024-03-25, 97 days before the as-of date (over 14): days "
        "since the last purchase count to it, so everyone looks less active"
    ]


def test_stale_data_warns_with_the_days_since_and_the_setting(orders: Path) -> None:
    days = (date.today() - date(2024, 3, 25)).days
    result = runner.invoke(app, ["segment", str(orders), "-q", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"! Den nyeste ordre er fra 25-03-2024, {days} dage siden (over 14): er eksporten "
        "opdateret? (`[data] stale_after_days` i kunde.toml)"
    ]
    english = runner.invoke(app, ["ladder", str(orders), "-q", "-f", "csv", "--lang", "en"])
    assert english.stderr.splitlines() == [
        f"! The newest order is from 2024-03-25, {days} days ago (over 14): is the export up "
        "to date? (`[data] stale_after_days` in kunde.toml)"
    ]


def test_fresh_data_does_not_warn(tmp_path: Path, orders: Path) -> None:
    fresh = tmp_path / "friske.csv"
    day = date.today() - timedelta(days=14)
    fresh.write_text(f"ordre_id,kunde_id,dato,beløb,status\n1,A,{day},100.00,betalt\n")
    result = runner.invoke(app, ["segment", str(fresh), "-q", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize(("days", "warns"), [(0, False), (3650, False), (30, True)])
def test_stale_after_days_is_set_in_kunde_toml(
    orders: Path, tmp_path: Path, days: int, warns: bool
) -> None:
    (tmp_path / "kunde.toml").write_text(f"[data]\nstale_after_days = {days}\n")
    result = runner.invoke(app, ["segment", str(orders), "-q", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert (f"(over {days})" in result.stderr) is warns


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("da", "Fejl: kunde.toml: [data] stale_after_days = -1: skal være et helt tal på mindst 0"),
        (
            "en",
            "Error: kunde.toml: [data] stale_after_days = -1: must be a whole number at least 0",
        ),
    ],
)
def test_a_wrong_stale_after_days_is_refused(
    orders: Path, tmp_path: Path, lang: str, line: str
) -> None:
    (tmp_path / "kunde.toml").write_text("[data]\nstale_after_days = -1\n")
    result = runner.invoke(app, ["segment", str(orders), "--lang", lang])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == line


def test_report_refuses_two_folders_under_its_two_spellings(orders: Path, tmp_path: Path) -> None:
    # -o A -d B wrote to B alone, without a word.
    args = ["report", str(orders), "--as-of", "2024-03-31", "--no-model", "-q"]
    result = runner.invoke(app, [*args, "-o", "a", "-d", "b"])
    assert result.exit_code == 2
    assert "Fejl: --output a og --output-dir b peger på to mapper: angiv én" in result.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    # The same folder twice is no conflict.
    result = runner.invoke(app, [*args, "-o", "c", "-d", "c"])
    assert result.exit_code == 0, result.stderr
