"""What a new export adds to what is stored: new orders, orders changed since the last
export, the same orders again, and order numbers another order already uses.

Order lines are keyed per source system (``source``: ``kunde ingest --source NAME``, or
the export's layout), so a till's order 1 and a web shop's order 1 never meet. Within
one source, an order already stored is compared with the export's version of it:

* the same customer and the same order day, and every line alike → **unchanged**:
  skipped, counted as duplicates;
* the same customer and day, but a line added, gone, or with another amount, status,
  quantity, product, currency or reference → **changed**: the export's lines replace
  the stored ones (an order refunded since the last export stops counting);
* another customer or another day → **collision**: most likely another system reusing
  the order numbers. The export's lines are refused, never stored over the old ones,
  and the user is told to name the system with ``--source``.

"The same customer": any of customer id, e-mail and phone alike (a guest who made an
account since keeps her e-mail), or no customer on either side; a stored line whose
customer was erased (``kunde forget``) matches any, and its new version stays erased.
Of two versions of an order, the one from the export made later (``exported_at``: the
file's date) counts, whatever order the files are ingested in. Lines stored before
kunde kept a source (``source`` null) are compared where they are the same order, and
never collide. Orders are compared as sets of lines, so rows in another order are no
change.

Survey answers follow the same idea with the survey tool's own ids or a key of the
answer's content (:mod:`kunde_cli.store.answers`).

Pure functions on Polars frames; :class:`kunde_cli.store.Workspace` does the I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

import polars as pl

from kunde_cli import schema as s
from kunde_cli.store.answers import AnswerOverlap, compare_answers
from kunde_cli.store.erase import ERASED_PREFIX

__all__ = [
    "COLLISION_CODE",
    "COLLISION_REASON",
    "DEFAULT_SOURCE",
    "AnswerOverlap",  # kunde_cli.store.answers
    "Overlap",
    "Overlay",
    "apart_by_source",
    "compare_answers",  # kunde_cli.store.answers
    "compare_orders",
    "conform",
    "export_moment",
    "first_of_each_line",
    "identity_after",
    "lay_answers",
    "lay_orders",
    "resolved_lines",
    "source_name",
    "without_answers",
    "without_orders",
]

#: Columns whose difference makes a stored order "changed" (besides lines added or gone).
COMPARED = (
    s.AMOUNT,
    s.STATUS,
    s.QUANTITY,
    s.PRODUCT,
    s.CURRENCY,
    s.REFERENCE,
)
#: The source name used when neither ``--source`` nor a known layout names the system.
DEFAULT_SOURCE = "shop"
#: Layouts (``--preset``, or detected) that name their shop system.
KNOWN_LAYOUTS = ("shopify", "woocommerce")
#: Why a colliding line is refused: the rejects file's reason code (worded by
#: kunde_cli.words.inspect.reject_reason).
COLLISION_CODE = "order_number_taken"
#: The reason an older kunde wrote for it, in English.
COLLISION_REASON = "order number already used by another order (another customer or date)"

_DAY = "_day"


@dataclass(frozen=True)
class Overlap:
    """How an export's order lines meet the stored ones (all counts of one source)."""

    fresh: pl.DataFrame  # lines to store: new orders and the new version of changed ones
    #: (order_id, _legacy) of stored orders whose lines ``fresh`` replaces; ``_legacy``:
    #: the stored version includes lines stored before kunde kept a source
    replaced: pl.DataFrame
    collisions: pl.DataFrame  # the export's lines refused as collisions
    duplicate_lines: int  # lines of unchanged orders (and lines repeated in the export)
    new_orders: int
    changed_orders: int
    collision_orders: int
    #: changed orders by the status word of their new version (lower case as stored)
    changed_by_status: dict[str, int] = field(default_factory=dict)
    #: orders this export has in another version than a newer export stored (kept)
    older_orders: int = 0
    #: changed orders whose new version has fewer lines than the stored one (an order
    #: edited — or an export that lists some lines only; the export's version counts)
    fewer_lines: int = 0
    #: orders whose new version was credit lines only (an export of refunds): added to
    #: the stored order, not replacing it (counted in ``changed_orders`` too)
    credited_orders: int = 0


def source_name(given: str | None, preset: str | None) -> str:
    """The shop system's name: ``--source`` (trimmed, lower case), else the layout a
    known shop system writes (shopify, woocommerce), else :data:`DEFAULT_SOURCE`.

    Raises ConfigError for an empty name or one with characters other than letters,
    digits, space, ``-``, ``_`` and ``.`` (it becomes part of order ids: ``kasse:17``).
    """
    import re

    from kunde_cli.errors import ConfigError
    from kunde_cli.words.said import said

    if given is None:
        return preset if preset in KNOWN_LAYOUTS else DEFAULT_SOURCE
    name = given.strip().lower()
    if not re.fullmatch(r"[\w .-]{1,40}", name):
        raise ConfigError(
            said("store_source_name", given=given), hint=said("store_source_name_hint")
        )
    return name


def _with_legacy_matches(candidates: pl.DataFrame, batch: pl.DataFrame) -> pl.DataFrame:
    """``candidates`` (stored lines of the batch's order ids, of its source or of none)
    without the unsourced lines of orders that are not the batch's (another customer or
    day): those are another system's, not a collision."""
    legacy = pl.col(s.SOURCE).is_null()
    if not candidates.select(legacy.any()).item():
        return candidates.drop(s.SOURCE).with_columns(_legacy=pl.lit(False))
    old_side = _per_order(candidates.lazy().filter(legacy))
    same = (
        _per_order(batch.lazy())
        .join(old_side, on=s.ORDER_ID, how="inner", suffix="_stored")
        .filter(_same_customer("_stored") & (pl.col(_DAY) == pl.col(f"{_DAY}_stored")))
    )
    keep = same.select(s.ORDER_ID).collect()
    return candidates.filter(
        ~legacy | pl.col(s.ORDER_ID).is_in(keep.get_column(s.ORDER_ID).implode())
    ).select(pl.exclude(s.SOURCE), legacy.alias("_legacy"))


#: Two exports made within this of each other (copied, unzipped or downloaded together)
#: are told apart by the latest order date each holds, not by their file dates.
SAME_MOMENT = timedelta(minutes=1)


def export_moment(file_time: datetime | None, reach: datetime | None) -> datetime:
    """When an export was made, as far as kunde can tell: the file's date (``None``: now),
    never after now (a wrong clock) and never before the latest order it holds."""
    now = datetime.now()
    moment = min(file_time or now, now)
    return max(moment, reach) if reach is not None else moment


def _stored_is_newer(made: datetime, reach: datetime | None) -> pl.Expr:
    """Whether the stored version of an order (``_made``, ``_reach`` per order) comes from
    an export made after this one (``made``, reaching ``reach``); unknown (stored by an
    older kunde) is older than any."""
    stored_made, stored_reach = pl.col("_made"), pl.col("_reach")
    later = stored_made > pl.lit(made + SAME_MOMENT, pl.Datetime("us"))
    together = (stored_made - pl.lit(made, pl.Datetime("us"))).abs() <= SAME_MOMENT
    reaches_further = stored_reach > pl.lit(reach, pl.Datetime("us"))
    return (later | (together & reaches_further)).fill_null(False)


def _per_order(lines: pl.LazyFrame) -> pl.LazyFrame:
    """One row per order: its first customer id, e-mail and phone, and its day."""
    return lines.group_by(s.ORDER_ID).agg(
        pl.col(s.CUSTOMER_ID).drop_nulls().first().alias("_id"),
        pl.col(s.EMAIL).drop_nulls().first().alias("_email"),
        pl.col(s.PHONE).drop_nulls().first().alias("_phone"),
        pl.col(s.ORDER_DATE).dt.date().min().alias(_DAY),
    )


def _same_customer(suffix: str) -> pl.Expr:
    """Whether an order (columns of :func:`_per_order`) and its stored version
    (``suffix``) name the same customer: any of id, e-mail and phone alike (a guest who
    made an account since keeps her e-mail), or no customer on either side, or a stored
    customer erased since (``kunde forget``)."""
    keys = ("_id", "_email", "_phone")
    new_none = pl.all_horizontal(pl.col(k).is_null() for k in keys)
    old_none = pl.all_horizontal(pl.col(f"{k}{suffix}").is_null() for k in keys)
    shared = pl.any_horizontal((pl.col(k) == pl.col(f"{k}{suffix}")).fill_null(False) for k in keys)
    erased = pl.col(f"_id{suffix}").str.starts_with(ERASED_PREFIX).fill_null(False)
    return new_none | old_none | shared | erased


def first_of_each_line(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` without lines that repeat an earlier line's (order_id, line_no)."""
    keys = [s.ORDER_ID, s.LINE_NO]
    # A count per key costs no memory beside the frame (is_duplicated on a struct held
    # a copy of the keys: 850 MiB at 10M lines).
    if (
        not frame.height
        or frame.lazy().group_by(keys).len().select(pl.col("len").max()).collect().item() < 2
    ):
        return frame
    return frame.filter(pl.struct(keys).is_first_distinct())


def compare_orders(
    batch: pl.DataFrame,
    stored: pl.LazyFrame,
    source: str,
    exported_at: datetime | None = None,
) -> Overlap:
    """Split ``batch`` (one export's lines, schema.ORDERS) against ``stored`` lines.

    ``stored`` may hold any sources; only lines of ``source`` are compared, and lines
    stored before kunde kept a source (``source`` null) where they are the same order
    (same customer and day) — never as a collision, as nobody can say which system
    they came from. ``batch`` must not repeat an (order_id, line_no).
    """
    reach = cast("datetime | None", batch.get_column(s.ORDER_DATE).max()) if batch.height else None
    made = export_moment(exported_at, reach)
    batch = batch.with_columns(
        pl.lit(source, pl.String).alias(s.SOURCE),
        pl.lit(made, pl.Datetime("us")).alias(s.EXPORTED_AT),
        pl.lit(reach, pl.Datetime("us")).alias(s.EXPORTED_THROUGH),
    )
    ids = batch.select(s.ORDER_ID).unique()
    candidates = (
        stored.join(ids.lazy(), on=s.ORDER_ID, how="semi")
        .filter(pl.col(s.SOURCE).is_null() | (pl.col(s.SOURCE) == source))
        .select(
            s.ORDER_ID,
            s.LINE_NO,
            s.SOURCE,
            s.CUSTOMER_ID,
            s.EMAIL,
            s.PHONE,
            s.ORDER_DATE,
            s.EXPORTED_AT,
            s.EXPORTED_THROUGH,
            *COMPARED,
        )
        .collect()
    )
    mine = _with_legacy_matches(candidates, batch)
    if not mine.height:
        return Overlap(
            fresh=batch,
            replaced=pl.DataFrame(schema={s.ORDER_ID: pl.String, "_legacy": pl.Boolean}),
            collisions=batch.clear(),
            duplicate_lines=0,
            new_orders=ids.height,
            changed_orders=0,
            collision_orders=0,
        )
    old_side = _per_order(mine.lazy()).with_columns(_stored=pl.lit(True))
    stored_when = mine.group_by(s.ORDER_ID).agg(
        pl.col(s.EXPORTED_AT).max().alias("_made"), pl.col(s.EXPORTED_THROUGH).max().alias("_reach")
    )
    orders = (
        _per_order(batch.lazy())
        .join(old_side, on=s.ORDER_ID, how="left", suffix="_stored")
        .with_columns(
            pl.when(pl.col("_stored").is_null())
            .then(pl.lit("new"))
            .when(_same_customer("_stored") & (pl.col(_DAY) == pl.col(f"{_DAY}_stored")))
            .then(pl.lit("known"))
            .otherwise(pl.lit("collision"))
            .alias("_kind")
        )
        .select(s.ORDER_ID, "_kind", pl.col("_id_stored").alias("_stored_who"))
        .collect()
    )
    known = orders.filter(pl.col("_kind") == "known").select(s.ORDER_ID)

    # A known order changed when its lines differ: one added or gone, or another amount,
    # status, quantity, product, currency or reference. Lines are compared as a set, so
    # the same lines in another row order (and so other line numbers) are no change.
    def line_set(lines: pl.DataFrame) -> pl.DataFrame:
        return (
            lines.join(known, on=s.ORDER_ID, how="semi")
            .group_by(s.ORDER_ID)
            .agg(pl.struct(*COMPARED).sort().alias("_lines"))
        )

    changed = (
        line_set(batch)
        .join(line_set(mine), on=s.ORDER_ID, how="full", coalesce=True, suffix="_stored")
        .filter(pl.col("_lines").ne_missing(pl.col("_lines_stored")))
        .select(
            s.ORDER_ID,
            (pl.col("_lines").list.len() < pl.col("_lines_stored").list.len())
            .fill_null(False)
            .alias("_fewer"),
        )
    )
    # Of two exports of an order, the one made later counts: a stored version from an
    # export made after this one stays (an older export ingested after a newer one does
    # not undo its refund). Unknown (stored by an older kunde) is older than any.
    # A version made of credit lines only, of an order stored with paid lines, is an
    # export of refunds (a filtered export): its lines are added, the paid ones stay.
    credit_only = batch.group_by(s.ORDER_ID).agg((pl.col(s.AMOUNT) < 0).all().alias("_credit"))
    paid = mine.group_by(s.ORDER_ID).agg((pl.col(s.AMOUNT) > 0).any().alias("_paid"))
    kinds = (
        orders.join(changed.with_columns(_changed=pl.lit(True)), on=s.ORDER_ID, how="left")
        .join(stored_when, on=s.ORDER_ID, how="left")
        .join(credit_only, on=s.ORDER_ID, how="left")
        .join(paid, on=s.ORDER_ID, how="left")
        .with_columns(
            pl.when(pl.col("_changed").fill_null(False) & _stored_is_newer(made, reach))
            .then(pl.lit("older"))
            .when(
                pl.col("_changed").fill_null(False)
                & pl.col("_credit").fill_null(False)
                & pl.col("_paid").fill_null(False)
            )
            .then(pl.lit("credited"))
            .when(pl.col("_changed").fill_null(False))
            .then(pl.lit("changed"))
            .otherwise(pl.col("_kind"))
            .alias("_kind")
        )
    )
    fewer = kinds.filter((pl.col("_kind") == "changed") & pl.col("_fewer").fill_null(False)).height
    changed = kinds.filter(pl.col("_kind") == "changed").select(s.ORDER_ID)
    kind_of = batch.select(s.ORDER_ID).join(kinds, on=s.ORDER_ID, how="left", maintain_order="left")
    line_kind = kind_of.get_column("_kind")
    # Credit lines already stored with the order (the refunds export again) are not new.
    credited = batch.filter(line_kind == "credited").join(
        mine.select(s.ORDER_ID, *COMPARED).unique(),
        on=[s.ORDER_ID, *COMPARED],
        how="anti",
        nulls_equal=True,
        maintain_order="left",
    )
    fresh = _still_erased(
        pl.concat([batch.filter(line_kind.is_in(["new", "changed"])), credited]), orders
    )
    collisions = batch.filter(line_kind == "collision")
    counts = kinds.group_by("_kind").len()
    count = dict(zip(counts.get_column("_kind"), counts.get_column("len"), strict=True))
    changed_by_status = (
        batch.join(
            kinds.filter(pl.col("_kind").is_in(["changed", "credited"])).select(s.ORDER_ID),
            on=s.ORDER_ID,
            how="semi",
        )
        .group_by(s.ORDER_ID)
        .agg(pl.col(s.STATUS).drop_nulls().first())
        .group_by(pl.col(s.STATUS).fill_null(""))
        .len()
    )
    legacy_ids = mine.filter(pl.col("_legacy")).get_column(s.ORDER_ID).unique()
    return Overlap(
        fresh=fresh,
        replaced=changed.with_columns(
            pl.col(s.ORDER_ID).is_in(legacy_ids.implode()).alias("_legacy")
        ),
        collisions=collisions,
        duplicate_lines=batch.height - fresh.height - collisions.height,
        new_orders=count.get("new", 0),
        changed_orders=count.get("changed", 0) + count.get("credited", 0),
        collision_orders=count.get("collision", 0),
        older_orders=count.get("older", 0),
        fewer_lines=fewer,
        credited_orders=count.get("credited", 0),
        changed_by_status=dict(
            sorted(
                zip(
                    changed_by_status.get_column(s.STATUS),
                    changed_by_status.get_column("len"),
                    strict=True,
                )
            )
        ),
    )


def _still_erased(fresh: pl.DataFrame, orders: pl.DataFrame) -> pl.DataFrame:
    """``fresh`` with the new version of an order whose customer was erased (``kunde
    forget``) kept erased: the same anonymous id, no name, e-mail, phone or address."""
    from kunde_cli.store.erase import ORDERS_ERASED_COLUMNS

    erased = orders.filter(pl.col("_stored_who").str.starts_with(ERASED_PREFIX))
    if not erased.height:
        return fresh
    marked = fresh.join(
        erased.select(s.ORDER_ID, "_stored_who"), on=s.ORDER_ID, how="left", maintain_order="left"
    )
    hit = pl.col("_stored_who").is_not_null()
    return marked.with_columns(
        pl.when(hit)
        .then(pl.col("_stored_who"))
        .otherwise(pl.col(s.CUSTOMER_ID))
        .alias(s.CUSTOMER_ID),
        *(pl.when(hit).then(None).otherwise(pl.col(c)).alias(c) for c in ORDERS_ERASED_COLUMNS),
    ).drop("_stored_who")


def without_orders(frame: pl.DataFrame, replaced: pl.DataFrame, source: str) -> pl.DataFrame:
    """``frame`` (a stored part) without the lines of ``replaced`` orders of ``source``
    (and, for orders whose stored version was matched among lines stored before kunde
    kept a source, those lines: never another system's order of the same number)."""
    ids = replaced.get_column(s.ORDER_ID)
    legacy_ids = replaced.filter(pl.col("_legacy")).get_column(s.ORDER_ID)
    gone = frame.select(
        (
            (pl.col(s.SOURCE) == source) & pl.col(s.ORDER_ID).is_in(ids.implode())
            | pl.col(s.SOURCE).is_null() & pl.col(s.ORDER_ID).is_in(legacy_ids.implode())
        ).fill_null(False)
    ).to_series()
    return frame.filter(~gone)


def apart_by_source(lines: pl.LazyFrame, sources: list[str | None]) -> pl.LazyFrame:
    """Order lines whose order ids (and credit references) are unique across systems.

    The first system's ids stay as they are (so a shop with one system sees its own
    order numbers); another system's become ``<source>:<order id>``. Lines stored
    before kunde kept a source belong to the first system.
    """
    if len(sources) <= 1:
        return lines
    first = sources[0]
    own = pl.col(s.SOURCE).is_null() | (
        pl.col(s.SOURCE) == first if first is not None else pl.lit(False)
    )

    def apart(column: str) -> pl.Expr:
        return (
            pl.when(own | pl.col(column).is_null())
            .then(pl.col(column))
            .otherwise(pl.format("{}:{}", pl.col(s.SOURCE), pl.col(column)))
            .alias(column)
        )

    return lines.with_columns(apart(s.ORDER_ID), apart(s.REFERENCE))


# --- one path: an export laid over the lines so far ----------------------------------
#
# ``kunde ingest`` (kunde_cli.store.Workspace) and files read directly
# (kunde_cli.app.loading) lay each export over the lines so far with these functions:
# what is new, what replaces what, what collides and who is who is decided here, once;
# the workspace persists it, the direct read keeps it in memory (:class:`Overlay`).


def conform(
    frame: pl.DataFrame, schema: Mapping[str, pl.DataType], keys: tuple[str, ...]
) -> pl.DataFrame:
    """``frame`` with exactly ``schema``'s columns, in order; absent ones are null."""
    missing = [key for key in keys if key not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks key column(s) {missing}")  # a bug in the caller
    if frame.schema == pl.Schema(schema):
        return frame  # as validation made it: no copy
    return frame.select(
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in schema.items()
    )


def lay_orders(
    frame: pl.DataFrame, stored: pl.LazyFrame, source: str, exported_at: datetime | None
) -> Overlap:
    """One export's order lines (schema.ORDERS, one shop system ``source``, made at
    ``exported_at``) laid over the ``stored`` lines: a line repeated within the export
    counts once, and :func:`compare_orders` says what is new, changed, alike or a
    collision. The caller stores ``fresh`` and takes ``replaced`` out of the lines."""
    return compare_orders(first_of_each_line(frame), stored, source, exported_at)


def identity_after(
    fresh: pl.DataFrame, stored: pl.DataFrame | None, given: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The identity map once ``fresh`` lines are added to lines whose map is ``stored``
    (None: no lines yet): ``given`` (the caller's map of exactly these lines) when there
    is none yet — an identity map depends on the lines' (customer_id, email, phone)
    triples alone — else built onto the stored map (its triples are kept, so a customer
    once linked stays linked)."""
    from kunde_cli import identity as ident

    if stored is None and given is not None:
        return given
    return ident.identity_map(fresh, previous=stored)


def lay_answers(frame: pl.DataFrame, stored: pl.LazyFrame, layout: object) -> AnswerOverlap:
    """One export's survey answers laid over the ``stored`` ones (see
    :func:`compare_answers`); ``layout`` is the survey tool the export came from (its
    ids are unique across surveys for :data:`UNIQUE_ID_LAYOUTS`)."""
    from kunde_cli.store.answers import UNIQUE_ID_LAYOUTS

    return compare_answers(frame, stored, unique_ids=layout in UNIQUE_ID_LAYOUTS)


def without_answers(frame: pl.DataFrame, replaced: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (stored answers) without the ``replaced`` ones (their response ids)."""
    gone = replaced.get_column(s.RESPONSE_ID)
    return frame.filter(~pl.col(s.RESPONSE_ID).is_in(gone.implode()))


def resolved_lines(
    lines: pl.LazyFrame, sources: list[str | None], identity: pl.DataFrame | None
) -> pl.LazyFrame:
    """The order lines as analyses read them: apart by shop system
    (:func:`apart_by_source`) and with canonical customer ids from ``identity`` (the
    map the lines were laid with; None: resolved from the lines themselves)."""
    from kunde_cli import identity as ident

    apart = apart_by_source(lines, sources)
    if identity is None:
        return ident.resolve_customers(apart)
    return ident.apply_identity(apart, identity, ids_complete=True)


class Overlay:
    """Exports laid over each other in memory, as ``kunde ingest`` stores them in the
    workspace (for files read directly: ``kunde segment okt.csv nov.csv``).

    >>> overlay = Overlay()  # doctest: +SKIP
    >>> overlay.add_orders(frame, "shop", export_time(path))  # doctest: +SKIP
    >>> lines = overlay.orders()  # doctest: +SKIP
    """

    def __init__(self) -> None:
        self.lines = s.empty_orders()
        self.answers = pl.DataFrame(schema=s.SURVEY)
        self.identity: pl.DataFrame | None = None
        #: The shop systems of the lines, first laid first (as the manifest lists them).
        self.sources: list[str | None] = []
        self.has_answers = False

    def add_orders(self, frame: pl.DataFrame, source: str, exported_at: datetime | None) -> Overlap:
        """Lay one export's order lines over the lines so far and say what it found."""
        frame = conform(frame, s.ORDERS, (s.ORDER_ID, s.LINE_NO))
        overlap = lay_orders(frame, self.lines.lazy(), source, exported_at)
        if overlap.fresh.height:
            self.identity = identity_after(overlap.fresh, self.identity)
            if source not in self.sources:
                self.sources.append(source)
        kept = (
            without_orders(self.lines, overlap.replaced, source)
            if overlap.changed_orders
            else self.lines
        )
        self.lines = pl.concat([kept, conform(overlap.fresh, s.ORDERS, ())])
        return overlap

    def add_answers(self, frame: pl.DataFrame, layout: object) -> AnswerOverlap:
        """Lay one export's survey answers over the answers so far."""
        frame = conform(frame, s.SURVEY, (s.RESPONSE_ID,))
        answers = lay_answers(frame, self.answers.lazy(), layout)
        kept = without_answers(self.answers, answers.replaced) if answers.changed else self.answers
        self.answers = pl.concat([kept, conform(answers.fresh, s.SURVEY, ())])
        self.has_answers = True
        return answers

    def orders(self) -> pl.LazyFrame:
        """The order lines laid so far, as analyses read them (:func:`resolved_lines`)."""
        return resolved_lines(self.lines.lazy(), self.sources, self.identity)

    def survey(self) -> pl.LazyFrame | None:
        """The survey answers laid so far, customer ids mapped onto the orders' (None:
        no survey export was laid): an answer naming an order is that order's customer's
        (:func:`kunde_cli.store.answers.link_orders`)."""
        from kunde_cli import identity as ident
        from kunde_cli.store.answers import link_orders, names_orders

        if not self.has_answers:
            return None
        resolved = ident.resolve_survey(self.answers, self.identity)
        return link_orders(resolved, self.orders()) if names_orders(self.answers) else resolved
