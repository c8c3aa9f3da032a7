"""Labels for people's tables — kept for the modules that import them from here.

Everything lives in :mod:`kunde_cli.words`; this module only passes it on.
"""

from __future__ import annotations

from kunde_cli.words.labels import (
    LABELS,
    LANGS,
    label,
    label_values,
    nps_as_of_note,
    returning_note,
)

__all__ = ["LABELS", "LANGS", "label", "label_values", "nps_as_of_note", "returning_note"]
