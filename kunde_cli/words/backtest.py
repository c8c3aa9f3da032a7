"""Words of the back-test (``analytics/backtest.py``, ``kunde backtest`` and its report
section): the verdict sentence, the tables' labels, the P(alive) cut-off and the
one-time buyers' reason.

``WORDS`` maps a key to its (da, en) pair; :func:`kunde_cli.words.labels.label` reads it.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    "backtest_too_few": (
        "for lidt at efterprøve på: kun {customers} kunder havde købt før {day} (mindst {needed})",
        "too little to back-test: only {customers} customers had bought before {day} "
        "(at least {needed})",
    ),
    "backtest_too_few_hint": (
        "prøv en kortere periode, fx --holdout 8w, eller vent til der er mere historik",
        "try a shorter period, e.g. --holdout 8w, or wait for more history",
    ),
    "backtest_no_fit": (
        "ingen model kunne tilpasses på tiden før perioden: {why}",
        "no model could be fitted on the time before the holdout: {why}",
    ),
}
