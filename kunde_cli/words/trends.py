"""Words of the monthly trends (``analytics/trends.py``): the columns of the table that
``kunde retention --trend``, ``kunde nps --trend`` and ``kunde clv --trend`` print, its
title and notes, and the report's "Udvikling" / "Trend" section, chart and sheet.

``WORDS`` maps a key to its (da, en) pair; :func:`kunde_cli.words.labels.label` reads it.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- the table's columns (revenue, orders, active_customers, n, nps, ci_low and
    # ci_high have their labels in words/labels.py) ---
    "month": ("Måned", "Month"),
    "month_start": ("Månedens første dag", "First day of month"),
    "partial": ("Måneden ikke slut", "Month not over"),
    "customers_new": ("Nye kunder", "New customers"),
    "customers_returning": ("Genkøbende kunder", "Returning customers"),
    # --- the commands' --trend table ---
    "trend_title": (
        "Udvikling pr. måned, de seneste {months} måneder, pr. {as_of}",
        "Trend by month, the last {months} months, as of {as_of}",
    ),
    "trend_define": (
        "Omsætning er netto (krediteringer og refusioner trukket fra) og tæller salg uden "
        "kendt kunde med; ordrer er talte køb. Købende kunder har mindst én talt ordre i "
        "måneden: nye køber for første gang, genkøbende har købt før.",
        "Revenue is net (credit notes and refunds deducted) and includes sales without a "
        "known customer; orders are counted purchases. Buying customers have at least one "
        "counted order in the month: new ones buy for the first time, returning ones have "
        "bought before.",
    ),
    "trend_partial": (
        "{month} er ikke slut pr. {as_of}: månedens tal går kun til og med den dag.",
        "{month} is not over as of {as_of}: its figures run to that day only.",
    ),
    "trend_nps": (
        "NPS pr. måned med 95 %-interval (justeret Wald); tom hvor måneden ingen svar har.",
        "NPS by month with its 95 % interval (adjusted Wald); empty where the month has no "
        "answers.",
    ),
    "trend_empty": (
        "Ingen ordrer eller svar pr. {as_of}, så der er ingen udvikling at vise.",
        "No orders or answers as of {as_of}, so there is no trend to show.",
    ),
    # --- the report: section, sentence, chart and sheet ---
    "trend_section": ("Udvikling", "Trend"),
    "trend_sentence": (
        "De seneste {months} måneder: {revenue} i omsætning fra {orders} ordrer. "
        "I {last} købte {active} kunder, heraf {new} nye og {returning} genkøbende.",
        "The last {months} months: {revenue} in revenue from {orders} orders. "
        "In {last}, {active} customers bought: {new} new and {returning} returning.",
    ),
    "trend_sentence_partial": (
        "{month} er ikke slut endnu, så dens tal er ikke sammenlignelige med hele måneder.",
        "{month} is not over yet, so its figures do not compare with whole months.",
    ),
    "trend_table_caption": (
        "Én linje pr. måned. Omsætning netto og med salg uden kendt kunde.",
        "One line per month. Revenue net and including sales without a known customer.",
    ),
    "trend_chart_title": ("Udvikling pr. måned", "Trend by month"),
    "trend_chart_revenue": ("Omsætning", "Revenue"),
    "trend_chart_customers": ("Købende kunder", "Buying customers"),
    "trend_chart_nps": ("NPS (95 %-interval)", "NPS (95 % interval)"),
    "trend_sheet": ("Udvikling", "Trend"),
    "trend_left_out": (
        "Pseudonymiseret: omsætningen i måneder med under 5 købende kunder og NPS i måneder "
        "med under 5 svar er udeladt.",
        "Pseudonymised: revenue in months with under 5 buying customers and NPS in months "
        "with under 5 answers are left out.",
    ),
}
