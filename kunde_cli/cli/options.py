"""Options shared by every command, declared once as Annotated aliases.

The analysis commands get them as two frozen objects: :class:`Source` (where the data
comes from) and :class:`Destination` (where the output goes), added to a command by
the decorators :func:`reads_data` and :func:`writes_output`. A decorator extends the
command's signature with the shared parameters (Typer reads the signature) and packs
what the user gave into the object, so no command declares them again.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast, overload

import typer

from kunde_cli.errors import ConfigError
from kunde_cli.render.formats import CSV_EXCEL, CSV_PLAIN, OutputFormat
from kunde_cli.words.said import Said, said

#: The earliest date kunde reads (orders before 1990 are refused as typos).
EARLIEST_AS_OF = date(1990, 1, 1)
#: The dialects ``--csv-style`` takes (kunde_cli.render.formats.frame_to_csv).
CSV_STYLES = (CSV_PLAIN, CSV_EXCEL)
#: The presets ``--preset`` takes (kunde_cli.ingest.mapping.PRESETS).
PRESETS = ("shopify", "woocommerce", "generic")


def check_as_of(value: datetime | None, *, today: date | None = None) -> datetime | None:
    """``--as-of`` must be a date that has come, and not before 1990.

    An as-of after today would call every customer lost; before 1990 is a typo. A date
    before the first order is fine (nothing has happened yet). ``today`` defaults to
    the computer's date.
    """
    if value is None:
        return None
    day = value.date()
    today = today or date.today()
    if day > today:
        raise ConfigError(
            said("options_as_of_after_today", day=day.isoformat(), today=today.isoformat()),
            hint=said("options_as_of_after_today_hint"),
        )
    if day < EARLIEST_AS_OF:
        raise ConfigError(
            said("options_as_of_before_1990", day=day.isoformat()),
            hint=said("options_as_of_before_1990_hint"),
        )
    return value


#: How a date is written on the command line (besides ``today``).
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y")
#: The words for today's date (``--as-of today``; Danish ``i-dag`` and ``idag`` too).
TODAY_WORDS = ("today", "idag", "i-dag", "i dag")


def parse_day(
    option: str, value: str | date | None, *, today: date | None = None
) -> datetime | None:
    """A date option's text as a datetime: YYYY-MM-DD, DD-MM-YYYY or ``today``; else a
    ConfigError naming the option and how to write it."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    text = value.strip().lower()
    if text in TODAY_WORDS:
        return datetime.combine(today or date.today(), time())
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ConfigError(
        said("options_not_a_date", option=option, value=value),
        hint=said("options_not_a_date_hint"),
    )


def _as_of_option(value: str | None) -> datetime | None:
    return check_as_of(parse_day("--as-of", value))


def _from_option(value: str | None) -> datetime | None:
    return check_as_of(parse_day("--from", value))


def _to_option(value: str | None) -> datetime | None:
    return check_as_of(parse_day("--to", value))


def check_window(
    from_day: datetime | None, to_day: datetime | None, as_of: datetime | None
) -> None:
    """``--from`` not after ``--to`` (or ``--as-of``), and ``--to`` and ``--as-of`` the
    same day when both are given (``--to`` is the as-of date of the window's end)."""
    if to_day is not None and as_of is not None and to_day.date() != as_of.date():
        raise ConfigError(
            said(
                "options_to_as_of_differ",
                to=to_day.date().isoformat(),
                as_of=as_of.date().isoformat(),
            ),
            hint=said("options_to_as_of_differ_hint"),
        )
    end = to_day or as_of
    if from_day is not None and end is not None and from_day.date() > end.date():
        raise ConfigError(
            said(
                "options_from_after_to",
                start=from_day.date().isoformat(),
                end=end.date().isoformat(),
            )
        )


def _quiet_option(value: bool) -> bool:
    # Eager: notes said while the other options are read are quiet too. Notes and
    # progress bars are left out; warnings and errors still show (render.terminal.QUIET).
    if value:
        from kunde_cli.render.terminal import QUIET

        QUIET.set(True)
        ctx = command_context()
        if ctx is not None:
            ctx.call_on_close(lambda: QUIET.set(False))
    return value


def check_preset(value: str | None) -> str | None:
    """``--preset`` must name a preset kunde knows (case does not matter)."""
    if value is None:
        return None
    if value.strip().lower() not in PRESETS:
        raise ConfigError(
            said("options_not_a_preset", value=value),
            hint=said("options_not_a_preset_hint", presets=", ".join(PRESETS)),
        )
    return value.strip().lower()


#: The kinds of export ``--kind`` names (ingest, inspect).
KINDS = ("orders", "survey")


def check_choice(option: str, value: str | None, choices: Iterable[str]) -> str | None:
    """``value`` (any case, spaces trimmed) when it is one of ``choices``; else a
    ConfigError in one line listing them. None stays None."""
    if value is None:
        return None
    given = value.strip().lower()
    listed = tuple(choices)
    if given not in listed:
        raise ConfigError(
            said("options_unknown_value", option=option, value=value, choices=", ".join(listed))
        )
    return given


def check_kind(value: str | None) -> str | None:
    """``--kind``: orders or survey."""
    return check_choice("--kind", value, KINDS)


#: The fewest days a retention ``--window`` may have per ``--period``: the longest month
#: and quarter, and a common year (kunde_cli.analytics.retention).
MIN_WINDOW_DAYS = {"month": 31, "quarter": 92, "year": 365}


def parse_period(text: str) -> tuple[int, Said]:
    """A holdout period (``kunde backtest --holdout``, ``kunde clv --holdout``): its length
    in days and its words.

    ``6m`` → 183 days, ``26w`` → 182, ``180d`` → 180, ``1y`` → 365 (a number alone is
    months; the units and their words live in :mod:`kunde_cli.words.models`).

    >>> days, words = parse_period("13w")
    >>> days, words.key, words.worded("en")
    (91, 'clv_holdout_weeks', '13 weeks')
    """
    import re

    from kunde_cli.words.models import HOLDOUT_UNITS

    letters = "".join(HOLDOUT_UNITS)
    match = re.fullmatch(rf"\s*(\d+)\s*([{letters}]?)\s*", text.lower())
    if not match or int(match.group(1)) == 0:
        raise ConfigError(said("clv_bad_holdout", text=text))
    n, unit = int(match.group(1)), match.group(2) or "m"
    days, plural = HOLDOUT_UNITS[unit]
    if n * days > 100 * 365.25:  # no shop's history: and no date so far back (overflow)
        raise ConfigError(said("clv_bad_holdout", text=text))
    key = f"clv_holdout_{plural if n != 1 else plural[:-1]}"
    return round(n * days), said(key, n=n)


def check_retention_window(window: int, period: str) -> None:
    """``--window`` at least as long as ``--period``.

    A customer whose first order falls in a period is in N (new), and is in E (active at
    its end) only when that order lies within the window up to the end: an order on the
    period's first day d0 is still in the window at the end d1 when d1 − d0 < window,
    i.e. window ≥ the period's length in days. A shorter window leaves new customers out
    of E while counting them in N, so (E − N) / A comes out too low or negative. A year
    asks 365 days (the default window): only a first order on 1 January of a leap year
    is then left out, as the retention docs say.
    """
    days = MIN_WINDOW_DAYS.get(period)
    if days is not None and window < days:
        raise ConfigError(
            said(
                "options_window_too_short",
                window=window,
                period=said(f"period_{period}"),
                days=days,
            ),
            hint=said("options_window_too_short_hint", days=days),
        )


def check_csv_style(value: str) -> str:
    """``--csv-style`` must be plain or da (case does not matter)."""
    style = value.strip().lower()
    if style not in CSV_STYLES:
        raise ConfigError(
            said("options_not_a_csv_style", value=value),
            hint=said("options_not_a_csv_style_hint"),
        )
    return style


Files = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Order exports (CSV/Excel, .gz or .zip; - for stdin) to analyse directly "
        "instead of the workspace.",
        show_default=False,
    ),
]
Workspace = Annotated[
    Path,
    typer.Option("--workspace", "-w", help="Workspace folder.", envvar="KUNDE_WORKSPACE"),
]
Format = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format. Default: table in a terminal, csv when piped.",
        show_default=False,
    ),
]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to FILE instead of stdout.", show_default=False),
]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Analyse as of this date (YYYY-MM-DD or today), today or earlier: days since "
        "the last order count to it. Default: the latest order date (today if orders are "
        "dated later).",
        callback=_as_of_option,
        show_default=False,
    ),
]
DateFrom = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="Leave out orders (and survey answers) before this date (YYYY-MM-DD): the "
        "analysis sees only what happened from it, so a customer's history starts there.",
        callback=_from_option,
        show_default=False,
    ),
]
DateTo = Annotated[
    str | None,
    typer.Option(
        "--to",
        help="Leave out orders (and survey answers) after this date (YYYY-MM-DD or today) "
        "and analyse as of it: the window's end, the same as --as-of (give one, or both "
        "the same).",
        callback=_to_option,
        show_default=False,
    ),
]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Print nothing on stderr but warnings and errors: no notes, no progress (for cron).",
        callback=_quiet_option,
        is_eager=True,
    ),
]


def _lang_option(value: str | None) -> str | None:
    # Eager: --lang is noted before any other option is checked, so an error in one
    # (--as-of in the future) is said in it.
    record_lang(value)
    return value


Lang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Labels: da or en (default from kunde.toml, else da).",
        callback=_lang_option,
        is_eager=True,
        show_default=False,
    ),
]
ConfigPath = Annotated[
    Path | None,
    typer.Option("--config", help="kunde.toml to use (default ./kunde.toml).", show_default=False),
]
CsvStyle = Annotated[
    str,
    typer.Option(
        "--csv-style",
        help="csv dialect: plain (comma, decimal point, snake_case headers and codes, for "
        "scripts) or da (semicolon, decimal comma, headers and codes in words, for Danish Excel).",
        callback=check_csv_style,
    ),
]
Wide = Annotated[
    bool,
    typer.Option(
        "--wide",
        help="Table: every column at full width, none left out to fit the screen (in a "
        "terminal through a pager when wider or taller than the screen).",
    ),
]
#: The Danish letters (ae, o-slash, a-ring) and the Danish amount column, by code point:
#: named in the help, which is English.
_AE_OE_AA = "\u00e6\u00f8\u00e5"
_BELOEB = "bel\u00f8b"

Bom = Annotated[
    bool,
    typer.Option("--bom", help=f"Start CSV with a UTF-8 BOM so Excel reads {_AE_OE_AA} correctly."),
]
Sheet = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="Excel sheet name or 1-based number (default: first non-empty).",
        show_default=False,
    ),
]
Preset = Annotated[
    str | None,
    typer.Option(
        "--preset",
        help="Column layout: shopify, woocommerce or generic (default: detected).",
        callback=check_preset,
        show_default=False,
    ),
]
Map = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help='Map a field to a column: --map amount=Total --map order_date="Paid at".',
        show_default=False,
    ),
]
DayFirst = Annotated[
    bool | None,
    typer.Option(
        "--dayfirst/--monthfirst",
        help="How to read dates like 03/05/2024 (default: day first, as in Denmark).",
        show_default=False,
    ),
]

Columns = Annotated[
    str | None,
    typer.Option(
        "--columns",
        help="For a file without a header row: its columns in order, as field names "
        f"(id,date,qty,amount; Danish names too: kunde,dato,antal,{_BELOEB}); - skips a column.",
        show_default=False,
    ),
]

Currency = Annotated[
    str | None,
    typer.Option(
        "--currency",
        help="When the data holds several currencies: the one to analyse (DKK, EUR, USD, …). "
        "Default: the one with the most order lines.",
        show_default=False,
    ),
]

AllowFuture = Annotated[
    bool,
    typer.Option(
        "--allow-future",
        help="Keep rows dated after today (refused by default as mistyped dates); "
        "analyses leave them out until their date has come.",
    ),
]

DEFAULT_WORKSPACE = Path("kunde-data")

Compare = Annotated[
    datetime | None,
    typer.Option(
        "--compare",
        help="Compare with this earlier date (YYYY-MM-DD): who moved between segments since then.",
        formats=["%Y-%m-%d", "%d-%m-%Y"],
        show_default=False,
    ),
]

#: The environment variable that gives the pseudonym salt (kunde_cli.store.salt).
SALT_ENV = "KUNDE_SALT"

#: ``--trend`` and ``--months`` of retention, nps and clv: the shop month by month.
Trend = Annotated[
    bool,
    typer.Option(
        "--trend",
        help="Print the shop month by month instead: revenue, orders, buying customers "
        "(new and returning) and, with a survey, the NPS with its 95 % interval.",
    ),
]
#: How many of the latest months the --trend table shows.
Months = Annotated[
    int,
    typer.Option("--months", min=1, max=120, help="Months in the --trend table (the latest)."),
]
#: ``--kind`` of ingest and inspect: what an export holds, when its header does not say.
Kind = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="orders or survey (default: detected from the header).",
        callback=check_kind,
        show_default=False,
    ),
]
#: ``--yes`` of the commands that erase (forget, remove): no question asked.
Yes = Annotated[
    bool,
    typer.Option("--yes", "-y", help="Do not ask for confirmation (needed under cron)."),
]
#: ``--wait`` of the commands that write the workspace: how long another run may hold it.
Wait = Annotated[
    float,
    typer.Option(
        "--wait", min=0.0, help="Seconds to wait for another kunde run on the same workspace."
    ),
]
Salt = Annotated[
    str | None,
    typer.Option(
        "--salt",
        help=f"Secret for pseudonyms, at least 16 characters (default: ${SALT_ENV}, else a "
        "random one kept in ~/.config/kunde/salt). The same salt gives the same pseudonyms.",
        show_default=False,
    ),
]


# --- the two objects ----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a command's data comes from: files read directly (else the workspace), how
    to read them, the as-of date, the language and the config file."""

    files: tuple[Path, ...] | None = None
    workspace: Path = DEFAULT_WORKSPACE
    as_of: datetime | None = None
    lang: str | None = None
    config_path: Path | None = None
    sheet: str | None = None
    preset: str | None = None
    mapping: tuple[str, ...] | None = None
    dayfirst: bool | None = None
    allow_future: bool = False
    columns: str | None = None
    currency: str | None = None
    #: ``--from``/``--to``: orders outside these days are left out before analysing.
    date_from: datetime | None = None
    date_to: datetime | None = None
    #: ``--quiet``: no notes, no counted line, no progress (warnings and errors show).
    quiet: bool = False

    @property
    def reading(self) -> dict[str, Any]:
        """How to read the files (:data:`READING`), as the readers and use cases take
        it (``mapping`` a list)."""
        return {
            "sheet": self.sheet,
            "preset": self.preset,
            "mapping": None if self.mapping is None else list(self.mapping),
            "dayfirst": self.dayfirst,
            "allow_future": self.allow_future,
            "columns": self.columns,
        }


@dataclass(frozen=True)
class Destination:
    """Where a command's output goes: the format (None: from the output's suffix, else
    a table in a terminal and csv when piped), the file (None: stdout) and the csv
    dialect."""

    fmt: OutputFormat | str | None = None
    output: Path | None = None
    csv_style: str = CSV_PLAIN
    bom: bool = False
    #: A table at full width, no column left out (paged in a terminal).
    wide: bool = False

    @property
    def format(self) -> OutputFormat:
        """The format written (see :func:`kunde_cli.render.formats.resolve_format`)."""
        from kunde_cli.render.formats import resolve_format

        return resolve_format(self.fmt, self.output)

    @property
    def is_table(self) -> bool:
        """True when the output is a Rich table (labels in words, not codes)."""
        return self.format is OutputFormat.table


# --- the decorators -----------------------------------------------------------------------

#: Every shared parameter, in the order ``--help`` lists them (after a command's own).
_SHARED_ORDER = (
    "files",
    "workspace",
    "fmt",
    "output",
    "as_of",
    "date_from",
    "date_to",
    "quiet",
    "lang",
    "config_path",
    "csv_style",
    "bom",
    "wide",
    "sheet",
    "preset",
    "mapping",
    "dayfirst",
    "allow_future",
    "columns",
    "currency",
)


def _shared(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _source_parameters() -> list[inspect.Parameter]:
    return [
        _shared("files", Files, None),
        _shared("workspace", Workspace, DEFAULT_WORKSPACE),
        _shared("as_of", AsOf, None),
        _shared("date_from", DateFrom, None),
        _shared("date_to", DateTo, None),
        _shared("quiet", Quiet, False),
        _shared("lang", Lang, None),
        _shared("config_path", ConfigPath, None),
        _shared("sheet", Sheet, None),
        _shared("preset", Preset, None),
        _shared("mapping", Map, None),
        _shared("dayfirst", DayFirst, None),
        _shared("allow_future", AllowFuture, False),
        _shared("columns", Columns, None),
        _shared("currency", Currency, None),
    ]


def _destination_parameters(formats: bool) -> list[inspect.Parameter]:
    # --wide is for tables: a command without --format writes files only.
    chosen = [_shared("fmt", Format, None)] if formats else []
    tables = [_shared("wide", Wide, False)] if formats else []
    return [
        *chosen,
        _shared("output", Output, None),
        _shared("csv_style", CsvStyle, CSV_PLAIN),
        _shared("bom", Bom, False),
        *tables,
    ]


F = TypeVar("F", bound=Callable[..., Any])

#: The options that say how to read an export (``--sheet`` … ``--columns``).
READING = ("sheet", "preset", "mapping", "dayfirst", "allow_future", "columns")


def _chosen(
    parameters: list[inspect.Parameter], uses: Iterable[str] | None
) -> list[inspect.Parameter]:
    """``parameters`` cut down to the names in ``uses`` (all when None)."""
    if uses is None:
        return parameters
    wanted = set(uses)
    unknown = wanted - {p.name for p in parameters}
    if unknown:
        raise TypeError(f"no shared option {', '.join(sorted(unknown))}")
    return [p for p in parameters if p.name in wanted]


def _packing(
    slot: str, parameters: list[inspect.Parameter], pack: Callable[..., Any]
) -> Callable[[F], F]:
    """A decorator that replaces the command's parameter ``slot`` by ``parameters`` (in
    :data:`_SHARED_ORDER`, after the command's own) and calls the command with
    ``slot=pack(**their values)``."""

    def decorate(func: F) -> F:
        signature = inspect.signature(func, eval_str=True)
        if slot not in signature.parameters:
            raise TypeError(f"{func.__name__} takes no parameter {slot!r}")
        kept = [p for p in signature.parameters.values() if p.name != slot]
        own = [p for p in kept if p.name not in _SHARED_ORDER]
        shared = sorted(
            [p for p in kept if p.name in _SHARED_ORDER] + parameters,
            key=lambda p: _SHARED_ORDER.index(p.name),
        )
        defaults = {p.name: p.default for p in parameters}

        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(name, default) for name, default in defaults.items()}
            return func(*args, **kwargs, **{slot: pack(**values)})

        # Keyword-only (Typer passes keywords), so a command's own required argument
        # (FILES of ingest) may come after options with a default.
        listed = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in [*own, *shared]]
        _show_signature(command, signature.replace(parameters=listed))
        return cast("F", command)  # the same callable, with the shared options

    return decorate


def _show_signature(command: Callable[..., Any], signature: inspect.Signature) -> None:
    """Make ``command`` show Typer ``signature`` (the parameters it lists, in order)."""
    # inspect (and so Typer) reads __signature__; typeshed does not declare it.
    command.__signature__ = signature  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}


#: Where the run's language is kept for the error handler (click shares ``meta`` between a
#: command's context and the group's, which turns a KundeError into its message).
LANG_META = "kunde.lang"


def command_context() -> Any:
    """The running command's click context, or None (Typer carries its own click)."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # Typer before it vendored click
        try:  # typer>=0.12 allows a Typer that uses the click package itself
            # (not installed beside a Typer that vendors it: mypy cannot see it)
            from click import (  # type: ignore[import-not-found,no-redef,unused-ignore]
                get_current_context,
            )
        except ImportError:
            return None
    return get_current_context(silent=True)


def record_lang(lang: str | None) -> None:
    """Note ``lang`` as the language of this run: an error said from here on is worded
    in it (:func:`kunde_cli.cli.main.report_error`). None notes nothing."""
    ctx = command_context()
    if ctx is not None and lang:
        ctx.meta[LANG_META] = lang.strip().lower()


def _source(
    files: list[Path] | None = None, mapping: list[str] | None = None, **given: Any
) -> Source:
    # --lang is known before anything is read: an error reading the config says it in it.
    record_lang(given.get("lang"))
    check_window(given.get("date_from"), given.get("date_to"), given.get("as_of"))
    return Source(
        files=None if files is None else tuple(files),
        mapping=None if mapping is None else tuple(mapping),
        **given,
    )


@overload
def reads_data(func: F, /) -> F: ...
@overload
def reads_data(*, uses: Iterable[str] | None = None) -> Callable[[F], F]: ...
def reads_data(
    func: F | None = None, /, *, uses: Iterable[str] | None = None
) -> F | Callable[[F], F]:
    """Give the command ``data: Source`` from FILES and the reading options (--workspace,
    --as-of, --lang, --config, --sheet, --preset, --map, --dayfirst, --allow-future,
    --columns, --currency); with ``uses``, from only those (the others keep
    :class:`Source`'s defaults)."""
    decorate: Callable[[F], F] = _packing("data", _chosen(_source_parameters(), uses), _source)
    return decorate if func is None else decorate(func)


def writes_output(*, formats: bool = True, uses: Iterable[str] | None = None) -> Callable[[F], F]:
    """Give the command ``out: Destination`` from --format (unless ``formats`` is
    False: the command picks csv or xlsx by the output's suffix), --output, --csv-style,
    --bom and --wide (with ``formats``); with ``uses``, from only those (the others keep :class:`Destination`'s
    defaults)."""
    return _packing("out", _chosen(_destination_parameters(formats), uses), Destination)


def help_order(*names: str) -> Callable[[F], F]:
    """List the command's parameters (its own and the shared ones the decorators below
    add) in ``--help`` in the order ``names`` gives, which must name each exactly once.
    For a command whose options have always been listed in an order of their own."""

    def decorate(func: F) -> F:
        signature = inspect.signature(func, eval_str=True)
        given = signature.parameters
        if sorted(names) != sorted(given):
            raise TypeError(
                f"{func.__name__}: help_order names {sorted(names)}, the command takes "
                f"{sorted(given)}"
            )
        # Keyword-only, so a required argument may follow an option with a default.
        listed = [given[name].replace(kind=inspect.Parameter.KEYWORD_ONLY) for name in names]

        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)

        _show_signature(command, signature.replace(parameters=listed))
        return cast("F", command)  # the same callable, its parameters reordered

    return decorate
