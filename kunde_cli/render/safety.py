"""Neutralise spreadsheet formula injection in text cells.

A cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (OWASP "CSV injection"). Text like that
is prefixed with an apostrophe, the convention spreadsheets use for "this is text".
Numbers are left alone: only String columns are touched.
"""

from __future__ import annotations

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PATTERN = r"^[=+\-@\t\r]"


def is_formula_like(text: str | None) -> bool:
    """True when a spreadsheet would treat ``text`` as a formula.

    >>> is_formula_like("=HYPERLINK(1)"), is_formula_like("Anne")
    (True, False)
    """
    return bool(text) and text.startswith(FORMULA_PREFIXES)  # type: ignore[union-attr]


def neutralise_text(text: str | None) -> str | None:
    """Prefix formula-like text with an apostrophe."""
    return "'" + text if text is not None and is_formula_like(text) else text


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with every formula-like String cell prefixed by ``'``."""
    text_cols = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not text_cols:
        return frame
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_PATTERN))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_cols
    )
