"""The report's follow-up section (issue 18 point 8): how many unhappy customers are
open, contacted or resolved, and what each NPS group writes about.

The cases are the current ones (each respondent's latest answer up to the NPS date,
a detractor's or a passive's: :func:`kunde_cli.analytics.follow_up.current_cases`);
their statuses come from the workspace (``follow_up.parquet``, kept by ``kunde nps
--follow-up`` — the command line passes the folder as ``ctx.inputs["workspace"]``). An
answer no follow-up run has seen yet counts as open. Without stored statuses the
section gives the themes alone and says how to start. Anonymised, the themes keep only
words from at least five comments; no names or comments are shown either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.app.answers import AnswerContext

ORDER = 70

#: Themes: words per group, and the fewest comments a word needs (anonymised: five, as
#: the report's NPS terms).
THEME_WORDS = 5
MIN_COMMENTS = 2
MIN_COMMENTS_ANONYMISED = 5


@dataclass(frozen=True)
class FollowUpFacts:
    """``counts``: cases per group and status (analytics.follow_up.status_counts), None
    when the workspace keeps no statuses; ``new``: current cases no follow-up run has
    seen (counted open); ``themes``: words per group (analytics.follow_up.comment_themes)."""

    counts: pl.DataFrame | None
    new: int
    themes: pl.DataFrame
    anonymised: bool


def build(ctx: AnswerContext) -> FollowUpFacts | None:
    """The section's facts, or None without survey answers."""
    import polars as pl

    from kunde_cli import schema as s
    from kunde_cli.analytics import follow_up as fu
    from kunde_cli.analytics.nps import answers_up_to, link_answers
    from kunde_cli.store.erase import ERASED_PREFIX

    if ctx.survey is None:
        return None
    answers = answers_up_to(ctx.survey, as_of=ctx.answers_as_of)
    anonymised = ctx.anonymise_salt is not None
    themes = fu.comment_themes(
        answers,
        n=THEME_WORDS,
        min_count=MIN_COMMENTS_ANONYMISED if anonymised else MIN_COMMENTS,
        words_only=True,
    ).collect()
    counts, new = None, 0
    folder = ctx.inputs.get("workspace")
    stored = None
    if folder is not None:
        from kunde_cli.store.follow_up import statuses_in

        stored = statuses_in(folder)
    if stored is not None and stored.height:
        linked = link_answers(answers, ctx.lines).filter(
            ~pl.col(s.CUSTOMER_ID).str.starts_with(ERASED_PREFIX).fill_null(False)
        )
        cases = fu.current_cases(linked, answers_as_of=None).collect()
        seen = cases.get_column(s.RESPONSE_ID).is_in(stored.get_column(s.RESPONSE_ID).implode())
        new = int((~seen).sum())
        counts = fu.status_counts(fu.carry_forward(cases, stored))
    if counts is None and themes.height == 0:
        return None
    return FollowUpFacts(counts=counts, new=new, themes=themes, anonymised=anonymised)
