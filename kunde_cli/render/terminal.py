"""Rich tables on stdout, and the one stderr console for notes, warnings and progress.

Data reaches the terminal only through here (and ``inspect_view``): every cell, header,
title, note and warning is escaped with :func:`kunde_cli.render.safety.terminal_safe`
(control characters shown as ``\\x1b`` …) and passed to Rich as ``Text``, never as
markup. :class:`SafeConsole`, which every console here is, escapes whatever is left
as its last step, so a control character in data cannot drive the terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.segment import Segment
from rich.table import Table

from kunde_cli.render.i18n import label
from kunde_cli.render.safety import has_terminal_controls, safe_text, terminal_safe
from kunde_cli.words.lang import DEFAULT_LANG
from kunde_cli.words.numbers import (
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
)

if TYPE_CHECKING:
    import polars as pl


class SafeConsole(Console):
    """A Rich console that never writes a control character from the text it prints.

    Rich's own styling and cursor codes (control segments, styles) are kept; in the
    text itself every control character is escaped (:func:`terminal_safe`). Text is
    best escaped before it is laid out (:func:`safe_text`), so widths are right; this
    is the backstop for anything that was not.
    """

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment
            if segment.control or not has_terminal_controls(segment.text)
            else Segment(terminal_safe(segment.text), segment.style)
            for segment in buffer
        )


#: Everything that is not the result goes here.
err_console = SafeConsole(stderr=True, highlight=False)

MONEY_HINTS = ("revenue", "monetary", "amount", "aov", "clv", "value", "spend", "_kr")
PERCENT_HINTS = ("share", "rate", "p_alive", "pct")


def column_kind(name: str, dtype: Any) -> str:
    """Guess how to show a column from its name and dtype: money, percent, int, float, text."""
    import polars as pl

    if dtype in (pl.Float64, pl.Float32):
        lowered = name.lower()
        if any(h in lowered for h in PERCENT_HINTS):
            return "percent"
        if any(h in lowered for h in MONEY_HINTS):
            return "money"
        return "float"
    if dtype.is_integer():
        return "int"
    return "text"


def format_cell(value: Any, kind: str, lang: str, currency: str = "kr.") -> str:
    """One cell as text for a person."""
    if value is None:
        return ""
    if kind == "money":
        return format_money(value, lang, currency)
    if kind == "money0":
        return format_money(value, lang, currency, decimals=0)
    if kind == "percent":
        return format_percent(value, lang)
    if kind == "float":
        return format_number(value, lang, 1)
    if kind in ("float2", "float3"):
        return format_number(value, lang, int(kind[-1]))
    if kind == "int":
        return format_number(value, lang, 0)
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, bool):
        return label("output_yes" if value else "output_no", lang)
    return str(value)


def rich_table(
    frame: pl.DataFrame,
    *,
    title: str | None = None,
    lang: str = DEFAULT_LANG,
    currency: str = "kr.",
    kinds: dict[str, str] | None = None,
    caption: str | None = None,
) -> Table:
    """Build a Rich table from a frame, with labels and numbers in ``lang``.

    Numbers never wrap (a figure split over two lines is misread); long text such as
    suggested actions wraps at word boundaries instead. Money columns whose values
    reach 10.000 kr. are shown without decimals, so the table stays narrow; files keep
    two decimals
    (``formats.rounded``).
    """
    kinds = dict(kinds or {})
    table = Table(
        title=safe_text(title) if title is not None else None,
        caption=safe_text(caption) if caption is not None else None,
        show_lines=False,
        header_style="bold",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    col_kinds = []
    for name, dtype in frame.schema.items():
        kind = kinds.get(name) or column_kind(name, dtype)
        if kind == "money" and frame.height:
            top = frame.get_column(name).abs().max()
            if isinstance(top, int | float) and top >= 10_000:
                kind = "money0"
        col_kinds.append(kind)
        numeric = kind in ("money", "money0", "percent", "float", "float2", "float3", "int")
        header = terminal_safe(label(name, lang))
        if numeric:
            # Let a long header break between words, never a figure.
            widest = max(
                (len(format_cell(v, kind, lang, currency)) for v in frame.get_column(name)),
                default=0,
            )
            word = max((len(w) for w in header.split()), default=0)
            table.add_column(
                safe_text(header), justify="right", min_width=widest, max_width=max(widest, word)
            )
        else:
            table.add_column(
                safe_text(header),
                justify="left",
                overflow="fold",
                min_width=min(12, max(len(header), 6)),
            )
    for row in frame.iter_rows():
        table.add_row(
            *(
                safe_text(format_cell(v, k, lang, currency))
                for v, k in zip(row, col_kinds, strict=True)
            )
        )
    return table


def stdout_console(file: Any = None) -> SafeConsole:
    """The console for results: stdout (or ``file``), control characters escaped."""
    return SafeConsole(file=file or sys.stdout, highlight=False)


def print_table(table: Any, file: Any = None) -> None:
    """Print a Rich table (or any renderable) to stdout (or ``file``)."""
    stdout_console(file).print(table)


def note(message: str) -> None:
    """A note on stderr (never on stdout, which carries only results)."""
    err_console.print(safe_text(message), highlight=False, soft_wrap=True)


def warn(message: str) -> None:
    """A warning on stderr."""
    from rich.text import Text

    err_console.print(
        Text("! ", style="yellow") + safe_text(message), highlight=False, soft_wrap=True
    )


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Any]:
    """A progress bar on stderr, shown only when stderr is a terminal.

    Yields a callable ``advance(n=1)``.
    """
    if not err_console.is_terminal:
        yield lambda n=1: None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns: Sequence[Any] = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)
