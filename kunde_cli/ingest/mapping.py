"""Which column of an export holds which field: synonyms, presets, explicit --map.

Headers are compared after normalising (lower case, only letters and digits, æøå
kept), so "Ordre nr.", "ordrenr" and "ORDRE-NR" are the same header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kunde_cli import schema as s
from kunde_cli.errors import ConfigError
from kunde_cli.words.said import said

# Helper fields used by line-item layouts (Shopify, WooCommerce); not in the schema.
UNIT_PRICE = "unit_price"
LINE_DISCOUNT = "line_discount"
ORDER_TOTAL = "order_total"
REFUNDED_AMOUNT = "refunded_amount"
CANCELLED_AT = "cancelled_at"
FIRST_NAME = "first_name"
LAST_NAME = "last_name"
#: A cost per unit: the line's cost is it times the quantity (schema.COST is the line's).
UNIT_COST = "unit_cost"

#: Headers that may hold a unit price or a line total: decided from the data.
AMBIGUOUS_PRICE = ("pris", "price", "salgspris", "salesprice")

HELPER_FIELDS = (
    UNIT_PRICE,
    LINE_DISCOUNT,
    ORDER_TOTAL,
    REFUNDED_AMOUNT,
    CANCELLED_AT,
    FIRST_NAME,
    LAST_NAME,
    UNIT_COST,
)

#: Fields a user may name with --map or [mapping]. Order = priority when matching.
ORDER_FIELDS = (
    s.ORDER_ID, s.LINE_NO, s.CUSTOMER_ID, s.EMAIL, s.NAME, s.ORDER_DATE, s.AMOUNT,
    s.QUANTITY, s.PRODUCT, s.CATEGORY, s.CHANNEL, s.PHONE, s.POSTCODE, s.CITY,
    s.COUNTRY, s.STATUS, s.MARKETING_CONSENT, s.CURRENCY, s.REFERENCE, s.DISCOUNT_CODE,
    s.COST, *HELPER_FIELDS,
)  # fmt: skip

#: Field names people may type in Danish too: --map beløb=Total.
FIELD_ALIASES = {
    "ordre": s.ORDER_ID, "ordrenummer": s.ORDER_ID, "linje": s.LINE_NO,
    "kunde": s.CUSTOMER_ID, "kundenummer": s.CUSTOMER_ID, "e-mail": s.EMAIL, "mail": s.EMAIL,
    "navn": s.NAME, "dato": s.ORDER_DATE, "ordredato": s.ORDER_DATE, "date": s.ORDER_DATE,
    "beløb": s.AMOUNT, "belob": s.AMOUNT, "total": s.AMOUNT, "antal": s.QUANTITY,
    "vare": s.PRODUCT, "produkt": s.PRODUCT, "kategori": s.CATEGORY, "kanal": s.CHANNEL,
    "telefon": s.PHONE, "postnummer": s.POSTCODE, "by": s.CITY, "land": s.COUNTRY,
    "samtykke": s.MARKETING_CONSENT, "nyhedsbrev": s.MARKETING_CONSENT,
    "valuta": s.CURRENCY, "reference": s.REFERENCE, "stykpris": UNIT_PRICE,
    "enhedspris": UNIT_PRICE, "pris": s.AMOUNT, "price": s.AMOUNT, "id": s.CUSTOMER_ID,
    "qty": s.QUANTITY, "kvantum": s.QUANTITY, "rabatkode": s.DISCOUNT_CODE,
    "kupon": s.DISCOUNT_CODE, "kuponkode": s.DISCOUNT_CODE, "coupon": s.DISCOUNT_CODE,
    "kostpris": s.COST, "kost": s.COST, "omkostning": s.COST, "cogs": s.COST,
    "stykkostpris": UNIT_COST,
}  # fmt: skip


def normalise_header(header: str) -> str:
    """``"Ordre nr."`` → ``"ordrenr"``; ``"E-mail"`` → ``"email"``."""
    text = header.replace("\ufeff", "").strip().lower()
    return re.sub(r"[^0-9a-zæøåäöü#]", "", text)


def _n(*names: str) -> tuple[str, ...]:
    return tuple(normalise_header(n) for n in names)


#: Generic synonyms, Danish and English, most specific first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    s.ORDER_ID: _n(
        "ordrenummer",
        "ordrenr",
        "ordre nr",
        "ordre-id",
        "ordreid",
        "ordre",
        "ordre #",
        "bestillingsnummer",
        "bestillingsnr",
        "order id",
        "orderid",
        "order number",
        "order no",
        "order #",
        "order",
        "fakturanummer",
        "fakturanr",
        "faktura",
        "bilagsnummer",
        "bilagsnr",
        "invoice",
        "invoiceno",
        "invoice no",
        "invoice number",
        "invoice id",
        "kvitteringsnummer",
        "bonnummer",
        "receipt number",
    ),
    s.LINE_NO: _n("linje", "linjenr", "linjenummer", "line", "line no", "line number", "item #"),
    s.CUSTOMER_ID: _n(
        "kundenummer",
        "kundenr",
        "kunde nr",
        "kunde-id",
        "kundeid",
        "kunde id",
        "customer id",
        "customerid",
        "customer number",
        "customer no",
        "customer user id",
        "medlemsnummer",
        "kunde",
        "cust",
        "cust id",
        "custid",
        "client id",
    ),
    s.EMAIL: _n(
        "e-mail",
        "email",
        "e-mailadresse",
        "emailadresse",
        "mail",
        "email address",
        "kunde e-mail",
        "customer email",
        "billing email",
        "email (billing)",
    ),
    s.NAME: _n(
        "navn",
        "kundenavn",
        "fulde navn",
        "fuldt navn",
        "customer name",
        "billing name",
        "kunde navn",
        "name",
    ),
    s.ORDER_DATE: _n(
        "ordredato",
        "dato",
        "købsdato",
        "bestillingsdato",
        "oprettet",
        "oprettelsesdato",
        "tidspunkt",
        "betalt",
        "order date",
        "created at",
        "paid at",
        "date",
        "purchase date",
        "invoicedate",
        "invoice date",
        "fakturadato",
        "bilagsdato",
        "transaction date",
    ),
    s.AMOUNT: _n(
        "beløb",
        "belob",
        "linjetotal",
        "linjebeløb",
        "beløb inkl moms",
        "total inkl moms",
        "i alt",
        "totalbeløb",
        "total",
        "subtotal",
        "pris",
        "omsætning",
        "line total",
        "amount",
        "sum",
        "price",
        "net sales",
    ),
    s.QUANTITY: _n("antal", "stk", "mængde", "quantity", "qty", "lineitem quantity", "items sold"),
    s.PRODUCT: _n(
        "vare",
        "varenavn",
        "produkt",
        "produktnavn",
        "varebeskrivelse",
        "product",
        "item",
        "item name",
        "lineitem name",
        "product(s)",
        "produkter",
        "description",
        "beskrivelse",
        "tekst",
        "stockcode",
        "varenummer",
        "varenr",
        "sku",
    ),
    s.CATEGORY: _n(
        "kategori", "varegruppe", "produktkategori", "category", "product type", "varekategori"
    ),
    s.CHANNEL: _n("kanal", "salgskanal", "channel", "source", "sales channel", "butik"),
    s.PHONE: _n(
        "telefon",
        "telefonnummer",
        "tlf",
        "tlf nr",
        "tlfnr",
        "mobil",
        "mobilnummer",
        "phone",
        "mobile",
        "billing phone",
    ),
    s.POSTCODE: _n(
        "postnummer", "postnr", "post nr", "zip", "postcode", "postal code", "billing zip"
    ),
    s.CITY: _n("by", "bynavn", "city", "billing city"),
    s.COUNTRY: _n("land", "country", "billing country"),
    s.STATUS: _n("status", "ordrestatus", "betalingsstatus", "financial status", "order status"),
    s.MARKETING_CONSENT: _n(
        "nyhedsbrev",
        "samtykke",
        "markedsføring",
        "markedsføringssamtykke",
        "tilmeldt nyhedsbrev",
        "accepts marketing",
        "marketing consent",
        "newsletter",
        "email marketing consent",
    ),
    s.CURRENCY: _n(
        "valuta", "currency", "møntfod", "order currency", "valutakode", "currency code"
    ),
    s.REFERENCE: _n(
        "referenceordre",
        "reference ordre",
        "krediterer",
        "krediterer ordre",
        "krediterer faktura",
        "krediteret faktura",
        "vedrørende ordre",
        "vedrørende faktura",
        "original order",
        "original invoice",
        "original ordre",
        "original faktura",
        "refunded order",
        "credited invoice",
        "credit for",
    ),
    s.DISCOUNT_CODE: _n(
        "rabatkode",
        "rabatkoder",
        "rabat kode",
        "kuponkode",
        "kuponkoder",
        "kupon",
        "discount code",
        "discount codes",
        "coupon code",
        "coupon codes",
        "coupon",
        "coupons",
        "coupon items",
        "coupons used",
        "promo code",
        "promotion code",
        "voucher code",
    ),
    # The line's cost, for all its units (a cost per unit is UNIT_COST below).
    s.COST: _n(
        "kostpris",
        "kostpriser",
        "indkøbspris",
        "vareforbrug",
        "line cost",
        "cost of goods",
        "cost of goods sold",
        "cogs",
        "cost price",
        "cost",
        "total cost",
    ),
    UNIT_COST: _n(
        "kostpris pr stk",
        "kostpris pr. stk.",
        "kostpris stk",
        "stykkostpris",
        "enhedskostpris",
        "indkøbspris pr stk",
        "unit cost",
        "cost per item",
        "cost per unit",
        "cost each",
    ),
    UNIT_PRICE: _n(
        "unit price",
        "unitprice",
        "price each",
        "price per unit",
        "item cost",
        "item price",
        "lineitem price",
        "stykpris",
        "styk pris",
        "enhedspris",
        "à-pris",
        "a-pris",
        "à pris",
        "pris pr stk",
        "pris pr. stk.",
        "pris pr enhed",
        "pris stk",
    ),
    # Repeated on every line of an order, or once per order: booked once per order.
    ORDER_TOTAL: _n("ordretotal", "ordre total", "order total", "total ordre", "order amount"),
    FIRST_NAME: _n("fornavn", "first name"),
    LAST_NAME: _n("efternavn", "last name"),
}

#: Shopify's orders export: one row per line item, order fields on the first line.
SHOPIFY: dict[str, tuple[str, ...]] = {
    s.ORDER_ID: _n("Name"),
    s.EMAIL: _n("Email"),
    s.NAME: _n("Billing Name", "Shipping Name"),
    s.ORDER_DATE: _n("Created at", "Paid at"),
    s.STATUS: _n("Financial Status"),
    s.QUANTITY: _n("Lineitem quantity"),
    s.PRODUCT: _n("Lineitem name"),
    s.CATEGORY: _n("Product Type", "Vendor"),
    s.PHONE: _n("Billing Phone", "Phone", "Shipping Phone"),
    s.POSTCODE: _n("Billing Zip", "Shipping Zip"),
    s.CITY: _n("Billing City", "Shipping City"),
    s.COUNTRY: _n("Billing Country", "Shipping Country"),
    s.CHANNEL: _n("Source"),
    s.MARKETING_CONSENT: _n("Accepts Marketing"),
    UNIT_PRICE: _n("Lineitem price"),
    LINE_DISCOUNT: _n("Lineitem discount"),
    ORDER_TOTAL: _n("Total"),
    REFUNDED_AMOUNT: _n("Refunded Amount"),
    CANCELLED_AT: _n("Cancelled at"),
    s.CURRENCY: _n("Currency"),
    s.DISCOUNT_CODE: _n("Discount Code"),
}

#: WooCommerce: "Advanced Order Export" plugin defaults and the Analytics > Orders CSV.
WOOCOMMERCE: dict[str, tuple[str, ...]] = {
    s.ORDER_ID: _n("Order Number", "Order ID", "Order #"),
    s.LINE_NO: _n("Item #"),
    s.CUSTOMER_ID: _n("Customer User ID", "Customer ID"),
    s.EMAIL: _n("Email (Billing)", "Billing Email Address", "Billing Email", "Customer Email"),
    s.NAME: _n("Customer", "Full Name (Billing)"),
    FIRST_NAME: _n("First Name (Billing)", "Billing First Name"),
    LAST_NAME: _n("Last Name (Billing)", "Billing Last Name"),
    s.ORDER_DATE: _n("Order Date", "Date", "Paid Date"),
    s.STATUS: _n("Order Status", "Status"),
    s.QUANTITY: _n("Quantity (- Refund)", "Quantity", "Items sold"),
    s.PRODUCT: _n("Item Name", "Product(s)"),
    s.CATEGORY: _n("Product Categories", "Category"),
    s.PHONE: _n("Phone (Billing)", "Billing Phone"),
    s.POSTCODE: _n("Postcode (Billing)", "Billing Postcode"),
    s.CITY: _n("City (Billing)", "Billing City"),
    s.COUNTRY: _n("Country Code (Billing)", "Billing Country"),
    s.CHANNEL: _n("Attribution", "Created Via"),
    UNIT_PRICE: _n("Item Cost"),
    ORDER_TOTAL: _n("Order Total Amount", "Order Total", "Net Sales"),
    REFUNDED_AMOUNT: _n("Order Refund Amount"),
    s.DISCOUNT_CODE: _n("Coupon Code", "coupon_items", "Coupons", "Coupons Used"),
}

#: Survey fields (see ingest/survey.py): a --map for these is not an orders mapping.
_SURVEY_ONLY = {s.SCORE, s.COMMENT, s.RESPONDED_AT, s.RESPONSE_ID, "scale"}

PRESETS = {"shopify": SHOPIFY, "woocommerce": WOOCOMMERCE, "generic": SYNONYMS}


def detect_preset(columns: list[str]) -> str:
    """``shopify``, ``woocommerce`` or ``generic`` from a header row."""
    norm = {normalise_header(c) for c in columns}
    if {"name", "financialstatus", "lineitemname"} <= norm:
        return "shopify"
    woo_marks = {
        "ordernumber",
        "orderstatus",
        "itemname",
        "emailbilling",
        "ordertotalamount",
        "itemcost",
    }
    if len(norm & woo_marks) >= 3 or {"order#", "netsales", "customertype"} <= norm:
        return "woocommerce"
    return "generic"


def field_for_header(header: str) -> str | None:
    """The field a header names by its synonyms (generic first, then presets), or None.

    >>> field_for_header("E-mail")
    'email'
    """
    key = normalise_header(header)
    for table in (SYNONYMS, SHOPIFY, WOOCOMMERCE):
        for fld, synonyms in table.items():
            if key in synonyms:
                return fld
    return None


def header_score(row: list[str]) -> int:
    """How many cells of ``row`` name a known field (to find the header row)."""
    known = {syn for table in PRESETS.values() for syns in table.values() for syn in syns}
    return sum(1 for cell in row if normalise_header(str(cell or "")) in known)


@dataclass(frozen=True)
class Mapping:
    """Field → column chosen for one file, and how each was chosen."""

    columns: dict[str, str]
    how: dict[str, str] = field(default_factory=dict)  # field -> "preset"/"synonym"/"--map"
    preset: str = "generic"
    unused: tuple[str, ...] = ()

    def get(self, name: str) -> str | None:
        """The column for ``name`` or None."""
        return self.columns.get(name)


def canonical_field(name: str) -> str:
    """A --map field name (English or Danish) as its canonical field name."""
    key = name.strip().lower()
    if key in ORDER_FIELDS:
        return key
    if key in FIELD_ALIASES:
        return FIELD_ALIASES[key]
    raise ConfigError(
        said("ingest_map_unknown_field", name=name),
        hint=said("ingest_fields_are", fields=", ".join(ORDER_FIELDS)),
    )


def resolve_mapping(
    columns: list[str],
    *,
    preset: str | None = None,
    overrides: dict[str, str] | None = None,
    path: str | None = None,
) -> Mapping:
    """Map fields to columns: explicit overrides, then the preset, then generic synonyms."""
    chosen_preset = (preset or detect_preset(columns)).lower()
    if chosen_preset not in PRESETS:
        raise ConfigError(
            said("ingest_unknown_preset", preset=preset), hint=said("ingest_presets_are")
        )
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(normalise_header(col), col)
    result: dict[str, str] = {}
    how: dict[str, str] = {}
    used: set[str] = set()
    for raw_field, column in (overrides or {}).items():
        if raw_field.strip().lower() in _SURVEY_ONLY:
            continue  # --map score=… is meant for a survey file read in the same run
        fld = canonical_field(raw_field)
        match = column if column in columns else by_norm.get(normalise_header(column))
        if match is None:
            raise ConfigError(
                said("ingest_map_no_column", field=raw_field, column=column),
                path=path,
                hint=said("ingest_columns_in_file", columns=", ".join(columns[:30])),
            )
        result[fld] = match
        how[fld] = "--map"
        used.add(match)
    tables = [PRESETS[chosen_preset]] + ([SYNONYMS] if chosen_preset != "generic" else [])
    for table in tables:
        for fld, synonyms in table.items():
            if fld in result:
                continue
            for syn in synonyms:
                named = by_norm.get(syn)
                if named is not None and named not in used:
                    result[fld] = named
                    how[fld] = "preset" if table is not SYNONYMS else "synonym"
                    used.add(named)
                    break
    # A line-item layout's per-line price beats a generic "amount"-like column; so does
    # its order total (Shopify's "Subtotal", order-level and without shipping, is not a
    # line amount when "Lineitem price" was removed from the export).
    line_item_money = how.get(UNIT_PRICE) == "preset" or how.get(ORDER_TOTAL) == "preset"
    if line_item_money and s.AMOUNT in result and how.get(s.AMOUNT) == "synonym":
        used.discard(result.pop(s.AMOUNT))
        how.pop(s.AMOUNT)
    unused = tuple(c for c in columns if c not in used)
    return Mapping(columns=result, how=how, preset=chosen_preset, unused=unused)
