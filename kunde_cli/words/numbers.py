"""Numbers, money, shares and dates for people: Danish ``1.234,50`` or English ``1,234.50``.

The one place these styles are spelled out; render/, the persona cards and the explain
sentences all format through here.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from kunde_cli.words.lang import DEFAULT_LANG, LANGS

__all__ = [
    "currency_name",
    "date_pattern",
    "format_date",
    "format_datetime",
    "format_money",
    "format_month",
    "format_number",
    "format_percent",
    "format_points",
]

_DA = LANGS[0]


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: float | int | None, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """Format a number with thousands separators in the language's style.

    >>> format_number(1234.5, "da", 2)
    '1.234,50'
    >>> format_number(1234.5, "en", 2)
    '1,234.50'
    >>> format_number(None)
    ''
    """
    if value is None or _missing(value):
        return ""
    text = f"{value:,.{decimals}f}"
    if lang == _DA:
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_money(
    value: float | None, lang: str = DEFAULT_LANG, currency: str = "kr.", decimals: int = 2
) -> str:
    """``1.234,50 kr.`` in Danish, ``DKK 1,234.50`` in English.

    >>> format_money(1234.5), format_money(1234.5, "en"), format_money(98765.4, decimals=0)
    ('1.234,50 kr.', 'DKK 1,234.50', '98.765 kr.')
    """
    if value is None or _missing(value):
        return ""
    body = format_number(value, lang, decimals)
    unit = currency_name(currency, lang)
    return f"{body} {unit}" if lang == _DA else f"{unit} {body}"


def currency_name(currency: str = "kr.", lang: str = DEFAULT_LANG) -> str:
    """The currency as a unit: ``kr.`` in Danish, ``DKK`` in English; others as given.

    >>> currency_name("kr."), currency_name("kr.", "en"), currency_name("EUR", "en")
    ('kr.', 'DKK', 'EUR')
    """
    return currency if lang == _DA else currency.replace("kr.", "DKK")


def format_percent(value: float | None, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """A share 0..1 as ``12,5 %`` (da) or ``12.5%`` (en).

    >>> format_percent(0.125), format_percent(0.125, "en", 0)
    ('12,5 %', '12%')
    """
    if value is None or _missing(value):
        return ""
    return format_points(value * 100, lang, decimals)


def format_points(value: float | None, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """A number already on 0..100 (a rate in per cent) as ``88,9 %`` (da) or ``88.9%`` (en).

    >>> format_points(88.89), format_points(88.89, "en", 0)
    ('88,9 %', '89%')
    """
    if value is None or _missing(value):
        return ""
    body = format_number(value, lang, decimals)
    return f"{body} %" if lang == _DA else f"{body}%"


def format_date(value: date | datetime | None, lang: str = DEFAULT_LANG) -> str:
    """A day as people read it: ``31-10-2026`` (da) or ``2026-10-31`` (en); "" for none.

    >>> format_date(date(2026, 10, 31)), format_date(datetime(2026, 10, 31, 9), "en")
    ('31-10-2026', '2026-10-31')
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return value.strftime(date_pattern(lang))


def date_pattern(lang: str = DEFAULT_LANG) -> str:
    """The strftime pattern of a day in ``lang`` (for writers that take a pattern).

    >>> date_pattern("da"), date_pattern("en")
    ('%d-%m-%Y', '%Y-%m-%d')
    """
    return "%d-%m-%Y" if lang == _DA else "%Y-%m-%d"


def format_datetime(value: datetime | None, lang: str = DEFAULT_LANG) -> str:
    """A moment to the minute: ``31-10-2026 09:05`` (da) or ``2026-10-31 09:05`` (en).

    >>> format_datetime(datetime(2026, 10, 31, 9, 5)), format_datetime(datetime(2026, 10, 31, 9, 5), "en")
    ('31-10-2026 09:05', '2026-10-31 09:05')
    """
    if value is None:
        return ""
    return value.strftime("%d-%m-%Y %H:%M" if lang == _DA else "%Y-%m-%d %H:%M")


def format_month(value: date, lang: str = DEFAULT_LANG) -> str:
    """A month: ``10-2026`` (da) or ``2026-10`` (en).

    >>> format_month(date(2026, 10, 31)), format_month(date(2026, 10, 31), "en")
    ('10-2026', '2026-10')
    """
    return value.strftime("%m-%Y" if lang == _DA else "%Y-%m")
