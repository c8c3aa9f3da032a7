"""From order lines to orders and to per-customer behaviour — the base of every analysis.

Rules (README, "What counts: orders, purchases and revenue"):

* An order is every line with the same order id; a line that names the order it
  credits (``reference``) belongs to that order, so a credit note is netted against the
  order it references. The order's date is its earliest line date; its status is the
  status of its first own line (Shopify writes order fields on the first line only),
  read as a class by :mod:`kunde_cli.ingest.statuses`; its net amount is the sum of its
  lines, so refund lines (negative amounts) reduce it.
* A *purchase* (``counted``) is an order of class completed or partially refunded,
  whatever its amount — a zero-amount order (a free sample) is a purchase with 0
  revenue — unless credit lines bring it to nothing or less (refunded in full).
* A *credit note* is an order of class credit_note, or one whose net amount is below 0
  (however it is labelled, unless cancelled, failed, pending or unknown). It is never a
  purchase; it is deducted from revenue on its own date.
* Revenue (``in_revenue``) is the net amount of purchases plus credit notes. Pending,
  cancelled, failed, fully refunded and unknown orders add nothing.
* Lines without a known customer (no id, e-mail or phone) count in the shop's totals
  (:func:`order_overview`) but not in any per-customer analysis.
* Orders after ``as_of`` (end of that day) are ignored, so re-running on the same data
  gives the same answer.

The order basis: the report and several commands need the orders and the
per-customer summary of the same lines at the same as-of date a dozen times.
:class:`OrderBasis` holds them for one set of lines and one date, each computed at its
first use and then kept by that object (never by this module); analyses take it as
their argument. :meth:`OrderBasis.at` gives the basis of the same lines at another date,
built once per date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Protocol, cast

import polars as pl

from kunde_cli import schema as s
from kunde_cli.ingest import statuses as st

#: Per-order columns produced by :func:`order_totals`.
NET_AMOUNT = "net_amount"
COUNTED = "counted"
IN_REVENUE = "in_revenue"
#: The order's status class (kunde_cli.ingest.statuses.CLASSES).
ORDER_STATUS = "order_status"
#: True for a credit note (never a purchase, deducted from revenue).
CREDIT = "credit"
#: The order's status word as stored (lower case; null when the export has none).
STATUS_WORD = "status_word"

#: Per customer and day columns produced by :func:`purchase_days`.
PURCHASE_DAY = "purchase_day"
DAY_ORDERS = "day_orders"
DAY_SPEND = "day_spend"

#: Per-customer columns produced by :func:`customer_summary`.
FIRST_ORDER = "first_order"
LAST_ORDER = "last_order"
RECENCY = "recency_days"
FREQUENCY = "frequency"
MONETARY = "monetary"
AOV = "aov"


def customer_emails(lines: pl.LazyFrame) -> pl.LazyFrame:
    """The distinct (``customer_id``, ``email``) pairs of ``lines`` with an id (the
    e-mail may be null).

    Survey answers and contact lists are matched to customers by e-mail; normalising
    the few distinct pairs instead of every order line is what keeps that cheap (a
    customer has one e-mail on many lines). :attr:`OrderBasis.emails` keeps them.
    """
    return lines.select(s.CUSTOMER_ID, s.EMAIL).drop_nulls(s.CUSTOMER_ID).unique()


def ore_sum(amounts: pl.Expr) -> pl.Expr:
    """In an aggregation: the sum of money ``amounts``, to the ore (1/100 krone) and exactly.

    Floats added in another order differ in the last bit (0.1 + 0.2 ≠ 0.2 + 0.1), and
    Polars adds a group's values in a different order from run to run; summed as whole
    ore the total is the same every time (same data, same bytes, same RFM quintiles).
    Amounts with more than two decimals are rounded to the ore line by line.

    >>> pl.DataFrame({"a": [0.1, 0.2, 0.7]}).select(ore_sum(pl.col("a"))).item()
    1.0
    """
    return (amounts * 100).round().cast(pl.Int64).sum() / 100


def latest_non_null(column: str | pl.Expr, order_by: str = s.ORDER_DATE) -> pl.Expr:
    """In an aggregation: the value of ``column`` on the latest ``order_by`` that has
    one (null when every value is null).

    On a tie (all lines of an order share its date; date-only exports put every order
    of a day at midnight) the later row wins, so a marketing consent withdrawn on a
    later order of the same day stays withdrawn. max_by skips the nulls of its key, so
    this is several times faster per group than a sort. The key is the time in whole
    seconds shifted left 24 bits plus the row's position in its group (groups keep the
    input order; fits in 64 bits until the year 2500 for groups of < 16.7M rows).
    """
    value = pl.col(column) if isinstance(column, str) else column
    key = pl.col(order_by).dt.epoch("s") * (1 << 24) + pl.int_range(pl.len(), dtype=pl.Int64)
    return value.max_by(pl.when(value.is_not_null()).then(key))


def as_of_cutoff(as_of: date | datetime) -> datetime:
    """The first instant *after* the as-of day: orders before it are in scope."""
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    return datetime(day.year, day.month, day.day) + timedelta(days=1)


def default_as_of(lines: pl.LazyFrame | pl.DataFrame, *, today: date | None = None) -> date | None:
    """The default as-of: the date of the latest order line, never after
    ``today`` (default: the computer's date); None when there are no lines.

    One mistyped year (2099) must not make every customer "lost": lines dated after
    today (kept with ``--allow-future``) leave the as-of at today.

    >>> lines = pl.DataFrame({"order_date": [datetime(2024, 3, 5), datetime(2024, 5, 1)]})
    >>> default_as_of(lines, today=date(2024, 12, 31)), default_as_of(lines, today=date(2024, 4, 1))
    (datetime.date(2024, 5, 1), datetime.date(2024, 4, 1))
    """
    latest: datetime | None = lines.lazy().select(pl.col(s.ORDER_DATE).max()).collect().item()
    if latest is None:
        return None
    return min(latest.date(), today or date.today())


def order_totals(lines: pl.LazyFrame, *, as_of: date | datetime) -> pl.LazyFrame:
    """Collapse order lines of known customers into orders (see the module rules).

    Returns one row per ``(customer_id, order_id)`` with ``order_date`` (earliest line),
    ``order_status`` (the class of the first own line's status), ``net_amount`` (sum of
    lines incl. the credit lines that reference the order; a credit note's is ≤ 0),
    ``credit`` (a credit note), ``counted`` (a purchase) and ``in_revenue`` (a purchase
    or a credit note). Lines dated after ``as_of`` are dropped first; lines without a
    customer are left out (:func:`order_overview` counts them).

    Examples
    --------
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "a", "a"], "order_id": ["1", "1", "2", "3"],
    ...     "line_no": [1, 2, 1, 1],
    ...     "order_date": [datetime(2024, 1, 1)] * 2 + [datetime(2024, 2, 1)] * 2,
    ...     "amount": [100.0, -30.0, 50.0, 0.0],
    ...     "status": ["paid", None, "cancelled", "betalt"]})
    >>> out = order_totals(lines, as_of=date(2024, 3, 1)).sort("order_id").collect()
    >>> out.select("order_id", "net_amount", "order_status", "counted").rows()
    [('1', 70.0, 'completed', True), ('2', 50.0, 'cancelled', False), ('3', 0.0, 'completed', True)]
    """
    return all_orders(lines, as_of=as_of).filter(pl.col(s.CUSTOMER_ID).is_not_null())


def all_orders(
    lines: pl.LazyFrame, *, as_of: date | datetime, extra: Sequence[pl.Expr] = ()
) -> pl.LazyFrame:
    """:func:`order_totals` with the orders of unknown customers too (``customer_id``
    null); ``extra`` are more aggregations per order (the stored orders table's)."""
    cutoff = as_of_cutoff(as_of)
    lines = lines.filter(pl.col(s.ORDER_DATE) < cutoff)
    has_refs = s.REFERENCE in lines.collect_schema()
    word = pl.col(s.STATUS)
    # A line labelled as a credit note takes money back whatever its sign, and every
    # negative line is a credit line, however it is labelled: a refund, a
    # return, a credit note — or a discount written as a line of its own.
    credit_word = word.is_in(st.words_of(st.CREDIT_NOTE))
    amount = pl.when(credit_word).then(-pl.col(s.AMOUNT).abs()).otherwise(pl.col(s.AMOUNT))
    credit_line = amount < 0
    lines = lines.with_columns(amount.alias(s.AMOUNT), credit_line.alias("_credit_line"))
    order_key = pl.col(s.ORDER_ID)
    if has_refs and lines.select(pl.col(s.REFERENCE).is_not_null().any()).collect().item():
        # A credit line that names an order belongs to that order — and so to its
        # customer, even when the credit note names another customer or none.
        refs = pl.col(s.REFERENCE).is_not_null() & pl.col("_credit_line")
        owners = (
            lines.filter(pl.col(s.REFERENCE).is_null() & pl.col(s.CUSTOMER_ID).is_not_null())
            .group_by(s.ORDER_ID)
            .agg(pl.col(s.CUSTOMER_ID).min().alias("_owner"))
        )
        lines = lines.join(
            owners,
            left_on=pl.when(refs).then(pl.col(s.REFERENCE)),
            right_on=s.ORDER_ID,
            how="left",
        ).with_columns(pl.coalesce("_owner", s.CUSTOMER_ID).alias(s.CUSTOMER_ID))
        order_key = pl.when(refs).then(pl.col(s.REFERENCE)).otherwise(pl.col(s.ORDER_ID))
        own = (~refs).cast(pl.Int64)
    else:
        own = pl.lit(1, pl.Int64)
    # The status of the lowest-numbered own line that has one (a credit note's lines
    # only when the order has no line of its own here); of two lines with one number (a
    # credit note exported under the paid order's number and line), the sale's, so the
    # status never depends on the order the lines happen to be read in. min_by skips the
    # nulls of its key and is ~8x faster than sort_by(...).drop_nulls().first() per group.
    line_no = pl.col(s.LINE_NO).cast(pl.Int64)
    negative = (pl.col(s.AMOUNT).fill_null(0) < 0).cast(pl.Int64)
    status = pl.col(s.STATUS).min_by(
        pl.when(pl.col(s.STATUS).is_not_null()).then((1 - own) * (1 << 40) + line_no * 2 + negative)
    )
    cls = pl.col(ORDER_STATUS)
    net = pl.col(NET_AMOUNT)
    credit = (cls == st.CREDIT_NOTE) | ((net < 0) & cls.is_in(list(st.CREDIT_CAPABLE)))
    # Refunded in full by credit lines: nothing left of a positive order.
    fully_credited = (net <= 0) & pl.col("_credited")
    counted = cls.is_in(list(st.PURCHASE_CLASSES)) & ~credit & ~fully_credited
    return (
        lines.group_by(s.CUSTOMER_ID, order_key.alias(s.ORDER_ID))
        .agg(
            pl.col(s.ORDER_DATE).min(),
            status.alias(ORDER_STATUS),
            ore_sum(pl.col(s.AMOUNT)).alias(NET_AMOUNT),
            pl.col("_credit_line").any().alias("_credited"),
            *extra,
        )
        .with_columns(cls.alias(STATUS_WORD), st.status_class_expr(cls).alias(ORDER_STATUS))
        .with_columns(credit.alias(CREDIT))
        .with_columns(counted.alias(COUNTED))
        .with_columns((pl.col(COUNTED) | pl.col(CREDIT)).alias(IN_REVENUE))
        .drop("_credited")
    )


@dataclass(frozen=True)
class Overview:
    """What a set of order lines holds, by what counts (for headlines and ``inspect``).

    ``statuses`` has one row per status word: ``status_word``, ``order_status`` (its
    class), ``orders`` and ``amount`` (their net amount); sorted by orders, then word.
    """

    orders: int
    purchases: int
    revenue: float
    customers: int  # known customers with at least one purchase
    anonymous_orders: int  # purchases without a known customer
    anonymous_revenue: float
    credit_notes: int
    credit_amount: float  # ≤ 0
    statuses: pl.DataFrame
    currencies: tuple[str, ...] = ()  # ISO codes in the data's currency column

    def left_out(self) -> dict[str, tuple[int, float]]:
        """Class → (orders, amount) of the classes that are not counted (pending,
        cancelled, failed, refunded, unknown), only those with orders."""
        rows = self.statuses.group_by(ORDER_STATUS).agg(
            pl.col("orders").sum(), ore_sum(pl.col("amount"))
        )
        counted = (*st.PURCHASE_CLASSES, st.CREDIT_NOTE)
        return {
            cls: (n, amount)
            for cls, n, amount in rows.sort(ORDER_STATUS).rows()
            if cls not in counted and n
        }


def order_overview(
    lines: pl.LazyFrame | OrderBasis,
    *,
    as_of: date | datetime | None = None,
    by_document: bool = True,
) -> Overview:
    """Count what ``lines`` hold up to ``as_of`` (all of it when None), anonymous lines
    included: every order by status, purchases, net revenue, credit notes.

    ``by_document`` lists a credit note that references an order as a document of its
    own (what ``inspect`` shows); without it, given an :class:`OrderBasis`, the overview
    reuses the basis' orders, so a headline costs next to nothing.

    Examples
    --------
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", None, "a", "b"], "order_id": ["1", "2", "3", "4"],
    ...     "line_no": [1, 1, 1, 1], "order_date": [datetime(2024, 1, 1)] * 4,
    ...     "amount": [100.0, 40.0, -30.0, 80.0],
    ...     "status": ["paid", "paid", "kreditnota", "pending"]})
    >>> ov = order_overview(lines)
    >>> (ov.orders, ov.purchases, ov.revenue, ov.customers, ov.anonymous_orders)
    (4, 2, 110.0, 1, 1)
    >>> ov.left_out()
    {'pending': (1, 80.0)}
    """
    day = as_of or date(9999, 12, 30)
    basis = lines if isinstance(lines, OrderBasis) else None
    frame = lines.lines if isinstance(lines, OrderBasis) else lines
    if not by_document and basis is not None and basis.tables is not None:
        from kunde_cli.analytics.tables import orders_at

        orders = orders_at(basis.tables.orders, frame, as_of=day, known_only=False)
        documents = orders
    elif not by_document:
        # One pass over every line: a credit line without a customer that names a known
        # customer's order is netted into that order, and counted nowhere else.
        orders = all_orders(frame, as_of=day).collect()
        documents = orders
    else:
        orders = all_orders(frame, as_of=day).collect()
        # Documents as the export lists them: a credit note that references an order is
        # its own row here (under its own status word), though netted into that order.
        documents = (
            all_orders(
                frame.with_columns(pl.lit(None, pl.String).alias(s.REFERENCE)), as_of=day
            ).collect()
            if s.REFERENCE in frame.collect_schema()
            else orders
        )
    known = pl.col(s.CUSTOMER_ID).is_not_null()
    totals = orders.select(
        pl.col(COUNTED).sum().alias("purchases"),
        ore_sum(pl.col(NET_AMOUNT).filter(pl.col(IN_REVENUE))).alias("revenue"),
        pl.col(s.CUSTOMER_ID).filter(pl.col(COUNTED) & known).n_unique().alias("customers"),
        (pl.col(COUNTED) & ~known).sum().alias("anonymous_orders"),
        ore_sum(pl.col(NET_AMOUNT).filter(pl.col(IN_REVENUE) & ~known)).alias("anonymous_revenue"),
    ).row(0, named=True)
    credits = documents.select(
        pl.col(CREDIT).sum().alias("credit_notes"),
        ore_sum(pl.col(NET_AMOUNT).filter(pl.col(CREDIT))).alias("credit_amount"),
    ).row(0, named=True)
    totals.update(credits, orders=documents.height)
    # The table says what each document meant: a negative one is a credit note.
    # and a paid one that credit lines brought to nothing was refunded in full.
    shown = (
        pl.when(pl.col(CREDIT))
        .then(pl.lit(st.CREDIT_NOTE))
        .when(pl.col(ORDER_STATUS).is_in(list(st.PURCHASE_CLASSES)) & ~pl.col(COUNTED))
        .then(pl.lit(st.REFUNDED))
        .otherwise(pl.col(ORDER_STATUS))
    )
    statuses = (
        documents.with_columns(shown.alias(ORDER_STATUS))
        .group_by(STATUS_WORD, ORDER_STATUS)
        .agg(pl.len().alias("orders"), ore_sum(pl.col(NET_AMOUNT)).alias("amount"))
        .sort(["orders", STATUS_WORD], descending=[True, False], nulls_last=True)
    )
    schema = frame.collect_schema()
    source = basis.tables.orders.lazy() if basis is not None and basis.tables is not None else frame
    currencies = (
        tuple(
            source.select(pl.col(s.CURRENCY).drop_nulls().unique().sort())
            .collect()
            .to_series()
            .to_list()
        )
        if s.CURRENCY in schema
        else ()
    )
    return Overview(
        currencies=currencies,
        orders=int(totals["orders"]),
        purchases=int(totals["purchases"] or 0),
        revenue=float(totals["revenue"] or 0.0),
        customers=int(totals["customers"]),
        anonymous_orders=int(totals["anonymous_orders"] or 0),
        anonymous_revenue=float(totals["anonymous_revenue"] or 0.0),
        credit_notes=int(totals["credit_notes"] or 0),
        credit_amount=float(totals["credit_amount"] or 0.0),
        statuses=statuses,
    )


def purchase_days(lines: pl.LazyFrame, *, as_of: date | datetime) -> pl.LazyFrame:
    """Counted orders per customer and calendar day, sorted by customer, then day.

    Columns: ``customer_id``, ``purchase_day`` (a date), ``day_orders`` (counted
    orders that day) and ``day_spend`` (their net amount). Gaps between purchases,
    activity windows, cohorts and the CLV models all start here; sorted once, a gap is
    a shift away. Shared like :func:`order_totals`.

    Examples
    --------
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "a"], "order_id": ["1", "2", "3"], "line_no": [1, 1, 1],
    ...     "order_date": [datetime(2024, 1, 1, 9), datetime(2024, 1, 1, 17), datetime(2024, 1, 8)],
    ...     "amount": [100.0, 50.0, 30.0], "status": ["paid"] * 3})
    >>> purchase_days(lines, as_of=date(2024, 1, 31)).collect().rows()
    [('a', datetime.date(2024, 1, 1), 2, 150.0), ('a', datetime.date(2024, 1, 8), 1, 30.0)]
    """
    return days_of(order_totals(lines, as_of=as_of))


def days_of(orders: pl.LazyFrame) -> pl.LazyFrame:
    """:func:`purchase_days` from the orders of :func:`order_totals`."""
    return (
        orders.filter(pl.col(COUNTED))
        .group_by(s.CUSTOMER_ID, pl.col(s.ORDER_DATE).dt.date().alias(PURCHASE_DAY))
        .agg(
            pl.len().cast(pl.Int64).alias(DAY_ORDERS),
            ore_sum(pl.col(NET_AMOUNT)).alias(DAY_SPEND),
        )
        .sort(s.CUSTOMER_ID, PURCHASE_DAY)
    )


def customer_summary(lines: pl.LazyFrame, *, as_of: date | datetime) -> pl.LazyFrame:
    """Per-customer behaviour: the R, F and M of RFM and what goes with them.

    One row per customer with at least one order line up to ``as_of``:

    * ``frequency`` — counted orders (distinct order ids);
    * ``monetary`` — revenue: net amount of orders not cancelled/refunded (DKK);
    * ``first_order`` / ``last_order`` — dates of the first and last counted order
      (null when the customer has no counted order);
    * ``recency_days`` — whole days from ``last_order`` to ``as_of`` (null as above);
    * ``aov`` — average order value = monetary / frequency (null when frequency is 0).

    Customers whose every order was cancelled or refunded keep a row with
    ``frequency`` 0, so they stay known (the "potential" rung) but get no RFM score.

    Examples
    --------
    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a", "b"], "order_id": ["1", "2", "3"], "line_no": [1, 1, 1],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 1, 11), datetime(2024, 1, 5)],
    ...     "amount": [100.0, 50.0, 80.0], "status": ["paid", "paid", "refunded"]})
    >>> out = customer_summary(lines, as_of=date(2024, 1, 31)).sort("customer_id").collect()
    >>> out.select("customer_id", "frequency", "monetary", "recency_days").rows()
    [('a', 2, 150.0, 20), ('b', 0, 0.0, None)]
    """
    return summary_of(order_totals(lines, as_of=as_of), as_of=as_of)


def summary_of(orders: pl.LazyFrame, *, as_of: date | datetime) -> pl.LazyFrame:
    """:func:`customer_summary` from the orders of :func:`order_totals`."""
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    counted_date = pl.when(pl.col(COUNTED)).then(pl.col(s.ORDER_DATE))
    return (
        orders.group_by(s.CUSTOMER_ID)
        .agg(
            pl.col(COUNTED).sum().cast(pl.Int64).alias(FREQUENCY),
            ore_sum(pl.col(NET_AMOUNT).filter(pl.col(IN_REVENUE))).alias(MONETARY),
            counted_date.min().alias(FIRST_ORDER),
            counted_date.max().alias(LAST_ORDER),
        )
        .with_columns(
            (pl.lit(day) - pl.col(LAST_ORDER).dt.date()).dt.total_days().alias(RECENCY),
            pl.when(pl.col(FREQUENCY) > 0).then(pl.col(MONETARY) / pl.col(FREQUENCY)).alias(AOV),
        )
    )


class StoredFrames(Protocol):
    """The workspace's stored orders and customers tables (as
    :class:`kunde_cli.analytics.tables.Tables` holds them)."""

    @property
    def orders(self) -> pl.DataFrame: ...

    @property
    def customers(self) -> pl.DataFrame: ...


@dataclass(frozen=True, eq=False)
class OrderBasis:
    """The orders of one set of order lines at one as-of date, and what every analysis
    builds on them: purchase days, per-customer summaries, (customer, e-mail) pairs.

    Each is computed at its first use and kept by this object, so a report that asks
    a dozen times builds it once; nothing is kept anywhere else. :meth:`at` gives the
    basis of the same lines at another date (built once per date: the bases of one set
    of lines share a small family table). ``lines`` stay lazy for the analyses that
    need a line's detail (products, channels, contact fields).

    >>> lines = pl.LazyFrame({
    ...     "customer_id": ["a", "a"], "order_id": ["1", "2"], "line_no": [1, 1],
    ...     "order_date": [datetime(2024, 1, 1), datetime(2024, 2, 1)],
    ...     "amount": [100.0, 50.0], "status": ["paid", "paid"]})
    >>> basis = OrderBasis.of(lines, as_of=date(2024, 1, 31))
    >>> basis.customers.select("customer_id", "frequency", "monetary").rows()
    [('a', 1, 100.0)]
    >>> basis.at(date(2024, 2, 29)).customers.get_column("frequency").to_list()
    [2]
    >>> basis.at(date(2024, 1, 31)) is basis
    True
    """

    lines: pl.LazyFrame
    as_of: date
    #: The workspace's stored orders and customers tables of these same lines, when
    #: there are any: orders and contact details are then read from them instead of
    #: regrouping the lines.
    tables: StoredFrames | None = None
    _family: dict[date, OrderBasis] = field(default_factory=dict, repr=False)

    @classmethod
    def of(
        cls,
        lines: pl.LazyFrame | pl.DataFrame,
        *,
        as_of: date | datetime,
        tables: StoredFrames | None = None,
    ) -> OrderBasis:
        """The basis of ``lines`` at ``as_of`` (with the stored ``tables`` of the same
        lines, when given)."""
        day = as_of.date() if isinstance(as_of, datetime) else as_of
        basis = cls(lines=lines.lazy(), as_of=day, tables=tables)
        basis._family[day] = basis
        return basis

    def at(self, as_of: date | datetime) -> OrderBasis:
        """The basis of the same lines at ``as_of`` (this one when it is the same day)."""
        day = as_of.date() if isinstance(as_of, datetime) else as_of
        known = self._family.get(day)
        if known is None:
            known = OrderBasis(
                lines=self.lines, as_of=day, tables=self.tables, _family=self._family
            )
            self._family[day] = known
        return known

    @cached_property
    def orders(self) -> pl.DataFrame:
        """:func:`order_totals` at this date."""
        if self.tables is not None:
            from kunde_cli.analytics.tables import orders_at

            return orders_at(self.tables.orders, self.lines, as_of=self.as_of)
        return order_totals(self.lines, as_of=self.as_of).collect()

    def _covers_every_line(self) -> bool:
        """True when no stored line is after this date (the stored customers table then
        holds the contact details at this date)."""
        if self.tables is None:
            return False
        from kunde_cli.analytics.tables import LAST_LINE_DATE

        latest = cast("datetime | None", self.tables.customers.get_column(LAST_LINE_DATE).max())
        return latest is None or latest < as_of_cutoff(self.as_of)

    @cached_property
    def contacts(self) -> pl.DataFrame:
        """Per known customer, the latest non-empty name, e-mail, phone, postcode, city,
        country and marketing consent on their lines up to this date (null where none;
        columns the export lacks are null)."""
        from kunde_cli.analytics.tables import CONTACT_COLUMNS

        if self.tables is not None and self._covers_every_line():
            return self.tables.customers.select(s.CUSTOMER_ID, *CONTACT_COLUMNS)
        lines = self.lines.filter(pl.col(s.ORDER_DATE) < as_of_cutoff(self.as_of))
        return latest_contacts(lines).collect()

    @cached_property
    def contacts_all_dates(self) -> pl.DataFrame:
        """:attr:`contacts` from every line, whatever the date."""
        from kunde_cli.analytics.tables import CONTACT_COLUMNS

        if self.tables is not None:
            return self.tables.customers.select(s.CUSTOMER_ID, *CONTACT_COLUMNS)
        return latest_contacts(self.lines).collect()

    @cached_property
    def days(self) -> pl.DataFrame:
        """:func:`purchase_days` at this date."""
        return days_of(self.orders.lazy()).collect()

    @cached_property
    def customers(self) -> pl.DataFrame:
        """:func:`customer_summary` at this date."""
        return summary_of(self.orders.lazy(), as_of=self.as_of).collect()

    @cached_property
    def emails(self) -> pl.DataFrame:
        """:func:`customer_emails` of the lines (all dates)."""
        if self._family and (first := next(iter(self._family.values()))) is not self:
            return first.emails
        return customer_emails(self.lines).collect()


#: What an analysis takes: a basis, or order lines (a basis is then made for the call).
Basis = OrderBasis | pl.LazyFrame | pl.DataFrame


def basis_at(data: Basis, as_of: date | datetime) -> OrderBasis:
    """``data``'s basis at ``as_of``: the same object's family for a basis, a new
    basis for order lines (a one-off call)."""
    if isinstance(data, OrderBasis):
        return data.at(as_of)
    return OrderBasis.of(data, as_of=as_of)


def lines_of(data: Basis) -> pl.LazyFrame:
    """The order lines of ``data`` (a basis or lines)."""
    return data.lines if isinstance(data, OrderBasis) else data.lazy()


def emails_of(data: Basis) -> pl.LazyFrame:
    """:func:`customer_emails` of ``data`` (kept by a basis)."""
    if isinstance(data, OrderBasis):
        return data.emails.lazy()
    return customer_emails(data.lazy())


def latest_contacts(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Per known customer of ``lines``: the latest non-empty value of each contact
    column (:data:`kunde_cli.analytics.tables.CONTACT_COLUMNS`; null columns where the
    export has none), as :func:`latest_non_null` picks it — the latest line that has
    one, the later row on a tie — from one stable sort by date instead of a key per
    column and group."""
    from kunde_cli.analytics.tables import CONTACT_COLUMNS

    schema = lines.collect_schema()
    names = schema.names()
    present = [
        # An empty text is no value (a later line with an empty city keeps the city).
        pl.col(column).replace("", None) if schema[column] == pl.String else pl.col(column)
        for column in CONTACT_COLUMNS
        if column in names
    ]
    return (
        lines.filter(pl.col(s.CUSTOMER_ID).is_not_null())
        .select(s.CUSTOMER_ID, s.ORDER_DATE, *present)
        .sort(s.ORDER_DATE, maintain_order=True)
        .group_by(s.CUSTOMER_ID)
        .agg(
            (pl.col(column).drop_nulls().last() if column in names else pl.lit(None, dtype))
            .cast(dtype)
            .alias(column)
            for column, dtype in CONTACT_COLUMNS.items()
        )
    )
