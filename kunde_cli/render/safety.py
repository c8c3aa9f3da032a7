"""Make data safe where it is shown: spreadsheets (formulas) and terminals (control characters).

A cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (OWASP "CSV injection"). Text like that
is prefixed with an apostrophe, the convention spreadsheets use for "this is text".
Numbers are left alone: only String columns are touched.

A customer chooses their own name, so data can hold terminal control sequences (ESC,
CSI, OSC: window title, screen clear, clipboard write, hidden links). Everything kunde
prints to a terminal passes :func:`terminal_safe`, which writes each control character
as a visible escape (``\\x1b``); files keep the bytes as they are.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from rich.text import Text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PATTERN = r"^[=+\-@\t\r]"


def is_formula_like(text: str | None) -> bool:
    """True when a spreadsheet would treat ``text`` as a formula.

    >>> is_formula_like("=HYPERLINK(1)"), is_formula_like("Anne")
    (True, False)
    """
    return bool(text and text.startswith(FORMULA_PREFIXES))


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


# --------------------------------------------------------------------------------------
# Terminal output
# --------------------------------------------------------------------------------------

#: Characters a terminal obeys instead of showing: C0 controls except tab and newline,
#: DEL, the C1 controls 0x80–0x9F (0x9B is a one-byte CSI, 0x9D a one-byte OSC), and
#: the Unicode bidirectional overrides and isolates that reorder what is shown
#: ("Trojan Source"). ESC (0x1B) is among the C0 controls, so every CSI/OSC sequence
#: (window title, screen clear, OSC 52 clipboard write, OSC 8 hidden link) loses the
#: byte that starts it.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    r"""``text`` with every control character written as a visible escape.

    A character a terminal would obey (see ``_TERMINAL_UNSAFE``) becomes its Python
    escape: ESC is shown as ``\x1b``, CSI as ``\x9b``, BEL as ``\x07``, a bidi override
    as ``\u202e``. Tab and newline stay (they lay text out, they do not command the
    terminal). The escape is for reading, not reversible: a backslash in the data is
    left as it is. Files (CSV, JSON, xlsx, HTML) keep the original characters.

    >>> terminal_safe("Anna\x1b]0;pwned\x07 Hansen")
    'Anna\\x1b]0;pwned\\x07 Hansen'
    >>> terminal_safe("tab\tand\nnewline"), terminal_safe("\x9b2J")
    ('tab\tand\nnewline', '\\x9b2J')
    """
    return _TERMINAL_UNSAFE.sub(_visible, text)


def has_terminal_controls(text: str) -> bool:
    """True when :func:`terminal_safe` would change ``text``."""
    return _TERMINAL_UNSAFE.search(text) is not None


def safe_text(value: object, style: str = "") -> Text:
    """Data as a Rich ``Text``: control characters escaped, and never read as markup
    (a customer named ``[bold]Bo[/]`` is shown as typed)."""
    from rich.text import Text

    return Text(terminal_safe("" if value is None else str(value)), style=style)


def safe_rich_text(text: Text) -> Text:
    """A copy of a Rich ``Text`` with its characters escaped as :func:`terminal_safe`
    does, keeping the styles (each styled run is escaped on its own)."""
    from rich.text import Span, Text

    if not has_terminal_controls(text.plain):
        return text
    cuts = sorted({offset for span in text.spans for offset in (span.start, span.end)})
    out = Text(style=text.style, justify=text.justify, no_wrap=text.no_wrap, end=text.end)
    for piece in text.divide(cuts):
        clean = terminal_safe(piece.plain)
        out.append(
            # The whole text's own style stays on ``out``; the runs keep their spans.
            Text(clean, spans=[Span(0, len(clean), sp.style) for sp in piece.spans])
        )
    return out
