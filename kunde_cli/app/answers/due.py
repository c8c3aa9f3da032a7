"""Regular buyers due this week or overdue (issue 18, point 6; the list of
``kunde churn --due``, :func:`kunde_cli.analytics.regularity.due_list`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.app.answers import AnswerContext

ORDER = 20

#: Customers shown in the report (the whole list is ``kunde churn --due``).
TOP_DUE = 15


@dataclass(frozen=True)
class DueFacts:
    """``regular`` regular buyers, of whom ``due`` are due this week and ``overdue``
    overdue; ``listed`` the most valuable of those (at most :data:`TOP_DUE`);
    ``consent_checked`` when e-mails are shown only with marketing consent."""

    regular: int
    due: int
    overdue: int
    listed: pl.DataFrame
    consent_checked: bool


def build(ctx: AnswerContext) -> DueFacts | None:
    """None when the shop has no regular buyers yet."""
    import polars as pl

    from kunde_cli.analytics import regularity as reg

    every = reg.regularity(ctx.lines, as_of=ctx.as_of).collect()
    regular = every.filter(pl.col(reg.STATUS).is_in(list(reg.REGULAR_STATUSES))).height
    if regular == 0:
        return None
    listed = reg.due_list(ctx.lines, as_of=ctx.as_of, every=every).collect()
    statuses = listed.get_column(reg.STATUS)
    shown = listed.head(TOP_DUE).select(
        "customer_id",
        "name",
        "email",
        reg.STATUS,
        reg.EXPECTED_NEXT,
        reg.USUAL_GAP,
        reg.REVENUE,
    )
    if ctx.anonymise_salt is not None:
        from kunde_cli.analytics.export_lists import pseudonymise

        shown = pseudonymise(shown, salt=ctx.anonymise_salt)
    return DueFacts(
        regular=regular,
        due=int((statuses == reg.STATUS_DUE).sum()),
        overdue=int((statuses == reg.STATUS_OVERDUE).sum()),
        listed=shown.with_columns(pl.coalesce("name", "customer_id").alias("name")).drop(
            "customer_id"
        ),
        consent_checked=reg.consent_checked(ctx.lines, as_of=ctx.as_of),
    )
