"""Notes a use case gathers for a person: what was detected, skipped or left out.

A use case never prints. It adds each note to a :class:`Notes` as it goes and hands
them back with its result; the command line passes a listener that prints each one
as it comes, so a note said before an error still shows, in the order it was said.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    """One line for a person. ``warning`` marks something that may be wrong in the
    data or the answer (the command line shows it as a warning)."""

    text: str
    warning: bool = False

    def __str__(self) -> str:
        return self.text


class Notes:
    """The notes of one run, in the order they were said.

    ``listener`` (optional) is called with each note as it is added.
    """

    def __init__(self, listener: Callable[[Note], None] | None = None) -> None:
        self._items: list[Note] = []
        self._listener = listener

    def add(self, item: Note) -> None:
        self._items.append(item)
        if self._listener is not None:
            self._listener(item)

    def note(self, text: str) -> None:
        """Add a plain note."""
        self.add(Note(text))

    def warn(self, text: str) -> None:
        """Add a warning."""
        self.add(Note(text, warning=True))

    def __iter__(self) -> Iterator[Note]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def as_tuple(self) -> tuple[Note, ...]:
        return tuple(self._items)
