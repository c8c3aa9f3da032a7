"""Erasing one person (``kunde forget``): whom a query names, rewriting each part frame
without their personal data, and a keyed-hash tombstone that notices them coming back.

Whom a query names, and when ``forget`` refuses, is :mod:`kunde_cli.store.scope`; the
tombstone that notices an erased person coming back is :mod:`kunde_cli.store.tombstones`.

The erased lines keep their amounts and dates under one new random anonymous id
(``erased-…``) per kunde customer, so the customer count, every segment and every
other customer's numbers stay exactly as they were. Survey answers and refused rows go
by the erased ids and by the keys only they had: an answer from a key a kept customer
still has (a family e-mail), or given under a kept customer's id, stays theirs (the
message counts such answers).
"""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from kunde_cli import identity as ident
from kunde_cli import schema as s
from kunde_cli.store.scope import ForgetPlan, _probe, placeholder_keys, plan_forget
from kunde_cli.store.tombstones import _digest, _key_id, _tombstone_key

if TYPE_CHECKING:
    from kunde_cli.store import Workspace
    from kunde_cli.store.manifest import Erasure, Manifest
    from kunde_cli.store.written import Written

#: Prefix of the anonymous id that replaces an erased customer's id.
ERASED_PREFIX = "erased-"
#: Columns cleared by :func:`forget`.
ORDERS_ERASED_COLUMNS = (s.EMAIL, s.NAME, s.PHONE, s.POSTCODE, s.CITY)
SURVEY_ERASED_COLUMNS = (s.EMAIL, s.NAME, s.COMMENT)
#: How long forget waits for a running kunde run to stop reading the old files that
#: still hold the person before it says they are still there.
OLD_FILES_WAIT_SECONDS = 5.0
# An eraser takes one part's frame and returns (new frame or None when untouched,
# rows erased, names seen on those rows).
Eraser = Callable[[pl.DataFrame], tuple[pl.DataFrame | None, int, set[str]]]


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
    ids: list[str],
    emails: list[str],
    pseudonym: str,
    *,
    keep_ids: Sequence[str] = (),
    orders: Sequence[str] = (),
) -> Eraser:
    """Answers whose customer id is one of ``ids``, or whose e-mail is one of ``emails``
    or order number one of ``orders`` (:func:`_orders_of`) and whose customer id is not
    one of ``keep_ids`` (customers who stay: an answer given under their id is theirs,
    whatever e-mail it carries). ``emails`` must hold only keys no kept customer has."""
    from kunde_cli.store.answers import order_key

    id_list = pl.Series(ids, dtype=pl.String).implode()
    keep_list = pl.Series(list(keep_ids), dtype=pl.String).implode()

    def erase(frame: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        answer_id = pl.col(s.CUSTOMER_ID).cast(pl.String).str.strip_chars()
        by_email = ident.normalise_email_expr(s.EMAIL).is_in(
            pl.Series(emails, dtype=pl.String).implode()
        ) | order_key(pl.col(s.ORDER_ID)).is_in(pl.Series(list(orders), dtype=pl.String).implode())
        by_email = by_email.fill_null(False) & ~answer_id.is_in(keep_list).fill_null(False)
        hit = frame.select(answer_id.is_in(id_list).fill_null(False) | by_email).to_series()
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
    * survey answers of their ids or e-mails, or naming an order only they have (a
      Typeform ``order_id``): e-mail, name and comment are cleared, the id replaced the
      same way (the score still counts in the NPS);
    * rejects: refused rows whose value is their e-mail, phone or name are removed;
    * the identity map loses their ids, e-mails and phones;
    * the manifest logs when and how much was erased, and keyed digests of the erased
      keys (the tombstone), never who.

    Raises :class:`~kunde_cli.store.scope.ForgetRefused` (nothing changed) when that would touch anyone else.
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
        orders = _orders_of(ws, new, pseudonym) if order_lines else []
        survey_answers, survey_names = ws._rewrite_parts(
            new,
            SURVEY,
            doomed,
            erase_survey(ids, emails, pseudonym, keep_ids=kept_ids, orders=orders),
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
        # Their follow-up statuses and notes (kunde nps --follow-up) go with them.
        from kunde_cli.store.follow_up import forget_statuses

        erased = ws._scan_parts(new, SURVEY).filter(pl.col(s.CUSTOMER_ID) == pseudonym)
        answered = erased.select(s.RESPONSE_ID).collect().to_series().to_list()
        forget_statuses(ws, customer_ids=ids, response_ids=answered)
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


def _orders_of(ws: Workspace, manifest: Manifest, pseudonym: str) -> list[str]:
    """The order numbers (:func:`kunde_cli.store.answers.order_key`; as ``<source>:<number>``
    too) whose every stored line is now ``pseudonym``'s: an answer naming one is the
    erased person's. A number another system's order of someone else has is left out."""
    from kunde_cli.store.answers import order_key
    from kunde_cli.store.layout import ORDERS

    lines = ws._scan_parts(manifest, ORDERS)
    number = pl.col(s.ORDER_ID).cast(pl.String)
    mine = (pl.col(s.CUSTOMER_ID) == pseudonym).fill_null(False).alias("_mine")
    keyed = pl.concat(
        [
            lines.select(order_key(number).alias("_key"), mine),
            lines.select(order_key(pl.format("{}:{}", s.SOURCE, number)).alias("_key"), mine),
        ]
    )
    theirs = keyed.drop_nulls("_key").group_by("_key").agg(pl.col("_mine").all())
    return theirs.filter(pl.col("_mine")).collect().get_column("_key").sort().to_list()


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
