"""Anonymised means k ≥ 5 (issue 14, point 13).

``kunde report --anonymise`` used to print a persona card for a segment of one
customer: "1 kunde … Flest i Ærøskøbing (100 %)". Now no group, town or postcode of
fewer than five customers is described in an anonymised report: small segments are
merged into one "small groups" card (left out when that is still under five), places
are named only when five of the group's customers live there, and the value-per-
segment table blanks the figures of segments under five. The plain report is
unchanged.

The data: six customers in Odense (postcode 5000) who buy alike, so they share a
segment, and Søren, the only customer in Ærøskøbing (5970), with one old order.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import polars as pl
import pytest

from kunde_cli import schema as s
from kunde_cli.analytics import profiles as prof
from kunde_cli.render.html import render_report, text
from kunde_cli.render.workbook import report_workbook_bytes
from kunde_cli.report import build_report
from kunde_cli.words.personas import persona_cards

AS_OF = date(2024, 6, 30)
TOWN, POSTCODE = "Ærøskøbing", "5970"


def _lines() -> pl.LazyFrame:
    rows = []

    def order(cid: str, day: str, amount: float, city: str, postcode: str) -> None:
        n = len(rows) + 1
        rows.append(
            {
                s.ORDER_ID: str(n),
                s.LINE_NO: 1,
                s.CUSTOMER_ID: cid,
                s.EMAIL: f"{cid.lower()}@example.dk",
                s.NAME: f"Navn {cid}",
                s.ORDER_DATE: datetime.fromisoformat(day),
                s.AMOUNT: amount,
                s.QUANTITY: 1,
                s.PRODUCT: "Kaffe",
                s.CITY: city,
                s.POSTCODE: postcode,
                s.STATUS: "paid",
                s.SOURCE_FILE: "t",
                s.SOURCE_ROW: n,
            }
        )

    for i in range(1, 7):
        for month in (3, 4, 5, 6):
            order(f"K{i}", f"2024-0{month}-15", 200.0, "Odense", "5000")
    order("K7", "2023-01-05", 9_876.0, TOWN, POSTCODE)
    return pl.DataFrame(rows, schema=s.ORDERS).lazy()


@pytest.fixture(scope="module")
def plain():
    return build_report(_lines(), as_of=AS_OF, fit_model=False)


@pytest.fixture(scope="module")
def anonymised():
    return build_report(_lines(), as_of=AS_OF, fit_model=False, anonymise_salt="test-salt")


def _segment_of(data, customers: int) -> str:
    rows = data.profiles.filter(pl.col(prof.CUSTOMERS) == customers)
    assert rows.height == 1
    return rows["segment"].item()


def xlsx_text(raw: bytes) -> str:
    """Every string the workbook holds (shared strings and inline text)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as book:
        return "\n".join(
            book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml")
        )


def test_the_data_has_a_segment_of_one_in_the_small_town(plain):
    """The setting of the bug: the plain report describes Søren's segment of one."""
    small = _segment_of(plain, 1)
    assert small != _segment_of(plain, 6)
    row = plain.profiles.filter(pl.col("segment") == small).row(0, named=True)
    assert row[prof.TOP_CITIES] == f"{TOWN} (100 %)"
    assert row[prof.REVENUE] == 9_876.0
    card = next(c for c in plain.personas if c.group == small)
    assert TOWN in card.who and card.who.startswith("1 kunde")
    assert TOWN in render_report(plain)
    assert TOWN in xlsx_text(report_workbook_bytes(plain))
    assert "9876" in xlsx_text(report_workbook_bytes(plain)).replace(".", "")


def test_anonymised_report_describes_no_group_under_five(anonymised, plain):
    assert anonymised.anonymised
    # Søren's segment (one customer) is merged into the small groups; as the shop's
    # total revenue is shown, the segment of six would give Søren's figures by
    # subtraction, so it is merged too: one profile of all seven.
    assert anonymised.profiles[prof.CUSTOMERS].to_list() == [7]
    assert [c.group for c in anonymised.personas] == [prof.SMALL_GROUPS]
    seven = anonymised.profiles.row(0, named=True)
    assert seven[prof.TOP_CITIES] == "Odense (86 %)"  # six live there; Søren's town is not named
    assert seven[prof.SHARE_CUSTOMERS] == pytest.approx(1.0)
    for card in anonymised.personas:
        assert TOWN not in card.who and not card.who.startswith("1 kunde")


def test_anonymised_html_and_workbook_hold_no_town_and_no_figure_of_the_small_group(
    anonymised,
):
    page = render_report(anonymised)
    book = xlsx_text(report_workbook_bytes(anonymised))
    for shown in (page, book):
        assert TOWN not in shown and POSTCODE not in shown
        assert "1 kunde " not in shown
    # The value per segment: Søren's segment keeps its count, not his money.
    by_segment = anonymised.clv.by_segment
    small = by_segment.filter(pl.col("customers") == 1).row(0, named=True)
    figures = [v for k, v in small.items() if k not in ("segment", "customers", "share_customers")]
    assert figures and all(v is None for v in figures if not isinstance(v, str))
    # The segment of six is left out too: 14.676 kr. in all minus its 4.800 kr. would
    # be Søren's 9.876 kr.
    big = by_segment.filter(pl.col("customers") == 6).row(0, named=True)
    assert big["revenue_to_date"] is None and big["share_customers"] == pytest.approx(6 / 7)
    assert anonymised.left_out["clv"] == ("loyal", "lost")


def test_small_groups_are_merged_and_shown_when_they_reach_five():
    """Two groups of two and three make one "small groups" group of five."""
    ids = [f"c{i}" for i in range(11)]
    lines = pl.LazyFrame(
        {
            s.CUSTOMER_ID: ids,
            s.ORDER_ID: ids,
            s.LINE_NO: [1] * 11,
            s.AMOUNT: [100.0] * 6 + [10.0, 20.0, 30.0, 40.0, 50.0],
            s.STATUS: ["paid"] * 11,
            s.CITY: ["Odense"] * 5 + [TOWN] + ["Aarhus"] * 5,
            s.ORDER_DATE: [datetime(2024, 1, 1)] * 11,
        }
    )
    groups = pl.LazyFrame({s.CUSTOMER_ID: ids, "group": ["x"] * 6 + ["y"] * 2 + ["z"] * 3})
    plain = prof.segment_profiles(lines, groups, as_of=AS_OF).collect()
    assert sorted(plain["group"].to_list()) == ["x", "y", "z"]
    assert plain.filter(pl.col("group") == "x")[prof.TOP_CITIES].item() == (
        f"Odense (83 %), {TOWN} (17 %)"
    )
    out = prof.segment_profiles(lines, groups, as_of=AS_OF, min_customers=5).collect()
    assert out["group"].to_list() == ["x", prof.SMALL_GROUPS]
    x, small = out.rows(named=True)
    assert x[prof.TOP_CITIES] == "Odense (83 %)"  # one customer's town is not named
    assert (small[prof.CUSTOMERS], small[prof.REVENUE]) == (5, 150.0)
    assert small[prof.TOP_CITIES] == "Aarhus (100 %)"
    card = persona_cards(prof.persona_facts(out), "da")[1]
    assert card.name == "Grupper med udeladte tal (små grupper, samlet mindst 5 kunder)"
    # Four customers in the small groups: too few, left out.
    fewer = groups.filter(pl.col(s.CUSTOMER_ID) != "c10")
    out = prof.segment_profiles(lines, fewer, as_of=AS_OF, min_customers=5).collect()
    assert out["group"].to_list() == ["x"]


def test_suppress_small_groups_blanks_only_groups_of_one_to_four():
    frame = pl.DataFrame(
        {
            "segment": ["a", "b", "c", "d"],
            "customers": [0, 1, 4, 5],
            "share_customers": [0.0, 0.1, 0.4, 0.5],
            "revenue": [0.0, 10.0, 40.0, 50.0],
            "aov": [None, 10.0, 10.0, 10.0],
        }
    )
    out = prof.suppress_small_groups(frame)
    assert out["revenue"].to_list() == [0.0, None, None, 50.0]
    assert out["aov"].to_list() == [None, None, None, 10.0]
    assert out["customers"].to_list() == [0, 1, 4, 5]
    assert out["share_customers"].to_list() == [0.0, 0.1, 0.4, 0.5]


def test_report_command_end_to_end(tmp_path):
    """Through `kunde ingest` and `kunde report`: the plain report names the town of
    the segment of one, the anonymised one does not."""
    from reliability.conftest import kunde

    frame = _lines().collect()
    csv = tmp_path / "ordrer.csv"
    frame.select(
        pl.col(s.ORDER_ID).alias("Ordrenummer"),
        pl.col(s.ORDER_DATE).dt.strftime("%d-%m-%Y").alias("Ordredato"),
        pl.col(s.CUSTOMER_ID).alias("Kundenummer"),
        pl.col(s.EMAIL).alias("E-mail"),
        pl.col(s.AMOUNT).alias("Beløb"),
        pl.col(s.POSTCODE).alias("Postnummer"),
        pl.col(s.CITY).alias("By"),
        pl.lit("Betalt").alias("Status"),
    ).write_csv(csv, separator=";")
    ws = tmp_path / "ws"
    assert kunde("ingest", csv, "--workspace", ws).exit_code == 0
    texts = {}
    for name, extra in (("plain", ()), ("anon", ("--anonymise", "--salt", "test-salt-0123456789"))):
        out = tmp_path / name
        result = kunde("report", "--workspace", ws, "--output-dir", out, "--as-of",
                       AS_OF.isoformat(), "--no-model", "--quiet", *extra)  # fmt: skip
        assert result.exit_code == 0, result.stderr
        (page,) = out.glob("*.html")
        (book,) = out.glob("*.xlsx")
        texts[name] = page.read_text(encoding="utf-8") + xlsx_text(book.read_bytes())
    assert TOWN in texts["plain"]
    assert TOWN not in texts["anon"] and POSTCODE not in texts["anon"]
    assert "Pseudonymiseret" in texts["anon"]


# --------------------------------------------------------------------------------------
# Per-group figures: segments, ladder, tiers, value per segment, cohorts, charts
# --------------------------------------------------------------------------------------

#: Two old customers, each with one big order: together the "lost" segment and tier.
SMALL_AMOUNTS = (98_765.0, 12_345.0)
SMALL_SUM, SMALL_AVG = 111_110.0, 55_555.0


def _mixed_lines() -> pl.LazyFrame:
    """Six regulars in Odense (4 × 200 kr.), seven new customers in Aarhus (300 kr.),
    and two old customers in Ærøskøbing with 98.765 and 12.345 kr."""
    rows = []

    def order(cid: str, day: str, amount: float, city: str, postcode: str) -> None:
        n = len(rows) + 1
        rows.append(
            {
                s.ORDER_ID: str(n),
                s.LINE_NO: 1,
                s.CUSTOMER_ID: cid,
                s.EMAIL: f"{cid.lower()}@example.dk",
                s.NAME: f"Navn {cid}",
                s.ORDER_DATE: datetime.fromisoformat(day),
                s.AMOUNT: amount,
                s.QUANTITY: 1,
                s.PRODUCT: "Kaffe",
                s.CITY: city,
                s.POSTCODE: postcode,
                s.STATUS: "paid",
                s.SOURCE_FILE: "t",
                s.SOURCE_ROW: n,
            }
        )

    for i in range(1, 7):
        for month in (3, 4, 5, 6):
            order(f"K{i}", f"2024-0{month}-15", 200.0, "Odense", "5000")
    for i in range(1, 8):
        order(f"N{i}", "2024-06-20", 300.0, "Aarhus", "8000")
    order("S1", "2023-01-05", SMALL_AMOUNTS[0], TOWN, POSTCODE)
    order("S2", "2023-01-20", SMALL_AMOUNTS[1], TOWN, POSTCODE)
    return pl.DataFrame(rows, schema=s.ORDERS).lazy()


def _cells(raw: bytes) -> dict[str, list[object]]:
    """Every cell value of every sheet (openpyxl), by sheet name."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
    return {
        ws.title: [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]
        for ws in book.worksheets
    }


def _holds(values: list[object], number: float) -> bool:
    return any(
        isinstance(v, int | float) and not isinstance(v, bool) and abs(v - number) < 0.01
        for v in values
    )


@pytest.fixture(scope="module")
def mixed():
    return {
        salt: build_report(_mixed_lines(), as_of=AS_OF, fit_model=False, anonymise_salt=salt)
        for salt in (None, "test-salt")
    }


def test_groups_left_out_by_hand():
    from kunde_cli.report import groups_left_out

    f = pl.DataFrame({"g": ["a", "b", "c", "d", "e"], "customers": [0, 2, 9, 6, 3]})
    # b and e are small (2 + 3 = 5 customers together): nothing more is needed.
    assert groups_left_out(f, key="g") == ("b", "e")
    # One small group of 2: total − the rest would give it, so the next smallest (d, 6).
    one = f.filter(pl.col("g") != "e")
    assert groups_left_out(one, key="g") == ("b", "d")
    assert groups_left_out(one, key="g", complete=False) == ("b",)
    # No small group (empty groups are not small): nothing left out.
    assert groups_left_out(f.filter(pl.col("g").is_in(["a", "c", "d"])), key="g") == ()
    # A shop of four customers: everything is left out.
    tiny = pl.DataFrame({"g": ["x", "y"], "customers": [1, 3]})
    assert groups_left_out(tiny, key="g") == ("x", "y")


def test_the_plain_report_shows_the_small_groups_figures(mixed):
    """The setting: "lost" (segment and tier) holds the two old customers."""
    plain = mixed[None]
    assert plain.left_out == {}
    lost = plain.segments.filter(pl.col("segment") == "lost").row(0, named=True)
    assert (lost["customers"], lost["revenue"], lost["avg_monetary"]) == (2, SMALL_SUM, SMALL_AVG)
    tier = plain.tiers.filter(pl.col("tier") == "lost").row(0, named=True)
    assert (tier["customers"], tier["revenue"]) == (2, SMALL_SUM)
    page = render_report(plain)
    assert "111.110 kr." in page and "55.555 kr." in page  # revenue, order value
    cells = [v for values in _cells(report_workbook_bytes(plain)).values() for v in values]
    assert _holds(cells, SMALL_SUM) and _holds(cells, SMALL_AVG)


def test_anonymised_tables_keep_counts_and_blank_every_other_figure(mixed):
    anon = mixed["test-salt"]
    segments = anon.segments.filter(pl.col("customers") > 0)
    # "lost" (2) is small; the next smallest segment (6 regulars) is left out with it,
    # the seven new customers are shown.
    assert anon.left_out["segments"] == ("at_risk", "lost")
    for row in segments.iter_rows(named=True):
        hidden = row["segment"] in ("at_risk", "lost")
        assert row["customers"] in (2, 6, 7) and row["share_customers"] > 0
        figures = [row[c] for c in ("revenue", "share_revenue", "avg_recency_days",
                                    "avg_frequency", "avg_monetary")]  # fmt: skip
        assert all(v is None for v in figures) if hidden else all(v is not None for v in figures)
    promising = segments.filter(pl.col("segment") == "promising").row(0, named=True)
    assert (promising["customers"], promising["revenue"]) == (7, 7 * 300.0)
    tiers = {r["tier"]: r for r in anon.tiers.iter_rows(named=True)}
    assert tiers["lost"]["customers"] == 2 and tiers["lost"]["value_at_stake"] is None
    assert tiers["active"]["revenue"] is None  # else 117.010 − 6.900 would give "lost"
    # The ladder has no small rung (9 first-time buyers, 6 regulars): nothing left out.
    assert anon.left_out["ladder"] == ()
    assert anon.ladder.filter(pl.col("rung") == "loyal")["revenue"].item() == 6 * 4 * 200.0
    # The cohort of January 2023 (the two old customers) shows its size only.
    (old,) = anon.left_out["cohorts"]
    row = anon.cohort_matrix.filter(pl.col("cohort") == old).row(0, named=True)
    assert row["customers"] == 2 and row["month_0"] is None
    # The profiles merge what the segment table leaves out: 2 + 6 customers.
    assert sorted(anon.profiles[prof.CUSTOMERS].to_list()) == [7, 8]


def test_anonymised_html_and_xlsx_hold_no_figure_of_the_small_groups(mixed):
    anon = mixed["test-salt"]
    page = render_report(anon)
    for shown in ("111.110", "111110", "55.555", "75.113", "94 %", TOWN):
        assert shown not in page, shown
    assert text("left_out_note", "da") in page
    sheets = _cells(report_workbook_bytes(anon))
    everything = [v for values in sheets.values() for v in values]
    # The group's sum and average are nowhere, not even in the per-customer sheets
    # (which keep each pseudonym's own figures: pseudonymised, not anonymous).
    assert not _holds(everything, SMALL_SUM) and not _holds(everything, SMALL_AVG)
    per_customer = {text("sheet_customers", "da"), text("sheet_candidates", "da")}
    groups = [v for name, values in sheets.items() if name not in per_customer for v in values]
    for amount in SMALL_AMOUNTS:
        assert not _holds(groups, amount)
    lost_value = mixed[None].tiers.filter(pl.col("tier") == "lost")["value_at_stake"].item()
    assert not _holds(groups, lost_value)
    assert text("left_out_note", "da") in everything


def test_anonymised_sentences_and_chart_name_no_left_out_money(mixed):
    from dataclasses import replace

    from kunde_cli.render import html

    anon = mixed["test-salt"]
    # The segment chart draws the left-out segments as one bar.
    chart = html._chart_segments(anon)
    merged = chart.filter(pl.col("segment") == "left_out_groups").row(0, named=True)
    assert merged["customers"] == 8
    promising = 7 * 300.0 / (SMALL_SUM + 6 * 4 * 200.0 + 7 * 300.0)
    assert merged["share_revenue"] == pytest.approx(1 - promising)
    drawn = chart.filter(pl.col("customers") > 0)["segment"].to_list()
    assert drawn == ["promising", "left_out_groups"]
    # When the loyal segment's figures are left out, the sentence names no revenue share.
    hidden = replace(anon, left_out={**anon.left_out, "segments": ("loyal",)})
    sentence = html._segments_sentence(hidden)
    assert "omsætning" not in sentence and sentence.startswith("Topkunder og loyale er 0 %")
    assert "omsætning" in html._segments_sentence(mixed[None])
    # The churn sentence leaves out the value of a small tier it counts.
    tiers = anon.tiers.with_columns(
        pl.when(pl.col("tier") == "cooling")
        .then(3)
        .otherwise(pl.col("customers"))
        .alias("customers")
    )
    cooling = replace(anon, tiers=tiers, left_out={**anon.left_out, "tiers": ("cooling",)})
    assert html._churn_sentence(cooling) == (
        "3 kunder er kølet af eller inaktive; tag fat i de øverste på listen nu — "
        "personligt til de største."
    )


def test_anonymised_english_note():
    data = build_report(_mixed_lines(), as_of=AS_OF, fit_model=False, anonymise_salt="s", lang="en")
    page = render_report(data)
    assert "Empty cells: fewer than 5 customers, figures left out." in page
    assert "DKK 111,110" not in page


def test_anonymised_nps_periods_of_few_answers_show_only_their_count():
    """May has 10 answers, June 2: June is small, so May (the next smallest) is left out
    too, or the overall NPS minus May's would give June's."""
    scores = [10, 9, 3, 8, 10, 9, 10, 2, 7, 9, 10, 1]
    survey = pl.DataFrame(
        {
            s.RESPONSE_ID: [str(i) for i in range(12)],
            s.SCORE: scores,
            s.RESPONDED_AT: [datetime(2024, 5, 1)] * 10 + [datetime(2024, 6, 1)] * 2,
            s.EMAIL: ["k1@example.dk"] * 12,
        }
    ).select(
        pl.col(c).cast(t) if c in (s.RESPONSE_ID, s.SCORE, s.RESPONDED_AT, s.EMAIL)
        else pl.lit(None, dtype=t).alias(c)
        for c, t in s.SURVEY.items()
    )  # fmt: skip
    args = {"as_of": AS_OF, "fit_model": False, "survey": survey.lazy()}
    plain = build_report(_mixed_lines(), **args)
    june = plain.nps.monthly.filter(pl.col("period") == "2024-06").row(0, named=True)
    assert (june["n"], june["nps"]) == (2, 0.0)  # one promoter, one detractor
    anon = build_report(_mixed_lines(), anonymise_salt="s", **args)
    assert anon.left_out["nps"] == ("2024-05", "2024-06")
    assert anon.nps.monthly["n"].to_list() == [10, 2]
    assert anon.nps.monthly["nps"].to_list() == [None, None]
    assert anon.key.nps.n == 12  # the shop's NPS stays
    page = render_report(anon)
    assert text("nps_left_out", "da") in page
