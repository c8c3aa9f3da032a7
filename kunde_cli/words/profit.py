"""Words of profit (issue 18 point 7): the cost and discount-code columns at ingest,
profit CLV in ``kunde clv`` and the report's profit section, and the ``[profit]`` table
of kunde.toml.

``WORDS`` maps a key to its (da, en) pair; :func:`kunde_cli.words.labels.label` reads it.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- canonical columns (schema.DISCOUNT_CODE, schema.COST) ---
    "discount_code": ("Rabatkode", "Discount code"),
    "cost": ("Kostpris", "Cost"),
    # --- ingest ---
    "profit_note_cost_reading": (
        "kostpris læst fra '{column}' som linjens samlede kostpris (alle stk.); er det "
        "prisen pr. stk.: --map unit_cost='{column}'",
        "cost read from '{column}' as the line's whole cost (all units); if it is the cost "
        "per unit: --map unit_cost='{column}'",
    ),
    "profit_note_unit_cost_reading": (
        "kostpris læst fra '{column}' som pris pr. stk., ganget med antal",
        "cost read from '{column}' as a cost per unit, times the quantity",
    ),
    "profit_note_negative_cost": (
        "{count:,} salgslinjer har en negativ kostpris i '{column}'; den regnes som en "
        "kostpris (positiv), og kun en kreditlinjes kostpris trækkes fra",
        "{count:,} sale lines have a negative cost in '{column}'; it is read as a cost "
        "(positive), and only a credit line's cost is taken back",
    ),
    "profit_note_unread_cost": (
        "{count:,} linjer har en kostpris i '{column}', der ikke kan læses (række {rows}); "
        "salget tæller med, men linjens kostpris er ukendt",
        "{count:,} lines have a cost in '{column}' that cannot be read (row {rows}); the "
        "sale counts, but the line's cost is unknown",
    ),
    # --- kunde.toml [profit] ---
    "profit_config_same_category": (
        "[profit] margin_by_category: '{first}' og '{second}' er samme kategori (store og "
        "små bogstaver og mellemrum tæller ikke), men har to marginer",
        "[profit] margin_by_category: '{first}' and '{second}' are the same category (case "
        "and spaces do not count), but have two margins",
    ),
    "profit_config_margin_hint": (
        "en margin er en andel af beløbet: margin = 0.35 betyder 35 % dækningsbidrag",
        "a margin is a share of the amount: margin = 0.35 means 35 % profit",
    ),
    # --- columns (kunde clv, the report) ---
    "profit_to_date": ("Dækningsbidrag til dato", "Profit to date"),
    "margin_share": ("Dækningsgrad", "Margin"),
    "simple_profit_clv": ("Simpel profit-CLV", "Simple profit CLV"),
    "avg_simple_profit_clv": ("Gns. simpel profit-CLV", "Avg. simple profit CLV"),
    "predicted_profit_clv": ("Forventet profit-CLV", "Predicted profit CLV"),
    "avg_predicted_profit_clv": ("Gns. forventet profit-CLV", "Avg. predicted profit CLV"),
    # --- notes: the rules and where each line's profit came from ---
    "profit_rule": (
        "Profit-CLV = CLV × kundens dækningsgrad (dækningsbidrag / omsætning på de linjer, "
        "hvor dækningsbidraget kendes). Dækningsbidrag pr. linje: beløb − kostpris, ellers "
        "beløb × kategoriens margin, ellers beløb × butikkens margin; refusioner og "
        "kreditnotaer trækkes fra som i omsætningen.",
        "Profit CLV = CLV × the customer's margin (profit / revenue on the lines whose "
        "profit is known). Profit per line: amount − cost, else amount × its category's "
        "margin, else amount × the shop's margin; refunds and credit notes are netted as "
        "in revenue.",
    ),
    "profit_sources": ("Dækningsbidrag fra: {parts}.", "Profit from: {parts}."),
    "profit_vat_taken_off": (
        "Beløbene er regnet uden moms ({rate}) før kostpris og margin ([profit] vat i kunde.toml).",
        "The amounts are taken without VAT ({rate}) before cost and margin ([profit] vat "
        "in kunde.toml).",
    ),
    "profit_vat_hint": (
        "Beløbene er brugt, som de står i eksporten. Er de med moms, og kostpriserne uden, "
        "så sæt vat = 0.25 under [profit] i kunde.toml — ellers bliver dækningsbidraget for "
        "højt.",
        "The amounts are used as the export has them. If they include VAT and the costs do "
        "not, set vat = 0.25 under [profit] in kunde.toml — else the profit comes out too "
        "high.",
    ),
    "profit_source_cost": ("kostpris på {lines} linje(r)", "cost on {lines} line(s)"),
    "profit_source_category": (
        "kategoriens margin på {lines} linje(r)",
        "the category's margin on {lines} line(s)",
    ),
    "profit_source_shop": (
        "butikkens margin ({margin}) på {lines} linje(r)",
        "the shop's margin ({margin}) on {lines} line(s)",
    ),
    "profit_source_none": (
        "ukendt på {lines} linje(r) (ingen kostpris eller margin: kunden regnes med sine "
        "andre linjers dækningsgrad)",
        "unknown on {lines} line(s) (no cost or margin: the customer's other lines' margin "
        "is used)",
    ),
    "profit_predicted_rule": (
        "Forventet profit-CLV = forventet værdi × kundens egen dækningsgrad til dato; "
        "kunder uden én får butikkens ({share}).",
        "Predicted profit CLV = predicted value × the customer's own margin to date; "
        "customers without one get the shop's ({share}).",
    ),
    "profit_unused_categories": (
        "kategorier i kunde.toml [profit.margin_by_category], som ingen ordrelinje har: {names}",
        "categories in kunde.toml [profit.margin_by_category] that no order line has: {names}",
    ),
    "profit_unknown_customers": (
        "{n} kunde(r) uden kendt dækningsbidrag ({revenue}) er ikke talt med i "
        "dækningsbidraget og dækningsgraden: ingen af deres linjer har kostpris eller margin.",
        "{n} customer(s) without a known profit ({revenue}) are not counted in the profit "
        "and the margin: none of their lines has a cost or a margin.",
    ),
    "profit_clv_summary": (
        "Kunderne har givet {profit} i dækningsbidrag ({share} af omsætningen); den "
        "gennemsnitlige kunde er {avg_clv} i dækningsbidrag værd efter den simple formel "
        "(simpel profit-CLV).",
        "Customers have brought {profit} in profit ({share} of revenue); the average "
        "customer is worth {avg_clv} in profit by the simple formula (simple profit CLV).",
    ),
    # --- the report's section ---
    "answer_profit_title": ("Profit-CLV og dækningsbidrag", "Profit CLV"),
    "answer_profit_sentence": (
        "Kunderne har givet {profit} i dækningsbidrag af {revenue} i omsætning "
        "(dækningsgrad {share}).",
        "Customers have brought {profit} in profit on {revenue} of revenue (margin {share}).",
    ),
    "answer_profit_caption": (
        "Pr. segment: omsætning og dækningsbidrag til dato i alt, profit-CLV i gennemsnit "
        "pr. kunde",
        "Per segment: revenue and profit to date in total, profit CLV on average per customer",
    ),
}
