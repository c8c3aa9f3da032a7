"""Order status words → one of a few classes that say what the order means.

Shop systems write many words for the same thing (Shopify's financial status,
WooCommerce's order status, Danish invoice systems' own words). Every analysis needs
only to know the class (README, "What counts"):

* ``completed`` — a purchase (paid, processing, delivered, invoiced, …);
* ``partially_refunded`` — a purchase, its revenue net of the refunded part;
* ``pending`` — not a purchase yet (awaiting payment, on hold, reserved): reported;
* ``cancelled`` and ``failed`` — not counted;
* ``refunded`` — refunded in full: not counted;
* ``credit_note`` — a credit note: never a purchase, deducted from revenue;
* ``unknown`` — a word kunde does not know: reported with its orders and amount and
  not counted until ``[status]`` in kunde.toml says what it means.

An order with no status at all (the export has no status column) is completed.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

# The classes live in the schema (kunde.toml's [status] names them too).
from kunde_cli.schema import CANCELLED as CANCELLED
from kunde_cli.schema import COMPLETED as COMPLETED
from kunde_cli.schema import CREDIT_NOTE as CREDIT_NOTE
from kunde_cli.schema import FAILED as FAILED
from kunde_cli.schema import PARTIALLY_REFUNDED as PARTIALLY_REFUNDED
from kunde_cli.schema import PENDING as PENDING
from kunde_cli.schema import REFUNDED as REFUNDED
from kunde_cli.schema import STATUS_CLASSES
from kunde_cli.schema import UNKNOWN as UNKNOWN

CLASSES = STATUS_CLASSES
#: Classes whose orders are purchases.
PURCHASE_CLASSES = (COMPLETED, PARTIALLY_REFUNDED)
#: Classes whose negative orders are still credit notes (deducted from revenue).
#: A cancelled, failed, pending or unknown document moves no money.
CREDIT_CAPABLE = (COMPLETED, PARTIALLY_REFUNDED, REFUNDED, CREDIT_NOTE)

#: Every word kunde knows (lower case, trimmed), by class.
WORDS: dict[str, tuple[str, ...]] = {
    COMPLETED: (
        # Shopify financial / fulfilment status
        "paid", "partially_paid", "partially paid", "fulfilled", "captured",
        # WooCommerce
        "completed", "complete", "processing", "wc-completed", "wc-processing",
        # English synonyms
        "delivered", "shipped", "dispatched", "invoiced", "done", "closed", "ok", "approved",
        "settled", "success", "successful",
        # Danish shop and invoice systems
        "betalt", "leveret", "afsendt", "sendt", "faktureret", "gennemført", "gennemfoert",
        "afsluttet", "godkendt", "bogført", "bogfoert", "udleveret", "afhentet", "ekspederet",
        "modtaget", "hævet", "haevet",
    ),
    PENDING: (
        "pending", "pending payment", "pending_payment", "on-hold", "on hold", "on_hold",
        "authorized", "authorised", "unpaid", "awaiting payment", "draft", "checkout-draft",
        "wc-pending", "wc-on-hold", "wc-checkout-draft", "expired",
        "afventer", "afventer betaling", "afventende", "ubetalt", "reserveret", "kladde",
        "ikke betalt", "igangværende", "under behandling",
    ),
    CANCELLED: (
        "cancelled", "canceled", "voided", "void", "trash", "wc-cancelled", "deleted",
        "annulleret", "aflyst", "slettet", "annulleret af kunde",
    ),
    FAILED: ("failed", "wc-failed", "declined", "rejected", "afvist", "fejlet", "mislykket"),
    REFUNDED: (
        "refunded", "wc-refunded", "returned", "refunderet", "returneret", "tilbagebetalt",
        "krediteret", "fuldt refunderet",
    ),
    PARTIALLY_REFUNDED: (
        "partially_refunded", "partially refunded", "partial refund", "delvist refunderet",
        "delvis refunderet", "delvist krediteret", "delvis krediteret",
    ),
    CREDIT_NOTE: (
        "kreditnota", "kreditnotaer", "credit note", "credit_note", "credit memo", "creditnote",
    ),
}  # fmt: skip

_CLASS_OF: dict[str, str] = {word: cls for cls, words in WORDS.items() for word in words}


def words_of(*classes: str) -> list[str]:
    """Every stored word that means one of ``classes``, the class names included."""
    return [*classes, *(word for cls in classes for word in WORDS.get(cls, ()))]


def status_word_expr(expr: pl.Expr) -> pl.Expr:
    """A status cell as kunde stores it: trimmed, lower case, null when empty."""
    text = expr.cast(pl.String).str.strip_chars().str.to_lowercase()
    return pl.when(text == "").then(None).otherwise(text)


def class_table(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """word → class: kunde's words, the class names themselves, then ``extra`` (kunde.toml
    ``[status]``, which wins)."""
    table = dict(_CLASS_OF)
    table.update({cls: cls for cls in CLASSES})
    for word, cls in (extra or {}).items():
        table[word.strip().lower()] = cls
    return table


def status_class_expr(word: pl.Expr, extra: Mapping[str, str] | None = None) -> pl.Expr:
    """The class of a stored status word (see :func:`status_word_expr`); null → completed,
    anything unknown → ``unknown``.

    >>> frame = pl.DataFrame({"s": ["betalt", None, "afhentet", "hmm", "Kreditnota"]})
    >>> frame.select(status_class_expr(status_word_expr(pl.col("s")))).to_series().to_list()
    ['completed', 'completed', 'completed', 'unknown', 'credit_note']
    """
    table = class_table(extra)
    known = word.replace_strict(
        list(table), list(table.values()), default=UNKNOWN, return_dtype=pl.String
    )
    return pl.when(word.is_null()).then(pl.lit(COMPLETED)).otherwise(known)


def with_status_classes(lines: pl.LazyFrame, extra: Mapping[str, str]) -> pl.LazyFrame:
    """``lines`` with the words of ``extra`` (kunde.toml ``[status]``) replaced by their
    class, which every analysis then reads as that class. Unchanged when empty."""
    if not extra:
        return lines
    from kunde_cli import schema as s

    table = {word.strip().lower(): cls for word, cls in extra.items()}
    return lines.with_columns(pl.col(s.STATUS).replace(table))
