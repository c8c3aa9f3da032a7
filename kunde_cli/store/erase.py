"""Erasing one person (``kunde forget``): whom a query names, rewriting each part frame
without their personal data, and a keyed-hash tombstone that notices them coming back.

Whom a query names
------------------
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

The erased lines keep their amounts and dates under one new random anonymous id
(``erased-…``) per kunde customer, so the customer count, every segment and every
other customer's numbers stay exactly as they were. Survey answers and refused rows go
by the erased ids and by the keys only they had: an answer from a key a kept customer
still has (a family e-mail), or given under a kept customer's id, stays theirs (the
message counts such answers).

The tombstone
-------------
What was erased (normalised e-mails, phones and customer ids) is remembered as
HMAC-SHA256 digests keyed with a random per-workspace key (:data:`KEY_FILE`, 0600),
listed with each erasure in the manifest; never the values themselves, and never a key
another customer still has or a placeholder. :func:`returning` counts the rows of an
ingest that carry an erased key, so an erased person brought back by a newer export is
reported, not silently stored again.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from kunde_cli import identity as ident
from kunde_cli import schema as s
from kunde_cli.errors import KundeError, WorkspaceError

if TYPE_CHECKING:
    from kunde_cli.store import Workspace
    from kunde_cli.store.manifest import Erasure, Manifest
    from kunde_cli.store.written import Written

#: Prefix of the anonymous id that replaces an erased customer's id.
ERASED_PREFIX = "erased-"
#: Columns cleared by :func:`forget`.
ORDERS_ERASED_COLUMNS = (s.EMAIL, s.NAME, s.PHONE, s.POSTCODE, s.CITY)
SURVEY_ERASED_COLUMNS = (s.EMAIL, s.NAME, s.COMMENT)
#: An e-mail or phone on the lines of this many different customer ids or more is a
#: placeholder, not a person: ``forget`` never erases by it (and never remembers it).
PLACEHOLDER_MIN_CUSTOMERS = 3
#: The workspace file holding the tombstone's random HMAC key (32 bytes as hex, 0600).
#: How long forget waits for a running kunde run to stop reading the old files that
#: still hold the person before it says they are still there.
OLD_FILES_WAIT_SECONDS = 5.0
KEY_FILE = "forget.key"
KEY_BYTES = 32
#: A refusal lists at most this many customer ids (then "and N more").
LIST_AT_MOST = 30
# An eraser takes one part's frame and returns (new frame or None when untouched,
# rows erased, names seen on those rows).
Eraser = Callable[[pl.DataFrame], tuple[pl.DataFrame | None, int, set[str]]]

_WHO = "_who"


class ForgetRefused(KundeError):
    """``forget`` would touch someone not asked for (a shared key, a placeholder, ids
    kunde counts as one customer): nothing was changed."""

    kind = "forget"


@dataclass(frozen=True)
class ForgetPlan:
    """Whom :func:`forget` will erase (computed before anything is written)."""

    query: str
    ids: tuple[str, ...]  # the customer ids whose lines are erased (as in the exports)
    customer: str | None  # the kunde customer (canonical id) they belong to
    kept_apart: tuple[str, ...]  # ids of that customer that stay: now a customer of their own
    person: pl.DataFrame = field(repr=False)  # identity rows (triples) to erase


@dataclass(frozen=True)
class ForgetSummary:
    """What :func:`forget` removed (no personal data in here but the ids and paths)."""

    query: str
    found: bool
    customer_ids: tuple[str, ...]  # the original customer ids whose data was erased
    order_lines: int  # order lines anonymised (amounts kept under ``pseudonym``)
    survey_answers: int  # survey answers anonymised (scores kept)
    rejects_removed: int  # rows removed from rejects because they held the person's data
    order_columns: tuple[str, ...]  # columns cleared in order lines
    survey_columns: tuple[str, ...]  # columns cleared in survey answers
    pseudonym: str | None  # the anonymous id that now holds the order amounts
    #: ids kunde counted together with the erased ones, kept: now a customer of their own
    kept_apart: tuple[str, ...] = ()
    #: survey answers given from an e-mail the erased ids share with a customer who
    #: stays (a family address), under no erased id: kept, they count for that customer
    shared_answers_kept: int = 0
    #: reports and lists written from the workspace since the person's data came in,
    #: still on disk (see :mod:`kunde_cli.store.written`)
    outputs: tuple[Written, ...] = ()
    #: the export files (as ingested) that held the erased rows; kunde does not touch them
    exports: tuple[str, ...] = ()
    #: old workspace files still holding the person because another kunde run was
    #: reading them; the next kunde ingest or forget removes them
    old_files_left: int = 0


@dataclass(frozen=True)
class Returning:
    """Rows of an ingest that carry a key erased by ``kunde forget``."""

    rows: int
    erased_on: str | None  # when (ISO date) the latest of those keys was erased


# --- whom a query names ----------------------------------------------------------------


def normalised_email_values(values: list[str]) -> list[str]:
    return (
        pl.DataFrame({"v": values}, schema={"v": pl.String})
        .select(ident.normalise_email_expr("v"))
        .get_column("v")
        .drop_nulls()
        .to_list()
    )


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


def _listed(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:LIST_AT_MOST])
    more = len(ids) - LIST_AT_MOST
    return f"{shown} and {more} more" if more > 0 else shown


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
                f"no customer in the workspace has '{query}'; nothing was changed",
                hint="check the spelling, or give the customer id alone: kunde forget ID",
            )
        return ForgetPlan(query, (), None, (), who.clear().drop(_WHO))
    groups = hits.get_column(ident.CANONICAL_ID).unique()
    reach = who.filter(pl.col(ident.CANONICAL_ID).is_in(groups.implode()))
    if customers:
        named = reach.filter(pl.any_horizontal(_id_matches(c) for c in customers))
        unknown = [c for c in customers if not reach.filter(_id_matches(c)).height]
        if unknown:
            raise ForgetRefused(
                f"--customer {unknown[0]} is not among the customers '{query}' reaches "
                f"({_listed(_shown(reach))}); nothing was changed",
                hint="name one of those ids with --customer",
            )
        chosen = named.get_column(_WHO).unique()
    else:
        chosen = hits.get_column(_WHO).unique()
        example = _shown(hits)[0]
        hint = (
            f"name whom to erase: kunde forget '{query}' --customer {example}, "
            f"or give the id alone: kunde forget {example}"
        )
        if via != "id" and chosen.len() >= PLACEHOLDER_MIN_CUSTOMERS:
            raise ForgetRefused(
                f"'{query}' is on the lines of {chosen.len()} different customers "
                f"({_listed(_shown(hits))}): a shared {via} (a placeholder), which kunde "
                "forget never erases by; nothing was changed",
                hint=hint,
            )
        if via == "phone" and chosen.len() > 1:
            # A phone shared by a few ids is a household's landline more often than one
            # person in two systems (an e-mail shared by two ids is taken as one person).
            everyone = _shown(hits)
            raise ForgetRefused(
                f"'{query}' is the phone of {chosen.len()} customers ({_listed(everyone)}); "
                "nothing was changed",
                hint=f"name whom to erase: kunde forget '{query}' --customer {everyone[0]} "
                f"(or all of them: --customer {','.join(everyone)})",
            )
        if groups.len() > 1:
            raise ForgetRefused(
                f"'{query}' belongs to {groups.len()} customers ({_listed(_shown(hits))}); "
                "nothing was changed",
                hint=hint,
            )
        others = reach.filter(~pl.col(_WHO).is_in(chosen.implode()))
        if others.height:
            mine = _shown(hits)
            everyone = _shown(reach)
            link = _link(hits, others)
            raise ForgetRefused(
                f"'{query}' is customer {_listed(mine)}, but kunde counts "
                f"{_listed(everyone)} as one customer (a shared {link}); nothing was changed",
                hint=f"erase only {', '.join(mine)}: --customer {','.join(mine)} (the others "
                f"then count on their own), or all of them: --customer {','.join(everyone)}",
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


def _link(mine: pl.DataFrame, others: pl.DataFrame) -> str:
    """What joins ``others`` to ``mine`` in the identity map: "e-mail" or "phone"."""
    for key, word in ((ident.EMAIL_KEY, "e-mail"), (ident.PHONE_KEY, "phone")):
        shared = (
            mine.get_column(key).drop_nulls().is_in(others.get_column(key).drop_nulls().implode())
        )
        if shared.any():
            return word
    return "e-mail or phone"


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


# --- the erasers -----------------------------------------------------------------------


def erase_orders(person: pl.DataFrame, pseudonym: str) -> Eraser:
    """Lines whose raw (customer id, e-mail, phone) is one of ``person``'s triples: id
    replaced by ``pseudonym``, personal columns cleared. No other line is touched."""
    marks = person.select(*ident.RAW_COLUMNS).unique().with_columns(_erase=pl.lit(True))

    def erase(frame: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        hit = (
            frame.select(*ident.RAW_COLUMNS)
            .join(
                marks,
                on=list(ident.RAW_COLUMNS),
                how="left",
                nulls_equal=True,
                maintain_order="left",
            )
            .get_column("_erase")
            .fill_null(False)
        )
        return _anonymised(frame, hit, pseudonym, ORDERS_ERASED_COLUMNS)

    return erase


def erase_survey(
    ids: list[str], emails: list[str], pseudonym: str, *, keep_ids: Sequence[str] = ()
) -> Eraser:
    """Answers whose customer id is one of ``ids``, or whose e-mail is one of ``emails``
    and whose customer id is not one of ``keep_ids`` (customers who stay: an answer
    given under their id is theirs, whatever e-mail it carries). ``emails`` must hold
    only keys no kept customer has."""
    id_list = pl.Series(ids, dtype=pl.String).implode()
    keep_list = pl.Series(list(keep_ids), dtype=pl.String).implode()

    def erase(frame: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        answer_id = pl.col(s.CUSTOMER_ID).cast(pl.String).str.strip_chars()
        by_email = ident.normalise_email_expr(s.EMAIL).is_in(
            pl.Series(emails, dtype=pl.String).implode()
        ) & ~answer_id.is_in(keep_list).fill_null(False)
        hit = frame.select(
            answer_id.is_in(id_list).fill_null(False) | by_email.fill_null(False)
        ).to_series()
        return _anonymised(frame, hit, pseudonym, SURVEY_ERASED_COLUMNS)

    return erase


def _anonymised(
    frame: pl.DataFrame, hit: pl.Series, pseudonym: str, columns: tuple[str, ...]
) -> tuple[pl.DataFrame | None, int, set[str]]:
    count = int(hit.sum())
    if not count:
        return None, 0, set()
    names = set(frame.filter(hit).get_column(s.NAME).drop_nulls().to_list())
    erased = frame.with_columns(
        pl.when(hit).then(pl.lit(pseudonym)).otherwise(pl.col(s.CUSTOMER_ID)).alias(s.CUSTOMER_ID),
        *(pl.when(hit).then(None).otherwise(pl.col(c)).alias(c) for c in columns),
    )
    return erased, count, names


def erase_rejects(personal: dict[str, list[str]]) -> Eraser:
    def erase(frame: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        value = pl.col(s.REJECT_VALUE)
        conditions = [
            ident.normalise_email_expr(value).is_in(
                pl.Series(personal["emails"], dtype=pl.String).implode()
            ),
            ident.normalise_phone_expr(value).is_in(
                pl.Series(personal["phones"], dtype=pl.String).implode()
            ),
            value.str.strip_chars()
            .str.to_lowercase()
            .is_in(pl.Series(personal["names"], dtype=pl.String).implode()),
            *(value.str.to_lowercase().str.contains(e, literal=True) for e in personal["emails"]),
        ]
        hit = frame.select(pl.any_horizontal(conditions).fill_null(False)).to_series()
        count = int(hit.sum())
        if not count:
            return None, 0, set()
        return frame.filter(~hit), count, set()

    return erase


# --- forget ----------------------------------------------------------------------------


def preview(ws: Workspace, query: str, customers: Sequence[str] = ()) -> ForgetPlan:
    """Whom ``forget`` would erase, read without the lock (for the confirmation)."""
    manifest = ws._read_manifest_required()
    identity = ws._read_identity(manifest)
    return plan_forget(
        identity if identity is not None else ident.empty_identity(), query, customers
    )


def forget(ws: Workspace, query: str, customers: Sequence[str] = ()) -> ForgetSummary:
    """Erase the personal data of the customer ``query`` names (see the module doc).

    * order lines: name, e-mail, phone, postcode and city are cleared and the customer
      id is replaced by a random anonymous id (``erased-…``), the same for all lines of
      the kunde customer, so revenue, order counts, segments and the customer count
      stay right but nothing points to the person;
    * survey answers of their ids or e-mails: e-mail, name and comment are cleared, the
      id replaced the same way (the score still counts in the NPS);
    * rejects: refused rows whose value is their e-mail, phone or name are removed;
    * the identity map loses their ids, e-mails and phones;
    * the manifest logs when and how much was erased, and keyed digests of the erased
      keys (the tombstone), never who.

    Raises :class:`ForgetRefused` (nothing changed) when that would touch anyone else.
    The old files are deleted after the new manifest is committed. The original export
    files are outside the workspace and still hold the data.
    """
    from kunde_cli.store import written
    from kunde_cli.store.layout import ORDERS, REJECTS, SURVEY
    from kunde_cli.store.manifest import now, parts

    query = query.strip()
    with ws._writing(purpose="kunde forget"):
        manifest = ws._read_manifest_required()
        identity = ws._read_identity(manifest)
        if identity is None:
            identity = ident.empty_identity()
        plan = plan_forget(identity, query, customers)
        person = plan.person
        query_email, _ = _probe(query)
        pseudonym = ERASED_PREFIX + secrets.token_hex(6)
        new = copy.deepcopy(manifest)
        doomed: list[Path] = []
        before = {kind: {e["file"]: e for e in parts(manifest, kind)} for kind in (ORDERS, SURVEY)}
        order_lines, order_names = ws._rewrite_parts(
            new, ORDERS, doomed, erase_orders(person, pseudonym)
        )
        # Everyone else stays as they are: a key another stored customer still has (a
        # family e-mail, a shared phone) or a placeholder reaches no one's answers or
        # refused rows, and an answer given under a kept customer's id stays theirs.
        kept_identity = identity.join(
            person.select(*ident.RAW_COLUMNS), on=list(ident.RAW_COLUMNS), how="anti",
            nulls_equal=True,
        )  # fmt: skip
        placeholders = placeholder_keys(identity)
        stillheld = _still_held(kept_identity) | placeholders
        ids = list(plan.ids) if plan.ids else [query]
        emails = sorted(
            {*person.get_column(ident.EMAIL_KEY).drop_nulls().to_list()}
            | ({query_email} if query_email else set())
        )
        shared = sorted(set(emails) & (stillheld - placeholders))
        emails = [e for e in emails if e not in stillheld]
        kept_ids = sorted(set(kept_identity.get_column(ident.ID_KEY).drop_nulls().to_list()))
        survey_answers, survey_names = ws._rewrite_parts(
            new, SURVEY, doomed, erase_survey(ids, emails, pseudonym, keep_ids=kept_ids)
        )
        phones = sorted(set(person.get_column(ident.PHONE_KEY).drop_nulls().to_list()))
        names = sorted({n.strip().lower() for n in order_names | survey_names if n.strip()})
        personal = {
            "emails": emails,
            "phones": [p for p in phones if p not in stillheld],
            "names": names,
        }
        rejects_removed, _ = ws._rewrite_parts(new, REJECTS, doomed, erase_rejects(personal))
        found = bool(order_lines or survey_answers)
        if not found and not rejects_removed:
            return ForgetSummary(query, False, (), 0, 0, 0, (), (), None)
        shared_answers = _answers_by(ws, manifest, shared, ids) if shared else 0
        if order_lines:
            anonymous = pl.DataFrame(
                {s.CUSTOMER_ID: [pseudonym], s.EMAIL: [None], s.PHONE: [None]},
                schema=dict.fromkeys(ident.RAW_COLUMNS, pl.String),
            )
            ws._replace_identity(new, ident.identity_map(anonymous, previous=kept_identity), doomed)
        # What the erased rows came in with: the parts changed (their first writing) and
        # the source files (by the SHA-256 the parts carry).
        touched = [
            before[kind][old]
            for kind in (ORDERS, SURVEY)
            for old in before[kind]
            if old not in {e["file"] for e in parts(new, kind)}
        ]
        since = min((e["written_at"] for e in touched if e.get("written_at")), default=None)
        shas = {e.get("sha256") for e in touched}
        exports = tuple(
            dict.fromkeys(str(e["path"]) for e in manifest["sources"] if e.get("sha256") in shas)
        )
        erasure: Erasure = {
            "at": now(),
            "order_lines": order_lines,
            "survey_answers": survey_answers,
            "rejects_removed": rejects_removed,
        }
        remembered = sorted(
            {("id", v) for v in ids}
            | {("email", v) for v in emails}
            | {("phone", v) for v in phones}
        )
        remembered = [(k, v) for k, v in remembered if v not in stillheld]
        if remembered:
            key = _tombstone_key(ws, create=True)
            erasure["key_id"] = _key_id(key)
            erasure["tombstone"] = sorted({_digest(key, k, v) for k, v in remembered})
        new["erasures"].append(erasure)
        deleted = ws._commit(new, doomed, rejects_changed=rejects_removed > 0)
        # The old files still hold the person: give a running report a moment to finish
        # reading them, then say plainly if they are still there.
        deadline = time.monotonic() + OLD_FILES_WAIT_SECONDS
        while not deleted and time.monotonic() < deadline:
            time.sleep(0.2)
            deleted = ws._delete_unread([p for p in doomed if p.exists()])
        return ForgetSummary(
            query=query,
            found=found,
            customer_ids=plan.ids if order_lines else (),
            order_lines=order_lines,
            survey_answers=survey_answers,
            rejects_removed=rejects_removed,
            order_columns=ORDERS_ERASED_COLUMNS if order_lines else (),
            survey_columns=SURVEY_ERASED_COLUMNS if survey_answers else (),
            pseudonym=pseudonym,
            kept_apart=plan.kept_apart,
            shared_answers_kept=shared_answers,
            outputs=tuple(written.still_there(ws.path, since)) if since else (),
            exports=exports,
            old_files_left=0 if deleted else sum(p.exists() for p in doomed),
        )


def _answers_by(ws: Workspace, manifest: Manifest, emails: list[str], ids: list[str]) -> int:
    """Stored survey answers from one of ``emails`` under none of ``ids``."""
    from kunde_cli.store.layout import SURVEY

    answer_id = pl.col(s.CUSTOMER_ID).cast(pl.String).str.strip_chars()
    mine = answer_id.is_in(pl.Series(ids, dtype=pl.String).implode()).fill_null(False)
    theirs = ident.normalise_email_expr(s.EMAIL).is_in(pl.Series(emails, dtype=pl.String).implode())
    return int(
        ws._scan_parts(manifest, SURVEY)
        .select((theirs.fill_null(False) & ~mine).sum())
        .collect()
        .item()
    )


def _still_held(identity: pl.DataFrame) -> set[str]:
    """Every key (id, e-mail, phone) another stored customer still has."""
    held: set[str] = set()
    for key in (ident.ID_KEY, ident.EMAIL_KEY, ident.PHONE_KEY):
        held.update(identity.get_column(key).drop_nulls().to_list())
    return held


# --- the tombstone ---------------------------------------------------------------------


def _digest(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"kunde forget key id\x1f" + key).hexdigest()[:16]


def _tombstone_key(ws: Workspace, *, create: bool) -> bytes | None:
    """The workspace's tombstone key; made (atomically, 0600) when ``create`` and absent.

    The file holds the :data:`KEY_BYTES` random bytes as hex. A key file that is not
    exactly that (empty, short, not hex) or is a link is refused: an empty or short key
    would make the digests guessable.
    """
    path = ws.path / KEY_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if not create:
            return None
        key = secrets.token_bytes(KEY_BYTES)
        ws._write_bytes_atomic(path, lambda handle: handle.write(key.hex().encode() + b"\n"))
        return key
    except OSError as err:
        raise WorkspaceError(
            f"cannot read the forget key {KEY_FILE} ({err.strerror})",
            path=ws.path,
            hint="it must be a plain file owned by you; remove it if it is a link",
        ) from None
    with os.fdopen(fd, "rb") as handle:
        text = handle.read(2 * KEY_BYTES + 2).strip()
    try:
        key = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise WorkspaceError(
            f"the forget key {KEY_FILE} is damaged (not {KEY_BYTES} bytes of hex)",
            path=ws.path,
            hint="restore it from a backup; without it kunde cannot tell erased people coming back",
        )
    return key


def returning(ws: Workspace, manifest: Manifest, frame: pl.DataFrame) -> Returning:
    """How many rows of ``frame`` (order lines or survey answers about to be stored)
    carry a customer id, e-mail or phone erased by ``kunde forget``.

    Free when nothing was ever erased. Only the distinct keys of ``frame`` are hashed.
    """
    stones = [e for e in manifest.get("erasures", []) if e.get("tombstone")]
    if not stones or not frame.height:
        return Returning(0, None)
    key = _tombstone_key(ws, create=False)
    if key is None:
        return Returning(0, None)
    key_id = _key_id(key)
    when: dict[str, str] = {}
    for entry in stones:
        if entry.get("key_id") == key_id:
            when.update(dict.fromkeys(entry["tombstone"], str(entry["at"])[:10]))
    if not when:
        return Returning(0, None)
    columns = frame.columns
    keys = (
        frame.lazy()
        .select(
            (
                pl.col(s.CUSTOMER_ID).cast(pl.String).str.strip_chars()
                if s.CUSTOMER_ID in columns
                else pl.lit(None, pl.String)
            ).alias("id"),
            ident.normalise_email_expr(
                pl.col(s.EMAIL) if s.EMAIL in columns else pl.lit(None, pl.String)
            ).alias("email"),
            ident.normalise_phone_expr(
                pl.col(s.PHONE) if s.PHONE in columns else pl.lit(None, pl.String)
            ).alias("phone"),
        )
        .collect()
    )
    hit = pl.repeat(False, frame.height, eager=True)
    dates: set[str] = set()
    for kind in ("id", "email", "phone"):
        values = keys.get_column(kind).drop_nulls().unique().to_list()
        # One HMAC per distinct value (customers, not lines).
        gone = {v: when[d] for v in values if (d := _digest(key, kind, v)) in when}
        if gone:
            dates.update(gone.values())
            gone_values = pl.Series(list(gone), dtype=pl.String).implode()
            hit = hit | keys.get_column(kind).is_in(gone_values).fill_null(False)
    rows = int(hit.sum())
    return Returning(rows, max(dates) if rows else None)
