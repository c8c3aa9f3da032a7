"""Issue 14, point 15 (config and option values): a bad value in kunde.toml or on the
command line is one line naming the key, exit 2 — never a traceback, never accepted
silently (``k = "abc"``, ``k = nan``, an unknown ``--preset``, ``--as-of 2999``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kunde_cli.cli.main import app
from kunde_cli.cli.options import check_as_of
from kunde_cli.config import load_config
from kunde_cli.errors import ConfigError
from tests.reliability.conftest import kunde, no_traceback, runner

TODAY = date.today()


@pytest.fixture
def orders(tmp_path: Path) -> Path:
    path = tmp_path / "ordrer.csv"
    path.write_text(
        "Ordrenr;Kundenr;Dato;Beløb\n"
        "1;K1;05-03-2024;100,00\n"
        "2;K2;06-03-2024;200,00\n"
        "3;K1;20-04-2024;50,00\n",
        encoding="utf-8",
    )
    return path


def run_with_config(tmp_path: Path, orders: Path, toml: str, *args: str):
    config = tmp_path / "kunde.toml"
    config.write_text(toml, encoding="utf-8")
    return kunde("churn", orders, "--config", config, "--format", "csv", *args)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[churn]\nk = "abc"\n', '[churn] k = "abc": must be a number greater than 0'),
        ("[churn]\nk = nan\n", "[churn] k = nan: must be a number greater than 0"),
        ("[churn]\nk = inf\n", "[churn] k = inf: must be a number greater than 0"),
        ("[churn]\nk = -1\n", "[churn] k = -1: must be a number greater than 0"),
        ("[churn]\nk = 0\n", "[churn] k = 0: must be a number greater than 0"),
        ("[churn]\nk = true\n", "[churn] k = true: must be a number greater than 0"),
        ("[churn]\nfloor_days = 0\n", "[churn] floor_days = 0: must be a whole number at least 1"),
        (
            "[churn]\nfloor_days = 2.5\n",
            "[churn] floor_days = 2.5: must be a whole number at least 1",
        ),
        (
            "[churn]\none_order_quantile = 1.5\n",
            "[churn] one_order_quantile = 1.5: must be a number above 0 and at most 1",
        ),
        (
            "[churn]\none_order_quantile = 0\n",
            "[churn] one_order_quantile = 0: must be a number above 0 and at most 1",
        ),
        (
            "[churn]\ncooling_factor = -0.5\n",
            "[churn] cooling_factor = -0.5: must be a number greater than 0",
        ),
        ("[churn]\nlost_factor = 1\n", "[churn] lost_factor = 1: must be a number greater than 1"),
        (
            "[ladder]\nloyal_min_orders = 0\n",
            "[ladder] loyal_min_orders = 0: must be a whole number at least 2",
        ),
        (
            '[ladder]\nreturning_min_orders = "2"\n',
            '[ladder] returning_min_orders = "2": must be a whole number at least 2',
        ),
        (
            "[ladder]\nambassador_min_score = 11\n",
            "[ladder] ambassador_min_score = 11: must be a whole number from 0 to 10",
        ),
        (
            "[ladder]\nreturning_min_orders = 5\n",
            "[ladder] returning_min_orders = 5 is above loyal_min_orders = 4",
        ),
        (
            '[rfm]\nfrequency_breaks = [1, 2, "x", 4, 6]\n',
            '[rfm] frequency_breaks = [1, 2, "x", 4, 6]: must be five increasing whole numbers',
        ),
        (
            "[rfm]\nfrequency_breaks = [1, 3, 2, 4, 6]\n",
            "[rfm] frequency_breaks = [1, 3, 2, 4, 6]: must be five increasing whole numbers",
        ),
        (
            '[rfm.grid]\nRx = ["a", "b", "c", "d", "e"]\n',
            "[rfm.grid] Rx must be R1..R5 with five segment names",
        ),
        ("lang = 5\n", 'lang = 5: must be "da" or "en"'),
        ("currency = 3\n", 'currency = 3: must be a currency in quotes, e.g. "kr." or "EUR"'),
    ],
)
def test_bad_config_value_is_one_line_naming_the_key(tmp_path, orders, toml, message):
    result = run_with_config(tmp_path, orders, toml, "--lang", "en")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"Error: {tmp_path / 'kunde.toml'}: ")
    assert message in first
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("toml", "error", "hint"),
    [
        (
            "[churn]\nk = 0\n",
            "[churn] k = 0: skal være et tal større end 0",
            "standardværdien er k = 2.0",
        ),
        (
            "[churn]\none_order_quantile = 1.5\n",
            "[churn] one_order_quantile = 1.5: skal være et tal over 0 og højst 1",
            "standardværdien er one_order_quantile = 0.8",
        ),
        (
            "[ladder]\nambassador_min_score = 11\n",
            "[ladder] ambassador_min_score = 11: skal være et helt tal fra 0 til 10",
            "standardværdien er ambassador_min_score = 9",
        ),
        (
            "[rfm]\nbreaks = 1\n",
            "ukendte nøgler i [rfm]: breaks",
            "kendte nøgler: frequency_breaks, grid",
        ),
        ('lang = "xx"\n', 'lang = "xx": skal være "da" eller "en"', None),
    ],
)
def test_bad_config_value_is_said_in_danish_by_default(
    tmp_path, orders, monkeypatch, toml, error, hint
):
    monkeypatch.delenv("KUNDE_LANG", raising=False)
    result = run_with_config(tmp_path, orders, toml)
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"Fejl: {tmp_path / 'kunde.toml'}: {error}"
    assert lines[1:] == ([f"Tip: {hint}"] if hint else [])
    assert result.stdout == ""


def test_the_language_of_an_error_comes_from_lang_then_kunde_lang_then_kunde_toml(
    tmp_path, monkeypatch
):
    """--lang wins over $KUNDE_LANG, which wins over lang in kunde.toml, else da."""
    monkeypatch.delenv("KUNDE_LANG", raising=False)
    config = tmp_path / "kunde.toml"
    none = tmp_path / "none"
    danish = f"Fejl: ingen arbejdsmappe i {none}"
    english = f"Error: no workspace at {none}"

    def first_line(*args: str | Path, env: dict[str, str] | None = None) -> str:
        given = ["forget", "K1", "--workspace", none, "--yes", "--config", config, *args]
        result = runner.invoke(app, [str(a) for a in given], env=env)
        assert result.exit_code == 2, result.stderr
        return result.stderr.splitlines()[0]

    config.write_text("", encoding="utf-8")
    assert first_line() == danish
    config.write_text('lang = "en"\n', encoding="utf-8")
    assert first_line() == english
    assert first_line("--lang", "da") == danish
    config.write_text('lang = "da"\n', encoding="utf-8")
    assert first_line(env={"KUNDE_LANG": "en"}) == english
    assert first_line("--lang", "da", env={"KUNDE_LANG": "en"}) == danish
    assert first_line("--lang", "en") == english


def test_a_mistake_in_kunde_toml_is_said_in_the_language_the_file_chose(
    tmp_path, orders, monkeypatch
):
    monkeypatch.delenv("KUNDE_LANG", raising=False)
    toml = 'lang = "en"\n[churn]\nk = 0\n'
    english = "[churn] k = 0: must be a number greater than 0"
    danish = "[churn] k = 0: skal være et tal større end 0"
    assert english in run_with_config(tmp_path, orders, toml).stderr
    assert danish in run_with_config(tmp_path, orders, toml, "--lang", "da").stderr
    monkeypatch.setenv("KUNDE_LANG", "da")
    assert danish in run_with_config(tmp_path, orders, toml).stderr


def test_good_config_values_are_read(tmp_path):
    config = tmp_path / "kunde.toml"
    config.write_text(
        "[churn]\nk = 3\nfloor_days = 30\none_order_quantile = 1\n"
        "[ladder]\nloyal_min_orders = 2\nreturning_min_orders = 2\nambassador_min_score = 0\n"
        "[rfm]\nfrequency_breaks = [1, 2, 4, 8, 16]\n",
        encoding="utf-8",
    )
    cfg = load_config(config)
    assert (cfg.churn.k, cfg.churn.floor_days, cfg.churn.one_order_quantile) == (3.0, 30, 1.0)
    assert isinstance(cfg.churn.k, float)
    assert (cfg.ladder.loyal_min_orders, cfg.ladder.ambassador_min_score) == (2, 0)
    assert cfg.rfm.frequency_breaks == (1, 2, 4, 8, 16)


def test_a_good_config_changes_the_churn_tiers(tmp_path, orders):
    # As of 31 December 2024. K1 bought on 5 March and 20 April 2024: a usual gap of 46
    # days, 255 days since. K2 bought once, on 6 March: the shop's gap (46), 300 days.
    # Default k = 2: threshold max(60, 92) = 92, lost past 2 × 92 = 184: both lost.
    # k = 3, floor 30: threshold max(30, 138) = 138, lost past 276: K1 inactive, K2 lost.
    def tiers(result) -> dict[str, int]:
        assert result.exit_code == 0, result.stderr
        rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
        return {row[0]: int(row[1]) for row in rows}

    as_of = ("--as-of", "2024-12-31")
    default = kunde("churn", orders, "--format", "csv", *as_of)
    assert tiers(default) == {"active": 0, "cooling": 0, "inactive": 0, "lost": 2}
    changed = run_with_config(tmp_path, orders, "[churn]\nk = 3\nfloor_days = 30\n", *as_of)
    assert tiers(changed) == {"active": 0, "cooling": 0, "inactive": 1, "lost": 1}


def test_unknown_preset_is_refused(orders):
    result = kunde("segment", orders, "--preset", "shopfy", "--format", "csv", "--lang", "en")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Error: --preset 'shopfy' is not a preset"
    assert "use shopify, woocommerce, generic" in result.stderr
    # Also when the workspace is read (the preset would otherwise be ignored silently).
    result = kunde(
        "segment", "--preset", "nope", "--workspace", orders.parent / "none", "--lang", "en"
    )
    assert result.exit_code == 2
    assert "--preset 'nope' is not a preset" in result.stderr
    # Any case of a known preset is fine.
    assert kunde("inspect", orders, "--preset", "Generic").exit_code == 0


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2999-01-01", f"--as-of 2999-01-01 is after today ({TODAY:%Y-%m-%d})"),
        (
            f"{TODAY + timedelta(days=1):%Y-%m-%d}",
            f"--as-of {TODAY + timedelta(days=1):%Y-%m-%d} is after today",
        ),
        ("1989-12-31", "--as-of 1989-12-31 is before 1990"),
    ],
)
def test_as_of_after_today_or_before_1990_is_refused(orders, as_of, message):
    result = kunde("segment", orders, "--as-of", as_of, "--format", "csv", "--lang", "en")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2
    assert message in result.stderr.splitlines()[0]


def test_as_of_today_or_before_the_first_order_is_fine(orders):
    today = kunde("segment", orders, "--as-of", f"{TODAY:%Y-%m-%d}", "--format", "csv")
    assert today.exit_code == 0, today.stderr
    early = kunde("segment", orders, "--as-of", "2000-01-01", "--format", "csv")
    assert early.exit_code == 0, early.stderr
    assert "pr. 01-01-2000" in early.stderr


def test_check_as_of_takes_today_as_a_parameter():
    assert check_as_of(datetime(2024, 6, 30), today=date(2024, 6, 30)) == datetime(2024, 6, 30)
    with pytest.raises(ConfigError, match="after today"):
        check_as_of(datetime(2024, 7, 1), today=date(2024, 6, 30))
    assert check_as_of(None) is None


def test_wait_nan_is_refused(orders, tmp_path):
    result = kunde("ingest", orders, "--workspace", tmp_path / "ws", "--wait", "nan")
    assert result.exit_code == 2
    assert not (tmp_path / "ws").exists()
