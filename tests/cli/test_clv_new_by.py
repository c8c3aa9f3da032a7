"""`kunde clv --new-by`: what a new customer is worth per channel, first category or
discount code, end to end on a shop drawn from known BG/NBD parameters (customers from
Instagram buy again more than twice as often as customers from Google)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import numpy as np
import pytest
from typer.testing import CliRunner

from kunde_cli.analytics.clv.simulate import simulate_customers
from kunde_cli.cli.main import app

runner = CliRunner()

AS_OF = date(2025, 12, 31)
HEADER = "Ordrenummer;Ordredato;Kundenummer;Beløb;Kanal;Kategori;Rabatkode"


def _shop(path, *, n: int, channel: bool = True) -> None:
    """``n`` customers from Instagram (r = 0.6) and ``n`` from Google (r = 0.25), each
    a BG/NBD history in weeks (a = 0.8, b = 2.5, α = 4) ending by AS_OF; first orders of
    about 300 kr., repeat orders Gamma-Gamma (p = 6, q = 4, γ = 300: 600 kr. on
    average); every third customer's first order used a discount code."""
    rows = [HEADER if channel else HEADER.replace(";Kanal", "")]
    order = 1000
    for g, (name, r) in enumerate((("Instagram", 0.6), ("Google", 0.25))):
        rng = np.random.default_rng(10 + g)
        ages = rng.integers(20, 104, n).astype(float)
        sim = simulate_customers(
            ages, r=r, alpha=4.0, a=0.8, b=2.5, p=6.0, q=4.0, gamma=300.0, seed=20 + g
        )
        for c in range(n):
            first = AS_OF - timedelta(weeks=float(sim.age[c]))
            x = int(sim.x[c])
            gaps = np.sort(rng.uniform(0, sim.t_x[c], max(x - 1, 0)))
            days = [first, *(first + timedelta(weeks=float(t)) for t in gaps)]
            if x:
                days.append(first + timedelta(weeks=float(sim.t_x[c])))
            for k, day in enumerate(days):
                order += 1
                amount = rng.gamma(6.0, 50.0) if k == 0 else sim.mean_spend[c]
                code = "VELKOMMEN" if k == 0 and c % 3 == 0 else ""
                kanal = f"{name};" if channel else ""
                rows.append(
                    f"{order};{day:%d-%m-%Y};{name[0]}{c};{amount:.2f}".replace(".", ",")
                    + f";{kanal}Lamper;{code}"
                )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    path = tmp_path_factory.mktemp("new-by") / "ordrer.csv"
    _shop(path, n=500)
    return path


def _run(*args: str):
    result = runner.invoke(app, ["clv", *args, "--as-of", AS_OF.isoformat()])
    return result, " ".join(result.stderr.split())


def test_new_by_channel_in_danish(shop) -> None:
    result, said = _run(str(shop), "--new-by", "channel", "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert "Kunder fra Instagram er mere værd end kunder fra Google (p < 0,001)." in said
    assert "En ny kunde fra Instagram er " in said and "værd det første år (90 %: " in said
    assert "Genkøb (BG/NBD): p < 0,001" in said and "4 frihedsgrader" in said
    assert "Beløb pr. genkøb (Gamma-Gamma): p = " in said and "3 frihedsgrader" in said
    table = " ".join(result.stdout.split())
    assert "Værdi" in table and "Fra (90" in table and "Instagram" in table and "Google" in table


def test_new_by_channel_in_english(shop) -> None:
    result, said = _run(str(shop), "--new-by", "channel", "--format", "table", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "Customers from Instagram are worth more than customers from Google" in said
    assert "A new customer from Instagram is worth DKK " in said
    assert "in the first year (90%: DKK " in said


def test_csv_holds_the_value_and_its_parts(shop) -> None:
    result, _ = _run(str(shop), "--new-by", "channel", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # as many customers in each: by name
    assert [r["channel"] for r in rows] == ["Google", "Instagram"]
    for row in rows:
        assert row["customers"] == "500" and row["status"] == "ok"
        value = float(row["value_12m"])
        parts = float(row["first_order_value"]) + float(row["expected_repeat_purchases"]) * float(
            row["spend_per_purchase"]
        )
        assert value == pytest.approx(parts, rel=1e-3)
        assert float(row["value_low"]) < value < float(row["value_high"])
    google, instagram = (float(r["expected_repeat_purchases"]) for r in rows)
    assert instagram > 1.8 * google


def test_new_by_discount_groups_by_the_first_order_code(shop) -> None:
    result, said = _run(str(shop), "--new-by", "discount", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    groups = {r["first_order_discount"]: int(r["customers"]) for r in rows}
    # every third customer of each channel: ceil(500 / 3) = 167 each
    assert groups == {"without_code": 666, "with_code": 334}
    assert "rabatkode" in said


def test_a_small_shop_gets_counts_and_too_few(tmp_path) -> None:
    path = tmp_path / "small.csv"
    _shop(path, n=40)
    result, said = _run(str(path), "--new-by", "channel", "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert "For få til at vurdere" in " ".join(result.stdout.split())
    assert "Der er for få kunder til at teste, om grupperne adskiller sig" in said
    assert "Ingen gruppe er stor nok til at give en ny kundes værdi" in said


def test_an_empty_column_is_named_and_exits_2(tmp_path) -> None:
    path = tmp_path / "no-channel.csv"
    _shop(path, n=30, channel=False)
    result, said = _run(str(path), "--new-by", "channel", "--lang", "en")
    assert result.exit_code == 2
    assert "the column 'channel' is empty in the export" in said
    assert "Traceback" not in result.output


def test_the_report_says_it_too_and_not_without_models(shop, tmp_path) -> None:
    for extra, shown in (((), True), (("--no-model",), False)):
        out = tmp_path / ("with" if shown else "without")
        args = ["report", str(shop), "--as-of", AS_OF.isoformat(), "-d", str(out), "-q", *extra]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.stderr
        (page,) = out.glob("*.html")
        text = " ".join(page.read_text(encoding="utf-8").split())
        assert ('id="acquisition"' in text) is shown
        assert ("Kunder fra Instagram er mere værd end kunder fra Google" in text) is shown


def test_one_group_is_nothing_to_compare_not_too_few(shop) -> None:
    # Every first order is in one category (Lamper): 1,000 customers are not too few to
    # test; there is simply no other group to compare with.
    result, said = _run(str(shop), "--new-by", "category", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "for få kunder" not in said
    assert "Kun én gruppe (Lamper): der er ingen grupper at sammenligne." in said
    _, said_en = _run(str(shop), "--new-by", "category", "--format", "csv", "--lang", "en")
    assert "Only one group (Lamper): there are no groups to compare." in said_en


def test_no_customers_yet_is_said_as_kunde_clv_says_it(shop) -> None:
    # --as-of before the first order: no customers, so no groups, no test and no value
    # (it spoke of too few customers to test and of models).
    result = runner.invoke(app, ["clv", str(shop), "--new-by", "channel", "--as-of", "2020-01-01"])
    said = " ".join(result.stderr.split())
    assert result.exit_code == 0, result.stderr
    assert "Ingen kunder med en talt ordre pr. 01-01-2020." in said
    assert "for få kunder" not in said and "Gamma-Gamma" not in said


def test_the_number_for_ad_spend_names_a_channel(tmp_path) -> None:
    # The Instagram customers' first orders name no channel: they are the most valuable
    # group, "(ingen)". A number for ad spend needs a channel to spend on: Google's.
    path = tmp_path / "blank.csv"
    _shop(path, n=500)
    path.write_text(path.read_text("utf-8").replace(";Instagram;", ";;"), "utf-8")
    result, said = _run(str(path), "--new-by", "channel", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(r["channel"] for r in rows) == ["", "Google"]
    assert "En ny kunde fra Google er " in said
    assert "fra (ingen)" not in said
    assert "Grupperne adskiller sig mærkbart (p < 0,001)." in said


def test_the_notes_name_the_purchase_model_asked_for(shop) -> None:
    # --model mbgnbd fits MBG/NBD per group; the notes said "(BG/NBD)" all the same.
    result, said = _run(str(shop), "--new-by", "channel", "--model", "mbgnbd", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert "næste 12 måneder (MBG/NBD)" in said and "Genkøb (MBG/NBD): p" in said
    assert "(BG/NBD)" not in said
    _, plain = _run(str(shop), "--new-by", "channel", "-f", "csv")
    assert "næste 12 måneder (BG/NBD)" in plain and "Genkøb (BG/NBD): p" in plain


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["--monthly", "--trend"],
            "Fejl: --monthly, --trend viser hver sin tabel: brug én ad gangen",
        ),
        (["--new-by", "channel", "--holdout", "6m"], "Fejl: --new-by, --holdout viser hver sin"),
        (
            ["--new-by", "channel", "--by", "segment"],
            "Fejl: --by segment virker ikke sammen med --new-by",
        ),
        (["--trend", "--by", "segment"], "Fejl: --by segment virker ikke sammen med --trend"),
    ],
)
def test_two_views_at_once_are_refused_not_dropped(args: list[str], said: str) -> None:
    # Before, --new-by won over --trend, which won over --monthly, without a word.
    result = CliRunner().invoke(app, ["clv", "--workspace", "/nonexistent-kunde", *args])
    assert result.exit_code == 2
    assert said in result.stderr
    assert "Traceback" not in result.stderr
