"""`kunde backtest` end to end (issue 18 points 1–2): the verdict and tables in Danish
and English, csv and JSON, --model, the season-matched split and bad input."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

runner = CliRunner()
AS_OF = date(2025, 6, 30)


def _write_shop(path, *, n: int = 800, seed: int = 4, start: date = date(2023, 1, 1)) -> None:
    """``n`` customers from BG/NBD (r 0.6, α 8 weeks, a 0.7, b 3), first orders over two
    years, written as a Danish export (semicolons, dd-mm-yyyy, decimal commas)."""
    rng = np.random.default_rng(seed)
    span = (AS_OF - start).days
    birth = rng.integers(0, 730, size=n)
    lam = rng.gamma(0.6, 1 / 8.0, size=n) / 7.0
    survive = rng.geometric(rng.beta(0.7, 3.0, size=n))
    life = span - birth
    potential = rng.poisson(lam * life)
    rows, order = [], 0
    for c in range(n):
        times = np.sort(rng.uniform(0, life[c], size=potential[c]))[: survive[c]]
        for day in [birth[c], *(birth[c] + np.floor(times).astype(int))]:
            order += 1
            amount = 100 + (order * 37) % 400
            rows.append(f"{order};{start + timedelta(days=int(day)):%d-%m-%Y};K{c:04d};{amount},00")
    path.write_text("Ordrenummer;Ordredato;Kundenummer;Beløb\n" + "\n".join(rows) + "\n", "utf-8")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    path = tmp_path_factory.mktemp("backtest") / "ordrer.csv"
    _write_shop(path)
    return path


def _run(*args: str):
    return runner.invoke(app, ["backtest", *args], env={"COLUMNS": "160", "KUNDE_LANG": None})


def _said(result) -> str:
    return " ".join(result.stderr.split())


def test_danish_table_says_the_verdict_and_shows_three_tables(shop):
    result = _run(str(shop), "--as-of", AS_OF.isoformat(), "-f", "table")
    assert result.exit_code == 0, result.stderr
    said = _said(result)
    assert "Modellen (" in said and "køb i de 13 uger til og med 30-06-2025; der blev" in said
    assert any(
        use in said
        for use in (
            "God nok både til budgettet",
            "God nok til at rangere",
            "Brug den hverken",
            "Brug den ikke til at rangere",
        )
    )
    assert "Skæringspunkt for P(stadig kunde) (MBG/NBD)" in said
    assert "BG/NBD giver alle engangskøbere P(stadig kunde) = 1" in said
    assert "Engangskøbere:" in said
    assert "Efterprøvning 01-04-2025 – 30-06-2025" in result.stdout
    assert "Kunder i ti grupper" in result.stdout
    assert "Køb uge for uge" in result.stdout


def test_english_json_carries_every_part(shop):
    result = _run(str(shop), "--as-of", AS_OF.isoformat(), "-f", "json", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    said = _said(result)
    assert "The model (" in said and "purchases in the 13 weeks up to 2025-06-30" in said
    body = json.loads(result.stdout)
    assert set(body) >= {"split", "verdict", "cutoff", "one_time", "models", "deciles", "tracking"}
    assert body["split"]["calibration_end"] == "2025-03-31"
    assert body["split"]["holdout_days"] == 91 and body["split"]["chosen"] == "default"
    assert [r["model"] for r in body["models"]] == ["tiers", "bgnbd", "mbgnbd"]
    assert len(body["deciles"]) == 10
    assert sum(r["customers"] for r in body["deciles"]) == body["split"]["customers"]
    assert len(body["tracking"]) == 13
    verdict = body["verdict"]
    assert body["tracking"][-1]["actual_cumulative"] == verdict["actual_purchases"]
    row = next(r for r in body["models"] if r["model"] == verdict["model"])
    assert row["purchases_actual"] == verdict["actual_purchases"]
    # The verdict's difference is the actual over the predicted, less one.
    assert verdict["difference"] == pytest.approx(
        verdict["actual_purchases"] / verdict["predicted_purchases"] - 1, abs=1e-3
    )
    # Judged only from 400 predicted purchases (MIN_BUDGET_PURCHASES).
    assert verdict["budget_judged"] == (verdict["predicted_purchases"] >= 400)
    assert verdict["budget_ok"] == (
        verdict["budget_judged"]
        and abs(verdict["difference"]) <= 0.10
        and (verdict["revenue_difference"] is None or abs(verdict["revenue_difference"]) <= 0.10)
    )
    assert 0 < body["cutoff"]["threshold"] <= 1 and body["cutoff"]["model"] == "mbgnbd"


def test_csv_writes_the_table_asked_for(shop, tmp_path):
    out = tmp_path / "deciles.csv"
    result = _run(str(shop), "--as-of", AS_OF.isoformat(), "--table", "deciles", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "decile,customers,predicted_mean,actual_mean"
    assert [line.split(",")[0] for line in lines[1:]] == [str(i) for i in range(1, 11)]
    result = _run(str(shop), "--as-of", AS_OF.isoformat(), "-f", "csv", "--table", "tracking")
    assert result.stdout.splitlines()[0] == (
        "week,week_end,actual_cumulative,predicted_bgnbd,predicted_mbgnbd"
    )
    result = _run(str(shop), "--as-of", AS_OF.isoformat(), "-f", "csv")
    rows = result.stdout.splitlines()
    assert rows[0].startswith("model,trusted,customers,purchases_predicted,purchases_actual")
    assert [r.split(",")[0] for r in rows[1:]] == ["tiers", "bgnbd", "mbgnbd"]


def test_model_restricts_the_rows_and_the_verdict(shop):
    result = _run(
        str(shop), "--as-of", AS_OF.isoformat(), "--model", "bgnbd", "-f", "json", "--lang", "en"
    )
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert [r["model"] for r in body["models"]] == ["tiers", "bgnbd"]
    assert body["verdict"]["model"] == "bgnbd"
    assert list(body["tracking"][0]) == ["week", "week_end", "actual_cumulative", "predicted_bgnbd"]
    # BG/NBD alone: its cut-off cannot tell one-time buyers apart, and it says so.
    assert body["cutoff"]["model"] == "bgnbd"
    assert "use --model mbgnbd for them" in _said(result)


def test_a_given_holdout_is_used(shop):
    result = _run(str(shop), "--as-of", AS_OF.isoformat(), "--holdout", "8w", "-f", "json")
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["split"]["holdout_days"] == 56 and body["split"]["chosen"] == "given"
    assert body["split"]["calibration_end"] == (AS_OF - timedelta(days=56)).isoformat()
    assert len(body["tracking"]) == 8
    assert "i de 8 uger til og med" in _said(result)


def _december_shop(path) -> None:
    """300 customers 2023 – June 2026 buying four times as often in December."""
    rng = np.random.default_rng(5)
    start, end = date(2023, 1, 1), date(2025, 12, 31)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    lift = np.array([4.0 if d.month == 12 else 1.0 for d in days])
    rate = rng.gamma(1.0, 1 / 60, size=300)
    first = rng.integers(0, 365, size=300)
    index = np.arange(len(days))
    bought = (index >= first[:, None]) & (rng.random((300, len(days))) < rate[:, None] * lift)
    bought[np.arange(300), first] = True
    rows = [
        f"{n};{days[d]:%d-%m-%Y};K{c};100,00"
        for n, (c, d) in enumerate(zip(*np.nonzero(bought), strict=True), start=1)
    ]
    path.write_text("Ordrenummer;Ordredato;Kundenummer;Beløb\n" + "\n".join(rows) + "\n", "utf-8")


def test_a_last_quarter_over_the_peak_takes_the_whole_year(tmp_path):
    path = tmp_path / "jul.csv"
    _december_shop(path)
    result = _run(str(path), "--as-of", "2025-12-31", "-f", "json")
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["split"]["chosen"] == "season" and body["split"]["holdout_days"] == 365
    assert 12 in body["split"]["peak_months"]
    assert "rummer butikkens højsæson (december)" in _said(result)
    assert "i de 12 måneder til og med 31-12-2025" in _said(result)
    # A given quarter over December is kept, with the warning and the split to try.
    result = _run(str(path), "--as-of", "2025-12-31", "--holdout", "13w", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "kunde backtest --as-of 2025-12-31 --holdout 12m" in _said(result)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--holdout", "3x"], "--holdout '3x' skal skrives som 6m, 26w, 180d eller 1y"),
        (["--holdout", "10y"], "for lidt at efterprøve på: kun 0 kunder havde købt før"),
        (["--model", "pareto"], "pareto"),
        # a length no calendar holds (it ended in an OverflowError traceback)
        (["--holdout", "99999999999999999999d"], "--holdout '99999999999999999999d' skal"),
        (["--holdout", "9999999y"], "--holdout '9999999y' skal skrives som"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(shop, args, words):
    result = _run(str(shop), "--as-of", AS_OF.isoformat(), *args)
    assert result.exit_code == 2, result.stderr
    assert words in _said(result)
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Fejl:")]
    assert len(errors) == 1


def test_too_little_data_in_english(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text(
        "Ordrenummer;Ordredato;Kundenummer;Beløb\n1;01-01-2025;K1;100,00\n2;01-05-2025;K1;90,00\n",
        "utf-8",
    )
    result = _run(str(path), "--as-of", "2025-06-30", "--lang", "en")
    assert result.exit_code == 2
    assert "Error: too little to back-test: only 1 customers had bought before 2025-03-31" in _said(
        result
    )


def test_churn_model_marks_customers_by_the_backtest_cutoff(shop):
    import csv
    import io

    common = [str(shop), "--as-of", AS_OF.isoformat()]
    env = {"COLUMNS": "250", "KUNDE_LANG": None}
    backtested = runner.invoke(
        app, ["backtest", *common, "--model", "mbgnbd", "-f", "json"], env=env
    )
    threshold = json.loads(backtested.stdout)["cutoff"]["threshold"]
    result = runner.invoke(
        app, ["churn", *common, "--list", "--model", "mbgnbd", "-f", "csv", "--lang", "en"], env=env
    )
    assert result.exit_code == 0, result.stderr
    assert "P(alive) cut-off (MBG/NBD)" in _said(result)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {"alive_by_cutoff", "days_since_purchase", "came_back_within_days"} <= set(
        rows[0]
    )
    for row in rows:
        # The list's P(alive) is rounded to 4 decimals; the threshold too.
        if abs(float(row["p_alive"]) - threshold) > 1e-3:
            assert (row["alive_by_cutoff"] == "true") == (float(row["p_alive"]) >= threshold)
        # One-time buyers (one purchase day: one order, or several on that day) have the
        # wait, and it is the days since their last order.
        if row["orders"] == "1":
            assert row["days_since_purchase"] != ""
        if row["days_since_purchase"]:
            assert row["days_since_purchase"] == row["days_since_last"]
    once = [r for r in rows if r["orders"] == "1"]
    assert once and len({r["came_back_within_days"] for r in once}) == 1
    table = runner.invoke(
        app,
        ["churn", *common, "--list", "--model", "mbgnbd", "-f", "table", "--lang", "en"],
        env=env,
    )
    first = once[0]
    sentence = (
        f"one purchase {first['days_since_purchase']} days ago; customers like her who came "
        f"back did so within {first['came_back_within_days']} days"
    )
    assert sentence in " ".join(table.stdout.split())


def test_a_holdout_without_purchases_says_no_empty_figure(shop):
    # --as-of weeks after the export's last order: nobody bought in the holdout, so no
    # rank correlation and no top tenth's share. The sentence said "stod for  af købene".
    late = (AS_OF + timedelta(days=40)).isoformat()
    result = runner.invoke(app, ["backtest", str(shop), "--as-of", late, "--holdout", "4w"])
    assert result.exit_code == 0, result.stderr
    said = _said(result)
    assert "der blev 0 (−100 %)" in said
    assert "stod for  af" not in said and "stod for" not in said
    assert "(her –)" in said
    assert "Intet skæringspunkt for P(stadig kunde)" in said


def test_a_small_holdout_does_not_judge_the_budget(shop):
    # 800 customers predict a few hundred purchases in a quarter: under the 400 that
    # tell a 10 % miss from chance, so the budget is not judged, and the sentence says why.
    result = _run(str(shop), "--as-of", AS_OF.isoformat(), "-f", "json")
    assert result.exit_code == 0, result.stderr
    verdict = json.loads(result.stdout)["verdict"]
    assert verdict["predicted_purchases"] < 400
    assert not verdict["budget_judged"] and not verdict["budget_ok"]
    predicted = f"{round(verdict['predicted_purchases'])}"
    assert (
        f"Budgettet kan perioden ikke dømme: {predicted} forudsagte køb er for få til at "
        "skille en afvigelse på 10 % fra tilfældigheder (det kræver omkring 400)."
    ) in _said(result)


def test_a_table_written_to_a_file_is_the_one_asked_for(shop, tmp_path):
    # --format table -o FILE wrote the three tables one over the other: the file held
    # the last (the weekly tracking) whatever --table said.
    out = tmp_path / "deciles.txt"
    result = _run(
        str(shop), "--as-of", AS_OF.isoformat(), "-f", "table", "-o", str(out),
        "--table", "deciles", "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Customers in ten groups" in text
    assert "week by week" not in text.lower()
