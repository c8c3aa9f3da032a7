"""Canonical column names and dtypes, in one place.

Every reader maps its input onto these schemas; every analysis reads only these
names. Danish labels for them live in ``render/i18n.py``.
"""

from __future__ import annotations

import polars as pl

# --- orders: one row per order line -------------------------------------------------
ORDER_ID = "order_id"
LINE_NO = "line_no"  # 1-based position of the line within its order in the source
CUSTOMER_ID = "customer_id"
EMAIL = "email"
NAME = "name"
ORDER_DATE = "order_date"
AMOUNT = "amount"
QUANTITY = "quantity"
PRODUCT = "product"
CATEGORY = "category"
CHANNEL = "channel"
PHONE = "phone"
POSTCODE = "postcode"
CITY = "city"
COUNTRY = "country"
STATUS = "status"
MARKETING_CONSENT = "marketing_consent"
CURRENCY = "currency"  # ISO 4217 code (DKK, EUR, …); null = the shop's own currency
REFERENCE = "reference"  # the order a credit note or refund line credits, when it names one
#: The discount (coupon) code used on the order, as written; null when none or not exported.
DISCOUNT_CODE = "discount_code"
#: The line's cost price (for all its units) in the line's currency; null when not exported.
COST = "cost"
#: The shop system a line came from (``kunde ingest --source``, else the export's layout):
#: order numbers are unique within one source only.
SOURCE = "source"
#: When the export the line came from was made, as far as kunde can tell (the file's
#: modification time; the time of ingest for a pipe): of two exports of one order, the
#: later one's version counts, whatever order they are ingested in.
EXPORTED_AT = "exported_at"
#: The latest order date in that export: of two exports made within a minute of each
#: other (copied or unzipped together), the one reaching later is the newer.
EXPORTED_THROUGH = "exported_through"
SOURCE_FILE = "source_file"
SOURCE_ROW = "source_row"

ORDERS: dict[str, pl.DataType] = {
    ORDER_ID: pl.String(),
    LINE_NO: pl.Int32(),
    CUSTOMER_ID: pl.String(),
    EMAIL: pl.String(),
    NAME: pl.String(),
    ORDER_DATE: pl.Datetime("us"),
    AMOUNT: pl.Float64(),
    QUANTITY: pl.Int64(),
    PRODUCT: pl.String(),
    CATEGORY: pl.String(),
    CHANNEL: pl.String(),
    PHONE: pl.String(),
    POSTCODE: pl.String(),
    CITY: pl.String(),
    COUNTRY: pl.String(),
    STATUS: pl.String(),
    MARKETING_CONSENT: pl.Boolean(),
    CURRENCY: pl.String(),
    REFERENCE: pl.String(),
    DISCOUNT_CODE: pl.String(),
    COST: pl.Float64(),
    SOURCE: pl.String(),
    EXPORTED_AT: pl.Datetime("us"),
    EXPORTED_THROUGH: pl.Datetime("us"),
    SOURCE_FILE: pl.String(),
    SOURCE_ROW: pl.Int64(),
}


#: A few status words the sample shop writes. Status is stored as written (lower case);
#: what each word means is kunde_cli.ingest.statuses.
STATUS_PAID = "paid"
STATUS_REFUNDED = "refunded"
STATUS_CANCELLED = "cancelled"

#: The status classes every status word is read as (what each means, and which words
#: belong to which: kunde_cli.ingest.statuses). kunde.toml's ``[status]`` names them.
COMPLETED = "completed"
PARTIALLY_REFUNDED = "partially_refunded"
PENDING = "pending"
CANCELLED = "cancelled"
FAILED = "failed"
REFUNDED = "refunded"
CREDIT_NOTE = "credit_note"
UNKNOWN = "unknown"
STATUS_CLASSES = (
    COMPLETED,
    PARTIALLY_REFUNDED,
    PENDING,
    CANCELLED,
    FAILED,
    REFUNDED,
    CREDIT_NOTE,
    UNKNOWN,
)

# --- survey: one row per answer -------------------------------------------------------
RESPONSE_ID = "response_id"
RESPONDED_AT = "responded_at"
SCORE = "score"
COMMENT = "comment"

SURVEY: dict[str, pl.DataType] = {
    RESPONSE_ID: pl.String(),
    CUSTOMER_ID: pl.String(),
    EMAIL: pl.String(),
    NAME: pl.String(),
    RESPONDED_AT: pl.Datetime("us"),
    SCORE: pl.Int8(),
    COMMENT: pl.String(),
    #: The order the answer is about (a survey tool's hidden field, e.g. Typeform's
    #: ``order_id``): its customer answered. Null when the export names none.
    ORDER_ID: pl.String(),
    SOURCE_FILE: pl.String(),
    SOURCE_ROW: pl.Int64(),
}

SURVEY_REQUIRED = (SCORE,)

# --- follow-up statuses: one row per case kunde nps --follow-up keeps ---------------
FOLLOW_UP_STATUS = "follow_up_status"  # open | contacted | resolved
FOLLOW_UP_NOTE = "follow_up_note"
NPS_CATEGORY = "nps_category"  # promoters | passives | detractors
#: Whether a kept status belongs to a current case (False: an earlier one, kept for its note).
CURRENT = "current"

FOLLOW_UP: dict[str, pl.DataType] = {
    RESPONSE_ID: pl.String(),
    CUSTOMER_ID: pl.String(),
    NPS_CATEGORY: pl.String(),
    FOLLOW_UP_STATUS: pl.String(),
    FOLLOW_UP_NOTE: pl.String(),
    CURRENT: pl.Boolean(),
}

# --- rejects: rows that could not be used -------------------------------------------
REJECT_FILE = "file"
REJECT_ROW = "row"
REJECT_COLUMN = "column"
REJECT_VALUE = "value"
REJECT_REASON = "reason"

REJECTS: dict[str, pl.DataType] = {
    REJECT_FILE: pl.String(),
    REJECT_ROW: pl.Int64(),
    REJECT_COLUMN: pl.String(),
    REJECT_VALUE: pl.String(),
    REJECT_REASON: pl.String(),
}


def empty_orders() -> pl.DataFrame:
    """An orders frame with no rows and the canonical schema."""
    return pl.DataFrame(schema=ORDERS)


def empty_survey() -> pl.DataFrame:
    """A survey frame with no rows and the canonical schema."""
    return pl.DataFrame(schema=SURVEY)


def empty_rejects() -> pl.DataFrame:
    """A rejects frame with no rows."""
    return pl.DataFrame(schema=REJECTS)
