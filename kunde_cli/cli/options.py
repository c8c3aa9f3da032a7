"""Options shared by every command, declared once as Annotated aliases."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from kunde_cli.errors import ConfigError
from kunde_cli.render.formats import OutputFormat

#: The earliest date kunde reads (orders before 1990 are refused as typos).
EARLIEST_AS_OF = date(1990, 1, 1)
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
            f"--as-of {day:%Y-%m-%d} is after today ({today:%Y-%m-%d})",
            hint="analyse as of today or an earlier date, or leave --as-of out "
            "(the latest order date)",
        )
    if day < EARLIEST_AS_OF:
        raise ConfigError(
            f"--as-of {day:%Y-%m-%d} is before 1990", hint="give a date like 2024-03-31"
        )
    return value


def _as_of_option(value: datetime | None) -> datetime | None:
    return check_as_of(value)


def check_preset(value: str | None) -> str | None:
    """``--preset`` must name a preset kunde knows (case does not matter)."""
    if value is None:
        return None
    if value.strip().lower() not in PRESETS:
        raise ConfigError(f"--preset '{value}' is not a preset", hint="use " + ", ".join(PRESETS))
    return value.strip().lower()


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
    datetime | None,
    typer.Option(
        "--as-of",
        help="Analyse as of this date (YYYY-MM-DD), today or earlier. Default: the latest "
        "order date (today if orders are dated later).",
        formats=["%Y-%m-%d", "%d-%m-%Y"],
        callback=_as_of_option,
        show_default=False,
    ),
]
Lang = Annotated[
    str | None,
    typer.Option(
        "--lang", help="Labels: da or en (default from kunde.toml, else da).", show_default=False
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
        help="csv dialect: plain (comma, decimal point) or da (semicolon, decimal comma for Danish Excel).",
    ),
]
Bom = Annotated[
    bool, typer.Option("--bom", help="Start CSV with a UTF-8 BOM so Excel reads æøå correctly.")
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
        "(id,date,qty,amount; Danish names too: kunde,dato,antal,beløb); - skips a column.",
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
