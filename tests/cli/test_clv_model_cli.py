"""`kunde clv --model` and `--holdout` end to end on a simulated shop with known parameters."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.app import loading
from kunde_cli.cli import common
from kunde_cli.cli.clv import parse_period_days
from kunde_cli.cli.main import app
from kunde_cli.cli.options import parse_period
from kunde_cli.config import Config
from kunde_cli.errors import ConfigError

runner = CliRunner()


@pytest.fixture(scope="module")
def shop_csv(tmp_path_factory):
    """600 customers from BG/NBD (r=0.5, α=8 weeks, p ~ Beta(1, 2.5)) and Gamma-Gamma spend."""
    rng = np.random.default_rng(3)
    start = date(2024, 1, 1)
    rows = []
    order = 1000
    for c in range(600):
        first = start + timedelta(days=int(rng.integers(0, 180)))
        lam = rng.gamma(0.5, 1 / 8) / 7  # purchases per day
        day = first
        drop = rng.beta(1.0, 2.5)
        nu = rng.gamma(4.0, 1 / 60)  # Gamma-Gamma: each customer's own spend level
        alive = True
        while alive and day <= date(2025, 12, 31):
            order += 1
            amount = round(float(rng.gamma(6, 1 / nu)), 2)
            rows.append(f"{order};{day:%d-%m-%Y};K{c};{str(amount).replace('.', ',')}")
            alive = rng.random() > drop
            day = day + timedelta(days=max(1, int(rng.exponential(1 / max(lam, 1e-4)))))
    path = tmp_path_factory.mktemp("shop") / "ordrer.csv"
    path.write_text(
        "Ordrenummer;Ordredato;Kundenummer;Beløb\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return path


def read_model_json(result) -> tuple[dict, pl.DataFrame]:
    """With --model or --holdout, JSON is {"model": fits and trust checks, "rows": [...]}."""
    payload = json.loads(result.stdout)
    assert set(payload) == {"model", "rows"}
    return payload["model"], pl.DataFrame(payload["rows"])


def test_model_adds_prediction_columns(shop_csv):
    result = runner.invoke(
        app, ["clv", str(shop_csv), "--model", "bgnbd", "--format", "json", "--as-of", "2025-12-31"]
    )
    assert result.exit_code == 0, result.output
    model, rows = read_model_json(result)
    assert model["purchase"]["trusted"] and model["spend"]["trusted"]
    assert all(c["passed"] for c in model["purchase"]["checks"] + model["spend"]["checks"])
    assert set(model["spend"]["parameters"]) == {"p", "q", "gamma"}
    if "p_alive" not in rows.columns:
        # The fit was judged untrustworthy: it must say so in plain words.
        assert "cannot be trusted" in result.stderr or "kan ikke bruges" in result.stderr
        pytest.fail("a 600-customer BG/NBD shop should give a trusted fit")
    assert rows["p_alive"].drop_nulls().is_between(0, 1).all()
    assert (rows["expected_purchases"].drop_nulls() >= 0).all()
    # predicted = P(alive) × C and value at risk = (1 − P(alive)) × C, C = value if alive.
    both = rows.filter(pl.col("value_at_risk").is_not_null() & pl.col("p_alive").is_not_null())
    assert both.height > 100
    # C = predicted + at risk; predicted = P(alive) × C up to the file's rounding
    # (P(alive) to 4 decimals, money to øre).
    value_if_alive = both["predicted_clv"] + both["value_at_risk"]
    gap = (both["predicted_clv"] - both["p_alive"] * value_if_alive).abs()
    assert (gap <= 5e-5 * value_if_alive + 0.01).all()


def test_holdout_prints_predicted_and_actual(shop_csv):
    result = runner.invoke(
        app, ["clv", str(shop_csv), "--holdout", "26w", "--format", "json", "--as-of", "2025-12-31"]
    )
    assert result.exit_code == 0, result.output
    model, frame = read_model_json(result)
    assert model["calibration_end"] == "2025-07-02"  # 26 weeks before 31 December
    assert model["holdout_end"] == "2025-12-31"
    assert model["purchase"]["trusted"] is True
    rows = frame.to_dicts()
    assert rows[-1]["frequency_group"] == "total"
    assert {"customers", "actual_purchases", "predicted_purchases"} <= set(rows[-1])
    assert rows[-1]["predicted_purchases"] == pytest.approx(rows[-1]["actual_purchases"], rel=0.35)


def test_untrusted_fit_falls_back_to_simple_clv(tmp_path):
    # Three customers: far too few for the model.
    path = tmp_path / "lille.csv"
    day = datetime(2024, 1, 1)
    path.write_text(
        "Ordre;Dato;Kunde;Beløb\n"
        + "\n".join(f"{i};{day + timedelta(days=9 * i):%d-%m-%Y};K{i % 3};100" for i in range(9))
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["clv", str(path), "--model", "bgnbd", "--format", "json", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "The model cannot be trusted on this data" in result.stderr
    model, rows = read_model_json(result)
    assert "p_alive" not in rows.columns
    assert model["purchase"]["fitted"] is False
    assert "only 3 customer" in model["purchase"]["error"]
    assert model["purchase"]["reason_code"] == "model_few_customers"


def _few_repeat_shop(tmp_path: Path) -> Path:
    """12 customers, of whom 2 bought again: enough customers, too few repeat buyers."""
    path = tmp_path / "faa.csv"
    day = datetime(2024, 1, 1)
    rows = [f"{i};{day + timedelta(days=5 * i):%d-%m-%Y};K{i};100" for i in range(12)]
    rows += [f"{100 + i};{day + timedelta(days=90 + i):%d-%m-%Y};K{i};150" for i in range(2)]
    path.write_text("Ordre;Dato;Kunde;Beløb\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_model_error_in_both_languages(tmp_path):
    """Too few repeat customers for --model: the reason inside the warning is worded in
    the run's language, and the JSON keeps the English error and its reason code."""
    path = _few_repeat_shop(tmp_path)
    args = ["clv", str(path), "--model", "bgnbd", "--format", "json", "--as-of", "2024-06-30"]
    english = runner.invoke(app, [*args, "--lang", "en"])
    danish = runner.invoke(app, args)
    assert english.exit_code == danish.exit_code == 0, english.output + danish.output
    assert (
        "The model cannot be trusted on this data (only 2 customer(s) bought again: the "
        "purchase model needs at least 5); showing the simple CLV only."
    ) in flat(english.stderr)
    assert (
        "Modellen kan ikke bruges på disse data (kun 2 kunde(r) har købt igen: købsmodellen "
        "kræver mindst 5); viser den simple kundeværdi."
    ) in flat(danish.stderr)
    assert "bought again" not in danish.stderr
    for result in (english, danish):
        model, rows = read_model_json(result)
        assert model["purchase"]["error"] == (
            "only 2 customer(s) bought again: the purchase model needs at least 5"
        )
        assert model["purchase"]["reason_code"] == "model_few_repeat"
        assert "p_alive" not in rows.columns


def test_churn_model_error_in_both_languages(tmp_path):
    """churn --model on too few repeat customers: the rule tiers stand, and the reason
    the model is left out is said in the run's language."""
    path = _few_repeat_shop(tmp_path)
    args = ["churn", str(path), "--model", "bgnbd", "--format", "json", "--as-of", "2024-06-30"]
    english = runner.invoke(app, [*args, "--lang", "en"])
    danish = runner.invoke(app, args)
    assert english.exit_code == danish.exit_code == 0, english.output + danish.output
    assert (
        "BG/NBD cannot be fitted on this data: only 2 customer(s) bought again: the purchase "
        "model needs at least 5. Showing the rule-based tiers only."
    ) in flat(english.stderr)
    assert (
        "BG/NBD kunne ikke beregnes på disse data: kun 2 kunde(r) har købt igen: købsmodellen "
        "kræver mindst 5. Viser kun de regelbaserede aktivitetstrin."
    ) in flat(danish.stderr)
    for result in (english, danish):
        model, _ = read_model_json(result)
        assert model["purchase"]["reason_code"] == "model_few_repeat"


def test_holdout_on_too_little_data_is_an_error_in_both_languages(tmp_path):
    """--holdout cannot fall back to anything: the model error ends the run, worded
    with its hint in the run's language."""
    path = _few_repeat_shop(tmp_path)
    args = ["clv", str(path), "--holdout", "1m", "--as-of", "2024-06-30"]
    english = runner.invoke(app, [*args, "--lang", "en"])
    danish = runner.invoke(app, args)
    assert english.exit_code == danish.exit_code == 2
    assert (
        "Error: only 2 customer(s) bought again: the purchase model needs at least 5"
        in english.stderr
    )
    assert "Hint: use the rule-based tiers instead (kunde churn without --model)" in english.stderr
    assert "Fejl: kun 2 kunde(r) har købt igen: købsmodellen kræver mindst 5" in danish.stderr
    assert "Tip: brug de regelbaserede aktivitetstrin i stedet" in danish.stderr


@pytest.mark.parametrize(
    ("text", "days"), [("6m", 183), ("26w", 182), ("180d", 180), ("1y", 365), ("6", 183)]
)
def test_holdout_periods(text, days):
    assert parse_period_days(text) == days


def test_bad_holdout_period():
    with pytest.raises(ConfigError, match="--holdout 'soon'"):
        parse_period_days("soon")


def test_holdout_period_in_words():
    assert [parse_period(t)[1].worded("en") for t in ("6m", "1y", "2w", "1d")] == [
        "6 months",
        "1 year",
        "2 weeks",
        "1 day",
    ]
    assert [parse_period(t)[1].worded() for t in ("6m", "1m", "26w", "2å")] == [
        "6 måneder",
        "1 måned",
        "26 uger",
        "2 år",
    ]


def test_holdout_table_has_labels_and_three_decimals(shop_csv):
    result = runner.invoke(
        app,
        ["clv", str(shop_csv), "--holdout", "26w", "--format", "table", "--as-of", "2025-12-31"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Modeltjek: forudsagte og faktiske køb pr. kunde" in out
    # Headers of number columns wrap between words, never inside a figure.
    for header in ("Genkøb i tilpasningsperioden", "Kunder", "Faktiske", "Forudsagte", "kunde"):
        assert header in out
    assert "I alt" in out
    for raw in ("frequency_group", "actual_purchases", "predicted_purchases", "total"):
        assert raw not in out
    total = next(line for line in out.splitlines() if "I alt" in line).split()
    # "I alt", customers, actual, predicted: the means with three decimals.
    assert total[:3] == ["I", "alt", "600"]
    for mean in total[3:]:
        whole, decimals = mean.split(",")
        assert whole.isdigit() and len(decimals) == 3


# --- fits a user can check: CDNOW, a flat likelihood, a failing spend model -----------------

CDNOW = Path(__file__).parents[1] / "data" / "cdnow" / "CDNOW_sample.txt"
AS_OF = date(2025, 12, 31)


def simulated_lines(n: int, *, a: float, b: float, r: float = 1.0, alpha: float = 10.0):
    """Order lines of ``n`` BG/NBD customers who started in the year before AS_OF (see
    tests/analytics/test_model_trust.py: whole purchase days, x − 1 distinct days between
    the first and the last)."""
    from kunde_cli.analytics.clv.simulate import simulate_customers

    rng = np.random.default_rng(4)
    age_days = rng.integers(0, 364, n)
    sim = simulate_customers(age_days / 7, r=r, alpha=alpha, a=a, b=b, resolution=1 / 7, seed=4)
    tx_days = np.round(sim.t_x * 7).astype(int)
    customers, days = [], []
    for i in range(n):
        tx = int(tx_days[i])
        x = min(int(sim.x[i]), tx)
        middle = rng.choice(np.arange(1, tx), size=x - 1, replace=False).tolist() if x > 1 else []
        own = [0, *middle, tx] if x > 0 else [0]
        first = AS_OF - timedelta(days=int(age_days[i]))
        customers += [f"K{i:05d}"] * len(own)
        days += [first + timedelta(days=d) for d in own]
    k = len(days)
    return pl.LazyFrame(
        {
            "customer_id": customers,
            "order_id": [str(j) for j in range(k)],
            "line_no": [1] * k,
            "order_date": [datetime(d.year, d.month, d.day) for d in days],
            "amount": np.round(rng.gamma(6.0, 50.0, k), 2),
            "status": ["paid"] * k,
        },
        schema_overrides={"line_no": pl.Int32, "order_date": pl.Datetime("us")},
    )


def use_lines(monkeypatch: pytest.MonkeyPatch, lines: pl.LazyFrame, default_as_of: date) -> None:
    """Replace loading files with ready order lines."""

    def load(files, workspace, *, as_of=None, lang=None, **_):
        config = Config()
        day = as_of.date() if isinstance(as_of, datetime) else (as_of or default_as_of)
        return common.Loaded(
            orders=lines,
            survey=None,
            as_of=day,
            config=config,
            lang=common.resolve_lang(lang, config),
        )

    monkeypatch.setattr(loading, "load", load)  # the load use case


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def no_dropout_signal() -> pl.LazyFrame:
    """Drop-out probability Beta(0.02, 2): 1 % on average, so a year of purchases says
    almost nothing about a and b (tests/analytics/test_model_trust.py checks the
    profile likelihood by hand)."""
    return simulated_lines(2000, a=0.02, b=2.0)


@pytest.fixture(scope="module")
def clear_dropout() -> pl.LazyFrame:
    return simulated_lines(2000, a=0.8, b=2.5)


def test_clv_prints_the_published_cdnow_fits(monkeypatch, cdnow_lines):
    """BG/NBD as in Fader, Hardie & Lee (2005), Gamma-Gamma as in Fader & Hardie (2013)."""
    use_lines(monkeypatch, cdnow_lines, date(1997, 9, 30))
    result = run("clv", "--model", "bgnbd", "--format", "json")
    assert result.exit_code == 0, result.output
    err = flat(result.stderr)
    assert (
        "BG/NBD tilpasset på 2.357 kunder, heraf 946 der har købt mere end én gang: "
        "r = 0,2426 · α = 4,4136 · a = 0,7929 · b = 2,4259; log-sandsynlighed -9.582,43 (α i uger)."
    ) in err
    assert "Gamma-Gamma (beløb pr. køb) tilpasset på 946 kunder med genkøb: p = 6,2496" in err
    assert "q = 3,7442 · γ = 15,4435" in err
    assert "Tillidstjek af Gamma-Gamma: ✓" in err
    assert "✗" not in err
    model, rows = read_model_json(result)
    purchase, spend = model["purchase"], model["spend"]
    assert purchase["trusted"] and spend["trusted"]
    assert round(purchase["parameters"]["r"], 4) == 0.2426
    assert round(purchase["log_likelihood"], 2) == -9582.43
    assert purchase["customers"] == 2357
    assert (round(spend["parameters"]["p"], 2), round(spend["parameters"]["q"], 2)) == (6.25, 3.74)
    assert spend["parameters"]["gamma"] == pytest.approx(15.44, abs=0.01)
    assert spend["customers"] == 946
    assert [c["check"] for c in spend["checks"]] == [
        "converged",
        "inside_range",
        "q_above_1",
        "repeat_customers",
        "spend_independent",
    ]
    assert {"p_alive", "expected_purchases", "predicted_clv", "value_at_risk"} <= set(rows.columns)


def test_clv_prints_the_fit_in_english(monkeypatch, cdnow_lines):
    use_lines(monkeypatch, cdnow_lines, date(1997, 9, 30))
    result = run("clv", "--model", "bgnbd", "--format", "csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    err = flat(result.stderr)
    assert (
        "BG/NBD fitted on 2,357 customers, 946 of whom bought more than once: "
        "r = 0.2426 · α = 4.4136 · a = 0.7929 · b = 2.4259; log-likelihood -9,582.43 (α in weeks)."
    ) in err
    assert "Plausible values (95 %, log-likelihood within 1.92 of the best): r 0.2192–0.2685" in err
    assert "Trust checks of BG/NBD: ✓ the fit settled on an answer" in err
    assert "✓ the likelihood is not flat" in err
    # csv is the plain table: no model object in it.
    assert result.stdout.startswith("customer_id,")


def test_flat_likelihood_falls_back_to_the_simple_clv(monkeypatch, no_dropout_signal):
    use_lines(monkeypatch, no_dropout_signal, AS_OF)
    result = run("clv", "--model", "bgnbd", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    err = flat(result.stderr)
    assert "✗ the data hardly pin down a and b: a from " in err
    assert "The model cannot be trusted on this data (the data hardly pin down a and b" in err
    assert "showing the simple CLV only" in err
    model, rows = read_model_json(result)
    purchase = model["purchase"]
    assert purchase["fitted"] is True and purchase["trusted"] is False
    assert purchase["poorly_identified"] == ["a", "b"]
    failed = [c["check"] for c in purchase["checks"] if not c["passed"]]
    assert failed == ["identified"]  # converged, inside its range, enough customers
    low, high = purchase["plausible_ranges"]["a"]
    assert high / low > 100
    assert "p_alive" not in rows.columns and "predicted_clv" not in rows.columns
    assert "simple_clv" in rows.columns


def test_flat_likelihood_in_danish_plain_words(monkeypatch, no_dropout_signal):
    use_lines(monkeypatch, no_dropout_signal, AS_OF)
    result = run("churn", "--model", "bgnbd", "--format", "csv")
    assert result.exit_code == 0, result.output
    err = flat(result.stderr)
    assert (
        "BG/NBD-tallene er ikke til at stole på her: dataene fastlægger næsten ikke a og b" in err
    )
    assert "passer næsten lige godt (log-sandsynlighed højst 1,92 under den bedste)" in err
    assert "flytter én kundes P(stadig kunde) sig op til 0," in err
    assert "Viser kun de regelbaserede aktivitetstrin." in err
    assert "p_alive" not in result.stdout.splitlines()[0]


def test_clear_dropout_signal_is_trusted(monkeypatch, clear_dropout):
    use_lines(monkeypatch, clear_dropout, AS_OF)
    result = run("churn", "--model", "bgnbd", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    model, rows = read_model_json(result)
    assert model["purchase"]["trusted"] is True
    assert model["purchase"]["poorly_identified"] == []
    assert "mean_p_alive" in rows.columns
    assert "✓ the likelihood is not flat" in flat(result.stderr)


def test_holdout_and_model_agree_on_what_they_trust(monkeypatch, no_dropout_signal):
    """--holdout 13w fits on the data up to 13 weeks before the end; --model with that
    as-of date fits the same data: the same fit, the same checks, the same verdict."""
    use_lines(monkeypatch, no_dropout_signal, AS_OF)
    holdout = run("clv", "--holdout", "13w", "--format", "json", "--lang", "en")
    assert holdout.exit_code == 0, holdout.output
    calibration_end = (AS_OF - timedelta(weeks=13)).isoformat()
    model_run = run(
        "clv", "--model", "bgnbd", "--as-of", calibration_end, "--format", "json", "--lang", "en"
    )
    assert model_run.exit_code == 0, model_run.output
    held, table = read_model_json(holdout)
    fitted, _ = read_model_json(model_run)
    assert held["calibration_end"] == calibration_end
    assert held["purchase"] == fitted["purchase"]
    assert held["purchase"]["trusted"] is False
    err = flat(holdout.stderr)
    assert (
        "The model fitted without the last 13 weeks cannot be trusted (the data hardly pin down"
        in err
    )
    assert "kunde clv/churn --model would not use it on data like this either" in err
    assert table["frequency_group"].to_list()[-1] == "total"


def test_only_the_spend_model_failing_keeps_the_purchase_prediction(monkeypatch, clear_dropout):
    """Spend per purchase grows with the number of purchases: Gamma-Gamma's assumption
    fails, BG/NBD stands — P(alive) and expected purchases stay, the money columns go."""
    per_customer = pl.len().over("customer_id")
    lines = clear_dropout.with_columns((pl.col("amount") * per_customer).alias("amount"))
    use_lines(monkeypatch, lines, AS_OF)
    result = run("clv", "--model", "bgnbd", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    err = flat(result.stderr)
    assert "The spend model (Gamma-Gamma) is not used (spend per purchase rises with" in err
    assert "P(alive) and expected purchases from BG/NBD stand" in err
    model, rows = read_model_json(result)
    assert model["purchase"]["trusted"] is True
    assert model["spend"]["trusted"] is False
    assert [c["check"] for c in model["spend"]["checks"] if not c["passed"]] == [
        "spend_independent"
    ]
    assert {"p_alive", "expected_purchases", "simple_clv"} <= set(rows.columns)
    assert not {"expected_spend", "predicted_clv", "value_at_risk"} & set(rows.columns)
    assert rows["p_alive"].drop_nulls().is_between(0, 1).all()


@pytest.fixture(scope="module")
def spend_follows_frequency(clear_dropout) -> pl.LazyFrame:
    """Spend per purchase grows with the number of purchases: only the spend model fails."""
    per_customer = pl.len().over("customer_id")
    return clear_dropout.with_columns((pl.col("amount") * per_customer).alias("amount"))


#: English words a Danish run of the models must not show (as whole words).
ENGLISH_MODEL_WORDS = (
    "likelihood",
    "converge",
    "converged",
    "fit",
    "fitted",
    "customers",
    "purchases",
    "spend",
    "trust",
    "trusted",
    "alive",
    "the",
    "and",
    "weeks",
    "months",
)


def english_words_in(text: str) -> set[str]:
    import re

    found = set(re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower()))
    return found & set(ENGLISH_MODEL_WORDS) | {w for w in found if "likelihood" in w}


@pytest.mark.parametrize(
    ("fixture", "args"),
    [
        ("cdnow_lines", ("clv", "--model", "bgnbd")),
        ("no_dropout_signal", ("clv", "--model", "bgnbd")),
        ("no_dropout_signal", ("clv", "--holdout", "13w")),
        ("clear_dropout", ("churn", "--model", "mbgnbd")),
        ("spend_follows_frequency", ("clv", "--model", "bgnbd")),
    ],
)
def test_a_danish_model_run_says_no_english(monkeypatch, request, fixture, args):
    """Notes, trust checks, warnings and the table of a Danish run are all Danish
    (a trusted fit, a flat likelihood that falls back, the holdout check, churn's model)."""
    lines = request.getfixturevalue(fixture)
    use_lines(monkeypatch, lines, date(1997, 9, 30) if fixture == "cdnow_lines" else AS_OF)
    result = run(*args, "--format", "table")
    assert result.exit_code == 0, result.output
    assert "tilpasset" in result.stderr
    if fixture == "spend_follows_frequency":
        assert "Beløbsmodellen (Gamma-Gamma) bruges ikke (beløb pr. køb stiger med" in flat(
            result.stderr
        )
    assert english_words_in(result.stdout + result.stderr) == set()
    if fixture == "cdnow_lines":  # the list can find what it looks for
        english = run(*args, "--format", "table", "--lang", "en")
        assert english_words_in(english.stderr) >= {"fitted", "customers", "likelihood"}


def test_a_bad_holdout_is_said_before_the_data_are_read(tmp_path) -> None:
    # The export does not exist: a bad --holdout must be the error, not the missing file.
    result = runner.invoke(app, ["clv", str(tmp_path / "none.csv"), "--holdout", "soon"])
    assert result.exit_code == 2
    assert "soon" in result.stderr and "none.csv" not in result.stderr
