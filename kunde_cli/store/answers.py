"""What a new survey export adds to the stored answers: new answers, answers edited
since the last export, the same answers again, and answers whose tool id another stored
answer already has (a second sheet numbering its answers the same way); and whose
customer an answer naming an order is (:func:`link_orders`).

The same idea as the order lines' overlap (:mod:`kunde_cli.store.overlap`), with the
survey tool's own ids or a key of the answer's content.

Pure functions on Polars frames; :class:`kunde_cli.store.Workspace` does the I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kunde_cli import schema as s
from kunde_cli.store.erase import ERASED_PREFIX


@dataclass(frozen=True)
class AnswerOverlap:
    """How an export's survey answers meet the stored ones."""

    fresh: pl.DataFrame  # answers to store: new ones, new versions, re-keyed clashes
    replaced: pl.DataFrame  # (response_id) of stored answers the new versions replace
    duplicates: int  # answers stored already, alike (or erased since: they stay erased)
    changed: int  # answers the survey tool lets people edit, changed since the last export
    clashes: int  # answers whose tool id another stored answer (other person/time) has


#: Layouts whose response ids are unique across every survey of the tool (SurveyMonkey's
#: Respondent ID, Typeform's token, Qualtrics' ``R_…`` ResponseId, Delighted's response
#: id): the same id is always the same answer, edited or not. Ids typed into a sheet
#: (1, 2, 3 …) may start again in the next sheet.
UNIQUE_ID_LAYOUTS = ("surveymonkey", "typeform", "qualtrics", "delighted")

#: Prefix of a response id made from an answer's content (no id column in the export).
CONTENT_KEY_PREFIX = "svar-"


def content_key(score: pl.Expr | None = None) -> pl.Expr:
    """A response id from what an answer says: submitted time, customer (id, else
    e-mail), score and comment — the same in next month's export of the same form, under
    any file name, in any row order (Google Forms and plain sheets have no response id).

    Two identical answers in one export (same second, same person, same score and
    comment) are told apart by their occurrence number, so each counts once and a
    re-export holding both again adds neither. The key is a SHA-256 digest (stable across
    Polars versions, unlike ``Expr.hash``; holds no personal data in readable form).
    """
    import hashlib

    score = pl.col(s.SCORE) if score is None else score
    text = pl.concat_str(
        pl.col(s.RESPONDED_AT).dt.strftime("%Y-%m-%dT%H:%M:%S").fill_null(""),
        pl.coalesce(s.CUSTOMER_ID, pl.col(s.EMAIL).str.to_lowercase()).fill_null(""),
        score.cast(pl.String).fill_null(""),
        pl.col(s.COMMENT).str.strip_chars().fill_null(""),
        separator="\x1f",
    )
    nth = pl.int_range(pl.len()).over(text)
    # Survey exports are small (hundreds to thousands of answers): hashlib per answer is
    # fast enough, and the key must stay the same across Polars versions.
    return pl.format("{}\x1f{}", text, nth).map_elements(
        lambda value: CONTENT_KEY_PREFIX + hashlib.sha256(value.encode("utf-8")).hexdigest()[:24],
        return_dtype=pl.String,
    )


def _person() -> pl.Expr:
    return pl.coalesce(s.CUSTOMER_ID, s.EMAIL)


def compare_answers(
    batch: pl.DataFrame, stored: pl.LazyFrame, *, unique_ids: bool = False
) -> AnswerOverlap:
    """Split ``batch`` (schema.SURVEY, one export) against ``stored`` answers.

    An answer is known by its ``response_id``: the survey tool's own id (Respondent ID,
    ``#``, a typed Svarnummer), else a key of its content (:func:`content_key`).
    A tool id already stored is

    * the same answer when the tool's ids are unique (``unique_ids``: SurveyMonkey,
      Typeform), or it has the same person (customer id, else e-mail), or — with no
      person on either side, or a person erased since — the same time: alike →
      duplicate; edited since (another score, comment or time) → **changed**, the new
      version replaces the stored one (an erased person's answer stays as it is);
    * otherwise a **clash**: another survey numbering its answers the same way (a second
      sheet starting at 1 again). The answer is kept, keyed on its content instead, and
      counted, never dropped as a duplicate.

    The same tool id twice in ``batch`` is one answer when the rows are alike, else a
    clash too (a number typed twice).
    """
    said = pl.struct(s.RESPONDED_AT, _person(), s.SCORE, s.COMMENT)
    # Within the export: rows repeating an id and all it says are copies (one answer);
    # an id on rows that say different things was typed twice: every one of them is an
    # answer of its own, keyed on its content (whatever order the sheet is sorted in).
    distinct = batch.with_columns(said.alias("_said")).unique(
        [s.RESPONSE_ID, "_said"], keep="first", maintain_order=True
    )
    twice = pl.len().over(s.RESPONSE_ID) > 1
    typed_twice = distinct.filter(twice).drop("_said")
    firsts = distinct.filter(~twice).drop("_said")

    columns = [s.RESPONSE_ID, s.RESPONDED_AT, s.CUSTOMER_ID, s.EMAIL, s.SCORE, s.COMMENT]
    known = (
        stored.select(columns)
        .join(firsts.lazy().select(s.RESPONSE_ID), on=s.RESPONSE_ID, how="semi")
        .unique(s.RESPONSE_ID, keep="first", maintain_order=True)
        .collect()
    )
    old = {c: f"{c}_stored" for c in columns if c != s.RESPONSE_ID}
    joined = firsts.join(
        known.rename(old).with_columns(_hit=pl.lit(True)),
        on=s.RESPONSE_ID,
        how="left",
        maintain_order="left",
    )
    person_new = _person()
    person_old = pl.coalesce(old[s.CUSTOMER_ID], old[s.EMAIL])
    own = ~pl.col(s.RESPONSE_ID).str.starts_with(CONTENT_KEY_PREFIX)
    erased = person_old.str.starts_with(ERASED_PREFIX).fill_null(False)
    same_time = pl.col(s.RESPONDED_AT).eq_missing(pl.col(old[s.RESPONDED_AT]))
    no_person = person_new.is_null() | person_old.is_null() | erased
    # A number typed into a sheet is the same answer only at the same time (a corrected
    # typo); the same person under the same number another day answered again.
    same_answer = pl.lit(unique_ids) | (
        ((~erased & (person_new == person_old).fill_null(False)) | no_person) & same_time
    )
    alike = (
        same_time
        & pl.col(s.SCORE).eq_missing(pl.col(old[s.SCORE]))
        & pl.col(s.COMMENT).eq_missing(pl.col(old[s.COMMENT]))
    )
    # An edited answer is answered later: a version older than the stored one stays out.
    older = (pl.col(s.RESPONDED_AT) < pl.col(old[s.RESPONDED_AT])).fill_null(False)
    kind = (
        pl.when(pl.col("_hit").is_null())
        .then(pl.lit("new"))
        .when(~own | (same_answer & (alike | erased | older)))
        .then(pl.lit("duplicate"))
        .when(same_answer)
        .then(pl.lit("changed"))
        .otherwise(pl.lit("clash"))
    )
    # An answer numbered since it was stored (keyed on its content then) is known too.
    known_content = joined.select(
        content_key().is_in(
            stored.select(s.RESPONSE_ID).collect().get_column(s.RESPONSE_ID).implode()
        )
    ).to_series()
    kind = (
        pl.when(pl.col("_hit").is_null() & own & pl.col("_known_content"))
        .then(pl.lit("duplicate"))
        .otherwise(kind)
    )
    kinds = (
        joined.with_columns(_known_content=known_content)
        .select(kind.alias("_kind"))
        .get_column("_kind")
    )
    clashing = pl.concat([firsts.filter(kinds == "clash"), typed_twice])
    rekeyed = clashing.with_columns(content_key().alias(s.RESPONSE_ID))
    # A clash seen before (the second sheet exported again) is stored under its content.
    rekeyed = rekeyed.join(
        stored.select(s.RESPONSE_ID).collect(), on=s.RESPONSE_ID, how="anti", maintain_order="left"
    )
    fresh = pl.concat([firsts.filter(kinds.is_in(["new", "changed"])), rekeyed])
    changed = firsts.filter(kinds == "changed").select(s.RESPONSE_ID)
    return AnswerOverlap(
        fresh=fresh,
        replaced=changed,
        duplicates=batch.height - fresh.height,
        changed=changed.height,
        clashes=clashing.height,
    )


# --- answers naming an order ------------------------------------------------------------

#: How an answer's order number met the orders (:func:`order_matches`):
ORDER_MATCH = "order_match"
#: ... one order's customer (the answer is that customer's);
ORDER_LINKED = "linked"
#: ... no order has that number;
ORDER_UNKNOWN = "unknown"
#: ... orders of several shop systems have it, each another customer's;
ORDER_AMBIGUOUS = "ambiguous"
#: ... its order has no known customer (no customer id, e-mail or phone on its lines).
ORDER_NO_CUSTOMER = "no_customer"

_KEY = "_order_key"
_CUSTOMER = "_order_customer"
_CUSTOMERS = "_order_customers"


def order_key(expr: pl.Expr) -> pl.Expr:
    """An order number as answers and orders are compared: trimmed, without a leading
    ``#`` (Shopify's ``#1001`` is the ``1001`` a survey link passes on); empty → null.

    >>> pl.DataFrame({"v": [" #1001 ", "1001", "", None]}).select(order_key(pl.col("v")))["v"].to_list()
    ['1001', '1001', None, None]
    """
    key = expr.cast(pl.String).str.strip_chars().str.strip_chars_start("#").str.strip_chars()
    return pl.when(key.str.len_chars() > 0).then(key)


def order_customers(lines: pl.LazyFrame | pl.DataFrame) -> pl.DataFrame:
    """Per order number (:func:`order_key`), the customer whose order it is.

    ``lines`` are order lines as analyses read them (canonical customer ids; another
    shop system's order numbers written ``<source>:<number>``, see
    :func:`kunde_cli.store.overlap.apart_by_source`). Order numbers are unique within one
    shop system only, so an order is found by its number as stored (``kasse:17``) and,
    for another system's, by its own number too (``17``). Columns ``_order_key``,
    ``_order_customers`` (how many customers' orders have that number: 0 when none of
    its lines has a customer, 2 or more when several systems' orders do) and
    ``_order_customer`` (the customer, when exactly one).

    >>> lines = pl.DataFrame({
    ...     "order_id": ["1", "2", "shopify:1", "shopify:7"], "source": ["shop", "shop", "shopify", "shopify"],
    ...     "customer_id": ["K1", "K2", "E", "E"]})
    >>> order_customers(lines).sort("_order_key").rows()
    [('1', 2, None), ('2', 1, 'K2'), ('7', 1, 'E'), ('shopify:1', 1, 'E'), ('shopify:7', 1, 'E')]
    """
    lazy = lines.lazy()
    order = pl.col(s.ORDER_ID).cast(pl.String)
    keyed = [lazy.select(order_key(order).alias(_KEY), s.CUSTOMER_ID)]
    if s.SOURCE in lazy.collect_schema().names():
        # Another system's lines (order ids written <source>:<number>) by their number.
        prefix = pl.format("{}:", pl.col(s.SOURCE))
        apart = order.str.starts_with(prefix).fill_null(False)
        bare = order_key(order.str.slice(prefix.str.len_chars()))
        keyed.append(lazy.filter(apart).select(bare.alias(_KEY), s.CUSTOMER_ID))
    customer = pl.col(s.CUSTOMER_ID).drop_nulls()
    return (
        pl.concat(keyed)
        .filter(pl.col(_KEY).is_not_null())
        .group_by(_KEY)
        .agg(
            customer.n_unique().cast(pl.Int64).alias(_CUSTOMERS),
            customer.min().cast(pl.String).alias(_CUSTOMER),
        )
        .with_columns(pl.when(pl.col(_CUSTOMERS) == 1).then(pl.col(_CUSTOMER)).alias(_CUSTOMER))
        .collect()
    )


def names_orders(survey: pl.LazyFrame | pl.DataFrame) -> bool:
    """True when an answer of ``survey`` names an order (a non-empty ``order_id``)."""
    lazy = survey.lazy()
    if s.ORDER_ID not in lazy.collect_schema().names():
        return False
    return bool(lazy.select(order_key(pl.col(s.ORDER_ID)).is_not_null().any()).collect().item())


def order_matches(survey: pl.LazyFrame, lines: pl.LazyFrame | pl.DataFrame) -> pl.LazyFrame:
    """``survey`` with ``order_match`` (:data:`ORDER_LINKED`, :data:`ORDER_UNKNOWN`,
    :data:`ORDER_AMBIGUOUS`, :data:`ORDER_NO_CUSTOMER`; null for an answer naming no
    order) and ``_order_customer`` (the customer of a linked answer's order). The lines
    are read once (:func:`order_customers`), and only when an answer names an order."""
    names = survey.collect_schema().names()
    if not names_orders(survey):
        return survey.with_columns(
            pl.lit(None, pl.String).alias(ORDER_MATCH), pl.lit(None, pl.String).alias(_CUSTOMER)
        )
    found = pl.col(_CUSTOMERS)
    match = (
        pl.when(pl.col(_KEY).is_null())
        .then(None)
        .when(found.is_null())
        .then(pl.lit(ORDER_UNKNOWN))
        .when(found == 1)
        .then(pl.lit(ORDER_LINKED))
        .when(found == 0)
        .then(pl.lit(ORDER_NO_CUSTOMER))
        .otherwise(pl.lit(ORDER_AMBIGUOUS))
    )
    return (
        survey.with_columns(order_key(pl.col(s.ORDER_ID)).alias(_KEY))
        .join(order_customers(lines).lazy(), on=_KEY, how="left", maintain_order="left")
        .with_columns(match.alias(ORDER_MATCH))
        .select(*names, ORDER_MATCH, _CUSTOMER)
    )


def link_orders(survey: pl.LazyFrame, lines: pl.LazyFrame | pl.DataFrame) -> pl.LazyFrame:
    """Answers naming an order (``order_id``) become the customer of that order: its
    ``customer_id`` replaces the answer's own id and whatever its e-mail matched — the
    order is the surest key an answer can carry (a survey tool's hidden field, filled in
    by the link the shop sent after that order). An answer whose order number no order
    has (or several systems' orders, or an order without a customer) keeps its
    ``customer_id`` as it is. Same columns and rows, in the same order; without an answer
    naming an order, ``survey`` itself (the lines are not read).

    >>> survey = pl.LazyFrame({"customer_id": [None, "x@y.dk", "K9"], "order_id": ["#2", "99", None]})
    >>> lines = pl.LazyFrame({"order_id": ["1", "2"], "customer_id": ["K1", "K2"]})
    >>> link_orders(survey, lines).collect()["customer_id"].to_list()
    ['K2', 'x@y.dk', 'K9']
    """
    if not names_orders(survey):
        return survey
    names = survey.collect_schema().names()
    return (
        order_matches(survey, lines)
        .with_columns(pl.coalesce(_CUSTOMER, s.CUSTOMER_ID).alias(s.CUSTOMER_ID))
        .select(names)
    )


def order_match_counts(
    survey: pl.LazyFrame | pl.DataFrame, lines: pl.LazyFrame | pl.DataFrame
) -> dict[str, int]:
    """How many answers of ``survey`` name an order, by :data:`ORDER_MATCH` (only the
    kinds that occur: ``{"linked": 12, "unknown": 3}``; empty when none names one)."""
    lazy = survey.lazy()
    if not names_orders(lazy):
        return {}
    counts = (
        order_matches(lazy, lines)
        .drop_nulls(ORDER_MATCH)
        .group_by(ORDER_MATCH)
        .agg(pl.len())
        .collect()
    )
    return {str(kind): int(n) for kind, n in counts.rows()}
