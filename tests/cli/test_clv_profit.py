"""`kunde clv` with a cost column or a margin in kunde.toml: profit to date and profit
CLV, labelled so, computed by hand; without either nothing changes; a bad margin is one
line and exit 2; the report's profit section appears only with profit."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

runner = CliRunner()
LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "ordrer.csv"

DANISH = [
    "Ordrenummer;Ordredato;Kundenummer;Vare;Kategori;Antal;Beløb;Kostpris;Status",
    # K1: 1 200 − 700 = 500 by its cost; the tea has no cost (no margin: unknown).
    "1;02-01-2024;K1;Bønner;Kaffe;1;kr. 1.200,00;kr. 700,00;Betalt",
    "2;05-02-2024;K1;Te;Te;2;300,00 kr.;;Betalt",
    # K2: 250 − 100 = 150, and a credit note of 50 that takes its cost of 20 back: −30.
    "3;10-02-2024;K2;Bønner;Kaffe;1;250,00 kr.;100,00 kr.;Betalt",
    "4;12-02-2024;K2;Bønner;Kaffe;1;-50,00 kr.;-20,00 kr.;Kreditnota",
    # A written cost that is not a cost: the sale counts, its cost is unknown.
    "5;15-02-2024;K3;Kop;Køkken;1;99,95 kr.;ukendt;Betalt",
]
AS_OF = ["--as-of", "2024-02-29"]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of its own as the current directory (its kunde.toml is read)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _danish(folder: Path) -> Path:
    path = folder / "ordrer.csv"
    path.write_text("\n".join(DANISH) + "\n", encoding="utf-8")
    return path


def _rows(stdout: str) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(stdout)))
    key = "customer_id" if rows and "customer_id" in rows[0] else "segment"
    return {row[key]: row for row in rows}


def _clv(args: list[str]) -> tuple[dict[str, dict[str, str]], str]:
    result = runner.invoke(app, ["clv", *args, "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    return _rows(result.stdout), " ".join(result.stderr.split())


def test_cost_column_gives_profit_by_hand(here: Path) -> None:
    rows, said = _clv([str(_danish(here)), *AS_OF])
    # K1: known 1 200 at profit 500 → margin 5/12; revenue 1 500 → profit 625;
    # 2 orders, AOV 750, 2 a year → simple CLV 4 500, profit CLV 4 500 × 5/12 = 1 875.
    k1 = rows["K1"]
    assert float(k1["revenue_to_date"]) == pytest.approx(1500.0)
    assert float(k1["profit_to_date"]) == pytest.approx(625.0, abs=0.01)
    assert float(k1["margin_share"]) == pytest.approx(5 / 12, abs=1e-4)
    assert float(k1["simple_profit_clv"]) == pytest.approx(1875.0, abs=0.01)
    # K2: 250 − 50 = 200 revenue, 150 − 30 = 120 profit (0.6); simple CLV 600 → 360.
    k2 = rows["K2"]
    assert float(k2["profit_to_date"]) == pytest.approx(120.0, abs=0.01)
    assert float(k2["simple_profit_clv"]) == pytest.approx(360.0, abs=0.01)
    # K3: her cup's cost cannot be read and there is no margin: revenue 99.95 counts,
    # her profit is unknown (and she is left out of the shop's margin, which says so).
    assert float(rows["K3"]["revenue_to_date"]) == pytest.approx(99.95)
    assert rows["K3"]["profit_to_date"] == ""
    assert "kostpris på 3 linje(r)" in said
    assert "ukendt på 2 linje(r)" in said  # the tea and the cup
    assert "Kunderne har givet 745,00 kr. i dækningsbidrag" in said
    assert "1 kunde(r) uden kendt dækningsbidrag (99,95 kr.) er ikke talt med" in said
    # No VAT rate in kunde.toml: the amounts are used as they are, and it says so.
    assert "Beløbene er brugt, som de står i eksporten" in said


def test_vat_in_kunde_toml_is_taken_off_the_amounts(here: Path) -> None:
    (here / "kunde.toml").write_text("[profit]\nvat = 0.25\n", encoding="utf-8")
    rows, said = _clv([str(_danish(here)), *AS_OF, "--lang", "en"])
    # K1: 1 200 / 1.25 − 700 = 260 on the known 1 200 → share 260/1 200; revenue 1 500
    # → profit 325. K2: 250/1.25 − 100 = 100, the credit note −50/1.25 + 20 = −20 → 80.
    assert float(rows["K1"]["profit_to_date"]) == pytest.approx(325.0, abs=0.01)
    assert float(rows["K2"]["profit_to_date"]) == pytest.approx(80.0, abs=0.01)
    assert "The amounts are taken without VAT (25%) before cost and margin" in said


def test_margin_in_kunde_toml_fills_the_lines_without_cost(here: Path) -> None:
    (here / "kunde.toml").write_text(
        '[profit]\nmargin = 0.35\n[profit.margin_by_category]\n"te" = 0.5\n', encoding="utf-8"
    )
    rows, said = _clv([str(_danish(here)), *AS_OF, "--lang", "en"])
    # K1's tea now takes its category's 50 %: 500 + 150 = 650 on 1 500.
    assert float(rows["K1"]["profit_to_date"]) == pytest.approx(650.0, abs=0.01)
    assert float(rows["K1"]["simple_profit_clv"]) == pytest.approx(4500 * 650 / 1500, abs=0.01)
    assert "cost on 3 line(s); the category's margin on 1 line(s)" in said
    # Only K3's cup (its cost unreadable, no category margin) takes the shop's 35 %:
    # 99.95 × 0.35 = 34.98.
    assert "the shop's margin (35%) on 1 line(s)" in said
    assert float(rows["K3"]["profit_to_date"]) == pytest.approx(99.95 * 0.35, abs=0.01)


def test_shopify_export_without_cost_or_margin_changes_nothing(here: Path) -> None:
    shopify = str(LAYOUTS / "shopify_refunds_usd.csv")
    rows, said = _clv([shopify])
    assert not any("profit" in column for column in next(iter(rows.values())))
    assert "dækningsbidrag" not in said.lower() and "profit" not in said.lower()
    # A shop margin in kunde.toml turns the same export's CLV into profit CLV, labelled.
    (here / "kunde.toml").write_text("[profit]\nmargin = 0.25\n", encoding="utf-8")
    result = runner.invoke(app, ["clv", shopify, "--format", "csv", "--csv-style", "da"])
    assert result.exit_code == 0, result.stderr
    header = result.stdout.splitlines()[0].lstrip("\ufeff").split(";")
    assert header[-3:] == ["Dækningsbidrag til dato", "Simpel profit-CLV", "Dækningsgrad"]
    rows, _ = _clv([shopify])
    for row in rows.values():
        # Each line's profit is rounded to the cent before it is added up.
        assert float(row["simple_profit_clv"]) == pytest.approx(
            0.25 * float(row["simple_clv"]), abs=0.05
        )


@pytest.mark.parametrize(
    ("toml", "shown"),
    [
        ("[profit]\nmargin = 1.5\n", "[profit] margin = 1.5: skal være et tal fra 0 til 1"),
        ("[profit]\nvat = 25\n", "[profit] vat = 25: skal være et tal fra 0 til 1"),
        ('[profit]\nmargin = "35 %"\n', '[profit] margin = "35 %": skal være et tal fra 0 til 1'),
        (
            "[profit.margin_by_category]\nKaffe = -0.1\n",
            '[profit] margin_by_category."Kaffe" = -0.1: skal være et tal fra 0 til 1',
        ),
        # Names are compared trimmed and in any case: two spellings of one category with
        # two margins would leave one of them unused without a word.
        (
            '[profit.margin_by_category]\n"Kaffe" = 0.2\n" KAFFE" = 0.3\n',
            "[profit] margin_by_category: 'Kaffe' og ' KAFFE' er samme kategori "
            "(store og små bogstaver og mellemrum tæller ikke), men har to marginer",
        ),
    ],
)
def test_a_bad_margin_is_one_line_and_exit_2(here: Path, toml: str, shown: str) -> None:
    (here / "kunde.toml").write_text(toml, encoding="utf-8")
    result = runner.invoke(app, ["clv", str(_danish(here))])
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first == f"Fejl: kunde.toml: {shown}", result.stderr
    assert "Traceback" not in result.stderr


def test_model_prediction_becomes_profit_at_the_customers_margin(here: Path) -> None:
    (here / "kunde.toml").write_text("[profit]\nmargin = 0.35\n", encoding="utf-8")
    rows, said = _clv([str(SAMPLE), "--model", "bgnbd"])
    predicted = [r for r in rows.values() if r.get("predicted_profit_clv")]
    assert len(predicted) > 1000
    for row in predicted:
        assert float(row["predicted_profit_clv"]) == pytest.approx(
            0.35 * float(row["predicted_clv"]), abs=0.01
        )
    assert "Forventet profit-CLV = forventet værdi × kundens egen dækningsgrad" in said


def test_the_report_has_a_profit_section_only_with_profit(here: Path) -> None:
    def page() -> str:
        out = here / "out"
        result = runner.invoke(app, ["report", str(_danish(here)), *AS_OF, "-d", str(out)])
        assert result.exit_code == 0, result.stderr
        (html,) = out.glob("*.html")
        return html.read_text(encoding="utf-8")

    with_cost = page()
    assert 'id="profit"' in with_cost and "Profit-CLV og dækningsbidrag" in with_cost
    plain = _danish(here)
    plain.write_text(
        "\n".join(";".join(line.split(";")[:7] + line.split(";")[8:]) for line in DANISH[:5])
        + "\n",
        encoding="utf-8",
    )
    out = here / "plain"
    result = runner.invoke(app, ["report", str(plain), *AS_OF, "-d", str(out)])
    assert result.exit_code == 0, result.stderr
    (html,) = out.glob("*.html")
    assert 'id="profit"' not in html.read_text(encoding="utf-8")


def test_customers_without_a_known_profit_do_not_water_down_the_margin(here: Path) -> None:
    # Costs are set for some products only and kunde.toml has no margin: K4 bought tea
    # alone (no cost), so her profit is unknown — not 0. The shop's share is the known
    # customers' profit over their revenue: (625 + 120) / (1 500 + 200) = 43.8 %, not
    # 745 / 2 200 = 33.9 %; per segment likewise, and the average profit CLV is over the
    # customers whose profit is known.
    path = _danish(here)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("6;20-02-2024;K4;Te;Te;1;500,00 kr.;;Betalt\n")
    rows, said = _clv([str(path), *AS_OF])
    assert rows["K4"]["profit_to_date"] == ""
    assert "Kunderne har givet 745,00 kr. i dækningsbidrag (43,8 % af omsætningen" in said
    # K3 (cost unreadable) and K4: 99.95 + 500 = 599.95 kr.
    assert "2 kunde(r) uden kendt dækningsbidrag (599,95 kr.) er ikke talt med" in said
    segments, _ = _clv([str(path), *AS_OF, "--by", "segment"])
    profit = sum(float(r["profit_to_date"] or 0) for r in segments.values())
    assert profit == pytest.approx(745.0, abs=0.01)
    by_share = {round(float(r["margin_share"]), 4) for r in segments.values() if r["margin_share"]}
    # Each segment's share is one of the known customers' own (K1 5/12, K2 0.6, or
    # both together), never diluted by K4's unknown revenue.
    assert by_share <= {round(5 / 12, 4), 0.6, round(745 / 1700, 4)}, segments
