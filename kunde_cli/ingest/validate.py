"""Turn a raw orders table into the canonical orders schema, and refuse what cannot be used.

Every raw row ends up in exactly one of the two outputs: the canonical frame or the
rejects frame (file, row, column, value, reason). Nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from hashlib import blake2b
from typing import cast

import polars as pl

from kunde_cli import schema as s
from kunde_cli.errors import MissingColumnsError
from kunde_cli.identity import normalise_email_expr, normalise_phone_expr
from kunde_cli.ingest import mapping as m
from kunde_cli.ingest import statuses as st
from kunde_cli.ingest.parsing import (
    COMMA,
    POINT,
    DateDetection,
    DecimalStyle,
    amount_style_note,
    date_notes,
    detect_datetime_format,
    detect_decimal_style,
    parse_amount_expr,
    parse_datetime_expr,
    parse_int_expr,
    require_date_format,
)
from kunde_cli.ingest.readers import ROW_COL, RawTable, excel_serial_dates
from kunde_cli.words.said import Said, Text, said

#: Dates outside this range are typos or placeholders (1900-01-01, 2999-12-31).
EARLIEST = datetime(1990, 1, 1)
LATEST = datetime(2100, 1, 1)
#: The reason (code) a row dated after today is refused (orders and survey answers
#: alike); every reason code is worded by ``reject_<code>`` in kunde_cli.words.ingest.
FUTURE_REASON = "date_in_future"


def after_today(today: date | None = None) -> datetime:
    """The first moment after ``today`` (default: the computer's date): a date at or
    past it has not happened yet."""
    day = today or date.today()
    return datetime(day.year, day.month, day.day) + timedelta(days=1)


def future_note(count: int, latest: datetime | None, *, kept: bool, what: str = "rows") -> Said:
    """The note saying how many rows are dated after today and what became of them.

    ``what`` counts them: ``rows``, ``lines`` or ``answers``.
    """
    when: Text = said("ingest_latest", day=f"{latest:%Y-%m-%d}") if latest is not None else ""
    return said(
        "ingest_note_future_kept" if kept else "ingest_note_future_refused",
        count=count,
        what=said(f"ingest_what_{what}"),
        latest=when,
    )


#: No shop line is worth a trillion: a larger amount is a typo or a broken export, and
#: would overflow sums in whole ore (Int64). Such a row is refused with this reason.
MAX_AMOUNT = 1_000_000_000_000

#: Customer ids that mean "no account" (WooCommerce writes 0 for every guest checkout).
GUEST_IDS = (
    "guest", "gæst", "gaest", "-", "--", "n/a", "na", "null", "none", "ingen", "anonymous",
    "anonym", "ukendt", "unknown", "#n/a",
)  # fmt: skip
#: One customer id with more distinct e-mails than this is probably a shared account.
MANY_EMAILS = 3
#: Currency words and symbols as ISO 4217 codes ("kr." in a Danish shop is DKK).
CURRENCY_CODES = {
    "kr": "DKK", "kr.": "DKK", "dkr": "DKK", "dkr.": "DKK", "€": "EUR", "euro": "EUR",
    "$": "USD", "us$": "USD", "£": "GBP", "skr": "SEK", "nkr": "NOK",
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
    s.COUNTRY, s.CHANNEL, s.MARKETING_CONSENT, s.CURRENCY, m.ORDER_TOTAL, m.REFUNDED_AMOUNT,
    m.CANCELLED_AT, m.FIRST_NAME, m.LAST_NAME, s.DISCOUNT_CODE,
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
    notes: list[Text] = field(default_factory=list)
    #: "line total", "unit price × quantity", "order total" or "none" (no amount column).
    amount_reading: str = "line total"
    #: Why that reading was chosen, when the header did not say.
    amount_reason: Text | None = None
    #: Amounts like "1,234" that could be thousands or decimals (see the notes).
    decimal_ambiguous: bool = False

    def as_dict(self) -> dict[str, object]:
        """A JSON-friendly dict."""
        return dict(self.__dict__)


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


def _customer_id_expr(expr: pl.Expr) -> pl.Expr:
    """A customer id, null when it means "no account" (0, guest, -, n/a, … see GUEST_IDS)."""
    guest = expr.str.contains(r"^0+(\.0+)?$") | expr.str.to_lowercase().is_in(list(GUEST_IDS))
    return pl.when(guest).then(None).otherwise(expr)


def _currency_expr(expr: pl.Expr) -> pl.Expr:
    """``"dkk"``, ``"kr."``, ``"€"`` → ``"DKK"``, ``"DKK"``, ``"EUR"``; null when empty."""
    text = _text_expr(expr.cast(pl.String))
    lower = text.str.to_lowercase()
    code = lower.replace_strict(
        list(CURRENCY_CODES), list(CURRENCY_CODES.values()), default=None, return_dtype=pl.String
    )
    return pl.coalesce(code, text.str.to_uppercase())


def _discount_code_expr(expr: pl.Expr) -> pl.Expr:
    """A discount code as written; WooCommerce's coupon_items cell
    (``code:SOMMER10|amount:50.00``) gives its first code; null when empty."""
    text = _text_expr(expr.cast(pl.String))
    code = text.str.extract(r"(?i)\bcode:([^|;]+)", 1).str.strip_chars()
    return _text_expr(pl.coalesce(code, text))


def _price_reading(
    work: pl.DataFrame,
    price: str,
    quantity: str,
    product: str | None,
    order: str | None,
    total: pl.Series | None,
    style: DecimalStyle,
) -> tuple[bool, Said]:
    """(is a unit price, why) for an ambiguous "Pris"/"Price" column next to a quantity.

    Evidence, strongest first: price × quantity adds up to the order-total column while
    the prices alone do not; the same product has the same price at different
    quantities (a unit price) or a price that grows with the quantity (a line total).
    """
    frame = work.select(
        _amount_expr(work, price, style).alias("price"),
        parse_int_expr(pl.col(quantity)).alias("qty"),
        (pl.col(product) if product else pl.lit(None, pl.String)).alias("product"),
        (pl.col(order) if order else pl.lit(None, pl.String)).alias("order"),
    ).filter(pl.col("price").is_not_null() & pl.col("qty").is_not_null())
    if frame.filter(pl.col("qty").abs() > 1).is_empty():
        return False, said("ingest_why_quantities_one")
    if total is not None and order:
        sums = (
            frame.with_columns(total.alias("total"))
            .group_by("order")
            .agg(
                (pl.col("price") * pl.col("qty")).sum().alias("unit"),
                pl.col("price").sum().alias("line"),
                pl.col("total").drop_nulls().first(),
            )
            .filter(
                pl.col("total").is_not_null() & ((pl.col("unit") - pl.col("line")).abs() > 0.005)
            )
        )
        unit = int(((sums["unit"] - sums["total"]).abs() < 0.01).sum())
        line = int(((sums["line"] - sums["total"]).abs() < 0.01).sum())
        if unit != line:
            return unit > line, said("ingest_why_order_total", unit=unit, line=line)
    if product:
        per = (
            frame.filter(pl.col("qty") > 0)
            .group_by("product")
            .agg(
                pl.col("qty").n_unique().alias("quantities"),
                pl.col("price").n_unique().alias("prices"),
                (pl.col("price") / pl.col("qty")).round(4).n_unique().alias("per_unit"),
            )
            .filter(pl.col("quantities") > 1)
        )
        unit = int(((per["prices"] == 1) & (per["per_unit"] > 1)).sum())
        line = int(((per["per_unit"] == 1) & (per["prices"] > 1)).sum())
        if unit != line:
            return unit > line, said("ingest_why_products", unit=unit, line=line)
    return False, said("ingest_why_undecided")


def on_unique(
    frame: pl.DataFrame,
    col: str,
    build: Callable[[pl.Expr], pl.Expr],
    distinct: pl.Series | None = None,
) -> pl.Expr:
    """Evaluate ``build`` once per distinct value of ``col`` and spread the result back.

    Amounts, statuses, quantities, products and towns repeat a lot (a shop has a few
    thousand prices), so parsing the distinct values is many times cheaper than running
    the regexes on every one of 10 million lines. Customer ids and phone numbers repeat
    on each order line of a customer: cleaning only the distinct ones costs half as
    much. Not for cheap expressions on columns with about one value per line or order
    (order ids, dates, e-mails): finding their distinct values costs more than parsing
    every line. ``distinct``: the column's distinct values, when already known.
    """
    series = frame.get_column(col)
    distinct = series.unique() if distinct is None else distinct
    if 2 * distinct.len() > series.len() > 1000:
        # Nearly every line its own value (free text): spreading back costs more.
        return build(pl.col(col))
    mapped = distinct.to_frame("v").select(build(pl.col("v"))).to_series()
    # Spread back eagerly, on the Series: the same replace as an expression costs 20
    # times more in the in-memory engine with a large mapping (2.3 s for 150 000 phone
    # numbers at a million lines, Polars 2.1), and that engine is the one used here.
    if mapped.dtype != series.dtype:
        return pl.lit(
            series.replace_strict(distinct, mapped, default=None, return_dtype=mapped.dtype)
        )
    # Text cleaned into text (names, towns, ids): usually most values are clean
    # already, and only the values that change need looking up (none: no pass at all).
    changed = distinct.ne_missing(mapped)
    if not changed.any():
        return pl.lit(series)
    return pl.lit(series.replace(distinct.filter(changed), mapped.filter(changed)))


def per_value(
    frame: pl.DataFrame,
    col: str,
    build: Callable[[pl.Expr], pl.Expr],
    distinct: pl.Series | None = None,
) -> pl.Expr:
    """``build`` on text column ``col`` by :func:`on_unique`; on a column of numbers,
    dates or booleans (Excel) as a plain expression, which is cheap there."""
    if frame.schema[col] == pl.String:
        return on_unique(frame, col, build, distinct)
    return build(pl.col(col))


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
    allow_future: bool = False,
    today: date | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, Detected]:
    """Map and parse ``raw`` into (orders in schema.ORDERS, rejects in schema.REJECTS, detected).

    Lines dated after ``today`` (default: the computer's date) are refused, unless
    ``allow_future`` keeps them; a note says how many either way.
    """
    path = str(raw.path)
    frame = raw.frame
    columns = [c for c in frame.columns if c not in (ROW_COL, "_extra")]
    mp = m.resolve_mapping(columns, preset=preset, overrides=mapping, path=path)
    cols = dict(mp.columns)
    col = cols.get
    missing = []
    if col(s.ORDER_DATE) is None:
        missing.append(s.ORDER_DATE)
    if not any(col(f) for f in (s.CUSTOMER_ID, s.EMAIL, s.PHONE)):
        missing.append("customer_id (or email or phone)")
    if missing:
        err = MissingColumnsError(
            path,
            missing,
            hint=said(
                "ingest_missing_columns_hint",
                columns=", ".join(columns[:25]),
                fields=", ".join(m.ORDER_FIELDS),
            ),
        )
        if len(missing) == 2:
            err.said = said("ingest_missing_date_and_customer")
        elif missing[0] != s.ORDER_DATE:
            err.said = said("ingest_missing_customer")
        raise err

    # Line-item layouts write order fields on the first line only: carry them down.
    order_col = col(s.ORDER_ID)
    work = frame
    line_item = col(m.UNIT_PRICE) is not None or (
        col(m.ORDER_TOTAL) is not None and col(s.AMOUNT) is None
    )
    if order_col is not None and line_item:
        fill = [c for f in _ORDER_LEVEL if (c := col(f)) is not None]
        work = work.with_columns(
            pl.col(c)
            .fill_null(strategy="forward")
            .over(pl.col(order_col).fill_null(strategy="forward"))
            for c in fill
        )

    # --- detection ---
    date_col = col(s.ORDER_DATE)
    assert date_col is not None
    notes: list[Text] = list(raw.notes)
    if (days := excel_serial_dates(work[date_col])) is not None:
        # 45352 (a date cell that lost its format in Excel): days since 1899-12-30.
        work = work.with_columns(days)
        notes.append(said("ingest_note_excel_days", column=date_col))
    elif work.schema[date_col].is_numeric():
        # 19970101 or 1704063600 stored as numbers (Excel, Parquet): read as text.
        work = work.with_columns(pl.col(date_col).cast(pl.Int64, strict=False).cast(pl.String))
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
        notes.extend(date_notes(detection, date_col))
    else:
        detection = DateDetection("excel date", (), "excel", False, 1.0)
        date_expr = pl.col(date_col).cast(pl.Datetime("us"), strict=False)

    money_cols = [
        c
        for c in (
            col(s.AMOUNT),
            col(m.UNIT_PRICE),
            col(m.ORDER_TOTAL),
            col(s.COST),
            col(m.UNIT_COST),
        )
        if c
    ]
    string_money = [c for c in money_cols if work.schema[c] == pl.String]
    style = (
        detect_decimal_style(pl.concat([work[c].head(5000) for c in string_money]))
        if string_money
        else COMMA
    )
    if raw.delimiter == "," and not string_money:
        style = POINT
    # The note looks for kinds of amounts and quotes the first: the distinct amounts in
    # file order say the same as every line.
    amount_note = (
        amount_style_note(
            pl.concat([work[c] for c in string_money]).unique(maintain_order=True),
            style,
            string_money,
        )
        if string_money
        else None
    )
    if amount_note:
        notes.append(amount_note)

    # --- what the amount means: a line total, or a unit price to multiply ---
    amount_reason = None
    price_col = col(s.AMOUNT)
    if (
        price_col is not None
        and mp.how.get(s.AMOUNT) != "--map"
        and col(m.UNIT_PRICE) is None
        and col(s.QUANTITY) is not None
        and m.normalise_header(price_col) in m.AMBIGUOUS_PRICE
    ):
        order_total = col(m.ORDER_TOTAL)
        total = _amount_expr(work, order_total, style) if order_total else None
        total_series = work.select(total).to_series() if total is not None else None
        is_unit, why = _price_reading(
            work, price_col, cols[s.QUANTITY], col(s.PRODUCT), col(s.ORDER_ID), total_series, style
        )
        if is_unit:
            cols[m.UNIT_PRICE] = cols.pop(s.AMOUNT)
        reading = said("ingest_reading_unit_price" if is_unit else "ingest_reading_line_total")
        amount_reason = said("ingest_amount_reason", column=price_col, reading=reading, why=why)
        notes.append(said("ingest_note_amount_reading", reason=amount_reason, column=price_col))
    if col(s.AMOUNT) is not None:
        amount_reading = "line total"
    elif col(m.UNIT_PRICE) is not None:
        amount_reading = "unit price × quantity"
    elif col(m.ORDER_TOTAL) is not None:
        amount_reading = "order total"
    else:
        amount_reading = "none"
        notes.append(said("ingest_note_no_amount"))

    # --- parse ---
    exprs: dict[str, pl.Expr] = {s.ORDER_DATE: date_expr}
    qty_col = col(s.QUANTITY)
    quantity = per_value(work, qty_col, parse_int_expr) if qty_col else pl.lit(None, pl.Int64)
    exprs[s.QUANTITY] = quantity
    amount_col, unit_col = col(s.AMOUNT), col(m.UNIT_PRICE)
    if amount_col is not None:
        amount = _amount_expr(work, amount_col, style)
        amount_source: str | None = amount_col
    elif unit_col is not None:
        amount = _amount_expr(work, unit_col, style) * quantity.fill_null(1)
        if discount_col := col(m.LINE_DISCOUNT):
            amount = amount - _amount_expr(work, discount_col, style).fill_null(0)
        amount_source = unit_col
    elif col(m.ORDER_TOTAL) is not None:
        amount = pl.lit(0.0)
        amount_source = col(m.ORDER_TOTAL)
    else:
        amount = pl.lit(None, pl.Float64)
        amount_source = None
    exprs["_line_amount"] = amount
    # The line's cost: a line cost as written, or a cost per unit times the quantity.
    cost_col, unit_cost_col = col(s.COST), col(m.UNIT_COST)
    cost_source = cost_col or unit_cost_col
    if cost_col is not None:
        exprs[s.COST] = _amount_expr(work, cost_col, style)
    elif unit_cost_col is not None:
        exprs[s.COST] = _amount_expr(work, unit_cost_col, style) * quantity.fill_null(1)
    else:
        exprs[s.COST] = pl.lit(None, pl.Float64)
    if cost_source is not None:
        notes.append(
            said(
                "profit_note_cost_reading" if cost_col else "profit_note_unit_cost_reading",
                column=cost_source,
            )
        )
    c = col(s.DISCOUNT_CODE)
    exprs[s.DISCOUNT_CODE] = (
        on_unique(work, c, _discount_code_expr) if c else pl.lit(None, pl.String)
    )

    for fld in (s.ORDER_ID, s.CUSTOMER_ID, s.REFERENCE):
        c = col(fld)
        exprs[fld] = _id_expr(pl.col(c), work.schema[c]) if c else pl.lit(None, pl.String)
    c = col(s.CUSTOMER_ID)
    if c:
        id_dtype = work.schema[c]
        ids = work.get_column(c).unique() if id_dtype == pl.String else None
        exprs["_raw_customer"] = per_value(work, c, lambda e: _id_expr(e, id_dtype), ids)
        exprs[s.CUSTOMER_ID] = per_value(
            work, c, lambda e: _customer_id_expr(_id_expr(e, id_dtype)), ids
        )
    c = col(s.CURRENCY)
    exprs[s.CURRENCY] = on_unique(work, c, _currency_expr) if c else pl.lit(None, pl.String)
    for fld in (s.NAME, s.PRODUCT, s.CATEGORY, s.CHANNEL, s.CITY, s.COUNTRY):
        c = col(fld)
        exprs[fld] = per_value(work, c, _text_expr) if c else pl.lit(None, pl.String)
    if col(s.NAME) is None and (col(m.FIRST_NAME) or col(m.LAST_NAME)):
        parts = [_text_expr(pl.col(c)) for c in (col(m.FIRST_NAME), col(m.LAST_NAME)) if c]
        exprs[s.NAME] = _text_expr(pl.concat_str(parts, separator=" ", ignore_nulls=True))
    c = col(s.POSTCODE)
    if c:
        postcode_dtype = work.schema[c]
        exprs[s.POSTCODE] = per_value(work, c, lambda e: _id_expr(e, postcode_dtype))
    else:
        exprs[s.POSTCODE] = pl.lit(None, pl.String)
    # E-mails and phones: one per customer, repeated on each of her order lines. The
    # phone's six regex passes pay for finding the distinct numbers (half the time at a
    # million lines); the e-mail's two do not, and run in the one parallel query below.
    c = col(s.EMAIL)
    exprs[s.EMAIL] = normalise_email_expr(pl.col(c)) if c else pl.lit(None, pl.String)
    c = col(s.PHONE)
    exprs[s.PHONE] = per_value(work, c, normalise_phone_expr) if c else pl.lit(None, pl.String)
    c = col(s.STATUS)
    status = on_unique(work, c, st.status_word_expr) if c else pl.lit(None, pl.String)
    order_col = col(s.ORDER_ID)
    credit_lines = None
    if order_col and c is None and work.schema[order_col] == pl.String:
        # Transaction logs mark a cancellation by a C before the invoice number
        # (C536379) and a negative quantity: a credit note, not a purchase.
        c_prefix = pl.col(order_col).str.strip_chars().str.contains(r"^[Cc]\d")
        n_credit = int(work.select(c_prefix.sum()).item() or 0)
        # Every number starting with C is a numbering scheme, not cancellations.
        if n_credit and n_credit < work.height:
            credit_lines = c_prefix
            notes.append(said("ingest_note_credit_notes", count=n_credit))
    if cancelled_col := col(m.CANCELLED_AT):
        # Shopify: a cancelled order keeps its financial status (paid, refunded, voided);
        # only a word that is not already "no sale" becomes cancelled.
        no_sale = st.status_class_expr(status).is_in([st.CANCELLED, st.REFUNDED, st.FAILED])
        status = (
            pl.when(_text_expr(pl.col(cancelled_col)).is_not_null() & ~no_sale)
            .then(pl.lit(st.CANCELLED))
            .otherwise(status)
        )
    exprs[s.STATUS] = status
    c = col(s.MARKETING_CONSENT)
    if c:
        consent_dtype = work.schema[c]
        exprs[s.MARKETING_CONSENT] = per_value(work, c, lambda e: _bool_expr(e, consent_dtype))
    else:
        exprs[s.MARKETING_CONSENT] = pl.lit(None, pl.Boolean)
    c = col(s.LINE_NO)
    exprs[s.LINE_NO] = per_value(work, c, parse_int_expr) if c else pl.lit(None, pl.Int64)
    if order_total_col := col(m.ORDER_TOTAL):
        exprs["_order_total"] = _amount_expr(work, order_total_col, style)
    if refunded_col := col(m.REFUNDED_AMOUNT):
        exprs["_refunded"] = _amount_expr(work, refunded_col, style)

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
        made_up = made_up_order_ids(parsed)
        parsed = parsed.with_columns(made_up)
        alike = int(made_up.str.contains(r"-\d+$").sum())
        if alike:
            notes.append(said("ingest_note_alike_rows", count=alike))
    if col(s.LINE_NO) is None:
        parsed = parsed.with_columns(
            (pl.int_range(pl.len()).over(s.ORDER_ID) + 1).cast(pl.Int64).alias(s.LINE_NO)
        )
    # An order total is booked once per order, on top of unit-price lines or alone;
    # next to a line-total column it is not needed (the lines add up).
    allocate = col(m.ORDER_TOTAL) is not None and (
        col(m.UNIT_PRICE) is not None or col(s.AMOUNT) is None
    )
    if allocate:
        parsed = _allocate_order_totals(parsed)
    amount_final = pl.col("_line_amount")
    if credit_lines is not None:
        # A cancellation takes money back, whichever sign the log gave its quantity.
        amount_final = (
            pl.when(work.select(credit_lines).to_series())
            .then(-amount_final.abs())
            .otherwise(amount_final)
        )
    if "_refunded" in parsed.columns and not allocate:
        amount_final = amount_final - pl.col("_refunded").fill_null(0)
    parsed = parsed.with_columns(amount_final.alias(s.AMOUNT))
    notes.extend(_customer_notes(parsed, col(s.CUSTOMER_ID)))
    customer = pl.coalesce(pl.col(s.CUSTOMER_ID), pl.col(s.EMAIL), pl.col(s.PHONE))
    parsed = parsed.with_columns(customer.alias(s.CUSTOMER_ID))

    # --- reasons, first failing check wins ---
    tomorrow = after_today(today)
    future = parsed.filter((pl.col(s.ORDER_DATE) >= tomorrow) & (pl.col(s.ORDER_DATE) < LATEST))
    if future.height:
        notes.append(
            future_note(
                future.height,
                cast("datetime | None", future.get_column(s.ORDER_DATE).max()),
                kept=allow_future,
                what="lines",
            )
        )
    raw_date = work[date_col].cast(pl.String)
    raw_amount = work[amount_source].cast(pl.String) if amount_source else None
    raw_cost = (
        _text_expr(pl.lit(work[cost_source].cast(pl.String)))
        if cost_source
        else pl.lit(None, pl.String)
    )
    checks = parsed.with_columns(
        raw_date.alias("_raw_date"),
        (raw_amount if raw_amount is not None else pl.lit(None, pl.String)).alias("_raw_amount"),
        raw_cost.alias("_raw_cost"),
    )
    reason = (
        pl.when(pl.col("_extra").is_not_null() if "_extra" in checks.columns else pl.lit(False))
        .then(
            pl.struct(
                column=pl.lit(None, pl.String),
                value=pl.col("_extra") if "_extra" in checks.columns else pl.lit(None, pl.String),
                reason=pl.lit("extra_fields"),
            )
        )
        .when(
            pl.col(s.ORDER_DATE).is_null()
            & (pl.col("_raw_date").is_null() | (pl.col("_raw_date").str.strip_chars() == ""))
        )
        .then(
            pl.struct(
                column=pl.lit(date_col), value=pl.lit(None, pl.String), reason=pl.lit("no_date")
            )
        )
        .when(pl.col(s.ORDER_DATE).is_null())
        .then(
            pl.struct(
                column=pl.lit(date_col), value=pl.col("_raw_date"), reason=pl.lit("not_a_date")
            )
        )
        .when((pl.col(s.ORDER_DATE) < EARLIEST) | (pl.col(s.ORDER_DATE) >= LATEST))
        .then(
            pl.struct(
                column=pl.lit(date_col),
                value=pl.col("_raw_date"),
                reason=pl.lit("date_out_of_range"),
            )
        )
        .when(pl.lit(not allow_future) & (pl.col(s.ORDER_DATE) >= tomorrow))
        .then(
            pl.struct(
                column=pl.lit(date_col), value=pl.col("_raw_date"), reason=pl.lit(FUTURE_REASON)
            )
        )
        .when(pl.lit(amount_source is None))
        .then(None)
        .when(pl.col(s.AMOUNT).is_null() & pl.col("_raw_amount").is_null())
        .then(
            pl.struct(
                column=pl.lit(amount_source),
                value=pl.lit(None, pl.String),
                reason=pl.lit("no_amount"),
            )
        )
        .when(pl.col(s.AMOUNT).is_null() | pl.col(s.AMOUNT).is_infinite())
        .then(
            pl.struct(
                column=pl.lit(amount_source),
                value=pl.col("_raw_amount"),
                reason=pl.lit("not_an_amount"),
            )
        )
        .when(pl.col(s.AMOUNT).abs() > MAX_AMOUNT)
        .then(
            pl.struct(
                column=pl.lit(amount_source),
                value=pl.col("_raw_amount"),
                reason=pl.lit("amount_too_large"),
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
    ).cast(s.REJECTS)  # type: ignore[arg-type]  # polars types cast's mapping with invariant keys: no dict[str, DataType] fits
    # Usually every row is good: then there is nothing to filter (and no copy to make).
    good = checks.filter(pl.col("_reason").is_null()) if bad.height else checks
    if cost_source is not None:
        # A cost is optional: one written that is no cost (text, too large) leaves the
        # line's cost unknown — the sale itself counts — and the note names the rows.
        unread = pl.col("_raw_cost").is_not_null() & (
            pl.col(s.COST).is_null()
            | pl.col(s.COST).is_infinite()
            | (pl.col(s.COST).abs() > MAX_AMOUNT)
        )
        rows = good.filter(unread).get_column(s.SOURCE_ROW)
        if rows.len():
            shown = ", ".join(str(r) for r in rows.head(5).to_list())
            notes.append(
                said(
                    "profit_note_unread_cost",
                    count=rows.len(),
                    column=cost_source,
                    rows=shown + (" …" if rows.len() > 5 else ""),
                )
            )
            good = good.with_columns(
                pl.when(unread).then(None).otherwise(pl.col(s.COST)).alias(s.COST)
            )
        odd = good.select(((pl.col(s.COST) < 0) & (pl.col(s.AMOUNT) > 0)).sum()).item()
        if odd:
            notes.append(said("profit_note_negative_cost", count=odd, column=cost_source))
    # Every line keeps where it came from (file and row).
    good = good.with_columns(pl.lit(path).alias(s.SOURCE_FILE))
    orders = good.select(
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
        mapping=cols,
        how={f: mp.how.get(f, "data") for f in cols},  # "data": decided from the values
        unused_columns=[c for c in columns if c not in cols.values()],
        notes=notes,
        amount_reading=amount_reading,
        amount_reason=amount_reason,
        decimal_ambiguous=amount_note is not None,
    )
    return orders, rejects, detected


#: The fields a made-up order number is taken from, in this order: who bought, when,
#: for how much — what every export of the sheet has. Never how the file is laid out,
#: what may change between two exports (status, refunds, consent, name, address), nor
#: a column a later export may add (product, quantity, currency: a sheet that gains a
#: "Vare" column must not make every order new).
MADE_UP_ID_FIELDS = ("customer", s.ORDER_DATE, "_line_amount")


def made_up_order_ids(parsed: pl.DataFrame) -> pl.Series:
    """Order numbers for a file without an order-number column (schema.ORDER_ID).

    Each row is an order. Its number is ``r`` + 20 hex digits of a BLAKE2b digest of
    the row's canonical values (:data:`MADE_UP_ID_FIELDS`: the customer — id, else
    e-mail, else phone —, the order date to the second and the amount to the ore), so
    the same order gets the same number from any export of the sheet: whatever the
    column order, extra or added columns, file name or row position. The digest is the same in every Python and Polars
    version (Polars' own ``hash`` is not), so numbers stored in a workspace keep
    matching next year's export.

    Rows whose canonical values are all the same are separate orders, numbered
    ``-2``, ``-3``… after the first in file order (a sheet with one row per order
    says so: two purchases alike on one day). The same rows in a later export get the
    same numbers again, so they are not counted twice; a third alike row there is a
    new order.
    """
    canonical = {
        "customer": pl.coalesce(pl.col(s.CUSTOMER_ID), pl.col(s.EMAIL), pl.col(s.PHONE)),
        s.ORDER_DATE: pl.col(s.ORDER_DATE).dt.strftime("%Y-%m-%dT%H:%M:%S"),
        "_line_amount": _oere(pl.col("_line_amount")),
    }
    parts = [
        pl.lit(f"{name}=") + canonical[name].cast(pl.String).fill_null("")
        for name in MADE_UP_ID_FIELDS
    ]
    content = parsed.select(pl.concat_str(parts, separator="\x1f")).to_series()
    digest = pl.Series(
        [blake2b(c.encode("utf-8"), digest_size=10).hexdigest() for c in content.to_list()],
        dtype=pl.String,
    )
    keyed = pl.DataFrame({"content": content, "digest": digest})
    ids = pl.lit("r") + pl.col("digest")
    if content.is_duplicated().any():
        nth = pl.int_range(pl.len()).over("content") + 1
        ids = ids + pl.when(nth > 1).then(pl.lit("-") + nth.cast(pl.String)).otherwise(pl.lit(""))
    return keyed.select(ids.alias(s.ORDER_ID)).to_series()


def _oere(amount: pl.Expr) -> pl.Expr:
    """An amount as whole ore (cents), written as digits: no float formatting."""
    return (amount * 100).round(0).cast(pl.Int64, strict=False).cast(pl.String)


def _customer_notes(parsed: pl.DataFrame, id_column: str | None) -> list[Text]:
    """Say which ids were read as guests, which ids carry many e-mails, and how many
    lines have no customer at all."""
    notes: list[Text] = []
    if "_raw_customer" in parsed.columns:
        guests = parsed.filter(
            pl.col("_raw_customer").is_not_null() & pl.col(s.CUSTOMER_ID).is_null()
        )
        if guests.height:
            values = ", ".join(
                repr(v) for v in guests.get_column("_raw_customer").unique().sort().head(3)
            )
            notes.append(
                said("ingest_note_guests", count=guests.height, column=id_column, values=values)
            )
        shared = (
            parsed.lazy()
            .filter(pl.col(s.CUSTOMER_ID).is_not_null() & pl.col(s.EMAIL).is_not_null())
            .group_by(s.CUSTOMER_ID)
            .agg(pl.col(s.EMAIL).n_unique().alias("emails"))
            .filter(pl.col("emails") > MANY_EMAILS)
            .sort(["emails", s.CUSTOMER_ID], descending=[True, False])
            .collect()
        )
        for cid, emails in shared.head(5).rows():
            notes.append(said("ingest_note_shared_id", id=repr(cid), count=emails))
        if shared.height > 5:
            notes.append(
                said("ingest_note_shared_more", count=shared.height - 5, limit=MANY_EMAILS)
            )
    anonymous = parsed.select(
        (pl.coalesce(pl.col(s.CUSTOMER_ID), pl.col(s.EMAIL), pl.col(s.PHONE)).is_null()).sum()
    ).item()
    if anonymous:
        notes.append(said("ingest_note_anonymous", count=anonymous))
    return notes


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
