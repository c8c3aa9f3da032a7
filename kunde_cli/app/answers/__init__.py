"""The report's answer sections: one module per answer, found by discovery.

Each module here (``backtest``, ``due``, ``season`` …) turns the report's analyses
into the facts of one section and is paired with a module of the same name in
:mod:`kunde_cli.render.answers` that words and draws them. A module defines

* ``ORDER: int`` — where its section stands in the report (lower first);
* ``build(ctx: AnswerContext) -> object | None`` — the section's facts (a small frozen
  object or frame; no words, no rendering), or None when the section has nothing to
  say for this shop (no repeat buyers, no survey, no model …).

Adding a section is adding the two modules: :func:`build_answers` and
:func:`kunde_cli.render.answers.answer_parts` find them by name, so sections built
apart never edit the same lines.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.analytics.clv.predict import ClvResult, FitStore
    from kunde_cli.analytics.orders import OrderBasis
    from kunde_cli.config import Config


@dataclass(frozen=True)
class AnswerContext:
    """What every answer section may read, computed once by the report.

    ``lines`` the order basis at ``as_of``; ``survey`` the answers (None without a
    survey) counted up to ``answers_as_of``; ``segments`` one row per customer with its
    RFM segment; ``tiers`` the churn tiers per customer; ``clv`` the fitted model
    (None when the report fits none or the fit failed); ``fits`` the workspace's fit
    cache; ``anonymise_salt`` set for an anonymised report (pseudonymise every
    per-customer list, leave out free text); ``inputs`` what the command line passes to
    a section by name (for example the workspace folder for follow-up statuses).
    """

    lines: OrderBasis
    as_of: date
    config: Config
    survey: pl.LazyFrame | None
    answers_as_of: date
    segments: pl.DataFrame
    tiers: pl.DataFrame
    clv: ClvResult | None = None
    fit_model: bool = True
    fits: FitStore | None = None
    anonymise_salt: str | None = None
    inputs: Mapping[str, Any] = field(default_factory=dict)


def section_names() -> list[str]:
    """The answer modules, in report order (their ``ORDER``, then name)."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.append((int(getattr(module, "ORDER", 100)), info.name))
    return [name for _, name in sorted(found)]


def build_answers(ctx: AnswerContext) -> dict[str, object]:
    """Every section's facts by name, in report order (sections with nothing to say
    are left out)."""
    answers: dict[str, object] = {}
    for name in section_names():
        facts = importlib.import_module(f"{__name__}.{name}").build(ctx)
        if facts is not None:
            answers[name] = facts
    return answers
