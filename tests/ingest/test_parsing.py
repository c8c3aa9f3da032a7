"""Danish and English numbers and dates, value by value."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from kunde_cli.ingest.parsing import (
    COMMA,
    POINT,
    detect_datetime_format,
    detect_decimal_style,
    parse_amount_expr,
    parse_datetime_expr,
    parse_int_expr,
)


def _amounts(values: list[str | None], style=COMMA) -> list[float | None]:
    return (
        pl.DataFrame({"a": values})
        .select(parse_amount_expr(pl.col("a"), style))
        .to_series()
        .to_list()
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,50", 1234.5),
        ("1234,5", 1234.5),
        ("kr. 299,00", 299.0),
        ("299 kr", 299.0),
        ("299 kr.", 299.0),
        ("DKK 299.00", 299.0),
        ("299,-", 299.0),
        ("12.345.678,90", 12345678.9),
        ("1 234,50", 1234.5),
        ("1\u00a0234,50", 1234.5),
        ("-45,50", -45.5),
        ("45,50-", -45.5),
        ("(12,00)", -12.0),
        ("0", 0.0),
        ("1.234", 1234.0),  # Danish thousands dot
        ("ukendt", None),
        ("12abc", None),
        ("", None),
        (None, None),
    ],
)
def test_danish_amounts(text, expected):
    assert _amounts([text]) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,234.50", 1234.5), ("1,234", 1234.0), ("$ 12.5", 12.5), ("1234", 1234.0), ("-3.25", -3.25)],
)
def test_english_amounts(text, expected):
    assert _amounts([text], POINT) == [expected]


def test_decimal_style_detection():
    assert detect_decimal_style(pl.Series(["1.234,50", "99,95", "10"])) == COMMA
    assert detect_decimal_style(pl.Series(["1,234.50", "99.95"])) == POINT
    # Whole numbers only: no evidence, the Danish default stays.
    assert detect_decimal_style(pl.Series(["10", "20"])) == COMMA


def test_integers():
    out = pl.DataFrame({"q": ["2", " 3 ", "2,0", "x", None]}).select(parse_int_expr(pl.col("q")))
    assert out.to_series().to_list() == [2, 3, 2, None, None]


def _parse(values, dayfirst=None):
    det = detect_datetime_format(pl.Series(values, dtype=pl.String), dayfirst=dayfirst)
    out = pl.DataFrame({"d": values}, schema={"d": pl.String}).select(
        parse_datetime_expr(pl.col("d"), det.format, det.fallbacks)
    )
    return det, out.to_series().to_list()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2024-03-05"], datetime(2024, 3, 5)),
        (["2024-03-05 14:22:01 +0100"], datetime(2024, 3, 5, 14, 22, 1)),  # Shopify
        (["2024-03-05T14:22:01Z"], datetime(2024, 3, 5, 14, 22, 1)),
        (["2024-03-05T14:22:01.250+01:00"], datetime(2024, 3, 5, 14, 22, 1, 250000)),
        (["25-03-2024"], datetime(2024, 3, 25)),
        (["25.03.2024"], datetime(2024, 3, 25)),
        (["25/03/2024"], datetime(2024, 3, 25)),
        (["25-03-2024 09:05"], datetime(2024, 3, 25, 9, 5)),
        (["25.03.2024 09.05.30"], datetime(2024, 3, 25, 9, 5, 30)),
        (["2025/03/25 14:22:01 GMT+1"], datetime(2025, 3, 25, 14, 22, 1)),  # Google Forms
    ],
)
def test_date_styles(values, expected):
    det, parsed = _parse(values)
    assert parsed == [expected]
    assert not det.ambiguous


def test_day_first_is_the_danish_default_and_ambiguity_is_reported():
    det, parsed = _parse(["03/05/2024", "04/06/2024"])
    assert parsed == [datetime(2024, 5, 3), datetime(2024, 6, 4)]
    assert det.ambiguous and det.order == "dayfirst"


def test_monthfirst_option():
    _det, parsed = _parse(["03/05/2024", "04/06/2024"], dayfirst=False)
    assert parsed == [datetime(2024, 3, 5), datetime(2024, 4, 6)]


def test_month_first_file_is_recognised_by_its_values():
    det, parsed = _parse(["03/25/2024", "04/06/2024"])
    assert det.order == "monthfirst" and not det.ambiguous
    assert parsed == [datetime(2024, 3, 25), datetime(2024, 4, 6)]


def test_mixed_formats_in_one_column_and_invalid_dates():
    _det, parsed = _parse(["05-03-2024 14:22", "2024-03-06", "31-02-2024", "snart"])
    assert parsed == [datetime(2024, 3, 5, 14, 22), datetime(2024, 3, 6), None, None]


def test_no_format_fits():
    det = detect_datetime_format(pl.Series(["i går", "snart"]))
    assert det.format is None
