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
    "reject_not_a_cost": ("ikke en kostpris", "not a cost"),
}
