"""The report's season and regular-buyer sections (app/answers/season.py, due.py and
their renderers), on a shop whose numbers are worked out by hand."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import polars as pl
import pytest

import kunde_cli
from kunde_cli.app.answers import section_names
from kunde_cli.render.html import render_report

AS_OF = date(2025, 12, 31)


def _lines(rows: list[tuple[str, date, float, str | None]]) -> pl.LazyFrame:
    """Order lines from (customer, day, amount, email) rows, one order each."""
    return pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "order_id": [str(i) for i in range(len(rows))],
            "line_no": [1] * len(rows),
            "order_date": [datetime.combine(r[1], datetime.min.time()) for r in rows],
            "amount": [r[2] for r in rows],
            "status": ["paid"] * len(rows),
            "email": [r[3] for r in rows],
            "name": [r[0].upper() for r in rows],
        }
    ).lazy()


def _shop() -> list[tuple[str, date, float, str | None]]:
    """Two complete years (2024, 2025). Every month a one-off buyer spends 100 kr.,
    December 400 kr. more: a year is 11 × 100 + 500 = 1,600 kr., December's share
    500 / 1,600 = 31.25 % (a peak: ≥ 1.5 / 12 = 12.5 %), the others 6.25 % each.

    Regular buyer "reg": every 30 days from 2025-09-02 (gaps 30, 30, 30) → last
    purchase 2025-12-01, expected next 2025-12-31 = as-of: due this week.
    Regular buyer "late": every 20 days, last 2025-11-01 → expected 2025-11-21, 40 days
    late > tolerance 10: overdue. Their orders are 2 and 1 kr. each ("reg" is worth
    more, so listed first), so the months' shares move by at most a few per mille."""
    rows: list[tuple[str, date, float, str | None]] = []
    for year in (2024, 2025):
        for month in range(1, 13):
            amount = 500.0 if month == 12 else 100.0
            rows.append((f"c{year}{month:02d}", date(year, month, 10), amount, None))
    for i in range(4):
        rows.append(("reg", date(2025, 9, 2) + timedelta(days=30 * i), 2.0, "reg@example.dk"))
        rows.append(("late", date(2025, 11, 1) - timedelta(days=20 * (3 - i)), 1.0, None))
    return rows


@pytest.fixture(scope="module")
def report():
    return kunde_cli.build_report(_lines(_shop()), as_of=AS_OF, fit_model=False, lang="en")


def test_sections_are_found_in_report_order():
    names = section_names()
    assert names.index("season") < names.index("due")


def test_season_names_december_and_its_share(report):
    facts = report.answers["season"]
    assert facts.peaks == (12,)
    december = facts.profile.filter(pl.col("month") == 12).get_column("share").item()
    # 2025 = 1,600 + 4 × 2 + 4 × 1 = 1,612 kr., its December 500 + 2 (one of reg's).
    assert december == pytest.approx((500 / 1600 + 502 / 1612) / 2)
    # The last quarter (Oct–Dec) holds December: expected share ≈ 6.25 + 6.25 + 31.2 %
    # ≈ 43.7 % of a year, over 1.25 × its length share (91 / 365.25 = 24.9 %): fooled.
    # The last half-year (Jul–Dec): ≈ 5 × 6.25 + 31.2 = 62.5 %, under 1.25 × 50.1 %
    # = 62.6 %: fair (just).
    assert [days for days, _ in facts.verdicts] == [91]
    page = render_report(report)
    section = re.search(r'<section id="season">(.*?)</section>', page, re.S).group(1)
    assert "The shop&#39;s peak season is December: that month brings 31%" in section
    assert "A model check on the last quarter is fooled by the season" in section


def test_due_counts_and_list(report):
    facts = report.answers["due"]
    assert (facts.regular, facts.due, facts.overdue) == (2, 1, 1)
    assert facts.listed.get_column("name").to_list() == ["REG", "LATE"]
    assert facts.listed.get_column("expected_next").to_list() == [
        date(2025, 12, 31),
        date(2025, 11, 21),
    ]
    page = render_report(report)
    section = re.search(r'<section id="due">(.*?)</section>', page, re.S).group(1)
    assert "1 regular buyers are expected to buy this week and 1 are overdue" in section
    assert "reg@example.dk" in section


def test_anonymised_report_shows_no_names_or_emails():
    report = kunde_cli.build_report(
        _lines(_shop()), as_of=AS_OF, fit_model=False, lang="en", anonymise_salt="s"
    )
    listed = report.answers["due"].listed
    assert "REG" not in listed.get_column("name").to_list()
    assert "reg@example.dk" not in render_report(report)


def test_a_young_shop_has_no_season_and_no_regulars():
    rows = [("a", date(2025, 11, 1), 100.0, None), ("b", date(2025, 12, 1), 50.0, None)]
    report = kunde_cli.build_report(_lines(rows), as_of=AS_OF, fit_model=False)
    assert "season" not in report.answers and "due" not in report.answers
    page = render_report(report)
    assert 'id="season"' not in page and 'id="due"' not in page
