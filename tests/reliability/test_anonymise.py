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
from kunde_cli.render.html import render_report
from kunde_cli.render.workbook import report_workbook_bytes
from kunde_cli.report import build_report

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
    # Only the segment of six is profiled; Søren's (one customer) is merged into the
    # small groups, which are left out as they are still one customer.
    assert anonymised.profiles[prof.CUSTOMERS].to_list() == [6]
    assert [c.group for c in anonymised.personas] == [_segment_of(plain, 6)]
    six = anonymised.profiles.row(0, named=True)
    assert six[prof.TOP_CITIES] == "Odense (100 %)"
    assert six[prof.SHARE_CUSTOMERS] == pytest.approx(6 / 7)  # still a share of all
    for card in anonymised.personas:
        assert TOWN not in card.who and not card.who.startswith("1 kunde")


def test_anonymised_html_and_workbook_hold_no_town_and_no_figure_of_the_small_group(
    anonymised,
):
    page = render_report(anonymised)
    book = xlsx_text(report_workbook_bytes(anonymised))
    for text in (page, book):
        assert TOWN not in text and POSTCODE not in text
        assert "1 kunde " not in text
    # The value per segment: Søren's segment keeps its count, not his money.
    by_segment = anonymised.clv.by_segment
    small = by_segment.filter(pl.col("customers") == 1).row(0, named=True)
    figures = [v for k, v in small.items() if k not in ("segment", "customers", "share_customers")]
    assert figures and all(v is None for v in figures if not isinstance(v, str))
    big = by_segment.filter(pl.col("customers") == 6).row(0, named=True)
    assert big["revenue_to_date"] == pytest.approx(6 * 4 * 200.0)


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
    card = prof.persona_cards(out, "da")[1]
    assert card.name == "Små grupper (under 5 kunder hver)"
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
