"""The orders and customers tables the workspace stores beside the order lines.

Every analysis starts from the orders of :func:`kunde_cli.analytics.orders.order_totals`
and the customers' contact details; regrouping millions of lines for each question is
what made a report slow. At ingest (and at every other change of the lines: forget, an
upgrade of an older workspace) the store writes, in the same manifest commit as the
lines:

* the **orders table** — one row per order as :func:`order_totals` builds it with no
  as-of date (anonymous orders included, ``customer_id`` null), plus
  ``customer_key`` (the customer's integer key), ``last_line_date`` (the latest line
  of the order, its credit lines included: an as-of date before it cuts the order in
  two), ``line_count``, ``channel``, ``first_product``, ``first_category`` (of the
  order's lowest-numbered line that has one) and ``currency``;
* the **customers table** — one row per known customer: ``customer_key``,
  ``customer_id`` (the canonical id, :mod:`kunde_cli.identity`), the latest name,
  e-mail, phone, postcode, city, country and marketing consent (the latest line with a
  non-empty value wins, :func:`kunde_cli.analytics.orders.latest_contacts`),
  ``aliases`` (the customer's e-mails), ``keys_issued``, ``first_purchase``,
  ``last_purchase``, ``purchase_days``, ``purchases`` and ``last_line_date``.

Customer keys are integers assigned at ingest and kept across ingests (a customer keeps
its key; new customers get the next numbers, in id order); when identity merges two ids,
the surviving canonical id keeps its key. The tables describe the lines *as a whole*: an
analysis at an earlier as-of date filters them and rebuilds from the lines only the
orders that date cuts (:func:`orders_at`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

import polars as pl

from kunde_cli import schema as s
from kunde_cli.analytics.orders import (
    COUNTED,
    NET_AMOUNT,
    PURCHASE_DAY,
    all_orders,
    as_of_cutoff,
    customer_emails,
    latest_contacts,
)
from kunde_cli.identity import normalise_email_expr

CUSTOMER_KEY = "customer_key"
LAST_LINE_DATE = "last_line_date"
LINE_COUNT = "line_count"
FIRST_PRODUCT = "first_product"
FIRST_CATEGORY = "first_category"
FIRST_PURCHASE = "first_purchase"
LAST_PURCHASE = "last_purchase"
PURCHASE_DAYS = "purchase_days"
PURCHASES = "purchases"
#: The customer's e-mails (normalised): how a customer is known again when its id changes.
ALIASES = "aliases"
#: The largest key ever given (the same on every row): keys are never given twice.
KEYS_ISSUED = "keys_issued"

#: Contact columns of the customers table, with their dtype (as the order lines have it).
CONTACT_COLUMNS: dict[str, pl.DataType] = {
    column: s.ORDERS[column]
    for column in (s.NAME, s.EMAIL, s.PHONE, s.POSTCODE, s.CITY, s.COUNTRY, s.MARKETING_CONSENT)
}

#: The far-off as-of date the tables are built at (every line in scope).
_ALL = date(9999, 12, 30)


@dataclass(frozen=True)
class Tables:
    """The two stored tables (eager frames, as written)."""

    orders: pl.DataFrame
    customers: pl.DataFrame


def customer_keys(
    customers: pl.Series | pl.DataFrame, previous: pl.DataFrame | None = None
) -> pl.DataFrame:
    """``customer_id`` → ``customer_key`` for the distinct non-null ids given.

    A customer keeps the key ``previous`` (an earlier customers table) gave the same id;
    else the key of the one earlier customer it shares an alias with (``aliases``: its
    e-mails, when both frames have them — a guest known by her e-mail who makes an
    account keeps her key), unless another customer holds that key already; else the
    next number never issued (``keys_issued``, kept in the table, so the key of a
    customer merged away is never given to a new one), in id order (the same data gives
    the same keys). Returns ``customer_id``, ``customer_key``.

    >>> old = pl.DataFrame({"customer_id": ["b"], "customer_key": [7]})
    >>> customer_keys(pl.Series("customer_id", ["c", "b", "a", None, "c"]), old).rows()
    [('a', 8), ('b', 7), ('c', 9)]
    >>> old = pl.DataFrame({"customer_id": ["x@y.dk"], "customer_key": [3],
    ...     "aliases": [["x@y.dk"]], "keys_issued": [9]})
    >>> new = pl.DataFrame({"customer_id": ["K1", "K2"], "aliases": [["x@y.dk"], []]})
    >>> customer_keys(new, old).rows()
    [('K1', 3), ('K2', 10)]
    """
    frame = customers if isinstance(customers, pl.DataFrame) else customers.to_frame()
    ids = frame.select(pl.col(s.CUSTOMER_ID)).drop_nulls().unique().sort(s.CUSTOMER_ID)
    if previous is None or previous.is_empty():
        return ids.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(CUSTOMER_KEY))
    known = previous.select(s.CUSTOMER_ID, pl.col(CUSTOMER_KEY).cast(pl.Int64))
    issued = int(cast("int | None", known.get_column(CUSTOMER_KEY).max()) or 0)
    if KEYS_ISSUED in previous.columns:
        most = cast("int | None", previous.get_column(KEYS_ISSUED).max())
        issued = max(issued, int(most or 0))
    joined = ids.join(known, on=s.CUSTOMER_ID, how="left", maintain_order="left")
    if ALIASES in previous.columns and ALIASES in frame.columns:
        joined = _keys_by_alias(joined, frame, previous)
    fresh = pl.col(CUSTOMER_KEY).is_null()
    return joined.with_columns(
        pl.when(fresh)
        .then(fresh.cast(pl.Int64).cum_sum() + issued)
        .otherwise(pl.col(CUSTOMER_KEY))
        .alias(CUSTOMER_KEY)
    )


def _keys_by_alias(
    joined: pl.DataFrame, frame: pl.DataFrame, previous: pl.DataFrame
) -> pl.DataFrame:
    """Give a customer without a key of its own the key of the one earlier customer it
    shares an alias with (an alias of exactly one customer on both sides; a key no one
    else holds; one key per customer: the smallest)."""

    def unique_aliases(table: pl.DataFrame, value: str) -> pl.DataFrame:
        pairs = table.select(value, ALIASES).explode(ALIASES).drop_nulls().unique()
        return pairs.filter(pl.len().over(ALIASES) == 1)

    held = set(joined.get_column(CUSTOMER_KEY).drop_nulls().to_list())
    candidates = (
        unique_aliases(frame.drop_nulls(s.CUSTOMER_ID), s.CUSTOMER_ID)
        .join(
            unique_aliases(
                previous.with_columns(pl.col(CUSTOMER_KEY).cast(pl.Int64)), CUSTOMER_KEY
            ),
            on=ALIASES,
        )
        .join(joined.filter(pl.col(CUSTOMER_KEY).is_null()).select(s.CUSTOMER_ID), on=s.CUSTOMER_ID)
        .filter(~pl.col(CUSTOMER_KEY).is_in(list(held)))
        .select(s.CUSTOMER_ID, CUSTOMER_KEY)
        .unique()
        .sort(s.CUSTOMER_ID, CUSTOMER_KEY)
    )
    # One key per customer (its smallest), one customer per key (the first by id).
    chosen = candidates.unique(s.CUSTOMER_ID, keep="first").unique(CUSTOMER_KEY, keep="first")
    return joined.join(
        chosen.rename({CUSTOMER_KEY: "_alias_key"}), on=s.CUSTOMER_ID, how="left"
    ).select(s.CUSTOMER_ID, pl.coalesce(CUSTOMER_KEY, "_alias_key").alias(CUSTOMER_KEY))


def _first_by_line(column: str, credits: pl.Expr) -> pl.Expr:
    """The value of ``column`` on the order's lowest-numbered line that has one, its
    own lines before the credit lines of another document netted into it (``credits``:
    an invoice and the credit note naming it both have a line 1), and of lines numbered
    alike the smallest value — so the same lines always give the same value, however
    Polars splits the work."""
    value = pl.col(column)
    key = pl.when(value.is_not_null()).then(
        credits.cast(pl.Int64) * (1 << 40) + pl.col(s.LINE_NO).cast(pl.Int64)
    )
    return value.sort_by(key, value, nulls_last=True).first()


def build_tables(lines: pl.LazyFrame, previous: pl.DataFrame | None = None) -> Tables:
    """The orders and customers tables of ``lines`` (resolved customer ids, as the
    workspace scans them); ``previous`` is the customers table they replace (for the
    keys).

    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "a", None], "order_id": ["1", "1", "2", "3"],
    ...     "line_no": [1, 2, 1, 1],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 1, 9), datetime(2024, 2, 1),
    ...                    datetime(2024, 2, 1)],
    ...     "amount": [100.0, -30.0, 50.0, 20.0], "status": ["paid", None, "paid", "paid"],
    ...     "email": ["a@x.dk", None, "new@x.dk", None], "product": ["Te", None, "Kaffe", "Te"]})
    >>> t = build_tables(lines)
    >>> t.orders.sort("order_id").select(
    ...     "customer_key", "order_id", "net_amount", "line_count", "last_line_date", "first_product"
    ... ).rows()  # doctest: +NORMALIZE_WHITESPACE
    [(1, '1', 70.0, 2, datetime.datetime(2024, 1, 9, 0, 0), 'Te'),
     (1, '2', 50.0, 1, datetime.datetime(2024, 2, 1, 0, 0), 'Kaffe'),
     (None, '3', 20.0, 1, datetime.datetime(2024, 2, 1, 0, 0), 'Te')]
    >>> t.customers.select("customer_key", "customer_id", "email", "purchases", "purchase_days").rows()
    [(1, 'a', 'new@x.dk', 2, 2)]
    """
    lines = lines.lazy()
    orders = all_orders(lines, as_of=_ALL, extra=_order_extras(lines)).collect()
    people = latest_contacts(lines).collect()
    return _assemble(orders, people, _aliases(lines), previous)


def update_tables(lines: pl.LazyFrame, previous: Tables, added: pl.LazyFrame) -> Tables:
    """The tables of ``lines`` from ``previous``, the tables of ``lines`` without the
    lines ``added`` (an append: nothing else changed, and no stored customer's canonical
    id changed — the caller checks). The same tables as :func:`build_tables` with
    ``previous.customers``, from the touched orders and customers only.

    Rebuilt from their lines: the orders ``added`` names (its order ids and the orders
    its credit lines name), with every order linked to them by a credit reference; the
    contact details and e-mails of the customers with an added line. Every other order
    and customer row is kept; customer keys and purchase figures are worked out again
    from the (per-order, per-customer) tables, which is cheap.

    >>> old = pl.LazyFrame({
    ...     "customer_id": ["a", "b"], "order_id": ["1", "2"], "line_no": [1, 1],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 1, 5)],
    ...     "amount": [100.0, 50.0], "status": ["paid", "paid"], "email": ["a@x.dk", None]})
    >>> new = pl.LazyFrame({
    ...     "customer_id": ["c"], "order_id": ["3"], "line_no": [1],
    ...     "order_date": [datetime(2024, 2, 1)], "amount": [70.0], "status": ["paid"],
    ...     "email": ["c@x.dk"]})
    >>> t = update_tables(pl.concat([old, new]), build_tables(old), new)
    >>> t.customers.select("customer_key", "customer_id", "purchases").rows()
    [(1, 'a', 1), (2, 'b', 1), (3, 'c', 1)]
    """
    lines = lines.lazy()
    names = lines.collect_schema().names()
    touched = set(added.select(s.ORDER_ID).unique().collect().to_series().drop_nulls().to_list())
    if s.REFERENCE in names:
        links = (
            lines.filter(pl.col(s.REFERENCE).is_not_null())
            .select(s.ORDER_ID, s.REFERENCE)
            .unique()
            .collect()
        )
        touched |= set(
            added.select(pl.col(s.REFERENCE).drop_nulls().unique()).collect().to_series().to_list()
        )
        # Every order linked to a touched one by a credit reference, either way, is
        # touched too (a credit note stored before the order it names came in).
        while not links.is_empty():
            known = pl.Series(sorted(touched), dtype=pl.String).implode()
            near = links.filter(pl.col(s.ORDER_ID).is_in(known) | pl.col(s.REFERENCE).is_in(known))
            grown = (
                touched
                | set(near.get_column(s.ORDER_ID).to_list())
                | set(near.get_column(s.REFERENCE).to_list())
            )
            if grown == touched:
                break
            touched = grown
    ids = pl.Series(s.ORDER_ID, sorted(touched), dtype=pl.String).implode()
    mine = pl.col(s.ORDER_ID).is_in(ids)
    rebuilt = (
        all_orders(
            lines.filter(mine),
            as_of=_ALL,
            extra=_order_extras(lines),
        )
        .filter(mine)
        .collect()
    )
    _same_columns(previous.orders, rebuilt.schema, "orders")
    _same_columns(
        previous.customers,
        {s.CUSTOMER_ID: pl.String(), **CONTACT_COLUMNS, ALIASES: pl.List(pl.String)},
        "customers",
    )
    kept = previous.orders.filter(~mine).select(rebuilt.columns)
    orders = pl.concat([kept, rebuilt])
    # Contacts and e-mails come from a customer's own lines: only those with an added
    # line can have changed.
    who = added.select(pl.col(s.CUSTOMER_ID).drop_nulls().unique()).collect().to_series()
    theirs = lines.filter(pl.col(s.CUSTOMER_ID).is_in(who.implode()))
    contact = [s.CUSTOMER_ID, *CONTACT_COLUMNS]
    old = previous.customers.filter(~pl.col(s.CUSTOMER_ID).is_in(who.implode()))
    people = pl.concat([old.select(contact), latest_contacts(theirs).collect().select(contact)])
    aliases = pl.concat(
        [
            old.select(s.CUSTOMER_ID, ALIASES).filter(pl.col(ALIASES).is_not_null()),
            _aliases(theirs),
        ]
    )
    return _assemble(orders, people, aliases, previous.customers)


def _same_columns(table: pl.DataFrame, wanted: Mapping[str, pl.DataType], name: str) -> None:
    """Raise ValueError unless ``table`` has the ``wanted`` columns with their dtypes
    (a table made by other rules, or damaged, is built again, not updated)."""
    have = table.schema
    wrong = [column for column, dtype in wanted.items() if have.get(column) != dtype]
    if wrong:
        raise ValueError(f"the stored {name} table differs in {', '.join(wrong)}")


def _order_extras(lines: pl.LazyFrame) -> list[pl.Expr]:
    """The orders table's aggregations beyond :func:`all_orders`' own."""
    names = lines.collect_schema().names()
    # A credit line that names another order (all_orders marks credit lines
    # ``_credit_line`` and nets those with a reference into the order they name).
    credits = (
        pl.col("_credit_line") & pl.col(s.REFERENCE).is_not_null()
        if s.REFERENCE in names
        else pl.lit(False)
    )
    extra = [
        pl.col(s.ORDER_DATE).max().alias(LAST_LINE_DATE),
        pl.len().cast(pl.Int64).alias(LINE_COUNT),
    ]
    for column, alias in (
        (s.CHANNEL, s.CHANNEL),
        (s.PRODUCT, FIRST_PRODUCT),
        (s.CATEGORY, FIRST_CATEGORY),
        (s.CURRENCY, s.CURRENCY),
    ):
        if column in names:
            extra.append(_first_by_line(column, credits).cast(pl.String).alias(alias))
        else:
            extra.append(pl.lit(None, pl.String).alias(alias))
    return extra


def _aliases(lines: pl.LazyFrame) -> pl.DataFrame:
    """Per customer of ``lines``: its e-mails, normalised, sorted (customers without
    one have no row)."""
    return (
        customer_emails(lines)
        .select(s.CUSTOMER_ID, normalise_email_expr(s.EMAIL).alias(ALIASES))
        .drop_nulls()
        .group_by(s.CUSTOMER_ID)
        .agg(pl.col(ALIASES).unique().sort())
        .collect()
    )


def _assemble(
    orders: pl.DataFrame,
    people: pl.DataFrame,
    aliases: pl.DataFrame,
    previous: pl.DataFrame | None,
) -> Tables:
    """The two tables from the orders (no keys yet), the customers' contact details
    and e-mails, and the customers table they replace (for the keys)."""
    # Every known customer of the lines, also one whose only line is a credit note
    # naming another customer's order (its order belongs to that customer).
    ids = pl.concat([orders.select(s.CUSTOMER_ID), people.select(s.CUSTOMER_ID)]).unique()
    ids = ids.join(aliases, on=s.CUSTOMER_ID, how="left")
    keys = customer_keys(ids, previous)
    issued = keys.get_column(CUSTOMER_KEY).max()
    if previous is not None and KEYS_ISSUED in previous.columns:
        issued = max(issued or 0, previous.get_column(KEYS_ISSUED).max() or 0)
    counted = pl.col(COUNTED)
    bought = (
        orders.lazy()
        .filter(pl.col(s.CUSTOMER_ID).is_not_null())
        .group_by(s.CUSTOMER_ID)
        .agg(
            pl.col(s.ORDER_DATE).filter(counted).min().alias(FIRST_PURCHASE),
            pl.col(s.ORDER_DATE).filter(counted).max().alias(LAST_PURCHASE),
            pl.col(s.ORDER_DATE)
            .filter(counted)
            .dt.date()
            .n_unique()
            .cast(pl.Int64)
            .alias(PURCHASE_DAYS),
            counted.sum().cast(pl.Int64).alias(PURCHASES),
            pl.col(LAST_LINE_DATE).max(),
        )
        .collect()
    )
    customers = (
        keys.join(people, on=s.CUSTOMER_ID, how="left")
        .join(bought, on=s.CUSTOMER_ID, how="left")
        .join(aliases, on=s.CUSTOMER_ID, how="left")
        .with_columns(
            pl.col(PURCHASE_DAYS, PURCHASES).fill_null(0),
            pl.lit(issued or 0, pl.Int64).alias(KEYS_ISSUED),
        )
        .sort(CUSTOMER_KEY)
    )
    orders = orders.join(keys, on=s.CUSTOMER_ID, how="left").select(
        CUSTOMER_KEY, pl.all().exclude(CUSTOMER_KEY)
    )
    return Tables(
        orders=orders.sort(CUSTOMER_KEY, s.ORDER_ID, nulls_last=True), customers=customers
    )


@dataclass(frozen=True)
class TableRules:
    """How the workspace builds its tables from every line, and updates them after an
    append (``kunde_cli.store.Workspace(path, tables=TABLE_RULES)``)."""

    build: Callable[[pl.LazyFrame, pl.DataFrame | None], Tables] = build_tables
    update: Callable[[pl.LazyFrame, Tables, pl.LazyFrame], Tables] = update_tables
    #: Raised whenever what the tables hold or how a row is made changes: tables made
    #: by other rules are built again, never updated (their kept rows would differ).
    version: int = 2


TABLE_RULES = TableRules()


def orders_at(
    stored: pl.DataFrame | pl.LazyFrame,
    lines: pl.LazyFrame,
    *,
    as_of: date | datetime,
    known_only: bool = True,
) -> pl.DataFrame:
    """:func:`kunde_cli.analytics.orders.order_totals` at ``as_of``, from the stored
    orders table: the orders up to ``as_of``, where those the date cuts in two (an
    order whose later lines — a refund, a credit note naming it — come after ``as_of``)
    are built again from their lines. Known customers only, as order_totals, unless
    ``known_only`` is False (then the orders of unknown customers too, as
    :func:`kunde_cli.analytics.orders.all_orders`).
    """
    cutoff = as_of_cutoff(as_of)
    table = stored.lazy()
    # An order the date cuts — any of its rows (its customer's, a guest's part, a credit
    # note naming it) has a line after the date — is built again from all its lines:
    # at an earlier date its lines can belong to other customers than in the table.
    ids = (
        table.filter((pl.col(s.ORDER_DATE) < cutoff) & (pl.col(LAST_LINE_DATE) >= cutoff))
        .select(pl.col(s.ORDER_ID).unique())
        .collect()
        .to_series()
    )
    whole = table.filter((pl.col(s.ORDER_DATE) < cutoff) & ~pl.col(s.ORDER_ID).is_in(ids.implode()))
    if known_only:
        whole = whole.filter(pl.col(s.CUSTOMER_ID).is_not_null())
    whole = whole.select(ORDER_COLUMNS)
    if ids.is_empty():
        return whole.collect()
    mine = pl.col(s.ORDER_ID).is_in(ids.implode())
    if s.REFERENCE in lines.collect_schema():
        mine = mine | pl.col(s.REFERENCE).is_in(ids.implode())
    rebuilt = all_orders(lines.filter(mine), as_of=as_of).filter(
        pl.col(s.ORDER_ID).is_in(ids.implode())
    )
    if known_only:
        rebuilt = rebuilt.filter(pl.col(s.CUSTOMER_ID).is_not_null())
    return pl.concat([whole, rebuilt.select(ORDER_COLUMNS)]).collect()


#: The columns of order_totals, in its order.
ORDER_COLUMNS = [
    s.CUSTOMER_ID,
    s.ORDER_ID,
    s.ORDER_DATE,
    "order_status",
    NET_AMOUNT,
    "status_word",
    "credit",
    COUNTED,
    "in_revenue",
]

__all__ = [
    "CONTACT_COLUMNS",
    "CUSTOMER_KEY",
    "LAST_LINE_DATE",
    "PURCHASE_DAY",
    "TABLE_RULES",
    "TableRules",
    "Tables",
    "build_tables",
    "customer_keys",
    "orders_at",
    "update_tables",
]
