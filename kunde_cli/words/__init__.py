"""Every label, sentence and number/date format kunde shows a person, in da and en.

The lowest floor: words imports nothing of kunde_cli but itself, so every layer —
errors and config included — can say something as a key and values
(:func:`~kunde_cli.words.said.said`) and whoever shows it words it in the run's language.
Analytics return keys and facts; render/ (or whoever shows them) turns them into words.

- :mod:`~kunde_cli.words.labels`: column headers and key values (``label``,
  ``label_values``) and short keyed sentences in ``LABELS``.
- :mod:`~kunde_cli.words.numbers`: numbers, money, per cent and dates.
- :mod:`~kunde_cli.words.actions`: segment, rung and tier names and suggested actions.
- :mod:`~kunde_cli.words.personas`: the persona cards of ``kunde profiles``.
- :mod:`~kunde_cli.words.explain`: the rule sentences of ``kunde explain``.
- :mod:`~kunde_cli.words.report`: the HTML report's texts.
- :mod:`~kunde_cli.words.inspect`: the texts of ``kunde inspect``.
- :mod:`~kunde_cli.words.said`: :class:`~kunde_cli.words.said.Said`, a sentence said as a
  key and values before its language is known.
- ``errors``, ``config``, ``ingest``, ``store``, ``models``, ``output``, ``commands``:
  the keyed sentences (``WORDS``) of each part of kunde, joined into ``LABELS``.
"""

from __future__ import annotations

from kunde_cli.words.labels import (
    LABELS,
    label,
    label_values,
    nps_as_of_note,
    returning_note,
    say,
)
from kunde_cli.words.lang import DEFAULT_LANG, LANGS, pick
from kunde_cli.words.numbers import (
    format_date,
    format_money,
    format_number,
    format_percent,
    format_points,
)

__all__ = [
    "DEFAULT_LANG",
    "LABELS",
    "LANGS",
    "format_date",
    "format_money",
    "format_number",
    "format_percent",
    "format_points",
    "label",
    "label_values",
    "nps_as_of_note",
    "pick",
    "returning_note",
    "say",
]
