"""Words of the month-by-month value (``analytics/clv/monthly.py``, ``uncertainty.py``):
the columns, title and notes of ``kunde clv --monthly`` and its report section.

``WORDS`` maps a key to its (da, en) pair; :func:`kunde_cli.words.labels.label` reads it.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- analytics/clv/uncertainty.py ---
    "uncertainty_no_covariance": (
        "modellen har ingen usikkerhed på sine parametre (den er ikke tilpasset på data), "
        "så der kan ikke gives et interval",
        "the model carries no uncertainty of its parameters (it was not fitted on data), "
        "so no range can be given",
    ),
    # --- the table's columns (month, customers, segment and expected_purchases have
    # their labels in words/labels.py) ---
    "month_first_day": ("Fra", "From"),
    "month_last_day": ("Til", "To"),
    "purchases_low": ("Køb, lav (90 %)", "Purchases, low (90%)"),
    "purchases_high": ("Køb, høj (90 %)", "Purchases, high (90%)"),
    "expected_revenue": ("Forventet omsætning", "Expected revenue"),
    "revenue_low": ("Omsætning, lav (90 %)", "Revenue, low (90%)"),
    "revenue_high": ("Omsætning, høj (90 %)", "Revenue, high (90%)"),
    "monthly_all": ("{months} mdr. i alt", "{months} months in all"),
    "monthly_segment_total": ("Hele butikken", "Whole shop"),
    "monthly_segment_none": ("Uden segment", "No segment"),
    # --- kunde clv --monthly ---
    "monthly_title": (
        "Forventede køb og omsætning pr. måned de næste {months} måneder fra {as_of}, "
        "diskonteret {discount} om året, {currency}",
        "Expected purchases and revenue per month for the next {months} months from "
        "{as_of}, discounted {discount} a year, {currency}",
    ),
    "monthly_title_segment": (
        "Forventede køb og omsætning pr. RFM-segment og måned de næste {months} måneder "
        "fra {as_of}, diskonteret {discount} om året, {currency}",
        "Expected purchases and revenue per RFM segment and month for the next {months} "
        "months from {as_of}, discounted {discount} a year, {currency}",
    ),
    "monthly_title_purchases": (
        "Forventede køb pr. måned de næste {months} måneder fra {as_of}",
        "Expected purchases per month for the next {months} months from {as_of}",
    ),
    "monthly_title_purchases_segment": (
        "Forventede køb pr. RFM-segment og måned de næste {months} måneder fra {as_of}",
        "Expected purchases per RFM segment and month for the next {months} months from {as_of}",
    ),
    "monthly_summary": (
        "De næste {months} måneder: forventet {purchases} køb (90 %: {purchases_low}–"
        "{purchases_high}) og {revenue} (90 %: {revenue_low}–{revenue_high}), diskonteret "
        "{discount} om året.",
        "The next {months} months: expected {purchases} purchases (90%: {purchases_low}–"
        "{purchases_high}) and {revenue} (90%: {revenue_low}–{revenue_high}), discounted "
        "{discount} a year.",
    ),
    "monthly_summary_bare": (
        "De næste {months} måneder: forventet {purchases} køb og {revenue}, diskonteret "
        "{discount} om året.",
        "The next {months} months: expected {purchases} purchases and {revenue}, discounted "
        "{discount} a year.",
    ),
    "monthly_summary_purchases_bare": (
        "De næste {months} måneder: forventet {purchases} køb.",
        "The next {months} months: expected {purchases} purchases.",
    ),
    "monthly_summary_purchases": (
        "De næste {months} måneder: forventet {purchases} køb (90 %: {purchases_low}–"
        "{purchases_high}).",
        "The next {months} months: expected {purchases} purchases (90%: {purchases_low}–"
        "{purchases_high}).",
    ),
    "monthly_scope": (
        "Kun de {customers} kunder, butikken har pr. {as_of}: nye kunder, der kommer til "
        "senere, er ikke med. Model: {model} for køb, Gamma-Gamma for beløb pr. køb. En "
        "måned er 30,44 dage regnet fra {as_of} (ikke kalendermåneder).",
        "Only the {customers} customers the shop has as of {as_of}: new customers won "
        "later are not included. Model: {model} for purchases, Gamma-Gamma for spend per "
        "purchase. A month is 30.44 days counted from {as_of} (not calendar months).",
    ),
    "monthly_scope_purchases": (
        "Kun de {customers} kunder, butikken har pr. {as_of}: nye kunder, der kommer til "
        "senere, er ikke med. Model: {model} for køb. En måned er 30,44 dage regnet fra "
        "{as_of} (ikke kalendermåneder).",
        "Only the {customers} customers the shop has as of {as_of}: new customers won "
        "later are not included. Model: {model} for purchases. A month is 30.44 days "
        "counted from {as_of} (not calendar months).",
    ),
    "monthly_ranges": (
        "Intervallerne (90 %) viser, hvor sikre de forventede tal er, ud fra usikkerheden "
        "på modellens parametre ({draws} sæt trukket fra tilpasningen) — ikke hvor meget "
        "det faktiske antal kan svinge omkring dem.",
        "The ranges (90%) show how sure the expected figures are, from the uncertainty "
        "of the model's parameters ({draws} sets drawn from the fit) — not how much the "
        "actual count may scatter around them.",
    ),
    "monthly_no_ranges": (
        "Ingen intervaller: modellen har ingen usikkerhed på sine parametre.",
        "No ranges: the model carries no uncertainty of its parameters.",
    ),
    "monthly_unusable": (
        "Månedstallene kræver en købsmodel, og den kan ikke tilpasses på disse data: {why}",
        "The monthly figures need a purchase model, and it cannot be fitted on this data: {why}",
    ),
    "monthly_untrusted": (
        "{model}-modellen består ikke kontrollerne på disse data ({why}). Månedstallene "
        "vises alligevel: læs dem som et groft skøn, og intervallerne kan være for smalle.",
        "The {model} model does not pass the checks on this data ({why}). The monthly "
        "figures are shown anyway: read them as a rough guess, and their ranges may be "
        "too narrow.",
    ),
    "monthly_spend_unusable": (
        "Beløbsmodellen (Gamma-Gamma) kan ikke bruges ({why}); kun forventede køb vises, "
        "uden omsætning.",
        "The spend model (Gamma-Gamma) cannot be used ({why}); only expected purchases "
        "are shown, without revenue.",
    ),
    # --- the report's section ---
    "monthly_section_title": ("De næste 12 måneder", "The next 12 months"),
    "monthly_section_title_n": ("De næste {months} måneder", "The next {months} months"),
    "monthly_chart_title": (
        "Forventet omsætning pr. måned med 90 %-interval",
        "Expected revenue per month with 90% range",
    ),
    "monthly_chart_purchases_title": (
        "Forventede køb pr. måned med 90 %-interval",
        "Expected purchases per month with 90% range",
    ),
}
