"""Number formatting for people — kept for the modules that import it from here.

The formats live in :mod:`kunde_cli.words.numbers`; this module only passes them on.
"""

from __future__ import annotations

from kunde_cli.words.numbers import (
    format_date,
    format_money,
    format_number,
    format_percent,
    format_points,
)

__all__ = ["format_date", "format_money", "format_number", "format_percent", "format_points"]
