"""Names and suggested actions for segments and ladder rungs: the keys' words.

The words live in :mod:`kunde_cli.words.actions`; the analyses (rfm, ladder, export
lists) take them from here by key.
"""

from __future__ import annotations

from kunde_cli.words.actions import (
    GENERIC_ACTION,
    RUNG_NAMES,
    RUNG_NEXT_STEPS,
    SEGMENT_ACTIONS,
    SEGMENT_NAMES,
    rung_name,
    rung_next_step,
    rung_next_step_expr,
    segment_action,
    segment_action_expr,
    segment_name,
)
from kunde_cli.words.lang import LANGS

__all__ = [
    "GENERIC_ACTION",
    "LANGS",
    "RUNG_NAMES",
    "RUNG_NEXT_STEPS",
    "SEGMENT_ACTIONS",
    "SEGMENT_NAMES",
    "rung_name",
    "rung_next_step",
    "rung_next_step_expr",
    "segment_action",
    "segment_action_expr",
    "segment_name",
]
