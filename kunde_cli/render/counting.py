"""What was counted and what was left out, said to people: the status table of
``kunde inspect`` / ``kunde ingest`` and the one-line headline every analysis prints.

Facts come from :class:`kunde_cli.analytics.orders.Overview`; this module only words
them ("790 betalte ordrer for 1.136.072,90 kr.; 32 annullerede og 18 refunderede
(63.987,75 kr.) er ikke talt med").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from kunde_cli.words.labels import LABELS, label, say
from kunde_cli.words.numbers import format_money, format_number

if TYPE_CHECKING:
    from kunde_cli.analytics.orders import Overview
    from kunde_cli.ingest.validate import Detected

#: The status classes, in the order the status table and the changes line name them.
STATUS_CLASSES = (
    "completed",
    "partially_refunded",
    "pending",
    "cancelled",
    "failed",
    "refunded",
    "credit_note",
    "unknown",
)


def class_word(cls: str, lang: str) -> str:
    """The class in words (``afventer betaling``); an unknown class shows itself."""
    key = f"status_class_{cls}"
    return label(key, lang) if key in LABELS else cls


def overview_json(overview: Overview, detected: Detected | dict[str, Any]) -> dict[str, Any]:
    """``statuses`` and ``counted`` for ``kunde inspect --format json``."""
    reading = (
        detected.get("amount_reading") if isinstance(detected, dict) else detected.amount_reading
    )
    statuses = [
        {
            "status": word or "",
            "class": cls,
            "orders": n,
            "amount": None if amount is None else round(amount, 2),
        }
        for word, cls, n, amount in overview.statuses.rows()
    ]
    return {
        "statuses": statuses,
        "counted": {
            "orders": overview.orders,
            "purchases": overview.purchases,
            "revenue": round(overview.revenue, 2),
            "customers": overview.customers,
            "orders_without_customer": overview.anonymous_orders,
            "amount_reading": reading or "line total",
            "currencies": list(overview.currencies),
        },
    }


def status_frame(overview: Overview, lang: str) -> pl.DataFrame:
    """The status table for people: word as written → class → orders → amount."""
    rows = overview.statuses

    def head(name: str) -> str:
        return label(f"status_table_{name}", lang)

    none = label("status_none", lang)
    return pl.DataFrame(
        {
            head("status"): [w or none for w in rows["status_word"]],
            head("means"): [class_word(c, lang) for c in rows["order_status"]],
            head("counted"): [_counted_word(c, lang) for c in rows["order_status"]],
            head("orders"): rows["orders"],
            head("amount"): rows["amount"],
        }
    )


def _counted_word(cls: str, lang: str) -> str:
    if cls in ("completed", "partially_refunded"):
        return label("status_counted_purchase", lang)
    if cls == "credit_note":
        return label("status_counted_deducted", lang)
    if cls == "unknown":
        return label("status_counted_explain", lang)
    return label("status_counted_no", lang)


def counted_sentence(overview: Overview, lang: str, currency: str = "kr.") -> str:
    """One line that says what the numbers count and what they leave out.

    >>> from kunde_cli.analytics.orders import Overview
    >>> ov = Overview(orders=10, purchases=7, revenue=2411.0, customers=3,
    ...     anonymous_orders=1, anonymous_revenue=500.0, credit_notes=0, credit_amount=0.0,
    ...     statuses=pl.DataFrame({"status_word": ["betalt", "annulleret", "afventer"],
    ...         "order_status": ["completed", "cancelled", "pending"],
    ...         "orders": [7, 2, 1], "amount": [2411.0, 399.0, 149.0]}))
    >>> counted_sentence(ov, "en")
    'Counted: 7 purchases for DKK 2,411.00 from 3 customers (of which 1 purchase for DKK 500.00 without a known customer). Not counted: 2 cancelled and 1 awaiting payment (DKK 548.00).'
    """

    def money(value: float) -> str:
        return format_money(value, lang, currency)

    def n(value: int) -> str:
        return format_number(value, lang)

    def counted(what: str, value: int) -> str:
        return say(f"counted_{what}_{'one' if value == 1 else 'many'}", lang, n=n(value))

    head = say(
        "counted_head",
        lang,
        purchases=counted("purchases", overview.purchases),
        revenue=money(overview.revenue),
        customers=counted("customers", overview.customers),
    )
    extras = []
    if overview.credit_notes:
        extras.append(
            say(
                "counted_credit_notes",
                lang,
                notes=n(overview.credit_notes),
                amount=money(overview.credit_amount),
            )
        )
    if overview.anonymous_orders:
        extras.append(
            say(
                "counted_anonymous",
                lang,
                orders=counted("purchases", overview.anonymous_orders),
                amount=money(overview.anonymous_revenue),
            )
        )
    if extras:
        head += " (" + "; ".join(extras) + ")"
    left = overview.left_out()
    if not left:
        return head + "."
    parts = [
        f"{n(k)} {label(f'status_left_out_{c}' + ('_one' if k == 1 else ''), lang)}"
        for c, (k, _) in left.items()
    ]
    joined = _join(parts, label("counted_and", lang))
    amount = sum(a for _, a in left.values())
    tail = say("counted_left_out", lang, parts=joined, amount=money(amount))
    return f"{head}. {tail}"


def _join(parts: list[str], word: str) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {word} " + parts[-1]


def changes_sentence(changed: int, by_class: dict[str, int], lang: str) -> str:
    """``3 orders changed since the last export: 2 refunded, 1 cancelled …``.

    ``by_class``: changed orders by the status class of their new version.
    """
    order = [c for c in STATUS_CLASSES if by_class.get(c)]
    parts = ", ".join(f"{format_number(by_class[c], lang)} {class_word(c, lang)}" for c in order)
    key = "changes_one" if changed == 1 else "changes_many"
    return say(key, lang, n=format_number(changed, lang), parts=parts)


def collisions_sentence(orders: int, source: str, lang: str) -> str:
    """Order numbers that other stored orders already use, and the fix."""
    return say("collisions", lang, n=format_number(orders, lang), source=source)
