"""Words of the report's charts (``render/charts.py``) and the workbook's native charts
(``render/workbook.py``): the line shown instead of a chart with nothing to draw, and
the workbook charts' titles.

``WORDS`` maps a key to its (da, en) pair; :func:`kunde_cli.words.labels.label` reads it.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- a chart with nothing to draw: one line instead of an empty frame ---
    "chart_no_orders": (
        "Ingen ordrer i perioden, så her er intet at tegne.",
        "No orders in the period, so there is nothing to draw here.",
    ),
    "chart_no_answers": (
        "Ingen svar i perioden, så her er intet at tegne.",
        "No answers in the period, so there is nothing to draw here.",
    ),
    # --- the workbook's charts: titles ---
    "chart_segments_title": (
        "Andel kunder og omsætning pr. segment",
        "Share of customers and revenue by segment",
    ),
    "chart_ladder_title": (
        "Kunder på hvert trin af stigen",
        "Customers on each rung of the ladder",
    ),
    "chart_retention_title": ("Fastholdelse pr. periode", "Retention by period"),
    "chart_nps_title": ("NPS pr. måned med 95 %-interval", "NPS by month with its 95 % interval"),
}
