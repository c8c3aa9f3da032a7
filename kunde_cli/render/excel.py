"""Excel workbooks written with xlsxwriter.

Text is always written as text (``write_string``), so a customer called
``=HYPERLINK(...)`` stays a name and never becomes a formula; numbers as numbers with
Danish formats; every sheet has a frozen header, an autofilter (Excel table) and
fitted column widths.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from kunde_cli.render.i18n import label

if TYPE_CHECKING:
    import polars as pl

EXCEL_MAX_ROWS = 1_048_576
MONEY_FORMAT = '#,##0.00 "kr."'
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Ark"
    base, n = clean, 2
    while clean.lower() in used:
        suffix = f" ({n})"
        clean = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(clean.lower())
    return clean


def workbook_bytes(sheets: Sequence[tuple[str, pl.DataFrame]], *, lang: str = "da") -> bytes:
    """Write ``(sheet name, frame)`` pairs into one workbook and return its bytes."""
    import xlsxwriter

    from kunde_cli.render.terminal import column_kind

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    formats = {
        "money": wb.add_format({"num_format": MONEY_FORMAT}),
        "percent": wb.add_format({"num_format": PERCENT_FORMAT}),
        "float": wb.add_format({"num_format": "#,##0.0"}),
        "int": wb.add_format({"num_format": "#,##0"}),
        "date": wb.add_format({"num_format": DATE_FORMAT}),
        "datetime": wb.add_format({"num_format": DATETIME_FORMAT}),
    }
    used: set[str] = set()
    for name, frame in sheets:
        ws = wb.add_worksheet(_sheet_name(name, used))
        rows = frame.head(EXCEL_MAX_ROWS - 1)
        headers = [label(c, lang) for c in rows.columns]
        kinds = [column_kind(c, t) for c, t in rows.schema.items()]
        widths = [max(8, min(60, len(h) + 2)) for h in headers]
        for r, row in enumerate(rows.iter_rows(), start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                kind = kinds[c]
                if isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, datetime):
                    ws.write_datetime(r, c, value.replace(tzinfo=None), formats["datetime"])
                elif isinstance(value, date):
                    ws.write_datetime(
                        r, c, datetime(value.year, value.month, value.day), formats["date"]
                    )
                elif isinstance(value, int | float):
                    if isinstance(value, float) and value != value:  # NaN
                        continue
                    ws.write_number(r, c, value, formats.get(kind))
                else:
                    text = str(value)
                    ws.write_string(r, c, text)
                    widths[c] = max(widths[c], min(60, len(text) + 2))
        if rows.width:
            ws.add_table(
                0,
                0,
                max(rows.height, 1),
                rows.width - 1,
                {
                    "columns": [{"header": h} for h in headers],
                    "style": "Table Style Light 9",
                    "name": f"T_{len(used)}",
                },
            )
            ws.freeze_panes(1, 0)
            for c, w in enumerate(widths):
                ws.set_column(c, c, w)
    wb.close()
    return buf.getvalue()
