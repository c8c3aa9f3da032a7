"""Words of the seasonality guard (``analytics/seasonality.py``): the month names and the
warning ``kunde clv --holdout`` gives when the holdout straddles the shop's peak months.

``WORDS`` maps a key to its (da, en) pair; :func:`kunde_cli.words.labels.label` reads it.
"""

from __future__ import annotations

_MONTHS = (
    ("januar", "January"),
    ("februar", "February"),
    ("marts", "March"),
    ("april", "April"),
    ("maj", "May"),
    ("juni", "June"),
    ("juli", "July"),
    ("august", "August"),
    ("september", "September"),
    ("oktober", "October"),
    ("november", "November"),
    ("december", "December"),
)

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    **{f"season_month_{i}": pair for i, pair in enumerate(_MONTHS, start=1)},
    "season_holdout_peak": (
        "Perioden, modellen efterprøves på, rummer butikkens højsæson ({months}), som den ikke "
        "kender: perioden ventes at give {expected} af et års omsætning, mens dens længde kun er "
        "{length}. Sammenlign hellere over et helt år: {command}",
        "The holdout holds the shop's peak season ({months}), which the model does not "
        "know: it is expected to bring {expected} of a year's revenue while its length is "
        "only {length}. Compare over a whole year instead: {command}",
    ),
}
