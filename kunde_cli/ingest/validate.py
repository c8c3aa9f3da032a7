"""Turn a raw orders table into the canonical orders schema, and refuse what cannot be used.

Every raw row ends up in exactly one of the two outputs: the canonical frame or the
rejects frame (file, row, column, value, reason). Nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from kunde_cli import schema as s
from kunde_cli.errors import MissingColumnsError
from kunde_cli.ingest import mapping as m
from kunde_cli.ingest.identity import normalise_email_expr, normalise_phone_expr
from kunde_cli.ingest.parsing import (
    COMMA,
    POINT,
    DateDetection,
    DecimalStyle,
    detect_datetime_format,
    detect_decimal_style,
    parse_amount_expr,
    parse_datetime_expr,
    parse_int_expr,
    require_date_format,
)
from kunde_cli.ingest.readers import ROW_COL, RawTable

#: Dates outside this range are typos or placeholders (1900-01-01, 2999-12-31).
EARLIEST = datetime(1990, 1, 1)
LATEST = datetime(2100, 1, 1)

_STATUS_WORDS = {
    s.STATUS_PAID: (
        "paid", "betalt", "completed", "complete", "gennemført", "gennemfoert", "afsendt",
        "sendt", "leveret", "delivered", "fulfilled", "processing", "behandles", "afsluttet",
        "godkendt", "authorized", "captured", "wc-completed", "wc-processing", "ok",
    ),
    s.STATUS_REFUNDED: (
        "refunded", "refunderet", "krediteret", "kreditnota", "returneret", "returned",
        "tilbagebetalt", "wc-refunded", "voided",
    ),
    s.STATUS_CANCELLED: (
        "cancelled", "canceled", "annulleret", "aflyst", "afvist", "failed", "fejlet",
        "wc-cancelled", "wc-failed", "slettet", "deleted",
    ),
    s.STATUS_PENDING: ("pending", "afventer", "afventende", "on-hold", "wc-pending", "wc-on-hold", "ubetalt", "unpaid"),
    "partially_refunded": ("partially_refunded", "delvist refunderet", "delvis refunderet", "partially refunded"),
}  # fmt: skip
_TRUE_WORDS = (
    "ja",
    "yes",
    "true",
    "1",
    "x",
    "y",
    "j",
    "sand",
    "subscribed",
    "opt-in",
    "optin",
    "tilmeldt",
    "accepteret",
)
_FALSE_WORDS = (
    "nej",
    "no",
    "false",
    "0",
    "n",
    "falsk",
    "unsubscribed",
    "opt-out",
    "optout",
    "afmeldt",
    "not_subscribed",
)

#: Fields that belong to an order, written only on its first line by Shopify.
_ORDER_LEVEL = (
    s.ORDER_DATE, s.STATUS, s.EMAIL, s.NAME, s.CUSTOMER_ID, s.PHONE, s.POSTCODE, s.CITY,
    s.COUNTRY, s.CHANNEL, s.MARKETING_CONSENT, m.ORDER_TOTAL, m.REFUNDED_AMOUNT,
    m.CANCELLED_AT, m.FIRST_NAME, m.LAST_NAME,
)  # fmt: skip


@dataclass
class Detected:
    """What was found in a file, for `kunde inspect` and the manifest."""

    encoding: str | None
    delimiter: str | None
    sheet: str | None
    preset: str
    decimal: str
    date_format: str | None
    date_order: str
    date_ambiguous: bool
    mapping: dict[str, str]
    how: dict[str, str]
    unused_columns: list[str]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """A JSON-friendly dict."""
        return dict(self.__dict__)


def _status_expr(expr: pl.Expr) -> pl.Expr:
    text = expr.cast(pl.String).str.strip_chars().str.to_lowercase()
    out = pl.when(text.is_null() | (text == "")).then(pl.lit(None, pl.String))
    for canon, words in _STATUS_WORDS.items():
        out = out.when(text.is_in(list(words))).then(pl.lit(canon))
    return out.otherwise(text)


def _bool_expr(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Boolean:
        return expr
    text = expr.cast(pl.String).str.strip_chars().str.to_lowercase()
    return (
        pl.when(text.is_in(list(_TRUE_WORDS)))
        .then(True)
        .when(text.is_in(list(_FALSE_WORDS)))
        .then(False)
        .otherwise(None)
    )


def _text_expr(expr: pl.Expr) -> pl.Expr:
    text = expr.cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _id_expr(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    # Excel stores 1001 as 1001.0; an id is text, so drop a ".0" that Excel added.
    if dtype.is_float():
        return _text_expr(expr.cast(pl.Int64, strict=False).cast(pl.String))
    return _text_expr(expr)


def on_unique(frame: pl.DataFrame, col: str, build: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """Evaluate ``build`` once per distinct value of ``col`` and spread the result back.

    Amounts and statuses repeat a lot (a shop has a few thousand prices), so parsing
    the distinct values is many times cheaper than running the regexes on every one of
    10 million lines. Not for columns with about one value per customer (e-mail,
    phone): finding their distinct values costs more than parsing every line.
    """
    series = frame.get_column(col)
    distinct = series.unique()
    mapped = distinct.to_frame("v").select(build(pl.col("v"))).to_series()
    return pl.lit(series.replace_strict(distinct, mapped, default=None, return_dtype=mapped.dtype))


def _amount_expr(raw: pl.DataFrame, col: str, style: DecimalStyle) -> pl.Expr:
    dtype = raw.schema[col]
    if dtype.is_numeric():
        return pl.col(col).cast(pl.Float64)
    return on_unique(raw, col, lambda e: parse_amount_expr(e, style))


def validate_orders(
    raw: RawTable,
    *,
    preset: str | None = None,
    mapping: dict[str, str] | None = None,
    dayfirst: bool | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, Detected]:
    """Map and parse ``raw`` into (orders in schema.ORDERS, rejects in schema.REJECTS, detected)."""
    path = str(raw.path)
    frame = raw.frame
    columns = [c for c in frame.columns if c not in (ROW_COL, "_extra")]
    mp = m.resolve_mapping(columns, preset=preset, overrides=mapping, path=path)
    col = mp.get
    missing = []
    if col(s.ORDER_DATE) is None:
        missing.append(s.ORDER_DATE)
    if col(s.AMOUNT) is None and col(m.UNIT_PRICE) is None and col(m.ORDER_TOTAL) is None:
        missing.append(s.AMOUNT)
    if not any(col(f) for f in (s.CUSTOMER_ID, s.EMAIL, s.PHONE)):
        missing.append("customer_id (or email or phone)")
    if missing:
        raise MissingColumnsError(
            path,
            missing,
            hint="columns in the file: "
            + ", ".join(columns[:25])
            + ". Name the right one with --map, e.g. --map amount=Total",
        )

    # Line-item layouts write order fields on the first line only: carry them down.
    order_col = col(s.ORDER_ID)
    work = frame
    line_item = col(m.UNIT_PRICE) is not None or (
        col(m.ORDER_TOTAL) is not None and col(s.AMOUNT) is None
    )
    if order_col is not None and line_item:
        fill = [col(f) for f in _ORDER_LEVEL if col(f) is not None]
        work = work.with_columns(
            pl.col(c)
            .fill_null(strategy="forward")
            .over(pl.col(order_col).fill_null(strategy="forward"))
            for c in fill
        )

    # --- detection ---
    date_col = col(s.ORDER_DATE)
    assert date_col is not None
    notes = list(raw.notes)
    if work.schema[date_col] == pl.String:
        detection = detect_datetime_format(work[date_col], dayfirst=dayfirst)
        if work[date_col].str.strip_chars().replace("", None).drop_nulls().is_empty():
            # No dates at all (header only, or an empty column): every row is refused
            # below with "no date"; there is no format to complain about.
            detection = DateDetection("%Y-%m-%d", (), "iso", False, 0.0)
        fmt = require_date_format(detection, path=path, column=date_col)
        date_expr = parse_datetime_expr(
            pl.col(date_col), fmt, detection.fallbacks, normalise=detection.normalise
        )
        if detection.ambiguous:
            reading = (
                "month first (--monthfirst)"
                if detection.order == "monthfirst"
                else "day first (Danish)"
            )
            notes.append(
                f"dates in '{date_col}' fit both day-first and month-first; read {reading}. "
                "Use --monthfirst or --dayfirst if that is wrong."
            )
    else:
        detection = DateDetection("excel date", (), "excel", False, 1.0)
        date_expr = pl.col(date_col).cast(pl.Datetime("us"), strict=False)

    money_cols = [c for c in (col(s.AMOUNT), col(m.UNIT_PRICE), col(m.ORDER_TOTAL)) if c]
    string_money = [c for c in money_cols if work.schema[c] == pl.String]
    style = (
        detect_decimal_style(pl.concat([work[c].head(5000) for c in string_money]))
        if string_money
        else COMMA
    )
    if raw.delimiter == "," and not string_money:
        style = POINT

    # --- parse ---
    exprs: dict[str, pl.Expr] = {s.ORDER_DATE: date_expr}
    qty_col = col(s.QUANTITY)
    quantity = parse_int_expr(pl.col(qty_col)) if qty_col else pl.lit(None, pl.Int64)
    exprs[s.QUANTITY] = quantity
    if col(s.AMOUNT) is not None:
        amount = _amount_expr(work, col(s.AMOUNT), style)  # type: ignore[arg-type]
        amount_source = col(s.AMOUNT)
    elif col(m.UNIT_PRICE) is not None:
        amount = _amount_expr(work, col(m.UNIT_PRICE), style) * quantity.fill_null(1)  # type: ignore[arg-type]
        if col(m.LINE_DISCOUNT):
            amount = amount - _amount_expr(work, col(m.LINE_DISCOUNT), style).fill_null(0)  # type: ignore[arg-type]
        amount_source = col(m.UNIT_PRICE)
    else:
        amount = pl.lit(0.0)
        amount_source = col(m.ORDER_TOTAL)
    exprs["_line_amount"] = amount

    for fld in (s.ORDER_ID, s.CUSTOMER_ID):
        c = col(fld)
        exprs[fld] = _id_expr(pl.col(c), work.schema[c]) if c else pl.lit(None, pl.String)
    for fld in (s.NAME, s.PRODUCT, s.CATEGORY, s.CHANNEL, s.CITY, s.COUNTRY):
        c = col(fld)
        exprs[fld] = _text_expr(pl.col(c)) if c else pl.lit(None, pl.String)
    if col(s.NAME) is None and (col(m.FIRST_NAME) or col(m.LAST_NAME)):
        parts = [_text_expr(pl.col(c)) for c in (col(m.FIRST_NAME), col(m.LAST_NAME)) if c]
        exprs[s.NAME] = _text_expr(pl.concat_str(parts, separator=" ", ignore_nulls=True))
    c = col(s.POSTCODE)
    exprs[s.POSTCODE] = _id_expr(pl.col(c), work.schema[c]) if c else pl.lit(None, pl.String)
    # E-mails and phones are nearly one per customer: too many distinct values for
    # on_unique to pay (finding them costs more than normalising every line). Their
    # regexes run twice as fast in the streaming engine, which splits the column.
    contact = {
        name: normalise(pl.col(c)).alias(name)
        for name, normalise in ((s.EMAIL, normalise_email_expr), (s.PHONE, normalise_phone_expr))
        if (c := col(name))
    }
    if contact:
        normalised = work.lazy().select(list(contact.values())).collect(engine="streaming")
    for name in (s.EMAIL, s.PHONE):
        exprs[name] = (
            pl.lit(normalised.get_column(name)) if name in contact else pl.lit(None, pl.String)
        )
    c = col(s.STATUS)
    status = on_unique(work, c, _status_expr) if c else pl.lit(None, pl.String)
    if col(m.CANCELLED_AT):
        status = (
            pl.when(_text_expr(pl.col(col(m.CANCELLED_AT))).is_not_null())
            .then(  # type: ignore[arg-type]
                pl.lit(s.STATUS_CANCELLED)
            )
            .otherwise(status)
        )
    exprs[s.STATUS] = status
    c = col(s.MARKETING_CONSENT)
    exprs[s.MARKETING_CONSENT] = (
        _bool_expr(pl.col(c), work.schema[c]) if c else pl.lit(None, pl.Boolean)
    )
    c = col(s.LINE_NO)
    exprs[s.LINE_NO] = parse_int_expr(pl.col(c)) if c else pl.lit(None, pl.Int64)
    if col(m.ORDER_TOTAL):
        exprs["_order_total"] = _amount_expr(work, col(m.ORDER_TOTAL), style)  # type: ignore[arg-type]
    if col(m.REFUNDED_AMOUNT):
        exprs["_refunded"] = _amount_expr(work, col(m.REFUNDED_AMOUNT), style)  # type: ignore[arg-type]

    # Lazy, so that an expression used twice is computed once (the e-mail's); the
    # in-memory engine, because on a whole file in memory it is faster than the
    # streaming one and peaks 2 GB lower at 10 million lines.
    parsed = (
        work.lazy()
        .select(
            pl.col(ROW_COL).alias(s.SOURCE_ROW),
            *(e.alias(k) for k, e in exprs.items()),
            *(pl.col("_extra") for _ in [0] if "_extra" in work.columns),
        )
        .collect(engine="in-memory")
    )

    # --- ids: synthetic order ids for one-row-per-order files without an id column ---
    if col(s.ORDER_ID) is None:
        row_hash = pl.concat_str(
            [pl.col(c).cast(pl.String).fill_null("") for c in columns], separator="\x1f"
        ).hash(seed=7)
        parsed = parsed.with_columns(
            (pl.lit("r") + frame.select(row_hash).to_series().cast(pl.String)).alias(s.ORDER_ID)
        )
    if col(s.LINE_NO) is None:
        parsed = parsed.with_columns(
            (pl.int_range(pl.len()).over(s.ORDER_ID) + 1).cast(pl.Int64).alias(s.LINE_NO)
        )
    if line_item and col(m.ORDER_TOTAL):
        parsed = _allocate_order_totals(parsed)
    amount_final = pl.col("_line_amount")
    if "_refunded" in parsed.columns and not (line_item and col(m.ORDER_TOTAL)):
        amount_final = amount_final - pl.col("_refunded").fill_null(0)
    parsed = parsed.with_columns(amount_final.alias(s.AMOUNT))
    customer = pl.coalesce(pl.col(s.CUSTOMER_ID), pl.col(s.EMAIL), pl.col(s.PHONE))
    parsed = parsed.with_columns(customer.alias(s.CUSTOMER_ID))

    # --- reasons, first failing check wins ---
    raw_date = work[date_col].cast(pl.String)
    raw_amount = work[amount_source].cast(pl.String) if amount_source else None
    checks = parsed.with_columns(
        raw_date.alias("_raw_date"),
        (raw_amount if raw_amount is not None else pl.lit(None, pl.String)).alias("_raw_amount"),
    )
    reason = (
        pl.when(pl.col("_extra").is_not_null() if "_extra" in checks.columns else pl.lit(False))
        .then(
            pl.struct(
                column=pl.lit(None, pl.String),
                value=pl.col("_extra") if "_extra" in checks.columns else pl.lit(None, pl.String),
                reason=pl.lit("row has more fields than the header"),
            )
        )
        .when(
            pl.col(s.ORDER_DATE).is_null()
            & (pl.col("_raw_date").is_null() | (pl.col("_raw_date").str.strip_chars() == ""))
        )
        .then(
            pl.struct(
                column=pl.lit(date_col), value=pl.lit(None, pl.String), reason=pl.lit("no date")
            )
        )
        .when(pl.col(s.ORDER_DATE).is_null())
        .then(
            pl.struct(
                column=pl.lit(date_col), value=pl.col("_raw_date"), reason=pl.lit("not a date")
            )
        )
        .when((pl.col(s.ORDER_DATE) < EARLIEST) | (pl.col(s.ORDER_DATE) >= LATEST))
        .then(
            pl.struct(
                column=pl.lit(date_col),
                value=pl.col("_raw_date"),
                reason=pl.lit("date outside 1990–2099"),
            )
        )
        .when(pl.col(s.AMOUNT).is_null() & pl.col("_raw_amount").is_null())
        .then(
            pl.struct(
                column=pl.lit(amount_source),
                value=pl.lit(None, pl.String),
                reason=pl.lit("no amount"),
            )
        )
        .when(pl.col(s.AMOUNT).is_null() | pl.col(s.AMOUNT).is_infinite())
        .then(
            pl.struct(
                column=pl.lit(amount_source),
                value=pl.col("_raw_amount"),
                reason=pl.lit("not an amount"),
            )
        )
        .when(pl.col(s.CUSTOMER_ID).is_null())
        .then(
            pl.struct(
                column=pl.lit(col(s.CUSTOMER_ID) or col(s.EMAIL) or col(s.PHONE)),
                value=pl.lit(None, pl.String),
                reason=pl.lit("no customer id, e-mail or phone"),
            )
        )
        .otherwise(None)
        .alias("_reason")
    )
    checks = checks.with_columns(reason)
    bad = checks.filter(pl.col("_reason").is_not_null())
    rejects = bad.select(
        pl.lit(path).alias(s.REJECT_FILE),
        pl.col(s.SOURCE_ROW).alias(s.REJECT_ROW),
        pl.col("_reason").struct.field("column").alias(s.REJECT_COLUMN),
        pl.col("_reason").struct.field("value").str.slice(0, 200).alias(s.REJECT_VALUE),
        pl.col("_reason").struct.field("reason").alias(s.REJECT_REASON),
    ).cast(s.REJECTS)  # type: ignore[arg-type]
    # Usually every row is good: then there is nothing to filter (and no copy to make).
    good = checks.filter(pl.col("_reason").is_null()) if bad.height else checks
    orders = good.with_columns(pl.lit(path).alias(s.SOURCE_FILE)).select(
        pl.col(name).cast(dtype) if name in good.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in s.ORDERS.items()
    )
    detected = Detected(
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        sheet=raw.sheet,
        preset=mp.preset,
        decimal=style.name if string_money else "n/a (numbers)",
        date_format=detection.format,
        date_order=detection.order,
        date_ambiguous=detection.ambiguous,
        mapping=dict(mp.columns),
        how=dict(mp.how),
        unused_columns=list(mp.unused),
        notes=notes,
    )
    return orders, rejects, detected


def _allocate_order_totals(parsed: pl.DataFrame) -> pl.DataFrame:
    """Make an order's lines add up to its total (shipping, order discounts, refunds).

    Line-item exports give each line's price and the order's total once. The
    difference (shipping, order-level discounts) and any refunded amount are booked on
    the order's first line, so the lines sum to total − refunded: the order total the
    shop was paid.
    """
    order = s.ORDER_ID
    first = pl.col(s.LINE_NO) == pl.col(s.LINE_NO).min().over(order)
    total = pl.col("_order_total").drop_nulls().first().over(order)
    lines_sum = pl.col("_line_amount").fill_null(0).sum().over(order)
    refunded = (
        pl.col("_refunded").drop_nulls().first().over(order).fill_null(0)
        if "_refunded" in parsed.columns
        else pl.lit(0.0)
    )
    adjustment = pl.when(total.is_not_null()).then(total - lines_sum).otherwise(0.0) - refunded
    line = pl.col("_line_amount").fill_null(0)
    return parsed.with_columns(
        pl.when(first).then(line + adjustment).otherwise(line).alias("_line_amount")
    )
