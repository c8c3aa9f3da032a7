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
}
