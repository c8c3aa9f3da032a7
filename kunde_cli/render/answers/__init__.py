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

Everything a user typed (names, comments) is plain text: the template escapes it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kunde_cli.app.report import ReportData

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
