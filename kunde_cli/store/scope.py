"""Whom ``kunde forget`` erases: the customer ids a query names, or a refusal saying why
not (see :mod:`kunde_cli.store.erase` for the erasing).

The identity map (:mod:`kunde_cli.identity`) groups *customer ids* — the
customer numbers of the exports (an e-mail or phone where a line had no number) — into
kunde's customers, linked by a shared e-mail or phone. A query (an e-mail, a customer
id, else a phone number) names the customer ids that carry it. ``forget`` erases
exactly those ids' lines, and only when that is unambiguous:

* a key (e-mail or phone) on the lines of :data:`PLACEHOLDER_MIN_CUSTOMERS` (3) or more
  different customer ids is a *placeholder* (a shop's own phone typed for walk-ins,
  ``kunde@butik.dk``), not a person: ``forget`` never erases by it;
* a phone on two or more customer ids (a household's landline), or a key on customers
  kunde counts apart, is shared: refused (an e-mail on two ids of one kunde customer is
  taken as one person in two shop systems, and both are erased);
* an id that kunde counts together with other ids (the identity map linked them by a
  shared e-mail or phone — one person in two shop systems, or two people of one
  household) is refused too, with the list.

Each refusal names the ids and how to go on: ``--customer ID[,ID…]`` says exactly which
customer ids to erase (they must be among those listed). Erasing only some ids of a
kunde customer splits it: the other ids stay, untouched, and count as a customer of
their own from then on (the message says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from kunde_cli import identity as ident
from kunde_cli.errors import KundeError
from kunde_cli.words.said import Said, Text, said

#: An e-mail or phone on the lines of this many different customer ids or more is a
#: placeholder, not a person: ``forget`` never erases by it (and never remembers it).
PLACEHOLDER_MIN_CUSTOMERS = 3
#: A refusal lists at most this many customer ids (then "and N more").
LIST_AT_MOST = 30

_WHO = "_who"


class ForgetRefused(KundeError):
    """``forget`` would touch someone not asked for (a shared key, a placeholder, ids
    kunde counts as one customer): nothing was changed."""

    kind = "forget"


@dataclass(frozen=True)
class ForgetPlan:
    """Whom :func:`kunde_cli.store.erase.forget` will erase (computed before anything is
    written)."""

    query: str
    ids: tuple[str, ...]  # the customer ids whose lines are erased (as in the exports)
    customer: str | None  # the kunde customer (canonical id) they belong to
    kept_apart: tuple[str, ...]  # ids of that customer that stay: now a customer of their own
    person: pl.DataFrame = field(repr=False)  # identity rows (triples) to erase


def _probe(value: str) -> tuple[str | None, str | None]:
    """The normalised e-mail and phone of what the user typed (None: not one)."""
    probe = pl.DataFrame({"q": [value]}, schema={"q": pl.String}).select(
        ident.normalise_email_expr("q").alias("email"),
        ident.normalise_phone_expr("q").alias("phone"),
    )
    email, phone = probe.row(0)
    return email, phone


def _with_who(identity: pl.DataFrame) -> pl.DataFrame:
    """The identity map with ``_who``: the customer id a row belongs to, with an e-mail
    that stands in for a missing number normalised (``Anna@X.dk`` and ``anna@x.dk`` as
    fallback ids are one customer id), and the same for a phone standing in."""
    id_key = pl.col(ident.ID_KEY)
    as_phone = ident.normalise_phone_expr(id_key)
    return identity.with_columns(
        pl.coalesce(
            ident.normalise_email_expr(id_key),
            pl.when(as_phone == pl.col(ident.PHONE_KEY)).then(as_phone),
            id_key,
            ident.EMAIL_KEY,
            ident.PHONE_KEY,
        ).alias(_WHO)
    )


def _id_matches(value: str) -> pl.Expr:
    """Rows whose customer id is ``value`` (an e-mail standing in: up to case/spaces)."""
    email, _ = _probe(value)
    match = pl.col(ident.ID_KEY) == value.strip()
    if email is not None:
        match = match | (pl.col(_WHO) == email)
    return match.fill_null(False)


def _shown(frame: pl.DataFrame) -> list[str]:
    """The customer ids of ``frame``'s rows as the exports wrote them, one per customer."""
    return (
        frame.group_by(_WHO)
        .agg(pl.coalesce(ident.ID_KEY, _WHO).min().alias("_shown"))
        .get_column("_shown")
        .sort()
        .to_list()
    )


def _listed(ids: Sequence[str]) -> Text:
    shown = ", ".join(ids[:LIST_AT_MOST])
    more = len(ids) - LIST_AT_MOST
    return said("scope_listed_more", shown=shown, more=more) if more > 0 else shown


def plan_forget(identity: pl.DataFrame, query: str, customers: Sequence[str] = ()) -> ForgetPlan:
    """Whom ``forget query`` erases, or :class:`ForgetRefused` saying why not.

    ``identity`` is the workspace's identity map; ``customers`` the ids the user named
    with ``--customer`` (each must be among the customers the query reaches). A query
    that names no customer of the orders gives a plan with no ids (the survey answers
    may still name them).
    """
    query = query.strip()
    email, phone = _probe(query)
    who = _with_who(identity)
    match = _id_matches(query)
    via = "id"
    if email is not None:
        match = match | (pl.col(ident.EMAIL_KEY) == email).fill_null(False)
        via = "e-mail"
    hits = who.filter(match)
    if hits.height and via == "e-mail" and hits.filter(_id_matches(query)).height == hits.height:
        via = "id"
    if not hits.height and phone is not None:
        hits = who.filter((pl.col(ident.PHONE_KEY) == phone).fill_null(False))
        via = "phone"
    if not hits.height:
        if customers:
            raise ForgetRefused(
                said("scope_no_match", query=query), hint=said("scope_no_match_hint")
            )
        return ForgetPlan(query, (), None, (), who.clear().drop(_WHO))
    groups = hits.get_column(ident.CANONICAL_ID).unique()
    reach = who.filter(pl.col(ident.CANONICAL_ID).is_in(groups.implode()))
    if customers:
        named = reach.filter(pl.any_horizontal(_id_matches(c) for c in customers))
        unknown = [c for c in customers if not reach.filter(_id_matches(c)).height]
        if unknown:
            raise ForgetRefused(
                said("scope_not_reached", id=unknown[0], query=query, ids=_listed(_shown(reach))),
                hint=said("scope_not_reached_hint"),
            )
        chosen = named.get_column(_WHO).unique()
    else:
        chosen = hits.get_column(_WHO).unique()
        example = _shown(hits)[0]
        hint = said("scope_name_whom_hint", query=query, example=example)
        if via != "id" and chosen.len() >= PLACEHOLDER_MIN_CUSTOMERS:
            raise ForgetRefused(
                said(
                    "scope_placeholder",
                    query=query,
                    n=chosen.len(),
                    ids=_listed(_shown(hits)),
                    shared=said("scope_shared_email" if via == "e-mail" else "scope_shared_phone"),
                ),
                hint=hint,
            )
        if via == "phone" and chosen.len() > 1:
            # A phone shared by a few ids is a household's landline more often than one
            # person in two systems (an e-mail shared by two ids is taken as one person).
            everyone = _shown(hits)
            raise ForgetRefused(
                said("scope_phone_shared", query=query, n=chosen.len(), ids=_listed(everyone)),
                hint=said(
                    "scope_phone_shared_hint",
                    query=query,
                    first=everyone[0],
                    all=",".join(everyone),
                ),
            )
        if groups.len() > 1:
            raise ForgetRefused(
                said(
                    "scope_many_customers", query=query, n=groups.len(), ids=_listed(_shown(hits))
                ),
                hint=hint,
            )
        others = reach.filter(~pl.col(_WHO).is_in(chosen.implode()))
        if others.height:
            mine = _shown(hits)
            everyone = _shown(reach)
            link = _link(hits, others)
            raise ForgetRefused(
                said(
                    "scope_linked",
                    query=query,
                    mine=_listed(mine),
                    everyone=_listed(everyone),
                    shared=link,
                ),
                hint=said(
                    "scope_linked_hint",
                    mine=", ".join(mine),
                    mine_ids=",".join(mine),
                    all=",".join(everyone),
                ),
            )
    person = reach.filter(pl.col(_WHO).is_in(chosen.implode()))
    own = person.get_column(ident.CANONICAL_ID).unique().implode()
    kept = reach.filter(
        pl.col(ident.CANONICAL_ID).is_in(own) & ~pl.col(_WHO).is_in(chosen.implode())
    )
    customer = person.get_column(ident.CANONICAL_ID).drop_nulls().min()
    return ForgetPlan(
        query=query,
        ids=tuple(sorted(person.get_column(ident.ID_KEY).drop_nulls().unique().to_list())),
        customer=str(customer) if customer is not None else None,
        kept_apart=tuple(_shown(kept)) if kept.height else (),
        person=person.drop(_WHO),
    )


def _link(mine: pl.DataFrame, others: pl.DataFrame) -> Said:
    """What joins ``others`` to ``mine`` in the identity map: a shared e-mail or phone."""
    for key, shared_key in (
        (ident.EMAIL_KEY, "scope_shared_email"),
        (ident.PHONE_KEY, "scope_shared_phone"),
    ):
        shared = (
            mine.get_column(key).drop_nulls().is_in(others.get_column(key).drop_nulls().implode())
        )
        if shared.any():
            return said(shared_key)
    return said("scope_shared_either")


def placeholder_keys(identity: pl.DataFrame) -> set[str]:
    """E-mails and phones on the lines of :data:`PLACEHOLDER_MIN_CUSTOMERS` or more ids."""
    who = _with_who(identity)
    found: set[str] = set()
    for key in (ident.EMAIL_KEY, ident.PHONE_KEY):
        found.update(
            who.filter(pl.col(key).is_not_null())
            .group_by(key)
            .agg(pl.col(_WHO).n_unique().alias("_n"))
            .filter(pl.col("_n") >= PLACEHOLDER_MIN_CUSTOMERS)
            .get_column(key)
            .to_list()
        )
    return found
