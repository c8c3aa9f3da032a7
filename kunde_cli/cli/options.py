"""Options shared by every command, declared once as Annotated aliases."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from kunde_cli.render.formats import OutputFormat

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
        help="Analyse as of this date (YYYY-MM-DD). Default: the latest order date.",
        formats=["%Y-%m-%d", "%d-%m-%Y"],
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

DEFAULT_WORKSPACE = Path("kunde-data")
