"""Notes a use case gathers for a person: what was detected, skipped or left out.

A use case never prints. It adds each note to a :class:`Notes` as it goes and hands
them back with its result; the command line passes a listener that prints each one
as it comes, so a note said before an error still shows, in the order it was said.

A note is said as a key and values (:func:`kunde_cli.words.said.said`) and worded in
the run's language, which the use case gives its notes once it knows it
(:attr:`Notes.lang`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kunde_cli.words.lang import DEFAULT_LANG
from kunde_cli.words.said import Said, Text, word


@dataclass(frozen=True)
class Note:
    """One line for a person. ``warning`` marks something that may be wrong in the
    data or the answer (the command line shows it as a warning)."""

    said: Text
    warning: bool = False
    #: The language the run chose when the note was said.
    lang: str = DEFAULT_LANG

    @property
    def text(self) -> str:
        """The note in the run's language."""
        return str(word(self.said, self.lang))

    @property
    def key(self) -> str | None:
        """The sentence key, or None for a note given as text."""
        return self.said.key if isinstance(self.said, Said) else None

    def __str__(self) -> str:
        return self.text


class Notes:
    """The notes of one run, in the order they were said.

    ``listener`` (optional) is called with each note as it is added; ``lang`` is the
    language notes are worded in (a use case sets it once it knows the run's).
    """

    def __init__(
        self, listener: Callable[[Note], None] | None = None, lang: str = DEFAULT_LANG
    ) -> None:
        self._items: list[Note] = []
        self._listener = listener
        self.lang = lang

    def add(self, item: Note) -> None:
        self._items.append(item)
        if self._listener is not None:
            self._listener(item)

    def note(self, text: Text) -> None:
        """Add a plain note."""
        self.add(Note(text, lang=self.lang))

    def warn(self, text: Text) -> None:
        """Add a warning."""
        self.add(Note(text, warning=True, lang=self.lang))

    def __iter__(self) -> Iterator[Note]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def as_tuple(self) -> tuple[Note, ...]:
        return tuple(self._items)
