"""Terminal tables never hide a value (issue 17 point 5).

At 80, 120 and 160 columns every value a table shows is there whole: a figure, an
amount, a date or an e-mail on one line, text wrapped between words only, never "…".
When columns must be left out to fit, they go by the command's declared priority and
one line on stderr (in the run's language) names them and says how to see them
(``--wide``, ``--format csv``); ``--wide`` shows them all, through a pager when stdout
is a terminal the table does not fit. Files (csv) are not touched by any of this.

The real command tables are caught on their way to the renderer (the frame, title,
kinds and priority ``kunde_cli.cli.common.emit`` hands to ``show_frame``) from the CLI
on the sample shop, then printed on a Rich console of each width and read back column
by column: a column's place on the line follows from its laid-out width.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app
from kunde_cli.render import terminal
from kunde_cli.render.priority import Priority
from kunde_cli.render.terminal import Column, FittedTable, SafeConsole, layout

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
WIDTHS = (80, 120, 160)
runner = CliRunner()
ENV = {"KUNDE_LANG": None, "KUNDE_WORKSPACE": None, "NO_COLOR": "1", "LINES": "40"}


# --- the layout, by hand ------------------------------------------------------------------


def test_narrowest_and_natural_widths_by_hand() -> None:
    name = Column("name", "Navn", ("Anna Marie Hansen", "Bo"))
    amount = Column("revenue", "Købt for", ("12.345 kr.", "9 kr."), numeric=True)
    mail = Column("email", "E-mail", ("anna.marie@example.com", ""))
    when = Column("at", "Svar", ("2026-10-07 19:19:55",), whole=True)
    # Text wraps between words: its narrowest is its longest word (Hansen, Marie: 6).
    assert (name.min_width, name.natural_width) == (6, 17)
    # A figure is never broken: as wide as its widest cell; its header wraps (Købt|for).
    assert (amount.min_width, amount.natural_width) == (10, 10)
    # No space in an e-mail: the whole address is its narrowest.
    assert (mail.min_width, mail.natural_width) == (22, 22)
    # A date with a time stays on one line.
    assert when.min_width == 19


def test_space_left_goes_to_the_columns_that_wrap_and_nothing_is_dropped() -> None:
    cols = [
        Column("id", "Kunde", ("K1",)),
        Column("name", "Navn", ("Anna Marie Hansen",)),
        Column("revenue", "Købt for", ("12.345 kr.",), numeric=True),
    ]
    # Overhead for 3 columns: 2 padding each, 2 edges, 2 separators = 10.
    natural = 5 + 17 + 10 + 10
    assert layout(cols, None, None).width == natural
    assert layout(cols, natural, None).widths == (5, 17, 10)
    # Ten cells less: all ten come off the name (the only column that wraps).
    fitted = layout(cols, natural - 10, None)
    assert fitted.widths == (5, 7, 10) and fitted.dropped == ()
    assert fitted.width == natural - 10


def test_short_texts_show_whole_and_the_longest_wraps() -> None:
    cols = [
        Column("status", "Status", ("betalt", "afhentet i butik")),
        Column("counted", "Talt med", ("ja, køb", "nej – forklar ordet i kunde.toml")),
    ]
    # Narrowest 8 + 10, overhead 7; 20 cells more: the status its 8 (whole), the
    # sentence the other 12 (it wraps).
    assert layout(cols, 45, None).widths == (16, 22)


def test_columns_are_left_out_by_the_declared_priority() -> None:
    cols = [
        Column("customer_id", "Kunde", ("10001",)),
        Column("first_order", "Første ordre", ("02-11-2023",)),
        Column("revenue", "Købt for", ("1.138 kr.",), numeric=True),
        Column("r_score", "R", ("1",), numeric=True),
        Column("segment", "Segment", ("Tabte",)),
    ]
    keep = Priority(keep=("revenue",), drop=("r_score", "first_order"))
    assert keep.leaving_order([c.name for c in cols]) == ["r_score", "first_order", "segment"]
    # Kunde 5 + Købt for 9 + Segment 7 = 21, overhead 3 columns = 10: 31 fits.
    fitted = layout(cols, 31, keep)
    assert [cols[i].name for i in fitted.shown] == ["customer_id", "revenue", "segment"]
    assert fitted.dropped == ("first_order", "r_score")  # in table order
    # Nothing declared: the first column stays, the others go from the right.
    plain = layout(cols, 31, None)
    assert plain.dropped == ("revenue", "r_score", "segment")
    # Kept columns wider than the screen are shown whole, not cut.
    tiny = layout(cols, 10, keep)
    assert [cols[i].name for i in tiny.shown] == ["customer_id", "revenue"]
    assert tiny.widths == (5, 9)


def test_values_show_whole_before_headers_do() -> None:
    cols = [
        Column("reason", "Årsag", ("ingen dato", "ikke et beløb")),
        Column("rows", "Første rækker", ("4", "5")),
    ]
    # Narrowest 5 + 6, overhead 7; 8 cells more: the reason its 8 (every value on one
    # line), the header "Første rækker" wraps.
    assert layout(cols, 26, None).widths == (13, 6)


# --- reading a printed table back ---------------------------------------------------------


def _console(width: int, file: Any = None) -> SafeConsole:
    return SafeConsole(
        file=file or io.StringIO(),
        width=width,
        height=40,
        force_terminal=True,
        no_color=True,
        color_system=None,
        highlight=False,
    )


def printed(table: FittedTable, width: int) -> str:
    console = _console(width)
    console.print(table, crop=False)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def column_slices(text: str, table: FittedTable, width: int) -> dict[str, list[str]]:
    """Each shown column's text, line by line below the header rule, cut out of the
    printed lines where its laid-out width puts it (edge, padding, separators)."""
    plan = table.layout(width)
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if "───" in line)
    body = lines[rule + 1 :]
    out: dict[str, list[str]] = {}
    at = 2  # the edge and the left padding
    for i, w in zip(plan.shown, plan.widths, strict=True):
        out[table.columns[i].name] = [line[at : at + w].strip() for line in body]
        at += w + 3  # right padding, separator, left padding
    return out


def assert_nothing_hidden(table: FittedTable, width: int) -> tuple[str, ...]:
    """Print ``table`` ``width`` wide and check every shown cell is there whole; the
    columns left out."""
    text = printed(table, width)
    assert "…" not in text
    plan = table.layout(width)
    if plan.width <= width:
        assert max(len(line) for line in text.splitlines()) <= width
    slices = column_slices(text, table, width)
    for i in plan.shown:
        column = table.columns[i]
        shown = [s for s in slices[column.name] if s]
        cells = [" ".join(c.split()) for c in column.cells if c.strip()]
        if column.numeric or column.whole or all(" " not in c for c in cells):
            # A figure, amount, date, id or e-mail: each on one line, whole.
            assert shown == cells, (column.name, width)
        else:
            # Text: wrapped between words only, so its words read back in order.
            assert " ".join(shown) == " ".join(cells), (column.name, width)
    return plan.dropped


# --- the real tables, from the CLI on the sample shop -------------------------------------


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("fit") / "ws"
    files = [str(SAMPLE / "ordrer.csv"), str(SAMPLE / "nps_svar.csv")]
    result = runner.invoke(app, ["ingest", *files, "-w", str(ws), "-f", "json"], env=ENV)
    assert result.exit_code == 0, result.output
    return ws


COMMANDS = {
    "segment-by-customer": ["segment", "--by", "customer"],
    "segment": ["segment"],
    "churn-list": ["churn", "--list"],
    "churn-list-model": ["churn", "--list", "--model", "bgnbd"],
    "clv-model": ["clv", "--model", "bgnbd"],
    "clv-by-segment-model": ["clv", "--by", "segment", "--model", "bgnbd"],
    "nps-list": ["nps", "--list", "detractors"],
    "retention-cohorts": ["retention", "--cohorts"],
    "profiles": ["profiles"],
}


def caught_tables(
    argv: list[str], workspace: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "da"
) -> list[dict[str, Any]]:
    """The tables ``kunde ARGV -f table`` hands to the renderer (its arguments)."""
    calls: list[dict[str, Any]] = []
    real = terminal.show_frame

    def spy(frame: pl.DataFrame, **kwargs: Any) -> tuple[str, ...]:
        calls.append({"frame": frame, **kwargs})
        return real(frame, **kwargs)

    monkeypatch.setattr(terminal, "show_frame", spy)
    argv = [*argv, "-w", str(workspace), "-f", "table", "--lang", lang]
    result = runner.invoke(app, argv, env={**ENV, "COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert calls, "the command printed no table"
    return calls


def fitted(call: dict[str, Any]) -> list[FittedTable]:
    """The tables ``show_frame`` prints for a caught call (sentences in a second one)."""
    from kunde_cli.render.formats import LONG_TEXT_COLUMNS

    frame = call["frame"]
    long_text = [c for c in LONG_TEXT_COLUMNS if c in frame.columns and frame.width > 3]
    parts = [frame.drop(long_text)]
    if long_text:
        parts.append(frame.select(frame.columns[0], *long_text))
    keys = ("lang", "currency", "kinds", "priority")
    return [terminal.rich_table(part, **{k: call[k] for k in keys}) for part in parts]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_no_value_is_cut_at_80_120_160_columns(
    name: str, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = caught_tables(COMMANDS[name], workspace, monkeypatch)
    for call in calls:
        for table in fitted(call):
            dropped = {w: assert_nothing_hidden(table, w) for w in WIDTHS}
            # A wider screen never shows fewer columns.
            assert set(dropped[160]) <= set(dropped[120]) <= set(dropped[80])
            # Who a row is never goes.
            assert table.columns[0].name not in dropped[80]


def test_main_measures_stay_and_secondary_columns_go_first(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The declared priorities at 80 columns: the model's columns of clv --model stay,
    the history behind them goes; a call list keeps who and the value at stake."""
    clv = fitted(caught_tables(COMMANDS["clv-model"], workspace, monkeypatch)[0])[0]
    plan = clv.layout(80)
    shown = [clv.columns[i].name for i in plan.shown]
    assert {"customer_id", "predicted_clv", "p_alive", "simple_clv"} <= set(shown)
    assert {"first_order", "expected_years", "lifespan_days"} <= set(plan.dropped)
    # Everything fits at 160 but the least needed.
    assert set(clv.layout(160).dropped) <= {"expected_years", "lifespan_days", "first_order"}

    churn = fitted(caught_tables(COMMANDS["churn-list"], workspace, monkeypatch)[0])[0]
    plan = churn.layout(80)
    shown = [churn.columns[i].name for i in plan.shown]
    assert {"customer_id", "email", "name", "value_at_stake"} <= set(shown)
    assert "usual_gap_days" in plan.dropped


VIEWS = {
    "segment": [["segment"], ["segment", "--by", "customer"]],
    "churn": [["churn"], ["churn", "--list", "--model", "bgnbd"], ["churn", "--model", "bgnbd"]],
    "clv": [
        ["clv", "--model", "bgnbd"],
        ["clv", "--by", "segment", "--model", "bgnbd"],
        # A margin adds the profit columns (kunde_cli.analytics.profit).
        ["clv", "--config", str(ROOT / "tests/data/profit/kunde.toml")],
        [
            "clv",
            "--by",
            "segment",
            "--model",
            "bgnbd",
            "--config",
            str(ROOT / "tests/data/profit/kunde.toml"),
        ],
    ],
    "retention": [["retention"], ["retention", "--cohorts"]],
    "nps": [
        ["nps"],
        ["nps", "--by", "segment"],
        ["nps", "--period", "month"],
        ["nps", "--list", "detractors"],
        ["nps", "--comments"],
    ],
    "ladder": [["ladder"], ["ladder", "--compare", "2026-05-01"]],
    "profiles": [["profiles"]],
}


@pytest.mark.parametrize("command", list(VIEWS))
def test_every_declared_column_is_a_column_of_the_command(
    command: str, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A misspelt name in a declaration would be passed over silently: each must name a
    column one of the command's tables has."""
    import importlib

    declared = importlib.import_module(f"kunde_cli.cli.{command}").COLUMNS
    seen = {
        name
        for argv in VIEWS[command]
        for call in caught_tables(argv, workspace, monkeypatch)
        for name in call["frame"].columns
    }
    assert set(declared.keep) | set(declared.drop) <= seen


def test_an_email_and_an_amount_read_whole(workspace: Path, monkeypatch: pytest.MonkeyPatch):
    """Known values of the sample shop, by hand: Dorte Nielsen tops the call list."""
    table = fitted(caught_tables(COMMANDS["churn-list"], workspace, monkeypatch)[0])[0]
    text = printed(table, 80)
    assert re.search(r"(?m)^\s+10449\s+dorte55@youmail\.dk\s+Dorte Nielsen\s+29\.718 kr\.", text)


# --- the CLI end to end -------------------------------------------------------------------


def kunde(workspace: Path, *argv: str, columns: int = 80) -> Any:
    result = runner.invoke(app, [*argv, "-w", str(workspace)], env={**ENV, "COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result


LEFT_OUT = {
    "da": ("Udeladt, så tabellen passer til skærmen: ", "Se alle kolonner med --wide"),
    "en": ("Left out to fit the screen: ", "See every column with --wide"),
}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_one_line_names_what_was_left_out_and_wide_shows_it(workspace: Path, lang: str) -> None:
    argv = ("clv", "--model", "bgnbd", "-f", "table", "--lang", lang)
    narrow = kunde(workspace, *argv)
    lines = [line for line in narrow.stderr.splitlines() if line.startswith(LEFT_OUT[lang][0])]
    assert len(lines) == 1 and LEFT_OUT[lang][1] in lines[0] and "--format csv" in lines[0]
    first_order = {"da": "Første ordre", "en": "First order"}[lang]
    assert first_order in lines[0]
    assert "Første" not in narrow.stdout  # neither in Danish nor English: Første/First order
    assert "…" not in narrow.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80

    wide = kunde(workspace, *argv, "--wide")
    assert not any(line.startswith(LEFT_OUT[lang][0]) for line in wide.stderr.splitlines())
    named = lines[0][len(LEFT_OUT[lang][0]) :].split(". " + LEFT_OUT[lang][1])[0].split(", ")
    header = " ".join(wide.stdout.split("───")[0].split())
    for label in named:  # every column left out is in the wide table's header
        assert all(word in header.split() for word in label.split()), label
    # Not a terminal (a pipe, the test runner): full width, no pager.
    assert max(len(line) for line in wide.stdout.splitlines()) > 80


def test_the_ladder_matrix_keeps_its_total_and_wide_shows_every_rung(workspace: Path) -> None:
    argv = ("ladder", "--compare", "2026-05-01", "-f", "table", "--lang", "en")
    narrow = kunde(workspace, *argv)
    line = next(x for x in narrow.stderr.splitlines() if x.startswith(LEFT_OUT["en"][0]))
    assert "Total" not in line and "Ambassadors" in line
    wide = kunde(workspace, *argv, "--wide")
    assert LEFT_OUT["en"][0] not in wide.stderr
    lines = wide.stdout.splitlines()
    rule = max(i for i, x in enumerate(lines) if "───" in x)
    matrix = lines[rule - 1]  # the matrix's header row
    assert "Ambassadors" in matrix and "Total" in matrix


def test_a_table_that_fits_says_nothing(workspace: Path) -> None:
    result = kunde(workspace, "churn", "-f", "table", columns=160)
    assert "--wide" not in result.stderr


def test_wide_and_narrow_csv_are_the_same_bytes(workspace: Path) -> None:
    plain = kunde(workspace, "segment", "--by", "customer", "-f", "csv").stdout_bytes
    wide = kunde(workspace, "segment", "--by", "customer", "-f", "csv", "--wide").stdout_bytes
    assert plain == wide and plain.startswith(b"customer_id,recency_days,")


def test_a_table_file_has_every_column(workspace: Path, tmp_path: Path) -> None:
    """A file has no screen: ``-o`` with ``-f table`` writes every column."""
    out = tmp_path / "t.txt"
    result = kunde(workspace, "segment", "--by", "customer", "-f", "table", "-o", str(out))
    assert "--wide" not in result.stderr
    header = out.read_text(encoding="utf-8").split("───")[0]
    assert "Første" in header and "Aktivitet" in header


# --- the pager ----------------------------------------------------------------------------


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": [f"{10000 + i}" for i in range(60)],
            "email": [f"customer.number.{i}@example.com" for i in range(60)],
            "revenue": [1234.5 * i for i in range(60)],
        }
    )


def test_wide_in_a_terminal_pages_a_table_taller_than_the_screen() -> None:
    paged: list[str] = []
    sink = io.StringIO()
    console = _console(80, sink)
    terminal.show_frame(_frame(), lang="en", wide=True, console=console, pager=paged.append)
    assert len(paged) == 1 and sink.getvalue() == ""
    assert "customer.number.59@example.com" in paged[0]


def test_wide_in_a_terminal_prints_a_table_that_fits() -> None:
    paged: list[str] = []
    sink = io.StringIO()
    terminal.show_frame(
        _frame().head(3), lang="en", wide=True, console=_console(80, sink), pager=paged.append
    )
    assert paged == [] and "customer.number.2@example.com" in sink.getvalue()


def test_the_pager_is_pager_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    caught = tmp_path / "paged.txt"
    monkeypatch.setenv(
        "PAGER",
        f'{sys.executable} -c "import sys, os; '
        f"open({str(caught)!r}, 'w').write(sys.stdin.read() + os.environ['LESS'])\"",
    )
    monkeypatch.delenv("LESS", raising=False)
    terminal.page("a wide table\n")
    assert caught.read_text() == "a wide table\nFRSX"


def test_json_rows_are_untouched_by_wide(workspace: Path) -> None:
    plain = kunde(workspace, "churn", "-f", "json").stdout
    wide = kunde(workspace, "churn", "-f", "json", "--wide").stdout
    assert plain == wide and json.loads(plain)
