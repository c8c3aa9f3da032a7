"""The words of the shared plumbing, in the run's language (issue 16, point 2): the
errors of the shared options (--as-of, --preset) and of writing an output, the line on
what the numbers count, the warning for data without amounts and kunde report's notes.

Danish by default, English with --lang en (or $KUNDE_LANG); the English wording is the
one kunde always had.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app
from kunde_cli.errors import ConfigError, OutputError
from kunde_cli.words.said import Said

runner = CliRunner()

ORDERS = """ordre_id,kunde_id,dato,beløb,status
1,A,2024-01-05,100.00,betalt
2,A,2024-03-25,400.50,betalt
3,B,2024-02-10,150.00,annulleret
4,C,2023-06-01,80.00,betalt
"""
TOMORROW = (date.today() + timedelta(days=1)).isoformat()
TODAY = date.today().isoformat()


@pytest.fixture
def orders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KUNDE_LANG", raising=False)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ordrer.csv"
    path.write_text(ORDERS, encoding="utf-8")
    return path


def lines(*args: str | Path) -> list[str]:
    return runner.invoke(app, [str(a) for a in args]).stderr.splitlines()


# --- the shared options --------------------------------------------------------------


def test_as_of_in_the_future_in_danish_by_default(orders: Path) -> None:
    assert lines("segment", orders, "--as-of", TOMORROW) == [
        f"Fejl: --as-of {TOMORROW} ligger efter i dag ({TODAY})",
        "Tip: analysér pr. i dag eller en tidligere dato, eller udelad --as-of (den seneste "
        "ordredato)",
    ]


@pytest.mark.parametrize("order", ["lang first", "lang last"])
def test_option_errors_follow_lang_wherever_it_is_given(orders: Path, order: str) -> None:
    # --lang is read before every other option, so an error in one is said in it.
    given = ["--as-of", "1989-12-31"]
    args = ["--lang", "en", *given] if order == "lang first" else [*given, "--lang", "en"]
    assert lines("segment", orders, *args) == [
        "Error: --as-of 1989-12-31 is before 1990",
        "Hint: give a date like 2024-03-31",
    ]


def test_unknown_preset_in_both_languages(orders: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert lines("segment", orders, "--preset", "shopfy") == [
        "Fejl: --preset 'shopfy' er ikke en kendt forudindstilling",
        "Tip: brug shopify, woocommerce, generic",
    ]
    monkeypatch.setenv("KUNDE_LANG", "en")
    assert lines("segment", orders, "--preset", "shopfy") == [
        "Error: --preset 'shopfy' is not a preset",
        "Hint: use shopify, woocommerce, generic",
    ]


def test_option_errors_are_keyed_sentences() -> None:
    from kunde_cli.cli.options import check_as_of, check_preset

    with pytest.raises(ConfigError) as caught:
        check_preset("nope")
    assert caught.value.key == "options_not_a_preset"
    assert caught.value.message == "--preset 'nope' is not a preset"
    from datetime import datetime

    with pytest.raises(ConfigError) as caught:
        check_as_of(datetime(2030, 1, 2), today=date(2030, 1, 1))
    assert caught.value.one_line("da") == "--as-of 2030-01-02 ligger efter i dag (2030-01-01)"
    assert caught.value.hint_in("en") == (
        "analyse as of today or an earlier date, or leave --as-of out (the latest order date)"
    )


# --- writing an output ---------------------------------------------------------------


def test_binary_format_to_a_terminal_is_refused_in_the_run_language(
    orders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kunde_cli.render import formats

    monkeypatch.setattr(formats.sys.stdout, "isatty", lambda: True, raising=False)
    import polars as pl

    frame = pl.DataFrame({"segment": ["lost"]})
    with pytest.raises(ConfigError) as caught:
        formats.emit(frame, "parquet")
    assert isinstance(caught.value.said, Said)
    assert caught.value.one_line("da") == (
        "parquet er binært: angiv --output FIL.parquet, eller send stdout videre i et rør"
    )
    assert caught.value.message == "parquet is binary: give --output FILE.parquet or pipe stdout"
    with pytest.raises(ConfigError) as caught:
        formats.emit(frame, "xlsx")
    assert caught.value.one_line("da") == "xlsx er binært: angiv --output FIL.xlsx"


def test_an_output_folder_is_refused_with_a_keyed_sentence(tmp_path: Path) -> None:
    from kunde_cli.render.formats import write_outputs

    with pytest.raises(OutputError) as caught:
        write_outputs([(tmp_path, b"x")])
    assert caught.value.key == "output_is_folder"
    assert (
        caught.value.one_line("en") == f"{tmp_path}: is a folder, not a file; nothing was written"
    )
    assert caught.value.hint_in("da") == f"angiv et filnavn, fx --output {tmp_path / 'kunde.csv'}"


# --- what the numbers count ----------------------------------------------------------


def test_the_counted_line_in_both_languages(orders: Path) -> None:
    # A: 100 + 400,50; C: 80 → 3 purchases for 580,50 from 2 customers; B's 150 cancelled.
    da = lines("segment", orders, "--as-of", "2024-03-31", "-f", "csv")
    assert da[0] == (
        "Talt med: 3 køb for 580,50 kr. fra 2 kunder. Ikke talt med: 1 annulleret (150,00 kr.)."
    )
    en = lines("segment", orders, "--as-of", "2024-03-31", "-f", "csv", "--lang", "en")
    assert en[0] == (
        "Counted: 3 purchases for DKK 580.50 from 2 customers. Not counted: 1 cancelled "
        "(DKK 150.00)."
    )


def test_data_without_amounts_warns_in_the_run_language(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("Kunde;Dato\nA;01-03-2024\nA;05-03-2024\nB;02-03-2024\n", encoding="utf-8")
    da = " ".join(lines("ladder", path, "-f", "csv"))
    assert "! dataene har ingen beløb (kun kunde og dato)" in da
    en = " ".join(lines("ladder", path, "-f", "csv", "--lang", "en"))
    assert "! the data has no amounts (customer and date only)" in en
    assert "beløb" not in en


# --- kunde report --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "first", "no_survey"),
    [
        (
            "da",
            "Rapport for 2 kunder pr. 31-03-2024.",
            "Ingen spørgeskemasvar: NPS-afsnittet siger det.",
        ),
        (
            "en",
            "Report on 2 customers as of 2024-03-31.",
            "No survey answers: the NPS section says so.",
        ),
    ],
)
def test_report_notes_in_the_run_language(
    orders: Path, tmp_path: Path, lang: str, first: str, no_survey: str
) -> None:
    out = tmp_path / "rapport"
    args = ["report", str(orders), "--as-of", "2024-03-31", "-d", str(out), "--no-model"]
    result = runner.invoke(app, [*args, "--lang", lang])
    assert result.exit_code == 0, result.stderr
    said = result.stderr.splitlines()
    assert first in said and no_survey in said
    assert result.stdout.splitlines() == [
        str(out / "kunde-rapport-2024-03-31.html"),
        str(out / "kunde-rapport-2024-03-31.xlsx"),
    ]


# --- where the words live ------------------------------------------------------------

KUNDE = Path(__file__).resolve().parents[2] / "kunde_cli"
#: Modules that show words but hold none: their words are in kunde_cli/words/.
WORDLESS = [
    "render/counting.py",
    "render/svg.py",
    "render/excel.py",
    "render/terminal.py",
    "render/formats.py",
    "render/charts.py",
    "cli/report.py",
    "cli/common.py",
    "cli/options.py",
]


@pytest.mark.parametrize("module", WORDLESS)
def test_no_danish_words_and_no_language_test_outside_words(module: str) -> None:
    text = (KUNDE / module).read_text(encoding="utf-8")
    assert not re.findall(r"[æøåÆØÅ]", text), f"{module}: Danish letters belong in words/"
    assert not re.findall(r"lang == |== \"da\"", text), f"{module}: pick words with words/"
    if module.startswith("cli/"):
        assert '"da"' not in text, f"{module}: a language is never spelled out in cli/"
