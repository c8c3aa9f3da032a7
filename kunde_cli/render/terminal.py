"""Rich tables on stdout, and the one stderr console for notes, warnings and progress.

Data reaches the terminal only through here (and ``inspect_view``): every cell, header,
title, note and warning is escaped with :func:`kunde_cli.render.safety.terminal_safe`
(control characters shown as ``\\x1b`` …) and passed to Rich as ``Text``, never as
markup. :class:`SafeConsole`, which every console here is, escapes whatever is left
as its last step, so a control character in data cannot drive the terminal.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table

from kunde_cli.render.i18n import label
from kunde_cli.render.priority import DEFAULT_PRIORITY, Priority
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


#: Kinds shown as figures: right-aligned, never broken over lines.
NUMERIC_KINDS = frozenset(("money", "money0", "percent", "float", "float2", "float3", "int"))


def _words(text: str) -> list[str]:
    return text.split()


def _longest_word(text: str) -> int:
    return max((cell_len(w) for w in _words(text)), default=0)


@dataclass(frozen=True)
class Column:
    """One column of a terminal table: its header and its cells as shown.

    ``numeric`` columns (figures, money, percentages) are right-aligned and as wide as
    their widest cell, so no figure is broken; their header wraps between words. In
    other columns a value wraps between words only; a value with no space (a date, an
    e-mail, an id) is never broken, and ``whole`` columns (dates with a time) keep
    every value on one line.
    """

    name: str
    header: str
    cells: tuple[str, ...]
    numeric: bool = False
    whole: bool = False

    @cached_property
    def min_width(self) -> int:
        """The narrowest width that breaks no value, figure or word."""
        head = _longest_word(self.header)
        if self.numeric or self.whole:
            return max([head, *(cell_len(c) for c in self.cells)])
        return max([head, *(_longest_word(c) for c in self.cells)])

    @cached_property
    def values_width(self) -> int:
        """The width that shows every value on one line (its header may wrap)."""
        return max([self.min_width, *(cell_len(c) for c in self.cells)])

    @cached_property
    def natural_width(self) -> int:
        """The width that shows every value on one line (a figure's header may wrap)."""
        if self.numeric:
            return self.min_width
        return max([cell_len(self.header), *(cell_len(c) for c in self.cells)])


def _overhead(n: int) -> int:
    """The width a table of ``n`` columns takes besides its cells: one space of padding
    each side of a cell, the two edges and the n − 1 separators (``box.SIMPLE_HEAD``)."""
    return 2 * n + 2 + max(n - 1, 0) if n else 0


@dataclass(frozen=True)
class Layout:
    """The columns shown (indices into the table's columns), their widths, and the
    names of the columns left out so the table fits."""

    shown: tuple[int, ...]
    widths: tuple[int, ...]
    dropped: tuple[str, ...]

    @property
    def width(self) -> int:
        return sum(self.widths) + _overhead(len(self.widths))


def _spread(extra: int, wants: list[int]) -> list[int]:
    """``extra`` cells of width shared among columns that want ``wants`` more: the
    columns that want least first, each all it wants, so as many columns as can show
    whole do, and only the longest texts wrap (as Rich narrows the widest first)."""
    given = [0] * len(wants)
    left = extra
    for i in sorted(range(len(wants)), key=lambda i: wants[i]):
        given[i] = min(wants[i], left)
        left -= given[i]
    return given


def layout(columns: Sequence[Column], width: int | None, priority: Priority | None) -> Layout:
    """Which columns to show and how wide, for a screen ``width`` cells wide (None: every
    column at its natural width, nothing left out).

    Columns are left out (by ``priority``) only while even their narrowest widths do
    not fit; the space left is then shared among the columns that wrap. When the kept
    columns alone do not fit, they are shown at their narrowest (wider than the screen:
    a value is never cut)."""
    names = [c.name for c in columns]
    shown = list(range(len(columns)))
    if width is None:
        return Layout(tuple(shown), tuple(c.natural_width for c in columns), ())
    going = (priority or DEFAULT_PRIORITY).leaving_order(names)
    dropped: list[str] = []

    def narrowest() -> int:
        return sum(columns[i].min_width for i in shown) + _overhead(len(shown))

    while narrowest() > width and going:
        name = going.pop(0)
        shown.remove(names.index(name))
        dropped.append(name)
    widths = [columns[i].min_width for i in shown]
    # The space left: first so values show on one line, then so headers do.
    for goals in (
        [columns[i].values_width for i in shown],
        [columns[i].natural_width for i in shown],
    ):
        extra = width - sum(widths) - _overhead(len(shown))
        if extra <= 0:
            break
        wants = [max(goal - w, 0) for goal, w in zip(goals, widths, strict=True)]
        widths = [w + g for w, g in zip(widths, _spread(extra, wants), strict=True)]
    order = {n: k for k, n in enumerate(names)}
    return Layout(tuple(shown), tuple(widths), tuple(sorted(dropped, key=order.__getitem__)))


class FittedTable:
    """A table that fits the width it is printed in, never cutting a value.

    Laid out when printed (:func:`layout`): columns that do not fit wrap between words,
    figures and values without spaces are never broken and never end in "…"; when even
    that does not fit, columns are left out by :class:`Priority` and named in
    :attr:`dropped` (the caller says so). ``wide`` shows every column at its natural
    width whatever the screen.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        title: str | None = None,
        caption: str | None = None,
        priority: Priority | None = None,
        wide: bool = False,
    ) -> None:
        self.columns = list(columns)
        self.title = title
        self.caption = caption
        self.priority = priority
        self.wide = wide
        self.dropped: tuple[str, ...] = ()

    def layout(self, width: int | None) -> Layout:
        """The layout for a screen ``width`` wide (None, or ``wide``: natural widths)."""
        return layout(self.columns, None if self.wide else width, self.priority)

    def dropped_headers(self) -> list[str]:
        """The headers of the columns left out the last time the table was printed."""
        by_name = {c.name: c.header for c in self.columns}
        return [by_name[n] for n in self.dropped]

    def table(self, plan: Layout) -> Table:
        """The Rich table of ``plan``: every column at a fixed width, folding (never
        "…") as a last resort that the widths make unnecessary."""
        table = Table(
            title=safe_text(self.title) if self.title is not None else None,
            caption=safe_text(self.caption) if self.caption is not None else None,
            show_lines=False,
            header_style="bold",
            box=box.SIMPLE_HEAD,
            title_justify="left",
        )
        for i, width in zip(plan.shown, plan.widths, strict=True):
            column = self.columns[i]
            table.add_column(
                safe_text(column.header),
                justify="right" if column.numeric else "left",
                width=width,
                overflow="fold",
            )
        rows = zip(*(self.columns[i].cells for i in plan.shown), strict=True)
        for row in rows:
            table.add_row(*(safe_text(cell) for cell in row))
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        plan = self.layout(options.max_width)
        self.dropped = plan.dropped
        # Kept columns wider than the screen: drawn whole (the terminal wraps the line).
        yield from console.render(self.table(plan), options.update_width(max(plan.width, 1)))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.layout(1).width, self.layout(None).width)


def table_columns(
    frame: pl.DataFrame,
    *,
    lang: str = DEFAULT_LANG,
    currency: str = "kr.",
    kinds: dict[str, str] | None = None,
) -> list[Column]:
    """The columns of ``frame`` as a terminal shows them: headers in ``lang``, cells
    formatted (:func:`format_cell`). Money columns whose values reach 10.000 kr. are
    shown without decimals, so the table stays narrow; files keep two decimals
    (``formats.rounded``)."""
    kinds = dict(kinds or {})
    columns = []
    for name, dtype in frame.schema.items():
        kind = kinds.get(name) or column_kind(name, dtype)
        if kind == "money" and frame.height:
            top = frame.get_column(name).abs().max()
            if isinstance(top, int | float) and top >= 10_000:
                kind = "money0"
        cells = tuple(
            terminal_safe(format_cell(v, kind, lang, currency)) for v in frame.get_column(name)
        )
        columns.append(
            Column(
                name=name,
                header=terminal_safe(label(name, lang)),
                cells=cells,
                numeric=kind in NUMERIC_KINDS,
                whole=dtype.is_temporal(),
            )
        )
    return columns


def rich_table(
    frame: pl.DataFrame,
    *,
    title: str | None = None,
    lang: str = DEFAULT_LANG,
    currency: str = "kr.",
    kinds: dict[str, str] | None = None,
    caption: str | None = None,
    priority: Priority | None = None,
    wide: bool = False,
) -> FittedTable:
    """A table of ``frame`` that fits where it is printed (:class:`FittedTable`), with
    labels and numbers in ``lang``.

    Numbers never wrap (a figure split over two lines is misread); long text such as
    suggested actions wraps at word boundaries instead; nothing is cut or ends in "…".
    """
    return FittedTable(
        table_columns(frame, lang=lang, currency=currency, kinds=kinds),
        title=title,
        caption=caption,
        priority=priority,
        wide=wide,
    )


def stdout_console(file: Any = None) -> SafeConsole:
    """The console for results: stdout (or ``file``), control characters escaped."""
    return SafeConsole(file=file or sys.stdout, highlight=False)


def print_table(table: Any, file: Any = None) -> None:
    """Print a Rich table (or any renderable) to stdout (or ``file``)."""
    stdout_console(file).print(table)


def show_frame(
    frame: pl.DataFrame,
    *,
    title: str | None = None,
    caption: str | None = None,
    lang: str = DEFAULT_LANG,
    currency: str = "kr.",
    kinds: dict[str, str] | None = None,
    priority: Priority | None = None,
    wide: bool = False,
    output: Path | None = None,
    console: Console | None = None,
    pager: Callable[[str], None] | None = None,
) -> tuple[str, ...]:
    """Show ``frame`` as a table on stdout (or write it to ``output``); the names of the
    columns left out to fit the screen.

    Sentences (suggested actions) do not fit beside eight figures: they get a second
    table keyed by the first column. The tables fit the screen's width (:func:`layout`);
    when columns had to be left out, one line on stderr names them and says how to see
    them (``--wide``, ``--format csv``). ``wide`` shows every column at full width, paged
    (:func:`page`, or ``pager``) when stdout is a terminal and the tables are wider or
    taller than it. A file has no screen: ``output`` gets every column at full width.
    """
    from kunde_cli.render.formats import LONG_TEXT_COLUMNS

    long_text = [c for c in LONG_TEXT_COLUMNS if c in frame.columns and frame.width > 3]
    parts = [(frame.drop(long_text), title, caption)]
    if long_text:
        parts.append((frame.select(frame.columns[0], *long_text), None, None))
    tables = [
        rich_table(
            part,
            title=part_title,
            caption=part_caption,
            lang=lang,
            currency=currency,
            kinds=kinds,
            priority=priority,
            wide=wide or output is not None,
        )
        for part, part_title, part_caption in parts
    ]
    if output is not None:
        from kunde_cli.render.formats import atomic_write_bytes

        text = _rendered(tables, SafeConsole(file=io.StringIO(), highlight=False))
        atomic_write_bytes(output, text.encode("utf-8"))
        return ()
    console = console or stdout_console()
    if wide:
        _show_wide(tables, console, pager or page)
        return ()
    for table in tables:
        console.print(table, crop=False)
    dropped = list(dict.fromkeys(name for table in tables for name in table.dropped))
    if dropped:
        headers = {c.name: c.header for table in tables for c in table.columns}
        from kunde_cli.words.labels import say

        note(say("output_columns_left_out", lang, columns=", ".join(headers[n] for n in dropped)))
    return tuple(dropped)


def _rendered(tables: Sequence[FittedTable], console: Console) -> str:
    """The ``tables`` at full width, as ``console`` would print them (styles kept when
    it is a terminal)."""
    console.width = max((table.layout(None).width for table in tables), default=1)
    with console.capture() as captured:
        for table in tables:
            console.print(table, crop=False)
    return captured.get()


def _show_wide(
    tables: Sequence[FittedTable], console: Console, pager: Callable[[str], None]
) -> None:
    """Every column at full width; through ``pager`` when stdout is a terminal the
    tables are wider or taller than."""
    screen = console.size
    terminal = console.is_terminal
    text = _rendered(tables, console)
    wider = max((table.layout(None).width for table in tables), default=0)
    if terminal and (wider > screen.width or text.count("\n") > screen.height):
        pager(text)
    else:
        console.file.write(text)
        console.file.flush()


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C in this process while the block runs (in the main thread only)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def page(text: str) -> None:
    """Show ``text`` through the user's pager, as ``git log`` does: ``$PAGER``, else
    ``less`` (with ``LESS=FRSX`` unless set: quit when it fits, keep colours, scroll
    sideways instead of wrapping). Without a pager, or when it cannot start, the text
    goes to stdout."""
    import os
    import shutil
    import subprocess

    command = os.environ.get("PAGER")
    if command is None:
        command = "less" if shutil.which("less") else ""
    if not command.strip() or command.strip() == "cat":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRSX")
    try:
        # As git runs it: the pager is a shell command line ("less -S", "most"); Ctrl-C
        # is the pager's while it runs, not a traceback here.
        with _sigint_ignored():
            done = subprocess.run(
                command, shell=True, input=text.encode("utf-8"), env=env, check=False
            )
    except OSError:
        done = None
    if done is None or done.returncode == 127:  # the pager could not be started
        sys.stdout.write(text)
        sys.stdout.flush()


#: True while a command runs with ``--quiet``: notes and progress bars are left out
#: (warnings and errors still show). Set by kunde_cli.cli.options.
QUIET: ContextVar[bool] = ContextVar("kunde_quiet", default=False)


def note(message: str) -> None:
    """A note on stderr (never on stdout, which carries only results); none under --quiet."""
    if QUIET.get():
        return
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
    if not err_console.is_terminal or QUIET.get():
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
