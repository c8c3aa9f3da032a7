"""Words of the value of a new customer by where she came from
(``analytics/clv/acquisition.py``): the columns, statuses, verdicts and notes of
``kunde clv --new-by`` and the report's section.

``WORDS`` maps a key to its (da, en) pair; :func:`kunde_cli.words.labels.label` reads it.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- the table's columns (customers, channel and category have their labels in
    # words/labels.py) ---
    "repeat_customers": ("Kunder med genkøb", "Repeat customers"),
    "first_order_value": ("Første køb (gns.)", "First purchase (mean)"),
    "expected_repeat_purchases": ("Forventede genkøb", "Expected repeat purchases"),
    "spend_per_purchase": ("Pr. genkøb", "Per repeat purchase"),
    "value_12m": ("Værdi første år", "Value first year"),
    "value_low": ("Fra (90 %)", "From (90%)"),
    "value_high": ("Til (90 %)", "To (90%)"),
    "first_order_discount": ("Rabatkode på første ordre", "Discount code on first order"),
    # --- the groups and statuses (analytics.clv.acquisition) ---
    "acq_group_with_code": ("Med rabatkode", "With discount code"),
    "acq_group_without_code": ("Uden rabatkode", "Without discount code"),
    "acq_group_none": ("(ingen)", "(none)"),
    "acq_status_too_few": ("For få til at vurdere", "Too few to judge"),
    "acq_status_fit_failed": ("Modellen kunne ikke tilpasses", "The model could not be fitted"),
    "acq_status_purchase_untrusted": (
        "Købsmodellen holder ikke her",
        "The purchase model does not hold here",
    ),
    "acq_status_spend_untrusted": (
        "Beløbsmodellen holder ikke her",
        "The spend model does not hold here",
    ),
    # --- errors ---
    "acq_column_empty": (
        "kolonnen '{column}' er tom i eksporten, så kunderne kan ikke grupperes efter den",
        "the column '{column}' is empty in the export, so customers cannot be grouped by it",
    ),
    "acq_column_hint": (
        "tag kolonnen med i eksporten (eller peg på den med --map {column}=KOLONNE), eller "
        "vælg en anden gruppering med --new-by",
        "include the column in the export (or point to it with --map {column}=COLUMN), or "
        "choose another grouping with --new-by",
    ),
    # --- the command ---
    "acq_title_channel": (
        "Hvad en ny kunde er værd det første år, efter kanal for første køb, pr. {as_of}",
        "What a new customer is worth in the first year, by channel of the first purchase, "
        "as of {as_of}",
    ),
    "acq_title_category": (
        "Hvad en ny kunde er værd det første år, efter kategori i første køb, pr. {as_of}",
        "What a new customer is worth in the first year, by category of the first purchase, "
        "as of {as_of}",
    ),
    "acq_title_discount": (
        "Hvad en ny kunde er værd det første år, med og uden rabatkode på første køb, pr. {as_of}",
        "What a new customer is worth in the first year, with and without a discount code "
        "on the first purchase, as of {as_of}",
    ),
    "acq_define": (
        "Hver kunde hører til gruppen for sin første ordre. Værdi første år = første køb + "
        "forventede genkøb de næste {months} måneder ({model}) × forventet beløb pr. genkøb "
        "(Gamma-Gamma), tilpasset for hver gruppe med mindst {min_customers} kunder, hvoraf "
        "{min_repeat} har købt igen. Intervallet (90 %) viser usikkerheden i modellernes "
        "parametre og i gennemsnittet af første køb.",
        "Each customer belongs to the group of her first order. Value first year = first "
        "purchase + expected repeat purchases in the next {months} months ({model}) × "
        "expected spend per repeat purchase (Gamma-Gamma), fitted for each group with at "
        "least {min_customers} customers of whom {min_repeat} bought again. The range "
        "(90%) shows the uncertainty in the models' parameters and in the mean first "
        "purchase.",
    ),
    "acq_verdict_channel": (
        "Kunder fra {high} er mere værd end kunder fra {low} ({p}).",
        "Customers from {high} are worth more than customers from {low} ({p}).",
    ),
    "acq_verdict_category": (
        "Kunder, der først købte {high}, er mere værd end kunder, der først købte {low} ({p}).",
        "Customers who first bought {high} are worth more than customers who first bought "
        "{low} ({p}).",
    ),
    "acq_verdict_discount_with_code": (
        "Kunder med rabatkode på første ordre er mere værd end kunder uden ({p}).",
        "Customers with a discount code on their first order are worth more than customers "
        "without ({p}).",
    ),
    "acq_verdict_discount_without_code": (
        "Kunder uden rabatkode på første ordre er mere værd end kunder med ({p}).",
        "Customers without a discount code on their first order are worth more than "
        "customers with one ({p}).",
    ),
    "acq_verdict_same": (
        "Grupperne adskiller sig ikke mærkbart ({p}).",
        "The groups do not differ noticeably ({p}).",
    ),
    "acq_verdict_differ": (
        "Grupperne adskiller sig mærkbart ({p}).",
        "The groups differ noticeably ({p}).",
    ),
    "acq_p_is": ("p = {p}", "p = {p}"),
    "acq_p_below": ("p < {p}", "p < {p}"),
    "acq_one_group": (
        "Kun én gruppe ({group}): der er ingen grupper at sammenligne.",
        "Only one group ({group}): there are no groups to compare.",
    ),
    "acq_untested": (
        "Der er for få kunder til at teste, om grupperne adskiller sig: det kræver mindst "
        "to grupper med {min_customers} kunder, hvoraf {min_repeat} har købt igen.",
        "Too few customers to test whether the groups differ: that takes at least two "
        "groups of {min_customers} customers of whom {min_repeat} bought again.",
    ),
    "acq_test_rule": (
        "p: likelihood-ratio-test af, om én fælles model passer lige så godt som én model "
        "pr. gruppe; under 0,05 regnes forskellen for mærkbar. Dommen bygger på genkøb og "
        "beløb pr. genkøb samlet (χ² med {df} frihedsgrader).",
        "p: likelihood-ratio test of whether one model for all fits as well as one model "
        "per group; below 0.05 the difference counts as noticeable. The verdict rests on "
        "repeat purchases and spend per repeat purchase together (χ² with {df} degrees of "
        "freedom).",
    ),
    "acq_test_purchase": (
        "Genkøb ({model}): {p}, χ² = {statistic} med {df} frihedsgrader, {customers} "
        "kunder i {groups} grupper.",
        "Repeat purchases ({model}): {p}, χ² = {statistic} with {df} degrees of freedom, "
        "{customers} customers in {groups} groups.",
    ),
    "acq_test_spend": (
        "Beløb pr. genkøb (Gamma-Gamma): {p}, χ² = {statistic} med {df} frihedsgrader, "
        "{customers} kunder med genkøb i {groups} grupper.",
        "Spend per repeat purchase (Gamma-Gamma): {p}, χ² = {statistic} with {df} degrees "
        "of freedom, {customers} repeat customers in {groups} groups.",
    ),
    "acq_worth_channel": (
        "En ny kunde fra {group} er {value} værd det første år (90 %: {range}).",
        "A new customer from {group} is worth {value} in the first year (90%: {range}).",
    ),
    "acq_worth_category": (
        "En ny kunde, der først køber {group}, er {value} værd det første år (90 %: {range}).",
        "A new customer who first buys {group} is worth {value} in the first year (90%: {range}).",
    ),
    "acq_worth_discount_with_code": (
        "En ny kunde med rabatkode på første ordre er {value} værd det første år (90 %: {range}).",
        "A new customer with a discount code on the first order is worth {value} in the "
        "first year (90%: {range}).",
    ),
    "acq_worth_discount_without_code": (
        "En ny kunde uden rabatkode på første ordre er {value} værd det første år (90 %: {range}).",
        "A new customer without a discount code on the first order is worth {value} in the "
        "first year (90%: {range}).",
    ),
    "acq_no_value": (
        "Ingen gruppe er stor nok til at give en ny kundes værdi: det kræver "
        "{min_customers} kunder, hvoraf {min_repeat} har købt igen, og modeller, der "
        "holder.",
        "No group is large enough to give a new customer's value: that takes "
        "{min_customers} customers of whom {min_repeat} bought again, and models that hold.",
    ),
    "acq_value_range": ("{value} (90 %: {range})", "{value} (90%: {range})"),
    # --- the report's section ---
    "answer_acq_title": ("Hvad en ny kunde er værd", "What a new customer is worth"),
    "answer_acq_caption_top": (
        "De {top} største grupper (alle: kunde clv --new-by)",
        "The {top} largest groups (all: kunde clv --new-by)",
    ),
}
