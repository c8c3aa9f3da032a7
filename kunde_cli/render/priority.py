"""Which columns of a terminal table stay when the screen is too narrow: each command
declares its :class:`Priority` once, beside it (a module constant in ``kunde_cli/cli``),
and :mod:`kunde_cli.render.terminal` leaves columns out in that order. Kept apart from
the renderer so a command declares it without loading Rich."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DEFAULT_PRIORITY", "Priority"]


@dataclass(frozen=True)
class Priority:
    """Which columns of a command's terminal table stay when the screen is too narrow.

    Declared once per command (beside it in ``kunde_cli/cli``). The first column (who or
    what a row is) and the columns in ``keep`` (the main measure) are never left out;
    the columns in ``drop`` go first, in that order; any other column after them, the
    rightmost first. A name the frame does not have is passed over, so one declaration
    serves a command's views with and without a model's columns.
    """

    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()

    def leaving_order(self, names: Sequence[str]) -> list[str]:
        """The columns of ``names`` that may be left out, in the order they go."""
        kept = {*self.keep, *names[:1]}
        named = [n for n in dict.fromkeys(self.drop) if n in names and n not in kept]
        rest = [n for n in reversed(names) if n not in kept and n not in named]
        return named + rest


#: When a command declares nothing: the first column stays, the others go from the right.
DEFAULT_PRIORITY = Priority()
