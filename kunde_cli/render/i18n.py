"""Danish and English labels for column names, segments, rungs and tiers.

Machine formats (csv/json/parquet) keep the stable English snake_case names; only
the terminal table and the reports use these labels.
"""

from __future__ import annotations

LANGS = ("da", "en")

# key -> (da, en)
LABELS: dict[str, tuple[str, str]] = {
    # --- canonical columns ---
    "order_id": ("Ordre", "Order"),
    "line_no": ("Linje", "Line"),
    "customer_id": ("Kunde", "Customer"),
    "email": ("E-mail", "E-mail"),
    "name": ("Navn", "Name"),
    "order_date": ("Ordredato", "Order date"),
    "amount": ("Beløb", "Amount"),
    "quantity": ("Antal", "Quantity"),
    "product": ("Vare", "Product"),
    "category": ("Kategori", "Category"),
    "channel": ("Kanal", "Channel"),
    "phone": ("Telefon", "Phone"),
    "postcode": ("Postnr.", "Postcode"),
    "city": ("By", "City"),
    "country": ("Land", "Country"),
    "status": ("Status", "Status"),
    "marketing_consent": ("Samtykke", "Consent"),
    "source_file": ("Fil", "File"),
    "source_row": ("Række", "Row"),
    "response_id": ("Svar", "Response"),
    "responded_at": ("Svardato", "Answered"),
    "score": ("Score", "Score"),
    "comment": ("Kommentar", "Comment"),
    # --- ingest summary ---
    "file": ("Fil", "File"),
    "rows_read": ("Rækker læst", "Rows read"),
    "accepted": ("Indlæst", "Accepted"),
    "duplicates": ("Dubletter sprunget over", "Skipped duplicates"),
    "rejected": ("Afvist", "Rejected"),
    "row": ("Række", "Row"),
    "column": ("Kolonne", "Column"),
    "value": ("Værdi", "Value"),
    "reason": ("Årsag", "Reason"),
    # --- analytics (shared) ---
    "customers": ("Kunder", "Customers"),
    "share_customers": ("Andel kunder", "Share of customers"),
    "revenue": ("Omsætning", "Revenue"),
    "share_revenue": ("Andel omsætning", "Share of revenue"),
    "orders": ("Ordrer", "Orders"),
    "action": ("Forslag", "Suggested action"),
    # --- rfm ---
    # --- ladder ---
    # --- retention ---
    # --- clv ---
    # --- profiles ---
    # --- churn ---
    # --- nps ---
    # --- report ---
}


def label(key: str, lang: str = "da") -> str:
    """The label for ``key`` in ``lang``; the key itself when no label is known."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "da" else pair[1]
