"""Number formatting for people: Danish ``1.234,50`` or English ``1,234.50``."""

from __future__ import annotations

import math


def format_number(value: float | int | None, lang: str = "da", decimals: int = 0) -> str:
    """Format a number with thousands separators in the language's style.

    >>> format_number(1234.5, "da", 2)
    '1.234,50'
    >>> format_number(1234.5, "en", 2)
    '1,234.50'
    >>> format_number(None)
    ''
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:,.{decimals}f}"
    if lang == "da":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_money(
    value: float | None, lang: str = "da", currency: str = "kr.", decimals: int = 2
) -> str:
    """``1.234,50 kr.`` in Danish, ``DKK 1,234.50`` in English.

    >>> format_money(1234.5), format_money(1234.5, "en"), format_money(98765.4, decimals=0)
    ('1.234,50 kr.', 'DKK 1,234.50', '98.765 kr.')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    body = format_number(value, lang, decimals)
    return f"{body} {currency}" if lang == "da" else f"{currency} {body}".replace("kr.", "DKK")


def format_percent(value: float | None, lang: str = "da", decimals: int = 1) -> str:
    """A share 0..1 as ``12,5 %`` (da) or ``12.5%`` (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    body = format_number(value * 100, lang, decimals)
    return f"{body} %" if lang == "da" else f"{body}%"
