"""Every label, sentence and number/date format kunde shows a person, in da and en.

The ground floor: words imports nothing of kunde_cli but :mod:`kunde_cli.schema` and
:mod:`kunde_cli.errors`. Analytics return keys and facts; render/ (or whoever shows
them) turns those into words here.

- :mod:`~kunde_cli.words.labels`: column headers and key values (``label``,
  ``label_values``) and short keyed sentences in ``LABELS``.
- :mod:`~kunde_cli.words.numbers`: numbers, money, per cent and dates.
- :mod:`~kunde_cli.words.actions`: segment, rung and tier names and suggested actions.
- :mod:`~kunde_cli.words.personas`: the persona cards of ``kunde profiles``.
- :mod:`~kunde_cli.words.explain`: the rule sentences of ``kunde explain``.
- :mod:`~kunde_cli.words.report`: the HTML report's texts.
- :mod:`~kunde_cli.words.inspect`: the texts of ``kunde inspect``.
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
