"""What was counted and what was left out, said to people: the status table of
``kunde inspect`` / ``kunde ingest`` and the one-line headline every analysis prints.

Facts come from :class:`kunde_cli.analytics.orders.Overview`; this module only words
them ("790 betalte ordrer for 1.136.072,90 kr.; 32 annullerede og 18 refunderede
(63.987,75 kr.) er ikke talt med").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from kunde_cli.render.numbers import format_money, format_number

if TYPE_CHECKING:
    from kunde_cli.analytics.orders import Overview
    from kunde_cli.ingest.validate import Detected

#: Class → (Danish, English) plural words for the headline and the status table.
CLASS_WORDS: dict[str, tuple[str, str]] = {
    "completed": ("gennemført", "completed"),
    "partially_refunded": ("delvist refunderet", "partly refunded"),
    "pending": ("afventer betaling", "awaiting payment"),
    "cancelled": ("annulleret", "cancelled"),
    "failed": ("fejlet", "failed"),
    "refunded": ("refunderet", "refunded"),
    "credit_note": ("kreditnota", "credit note"),
    "unknown": ("ukendt status", "unknown status"),
}
_LEFT_OUT_WORDS: dict[str, tuple[str, str]] = {
    "pending": ("afventer betaling", "awaiting payment"),
    "cancelled": ("annullerede", "cancelled"),
    "failed": ("fejlede", "failed"),
    "refunded": ("refunderede", "refunded"),
    "unknown": ("med ukendt status", "with an unknown status"),
}


def class_word(cls: str, lang: str) -> str:
    """The class in words (``afventer betaling``)."""
    da, en = CLASS_WORDS.get(cls, (cls, cls))
    return da if lang == "da" else en


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
    da = lang == "da"
    rows = overview.statuses
    return pl.DataFrame(
        {
            "Status": [w or ("(ingen)" if da else "(none)") for w in rows["status_word"]],
            "Betyder" if da else "Means": [class_word(c, lang) for c in rows["order_status"]],
            "Talt med" if da else "Counted": [_counted_word(c, lang) for c in rows["order_status"]],
            "Ordrer" if da else "Orders": rows["orders"],
            "Beløb" if da else "Amount": rows["amount"],
        }
    )


def _counted_word(cls: str, lang: str) -> str:
    da = lang == "da"
    if cls in ("completed", "partially_refunded"):
        return "ja, køb" if da else "yes, purchase"
    if cls == "credit_note":
        return "trækkes fra" if da else "deducted"
    if cls == "unknown":
        return "nej – forklar ordet i kunde.toml" if da else "no – explain it in kunde.toml"
    return "nej" if da else "no"


def counted_sentence(overview: Overview, lang: str, currency: str = "kr.") -> str:
    """One line that says what the numbers count and what they leave out.

    >>> from kunde_cli.analytics.orders import Overview
    >>> ov = Overview(orders=10, purchases=7, revenue=2411.0, customers=3,
    ...     anonymous_orders=1, anonymous_revenue=500.0, credit_notes=0, credit_amount=0.0,
    ...     statuses=pl.DataFrame({"status_word": ["betalt", "annulleret", "afventer"],
    ...         "order_status": ["completed", "cancelled", "pending"],
    ...         "orders": [7, 2, 1], "amount": [2411.0, 399.0, 149.0]}))
    >>> counted_sentence(ov, "da")
    'Talt med: 7 køb for 2.411,00 kr. fra 3 kunder (heraf 1 køb for 500,00 kr. uden kendt kunde). Ikke talt med: 2 annullerede og 1 afventer betaling (548,00 kr.).'
    """
    da = lang == "da"

    def money(value: float) -> str:
        return format_money(value, lang, currency)

    def n(value: int) -> str:
        return format_number(value, lang)

    head = (
        f"Talt med: {n(overview.purchases)} køb for {money(overview.revenue)} "
        f"fra {n(overview.customers)} kunder"
        if da
        else f"Counted: {n(overview.purchases)} purchases for {money(overview.revenue)} "
        f"from {n(overview.customers)} customers"
    )
    extras = []
    if overview.credit_notes:
        extras.append(
            f"kreditnotaer fratrukket: {n(overview.credit_notes)} på "
            f"{money(overview.credit_amount)}"
            if da
            else f"credit notes deducted: {n(overview.credit_notes)} of "
            f"{money(overview.credit_amount)}"
        )
    if overview.anonymous_orders:
        extras.append(
            f"heraf {n(overview.anonymous_orders)} køb for "
            f"{money(overview.anonymous_revenue)} uden kendt kunde"
            if da
            else f"of which {n(overview.anonymous_orders)} purchases for "
            f"{money(overview.anonymous_revenue)} without a known customer"
        )
    if extras:
        head += " (" + "; ".join(extras) + ")"
    left = overview.left_out()
    if not left:
        return head + "."
    parts = [f"{n(k)} {_LEFT_OUT_WORDS[c][0 if da else 1]}" for c, (k, _) in left.items()]
    joined = _join(parts, "og" if da else "and")
    amount = sum(a for _, a in left.values())
    tail = (
        f"Ikke talt med: {joined} ({money(amount)})."
        if da
        else f"Not counted: {joined} ({money(amount)})."
    )
    return f"{head}. {tail}"


def _join(parts: list[str], word: str) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {word} " + parts[-1]


def changes_sentence(changed: int, by_class: dict[str, int], lang: str) -> str:
    """``3 ordrer er ændret siden sidste eksport: 2 refunderet, 1 annulleret …``.

    ``by_class``: changed orders by the status class of their new version.
    """
    order = [c for c in CLASS_WORDS if by_class.get(c)]
    parts = ", ".join(f"{format_number(by_class[c], lang)} {class_word(c, lang)}" for c in order)
    n = format_number(changed, lang)
    if lang == "da":
        noun = "ordre er ændret" if changed == 1 else "ordrer er ændret"
        return f"{n} {noun} siden sidste eksport: {parts} (den nye udgave tæller)"
    noun = "order changed" if changed == 1 else "orders changed"
    return f"{n} {noun} since the last export: {parts} (the new version counts)"


def collisions_sentence(orders: int, source: str, lang: str) -> str:
    """Order numbers that other stored orders already use, and the fix."""
    n = format_number(orders, lang)
    if lang == "da":
        return (
            f"{n} ordrenumre bruges allerede af andre ordrer (anden kunde eller dato) i "
            f"systemet '{source}'; de linjer er ikke gemt (se rejects.csv). Er filen fra et "
            "andet system (fx kassen), så giv det et navn: kunde ingest FIL --source kasse"
        )
    return (
        f"{n} order numbers are already used by other orders (another customer or date) "
        f"of the system '{source}'; those lines were not stored (see rejects.csv). If the "
        "file comes from another system (a till, say), name it: kunde ingest FILE --source till"
    )
