"""One ``emit`` for every result table: table | csv | json | parquet | xlsx.

stdout carries only the result. The default format is a Rich table when stdout is a
terminal and CSV when it is piped (cron, ``| head``, a spreadsheet); ``--format``
always wins. CSV and Excel text cells are protected against formula injection.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from kunde_cli.errors import ConfigError

if TYPE_CHECKING:
    import polars as pl


#: Columns holding sentences; a terminal table shows them in a table of their own.
LONG_TEXT_COLUMNS = ("action", "next_step", "what_to_do", "explanation")


class OutputFormat(StrEnum):
    """Formats every analysis command can write."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"
    xlsx = "xlsx"


def resolve_format(fmt: OutputFormat | str | None, output: Path | None) -> OutputFormat:
    """Pick the format: explicit, else from the output's suffix, else tty → table, pipe → csv."""
    if fmt:
        return OutputFormat(fmt)
    if output is not None:
        suffix = output.suffix.lower().lstrip(".")
        if suffix in {f.value for f in OutputFormat} and suffix != "table":
            return OutputFormat(suffix)
        return OutputFormat.csv
    return OutputFormat.table if sys.stdout.isatty() else OutputFormat.csv


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def frame_to_csv(frame: pl.DataFrame, *, style: str = "plain", bom: bool = False) -> bytes:
    """CSV bytes: ``plain`` (comma, decimal point) or ``da`` (semicolon, decimal comma)."""
    from kunde_cli.render.safety import neutralise_formulas

    safe = neutralise_formulas(frame)
    buf = io.BytesIO()
    safe.write_csv(
        buf,
        separator=";" if style == "da" else ",",
        decimal_comma=style == "da",
        include_bom=bom,
        datetime_format="%Y-%m-%d %H:%M:%S",
        date_format="%d-%m-%Y" if style == "da" else "%Y-%m-%d",
    )
    return buf.getvalue()


def frame_to_json(frame: pl.DataFrame) -> bytes:
    """A JSON array of row objects, dates as ISO strings."""
    buf = io.BytesIO()
    frame.write_json(buf)
    data = buf.getvalue()
    return data if data.endswith(b"\n") else data + b"\n"


def frame_to_parquet(frame: pl.DataFrame) -> bytes:
    """Parquet bytes."""
    buf = io.BytesIO()
    frame.write_parquet(buf)
    return buf.getvalue()


def frame_to_xlsx(frame: pl.DataFrame, *, sheet: str = "kunde", lang: str = "da") -> bytes:
    """A one-sheet workbook with an Excel table, frozen header and fitted widths."""
    from kunde_cli.render.excel import workbook_bytes

    return workbook_bytes([(sheet, frame)], lang=lang)


def emit(
    frame: pl.DataFrame,
    fmt: OutputFormat | str | None = None,
    output: Path | None = None,
    *,
    title: str | None = None,
    caption: str | None = None,
    lang: str = "da",
    currency: str = "kr.",
    kinds: dict[str, str] | None = None,
    csv_style: str = "plain",
    bom: bool = False,
) -> OutputFormat:
    """Write ``frame`` as ``fmt`` to ``output`` (atomically) or stdout. Returns the format used."""
    chosen = resolve_format(fmt, output)
    if chosen is OutputFormat.table:
        from kunde_cli.render.terminal import print_table, rich_table

        # Sentences (suggested actions) do not fit beside eight figures in a terminal:
        # show them in a second table keyed by the first column.
        long_text = [c for c in LONG_TEXT_COLUMNS if c in frame.columns and frame.width > 3]
        tables = [
            rich_table(
                frame.drop(long_text),
                title=title,
                caption=caption,
                lang=lang,
                currency=currency,
                kinds=kinds,
            )
        ]
        if long_text:
            key = frame.columns[0]
            tables.append(rich_table(frame.select(key, *long_text), lang=lang, kinds=kinds))
        sink = io.StringIO() if output is not None else None
        for table in tables:
            print_table(table, file=sink)
        if sink is not None and output is not None:
            atomic_write_bytes(output, sink.getvalue().encode("utf-8"))
        return chosen
    if chosen is OutputFormat.csv:
        data = frame_to_csv(frame, style=csv_style, bom=bom)
    elif chosen is OutputFormat.json:
        data = frame_to_json(frame)
    elif chosen is OutputFormat.parquet:
        if output is None and sys.stdout.isatty():
            raise ConfigError("parquet is binary: give --output FILE.parquet or pipe stdout")
        data = frame_to_parquet(frame)
    else:
        if output is None and sys.stdout.isatty():
            raise ConfigError("xlsx is binary: give --output FILE.xlsx")
        data = frame_to_xlsx(frame, lang=lang)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write_bytes(output, data)
    return chosen
