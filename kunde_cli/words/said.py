"""A keyed sentence said before its language is known: :class:`Said`.

Lower layers (ingest, store, analytics, config, errors) do not know which language the
person reads. They say *what* happened as a key and its values —
``said("file_not_found", name="ordrer.csv")`` — and whoever shows it words it in the
run's language (:func:`word`). The sentences themselves live in the ``WORDS`` tables
of this package, one pair (da, en) per key.

A value may itself be a :class:`Said` (a reason inside a sentence): it is worded in the
same language. Anything else is shown with ``str.format``: paths, numbers and names are
facts, not words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kunde_cli.words.lang import DEFAULT_LANG

__all__ = ["Said", "Text", "said", "word"]


@dataclass(frozen=True)
class Said:
    """The sentence ``key`` with its ``values``, to be worded in any language.

    >>> note = said("ingest_skipped_same_file", path="ordrer.csv", day="2026-12-01")
    >>> note.key
    'ingest_skipped_same_file'
    >>> note.worded("en")
    'ordrer.csv: already ingested on 2026-12-01; skipped (the same file)'
    """

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    def worded(self, lang: str = DEFAULT_LANG) -> str:
        """This sentence in ``lang``; a value that is itself Said is worded too."""
        from kunde_cli.words.labels import say

        shown = {name: word(value, lang) for name, value in self.values}
        return say(self.key, lang, **shown)

    def value(self, name: str) -> Any:
        """The value ``name`` this sentence carries (a KeyError when it has none)."""
        for given, value in self.values:
            if given == name:
                return value
        raise KeyError(name)

    def __str__(self) -> str:
        # Logs, tracebacks and Python callers that never chose a language read English.
        return self.worded("en")


#: What a person may be shown: a plain string (a name, a path, a number) or a Said.
Text = str | Said


def said(key: str, **values: Any) -> Said:
    """A :class:`Said` for ``key`` with ``values`` (in the order given).

    >>> said("file_not_found", name="x.csv").values
    (('name', 'x.csv'),)
    """
    return Said(key, tuple(values.items()))


def word(text: object, lang: str = DEFAULT_LANG) -> Any:
    """``text`` worded in ``lang`` when it is :class:`Said`; anything else unchanged.

    >>> word("ordrer.csv", "da"), word(said("file_not_found", name="x.csv"), "da")
    ('ordrer.csv', 'x.csv: filen findes ikke')
    """
    if isinstance(text, Said):
        return text.worded(lang)
    return text
