"""A keyed sentence said before its language is known: :class:`Said`.

Lower layers (ingest, store, analytics, config, errors) do not know which language the
person reads. They say *what* happened as a key and its values —
``said("file_not_found", name="ordrer.csv")`` — and whoever shows it words it in the
run's language (:func:`word`). The sentences themselves live in the ``WORDS`` tables
of this package, one pair (da, en) per key.

A value may itself be a :class:`Said` (a reason inside a sentence): it is worded in the
same language. A :class:`Figure` (``figure(1234.5, 2)``, a money amount, a share) is
written as that language writes numbers (1.234,50 / 1,234.50). Anything else is shown
with ``str.format``: paths, counts and names are facts, not words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kunde_cli.words.lang import DEFAULT_LANG

__all__ = ["Figure", "Said", "Text", "figure", "said", "word"]


@dataclass(frozen=True)
class Figure:
    """A number to be written as the reader's language writes it: ``kind`` is
    ``number`` (with ``decimals``), ``money`` (in ``currency``) or ``percent`` (a share,
    0.25 → 25 %)."""

    value: float | int | None
    decimals: int = 0
    kind: str = "number"
    currency: str = "kr."

    def worded(self, lang: str = DEFAULT_LANG) -> str:
        """The number in ``lang``.

        >>> figure(1234.5, 2).worded("da"), figure(0.25, kind="percent").worded("en")
        ('1.234,50', '25.0%')
        """
        from kunde_cli.words import numbers

        if self.kind == "money":
            return numbers.format_money(self.value, lang, self.currency, self.decimals)
        if self.kind == "percent":
            return numbers.format_percent(self.value, lang, max(self.decimals, 1))
        return numbers.format_number(self.value, lang, self.decimals)


def figure(
    value: float | int | None, decimals: int = 0, *, kind: str = "number", currency: str = "kr."
) -> Figure:
    """A :class:`Figure` to pass as a value of :func:`said`."""
    return Figure(value, decimals, kind, currency)


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
    """``text`` worded in ``lang`` when it is :class:`Said` or :class:`Figure`, else as is.

    >>> word("ordrer.csv", "da"), word(said("disk_full"), "da"), word(figure(0.5, 1), "da")
    ('ordrer.csv', 'disken er fuld', '0,5')
    """
    if isinstance(text, (Said, Figure)):
        return text.worded(lang)
    return text
