"""The report's answer sections as page parts (the words and charts of
:mod:`kunde_cli.app.answers`).

Each module here is named as its facts' module in :mod:`kunde_cli.app.answers` and
defines ``part(facts, data: ReportData) -> dict | None``: a dict the template's one
section loop shows —

* ``id`` (the anchor, e.g. ``"backtest"``), ``title`` (the h2 and the contents link);
* ``sentences`` — lead paragraphs (plain text, escaped by the template);
* ``chart`` — an SVG as :class:`markupsafe.Markup`, or None;
* ``tables`` — :func:`kunde_cli.render.html.table` results;
* ``notes`` — small print under the tables.

A module may also define ``sheets(facts, data) -> list[SheetSpec]``: the section's
tables for the report's workbook (:func:`answer_sheets`), values kept as numbers.

Everything a user typed (names, comments) is plain text: the template escapes it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kunde_cli.app.report import ReportData
    from kunde_cli.render.excel import SheetSpec

#: The keys a part may have, with their empty values.
PART_DEFAULTS: dict[str, Any] = {"sentences": (), "chart": None, "tables": (), "notes": ()}


def answer_parts(data: ReportData) -> list[dict[str, Any]]:
    """The page parts of every answer section the report holds, in report order."""
    parts = []
    for name, facts in data.answers.items():
        module = importlib.import_module(f"{__name__}.{name}")
        part = module.part(facts, data)
        if part is not None:
            parts.append({**PART_DEFAULTS, **part})
    return parts


#: The workbook's cell kinds for the page's finer ones (kunde_cli.render.excel.Formats).
EXCEL_KINDS = {"money0": "money", "float2": "float", "float3": "float"}


def excel_kinds(kinds: dict[str, str]) -> dict[str, str]:
    """``kinds`` of a page table as the workbook knows them."""
    return {column: EXCEL_KINDS.get(kind, kind) for column, kind in kinds.items()}


def answer_sheets(data: ReportData) -> list[SheetSpec]:
    """The workbook sheets of every answer section the report holds, in report order."""
    specs: list[SheetSpec] = []
    for name, facts in data.answers.items():
        module = importlib.import_module(f"{__name__}.{name}")
        sheets = getattr(module, "sheets", None)
        if sheets is not None:
            specs += sheets(facts, data)
    return specs
