"""A deterministic, synthetic Danish web shop: order lines, NPS answers and their exports.

Used by ``kunde demo`` (the files in ``sample_data/``), by the benchmarks
(``bench/generate.py``) and by tests. Every random draw comes from one seeded NumPy
``Generator`` and every string is built with Polars expressions, so there is no Python
loop per row: 10 million order lines take seconds, and the same seed always gives the
same frames and the same bytes.

The shop sells coffee, delicacies, knitwear, kitchen and home goods from a web shop
and a till in Aarhus. Its customers are deliberately mixed, so every analysis has
something to find:

* one-time buyers (about 55-60 % of customers end up with a single order);
* occasional buyers, with a long and irregular gap between orders;
* regulars, each with a rhythm of their own (a gamma-distributed gap around a
  personal mean of a few weeks to a few months);
* lapsed regulars, who buy regularly for a while and then stop;
* a few big spenders (more lines, larger quantities, short gaps).

About 3 % of orders are refunded (half in full, half as an extra negative line
``status = refunded``) and about 2 % are cancelled.

The export writers reproduce what real systems write: a Danish shop export
(``;``, UTF-8 with BOM, decimal comma, ``dd-mm-yyyy HH:MM``, Danish headers),
Shopify's orders export (one row per line item, order fields on the first line only)
and a Google Forms NPS survey download.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import cast

import numpy as np
import polars as pl

from kunde_cli import schema as s
from kunde_cli.errors import ConfigError
from kunde_cli.words.said import said

__all__ = [
    "DANISH_HEADERS",
    "DEFAULT_END",
    "DEFAULT_SEED",
    "GOOGLE_FORMS_HEADERS",
    "SHOPIFY_HEADERS",
    "generate_orders",
    "generate_survey",
    "write_danish_csv",
    "write_shopify_csv",
    "write_survey_google_forms",
]

DEFAULT_END = date(2026, 10, 31)
DEFAULT_SEED = 7
DEFAULT_CUSTOMERS = 2000

#: Columns of the frame :func:`generate_orders` returns (the canonical orders schema
#: without ``source_file``/``source_row``, which only ingest can know).
ORDER_COLUMNS = [
    c
    for c in s.ORDERS
    if c
    not in (
        s.SOURCE_FILE,
        s.SOURCE_ROW,
        s.CURRENCY,
        s.REFERENCE,
        s.SOURCE,
        s.EXPORTED_AT,
        s.EXPORTED_THROUGH,
        s.DISCOUNT_CODE,
        s.COST,
    )
]
#: The demo survey names no orders (``order_id``: a survey tool's hidden field).
SURVEY_COLUMNS = [c for c in s.SURVEY if c not in (s.SOURCE_FILE, s.SOURCE_ROW, s.ORDER_ID)]

# The headers below are the *input* formats kunde has to read, written exactly as the
# shop systems write them; they are not labels for kunde's own output.

#: The Danish shop export's header, in file order.
DANISH_HEADERS = [
    "Ordrenummer",
    "Linje",
    "Ordredato",
    "Kundenummer",
    "Navn",
    "E-mail",
    "Telefon",
    "Vare",
    "Kategori",
    "Antal",
    "Beløb",
    "Postnummer",
    "By",
    "Land",
    "Status",
    "Kanal",
    "Nyhedsbrev",
]

#: Shopify's orders export header ("Export orders" → CSV for Excel, numbers, etc.).
SHOPIFY_HEADERS = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Street",
    "Billing Address1",
    "Billing Address2",
    "Billing Company",
    "Billing City",
    "Billing Zip",
    "Billing Province",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Street",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping Company",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
    "Notes",
    "Note Attributes",
    "Cancelled at",
    "Payment Method",
    "Payment Reference",
    "Refunded Amount",
    "Vendor",
    "Outstanding Balance",
    "Employee",
    "Location",
    "Device ID",
    "Id",
    "Tags",
    "Risk Level",
    "Source",
    "Lineitem discount",
    "Tax 1 Name",
    "Tax 1 Value",
    "Tax 2 Name",
    "Tax 2 Value",
    "Tax 3 Name",
    "Tax 3 Value",
    "Tax 4 Name",
    "Tax 4 Value",
    "Tax 5 Name",
    "Tax 5 Value",
    "Phone",
    "Receipt Number",
    "Duties",
    "Billing Province Name",
    "Shipping Province Name",
    "Payment ID",
    "Payment Terms Name",
    "Next Payment Due At",
    "Payment References",
]

#: Google Forms' CSV download of a Danish-language form that collects e-mail addresses.
GOOGLE_FORMS_HEADERS = [
    "Tidsstempel",
    "E-mailadresse",
    "Hvor sandsynligt er det, at du vil anbefale os til en ven eller kollega?",
    "Hvad er den vigtigste grund til din score?",
]

_DANISH_STATUS = {
    s.STATUS_PAID: "Betalt",
    s.STATUS_REFUNDED: "Refunderet",
    s.STATUS_CANCELLED: "Annulleret",
}

# --- the shop's world ---------------------------------------------------------------

# (name, category, price in DKK incl. VAT)
_PRODUCTS: list[tuple[str, str, float]] = [
    ("Økologisk kaffe 500 g", "Kaffe & te", 89.0),
    ("Espressobønner 1 kg", "Kaffe & te", 199.0),
    ("Filterkaffe mellemristet 250 g", "Kaffe & te", 55.0),
    ("Grøn te med jasmin 100 g", "Kaffe & te", 59.0),
    ("Chai-te 80 g", "Kaffe & te", 65.0),
    ("Stempelkande 1 l", "Kaffe & te", 249.0),
    ("Lakrids fra Bornholm 150 g", "Delikatesser", 79.0),
    ("Flødeboller 8 stk.", "Delikatesser", 69.0),
    ("Rugbrødschips 150 g", "Delikatesser", 39.0),
    ("Hyldeblomstsaft 50 cl", "Delikatesser", 59.0),
    ("Æblemost 75 cl", "Delikatesser", 45.0),
    ("Honning fra Fyn 450 g", "Delikatesser", 95.0),
    ("Havsalt med røgsmag", "Delikatesser", 49.0),
    ("Strikket hue", "Tøj & tilbehør", 199.0),
    ("Uldsokker 3-pak", "Tøj & tilbehør", 149.0),
    ("Halstørklæde i merinould", "Tøj & tilbehør", 349.0),
    ("Regnjakke", "Tøj & tilbehør", 899.0),
    ("Strikket sweater", "Tøj & tilbehør", 749.0),
    ("Luffer i lammeuld", "Tøj & tilbehør", 179.0),
    ("Skærebræt i egetræ", "Køkken", 299.0),
    ("Støbejernsgryde 24 cm", "Køkken", 1199.0),
    ("Kokkekniv 20 cm", "Køkken", 649.0),
    ("Viskestykker 2-pak", "Køkken", 89.0),
    ("Termokrus 0,4 l", "Køkken", 249.0),
    ("Kaffekværn", "Køkken", 1499.0),
    ("Duftlys med lavendel", "Bolig", 129.0),
    ("Uldplaid", "Bolig", 599.0),
    ("Keramikvase", "Bolig", 279.0),
    ("Sengetøj i hør", "Bolig", 1099.0),
    ("Pude med broderi", "Bolig", 229.0),
    ("Lampeskærm i papir", "Bolig", 349.0),
    ("Håndsæbe med havtorn 250 ml", "Pleje", 79.0),
    ("Bodylotion 200 ml", "Pleje", 119.0),
    ("Skægolie 30 ml", "Pleje", 149.0),
    ("Læbepomade", "Pleje", 49.0),
    ("Badesalt med rosmarin", "Pleje", 99.0),
    ("Træklodser 40 stk.", "Børn", 249.0),
    ("Bamse Bjørn", "Børn", 199.0),
    ("Børnebog: Rasmus Klump", "Børn", 129.0),
    ("Regntøj til børn", "Børn", 399.0),
    ("Gyngehest i træ", "Børn", 1299.0),
    ("Gavekort 250 kr.", "Gaver", 250.0),
    ("Gavekort 500 kr.", "Gaver", 500.0),
    ("Gaveæske med lakrids", "Gaver", 199.0),
    ("Julekalender med te", "Gaver", 299.0),
]
_CATEGORY_WEIGHTS = {
    "Kaffe & te": 0.22,
    "Delikatesser": 0.18,
    "Tøj & tilbehør": 0.14,
    "Køkken": 0.12,
    "Bolig": 0.12,
    "Pleje": 0.10,
    "Børn": 0.07,
    "Gaver": 0.05,
}
_SKU_PREFIX = {
    "Kaffe & te": "KAF",
    "Delikatesser": "DEL",
    "Tøj & tilbehør": "TOJ",
    "Køkken": "KOK",
    "Bolig": "BOL",
    "Pleje": "PLE",
    "Børn": "BRN",
    "Gaver": "GAV",
}

_FIRST_FEMALE = [
    "Anne",
    "Mette",
    "Kirsten",
    "Hanne",
    "Susanne",
    "Lene",
    "Camilla",
    "Louise",
    "Maria",
    "Charlotte",
    "Pia",
    "Marianne",
    "Tina",
    "Karen",
    "Helle",
    "Sofie",
    "Emma",
    "Ida",
    "Freja",
    "Julie",
    "Maja",
    "Signe",
    "Line",
    "Ditte",
    "Birgitte",
    "Søs",
    "Åse",
    "Bodil",
    "Ingrid",
    "Astrid",
    "Mathilde",
    "Cecilie",
    "Anne-Mette",
    "Bente",
    "Gitte",
    "Dorte",
    "Solvej",
    "Josefine",
    "Nanna",
    "Mia",
    "Clara",
    "Agnes",
    "Karoline",
    "Tove",
    "Rikke",
    "Malene",
]
_FIRST_MALE = [
    "Peter",
    "Jens",
    "Lars",
    "Michael",
    "Henrik",
    "Thomas",
    "Søren",
    "Jesper",
    "Morten",
    "Anders",
    "Niels",
    "Christian",
    "Martin",
    "Rasmus",
    "Mads",
    "Frederik",
    "Mikkel",
    "Jonas",
    "Emil",
    "Oliver",
    "Magnus",
    "William",
    "Bjørn",
    "Jørgen",
    "Ove",
    "Kjeld",
    "Knud",
    "Torben",
    "Bent",
    "Erik",
    "Jørn",
    "Poul",
    "Ib",
    "Steen",
    "Ole",
    "Aksel",
    "Carl",
    "Valdemar",
    "Tue",
    "Asger",
    "Kasper",
    "Jakob",
    "Nikolaj",
    "Malthe",
    "Bo",
]
_SURNAMES = [
    "Nielsen",
    "Jensen",
    "Hansen",
    "Andersen",
    "Pedersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Jakobsen",
    "Mikkelsen",
    "Olesen",
    "Frederiksen",
    "Laursen",
    "Henriksen",
    "Lund",
    "Holm",
    "Schmidt",
    "Eriksen",
    "Kristiansen",
    "Nørgaard",
    "Clausen",
    "Simonsen",
    "Svendsen",
    "Andreasen",
    "Iversen",
    "Østergaard",
    "Jeppesen",
    "Vestergaard",
    "Lauridsen",
    "Bach",
    "Kjær",
    "Dalgaard",
    "Bækgaard",
    "Søndergaard",
    "Damgaard",
    "Skov",
    "Bruun",
    "Friis",
    "Lindholm",
    "Nøhr",
    "Ægidius",
    "Åberg",
    "Winther",
    "Brøndum",
    "Krogh",
    "Thygesen",
    "Juhl",
]
_DOMAINS = {
    "gmail.com": 0.33,
    "hotmail.com": 0.14,
    "icloud.com": 0.09,
    "outlook.dk": 0.08,
    "live.dk": 0.06,
    "mail.dk": 0.06,
    "hotmail.dk": 0.05,
    "yahoo.dk": 0.05,
    "outlook.com": 0.05,
    "jubii.dk": 0.03,
    "privat.dk": 0.03,
    "youmail.dk": 0.03,
}
# Real Danish postcode/town pairs, weighted roughly by population; the first block is
# around Aarhus, where the shop has its till.
_AARHUS_PLACES = 8
_PLACES: list[tuple[str, str, float]] = [
    ("8000", "Aarhus C", 6.0),
    ("8200", "Aarhus N", 3.0),
    ("8210", "Aarhus V", 2.0),
    ("8220", "Brabrand", 1.5),
    ("8240", "Risskov", 1.2),
    ("8260", "Viby J", 2.0),
    ("8270", "Højbjerg", 1.4),
    ("8300", "Odder", 0.8),
    ("1050", "København K", 1.5),
    ("1620", "København V", 2.0),
    ("2000", "Frederiksberg", 3.5),
    ("2100", "København Ø", 3.5),
    ("2200", "København N", 3.5),
    ("2300", "København S", 3.0),
    ("2400", "København NV", 2.0),
    ("2450", "København SV", 1.5),
    ("2500", "Valby", 2.0),
    ("2610", "Rødovre", 1.5),
    ("2650", "Hvidovre", 1.5),
    ("2700", "Brønshøj", 1.5),
    ("2720", "Vanløse", 1.5),
    ("2800", "Kongens Lyngby", 1.5),
    ("2900", "Hellerup", 1.2),
    ("2920", "Charlottenlund", 0.8),
    ("3000", "Helsingør", 1.5),
    ("3400", "Hillerød", 1.2),
    ("3700", "Rønne", 0.6),
    ("4000", "Roskilde", 1.8),
    ("4600", "Køge", 1.2),
    ("4700", "Næstved", 1.2),
    ("4800", "Nykøbing F", 0.6),
    ("5000", "Odense C", 2.5),
    ("5200", "Odense V", 1.0),
    ("5700", "Svendborg", 0.8),
    ("6000", "Kolding", 1.5),
    ("6100", "Haderslev", 0.8),
    ("6200", "Aabenraa", 0.6),
    ("6400", "Sønderborg", 0.8),
    ("6700", "Esbjerg", 1.6),
    ("7000", "Fredericia", 1.0),
    ("7100", "Vejle", 1.5),
    ("7400", "Herning", 1.2),
    ("7500", "Holstebro", 0.8),
    ("8600", "Silkeborg", 1.5),
    ("8700", "Horsens", 1.5),
    ("8800", "Viborg", 1.1),
    ("8900", "Randers C", 1.5),
    ("9000", "Aalborg", 2.5),
    ("9400", "Nørresundby", 0.8),
    ("9800", "Hjørring", 0.6),
    ("9900", "Frederikshavn", 0.6),
]
_STREETS = [
    "Vestergade",
    "Østergade",
    "Nørregade",
    "Søndergade",
    "Algade",
    "Skolevej",
    "Kirkevej",
    "Møllevej",
    "Bakkevej",
    "Birkevej",
    "Egevej",
    "Rosenvænget",
    "Åboulevarden",
    "Jægergårdsgade",
    "Strandvejen",
    "Havnegade",
    "Fælledvej",
    "Ørstedsvej",
    "Nørrebrogade",
    "Bøgevej",
    "Lærkevej",
    "Kløvervænget",
    "Grønnegade",
    "Åkandevej",
]

_COMMENTS_PROMOTER = [
    "Super hurtig levering og god kvalitet",
    "Altid venlig betjening i butikken",
    "Den bedste kaffe, jeg har smagt",
    "Fint udvalg og gode priser",
    "Pakken kom dagen efter – imponerende!",
    "Jeg handler her hele tiden, aldrig problemer",
    "Smukt indpakket, perfekt som gave",
    "Lækre varer og personlig service",
    'Min "faste" kaffe – jeg kommer igen',
    "Great service and fast delivery",
    "Love the products, will buy again",
]
_COMMENTS_PASSIVE = [
    "Fine varer, men lidt dyrt",
    "Levering tog lidt længere tid end lovet",
    "Ok oplevelse, ikke noget særligt",
    "Hjemmesiden kunne være nemmere at finde rundt på",
    "Godt, men savner flere størrelser",
    "Fin kaffe.\nMen emballagen var lidt medtaget.",
    "Fragten er for dyr til små ordrer",
    "Good products but shipping is expensive",
]
_COMMENTS_DETRACTOR = [
    "Varen var i stykker ved levering",
    "Har ventet to uger på min refundering",
    "Kundeservice svarede aldrig på min mail",
    "Størrelsen passede slet ikke, og returneringen var besværlig",
    "For dyrt i forhold til kvaliteten",
    "Forkert vare blev sendt, og jeg skulle selv betale returfragten",
    'Huen var "one size", men alt for lille',
    "Terrible customer service, never again",
]
_COMMENTS_POTENTIAL = [
    "Har ikke handlet endnu, men følger jer på Instagram",
    "Fik jer anbefalet af en veninde",
    "Flot hjemmeside, jeg kigger forbi butikken snart",
    "Tilmeldte mig nyhedsbrevet for rabatkoden",
]

# Customer kinds and their share of new customers; tuned so that about 57 % of
# customers end up with one order (late arrivals of every kind add to that).
_ONCE, _OCCASIONAL, _REGULAR, _LAPSED, _BIG = range(5)
_KIND_SHARE = np.array([0.47, 0.30, 0.10, 0.10, 0.03])
# median gap between orders (days), its log-spread across customers, and the gamma
# shape of the gaps (higher = steadier rhythm)
_GAP_MEDIAN = np.array([0.0, 260.0, 80.0, 65.0, 40.0])
_GAP_SIGMA = np.array([0.0, 0.35, 0.5, 0.5, 0.35])
_GAP_SHAPE = np.array([1.0, 1.3, 4.0, 3.0, 3.0])

# order statuses inside the generator
_PAID, _PARTIAL_REFUND, _FULL_REFUND, _CANCELLED = range(4)
_ORDER_STATE_P = np.array([0.95, 0.015, 0.015, 0.02])

_LINES_P = np.array([0.45, 0.27, 0.15, 0.08, 0.05])  # 1..5 lines per order
_QTY = np.array([1, 2, 3, 4, 6])
_QTY_P = np.array([0.78, 0.14, 0.05, 0.02, 0.01])

# Orders by hour of the day; hour 2 is left empty so no timestamp falls in the hour
# that does not exist (March) or exists twice (October) in Danish local time.
_WEB_HOURS = np.array(
    [2, 1, 0, 0, 0, 0, 1, 3, 5, 6, 6, 6, 7, 7, 6, 6, 6, 7, 8, 9, 10, 10, 8, 4], float
)
_SHOP_HOURS = np.array([0] * 10 + [6, 8, 9, 9, 9, 10, 9, 7] + [0] * 6, float)


# --- helpers ------------------------------------------------------------------------


def _norm(weights: np.ndarray | list[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    shares: np.ndarray = w / w.sum()
    return shares


def _group_positions(counts: np.ndarray) -> np.ndarray:
    """0, 1, …, counts[i]-1 for every group, concatenated (position within group)."""
    total = int(counts.sum())
    starts = np.cumsum(counts) - counts
    positions: np.ndarray = np.arange(total, dtype=np.int64) - np.repeat(starts, counts)
    return positions


def _ascii(name: str) -> str:
    """Turn a name into an e-mail local part: lower-case ASCII, no spaces."""
    lowered = name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return lowered.replace(" ", "").replace("-", "")


def _money_parts(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(sign, whole kroner, two-digit øre) of an amount, as strings."""
    cents = (expr * 100).round().cast(pl.Int64)
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    whole = cents.abs() // 100
    ore = (cents.abs() % 100).cast(pl.String).str.zfill(2)
    return sign, whole, ore


def _money_en(expr: pl.Expr) -> pl.Expr:
    """``1234.5`` → ``"1234.50"`` (Shopify's plain English decimals)."""
    sign, whole, ore = _money_parts(expr)
    return pl.concat_str(sign, whole.cast(pl.String), pl.lit("."), ore)


def _money_da(expr: pl.Expr) -> pl.Expr:
    """``1234.5`` → ``"1.234,50"`` (decimal comma, thousands dot)."""
    sign, whole, ore = _money_parts(expr)

    def group(e: pl.Expr) -> pl.Expr:
        return e.cast(pl.String).str.zfill(3)

    kroner = (
        pl.when(whole >= 1_000_000)
        .then(
            pl.concat_str(
                (whole // 1_000_000).cast(pl.String),
                pl.lit("."),
                group((whole // 1000) % 1000),
                pl.lit("."),
                group(whole % 1000),
            )
        )
        .when(whole >= 1000)
        .then(pl.concat_str((whole // 1000).cast(pl.String), pl.lit("."), group(whole % 1000)))
        .otherwise(whole.cast(pl.String))
    )
    return pl.concat_str(sign, kroner, pl.lit(","), ore)


def _datetimes(start: date, seconds: np.ndarray) -> pl.Series:
    base = np.datetime64(datetime(start.year, start.month, start.day), "us")
    return pl.Series(base + seconds.astype("timedelta64[s]").astype("timedelta64[us]"))


def _seconds_of_day(rng: np.random.Generator, hours_p: np.ndarray, n: int) -> np.ndarray:
    hour = rng.choice(24, size=n, p=_norm(hours_p))
    return hour * 3600 + rng.integers(0, 3600, size=n)


# --- customers ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Customers:
    kind: np.ndarray
    arrival: np.ndarray  # days since start (float)
    gap: np.ndarray  # personal mean gap (days)
    stop: np.ndarray  # last day the customer still buys (float, inf = never stops)
    store_pref: np.ndarray  # probability an order is placed at the till
    fav_category: np.ndarray


def _arrivals(rng: np.random.Generator, n: int, start: date, span: int) -> np.ndarray:
    """Arrival days: a growing shop (more new customers each year), busier Nov-Dec."""
    start_ord = start.toordinal()
    month = np.array([date.fromordinal(start_ord + d).month for d in range(span)])
    weight = (0.5 + np.arange(span) / span) * np.where(np.isin(month, (11, 12)), 1.6, 1.0)
    weight /= weight.max()
    out = np.empty(0)
    while out.size < n:  # rejection sampling in batches (loops over batches, not rows)
        cand = rng.random(2 * n + 16) * span
        keep = rng.random(cand.size) < weight[cand.astype(np.int64)]
        out = np.concatenate([out, cand[keep]])
    return out[:n]


def _draw_customers(rng: np.random.Generator, n: int, start: date, span: int) -> _Customers:
    kind = rng.choice(5, size=n, p=_KIND_SHARE)
    arrival = _arrivals(rng, n, start, span)
    gap = _GAP_MEDIAN[kind] * np.exp(rng.normal(0.0, 1.0, n) * _GAP_SIGMA[kind])
    gap = np.maximum(gap, 7.0)
    life = np.full(n, np.inf)
    lapsed = kind == _LAPSED
    life[lapsed] = 60.0 + rng.exponential(300.0, int(lapsed.sum()))
    big = kind == _BIG
    big_lapse = big & (rng.random(n) < 0.3)
    life[big_lapse] = 90.0 + rng.exponential(400.0, int(big_lapse.sum()))
    # most customers only shop online; a quarter also (or only) use the till in Aarhus
    store_pref = np.where(rng.random(n) < 0.25, rng.uniform(0.3, 1.0, n), 0.02)
    n_cat = len(_CATEGORY_WEIGHTS)
    fav = rng.choice(n_cat, size=n, p=_norm(list(_CATEGORY_WEIGHTS.values())))
    return _Customers(kind, arrival, gap, arrival + life, store_pref, fav)


# --- orders -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Orders:
    cust: np.ndarray  # customer index, non-decreasing
    day: np.ndarray  # day since start (int)
    store: np.ndarray  # bool: placed at the till
    n_lines: np.ndarray
    state: np.ndarray


def _draw_orders(rng: np.random.Generator, c: _Customers, span: int) -> _Orders:
    """Each customer's orders as a renewal process with gamma gaps, from arrival on."""
    n = c.kind.size
    horizon = np.minimum(c.stop, span) - c.arrival
    expected = np.where(c.kind == _ONCE, 0.0, horizon / np.where(c.gap > 0, c.gap, 1.0))
    n_draw = np.where(
        c.kind == _ONCE, 1, np.ceil(1.4 * expected + 3.0 * np.sqrt(expected) + 3.0)
    ).astype(np.int64)
    cust = np.repeat(np.arange(n, dtype=np.int64), n_draw)
    shape = _GAP_SHAPE[c.kind][cust]
    gaps = rng.gamma(shape, c.gap[cust] / shape)
    starts = np.cumsum(n_draw) - n_draw
    gaps[starts] = 0.0  # the first order is on the day the customer arrives
    csum = np.cumsum(gaps)
    t = c.arrival[cust] + csum - np.repeat(csum[starts], n_draw)
    keep = (t < c.stop[cust]) & (t < span)
    cust, t = cust[keep], t[keep]
    m = cust.size

    store = rng.random(m) < c.store_pref[cust]
    day = t.astype(np.int64)
    is_big = c.kind[cust] == _BIG
    n_lines = rng.choice(5, size=m, p=_LINES_P) + 1
    n_lines = np.where(is_big, np.minimum(n_lines + rng.integers(0, 2, m), 5), n_lines)
    state = rng.choice(4, size=m, p=_ORDER_STATE_P)
    # a till sale is paid on the spot: refunds happen, cancellations do not
    state = np.where(store & (state == _CANCELLED), _PAID, state)
    return _Orders(cust, day, store, n_lines, state)


def _trim_orders(o: _Orders, n_lines: int) -> _Orders | None:
    """Keep orders (in customer order) until exactly ``n_lines`` lines; None if too few."""
    per_order = o.n_lines + (o.state == _PARTIAL_REFUND)
    cum = np.cumsum(per_order)
    if cum.size == 0 or cum[-1] < n_lines:
        return None
    k = int(np.searchsorted(cum, n_lines, side="right"))  # orders that fit whole
    done = int(cum[k - 1]) if k > 0 else 0
    n_lines_arr = o.n_lines[: k + 1].copy() if done < n_lines else o.n_lines[:k].copy()
    state = o.state[: n_lines_arr.size].copy()
    if done < n_lines:  # the last order is cut short: it keeps its first lines only
        n_lines_arr[-1] = n_lines - done
        state[-1] = _PAID
    size = n_lines_arr.size
    return _Orders(o.cust[:size], o.day[:size], o.store[:size], n_lines_arr, state)


# --- customer strings ---------------------------------------------------------------


def _customer_frame(rng: np.random.Generator, c_idx: np.ndarray, c: _Customers) -> pl.DataFrame:
    """Names, e-mails, phones, places and consent of the customers ``c_idx`` (in that order)."""
    n = c_idx.size
    female = rng.random(n) < 0.55
    first_f = rng.integers(0, len(_FIRST_FEMALE), n)
    first_m = rng.integers(0, len(_FIRST_MALE), n)
    surname = rng.choice(
        len(_SURNAMES), size=n, p=_norm(1.0 / np.arange(1, len(_SURNAMES) + 1) ** 0.7)
    )
    domain = rng.choice(len(_DOMAINS), size=n, p=_norm(list(_DOMAINS.values())))
    style = rng.choice(5, size=n, p=[0.35, 0.2, 0.15, 0.15, 0.15])
    suffix = rng.integers(1, 99, n)
    year = rng.integers(1950, 2006, n)
    place_w = np.array([p[2] for p in _PLACES])
    place = rng.choice(len(_PLACES), size=n, p=_norm(place_w))
    # the till is in Aarhus: customers who use it mostly live nearby
    local_place = rng.choice(_AARHUS_PLACES, size=n, p=_norm(place_w[:_AARHUS_PLACES]))
    place = np.where(c.store_pref[c_idx] > 0.1, local_place, place)
    has_phone = rng.random(n) < 0.85
    consent = rng.random(n) < np.where(c.kind[c_idx] == _ONCE, 0.35, 0.6)
    phone_style = rng.choice(5, size=n, p=[0.35, 0.3, 0.1, 0.15, 0.1])
    phone = _unique_phones(rng, n)

    # string work happens on the small name pools; rows only gather and concatenate
    first_idx = np.where(female, first_f, len(_FIRST_FEMALE) + first_m)
    first_names = _FIRST_FEMALE + _FIRST_MALE
    frame = pl.DataFrame(
        {
            "first": pl.Series(first_names).gather(first_idx),
            "last": pl.Series(_SURNAMES).gather(surname),
            "f": pl.Series([_ascii(x) for x in first_names]).gather(first_idx),
            "l": pl.Series([_ascii(x) for x in _SURNAMES]).gather(surname),
            "i": pl.Series([_ascii(x)[0] for x in first_names]).gather(first_idx),
            "domain": pl.Series(list(_DOMAINS)).gather(domain),
            "style": style,
            "suffix": pl.Series(suffix).cast(pl.String),
            "year": pl.Series(year).cast(pl.String),
            s.POSTCODE: pl.Series([p[0] for p in _PLACES]).gather(place),
            s.CITY: pl.Series([p[1] for p in _PLACES]).gather(place),
            "phone_digits": pl.Series(phone).cast(pl.String),
            "has_phone": has_phone,
            "phone_style": phone_style,
            s.MARKETING_CONSENT: consent,
        }
    )
    f, last, year_s = pl.col("f"), pl.col("l"), pl.col("year")
    local = (
        pl.when(pl.col("style") == 0)
        .then(pl.concat_str(f, pl.lit("."), last))
        .when(pl.col("style") == 1)
        .then(pl.concat_str(f, last, pl.col("suffix")))
        .when(pl.col("style") == 2)
        .then(pl.concat_str(pl.col("i"), last))
        .when(pl.col("style") == 3)
        .then(pl.concat_str(f, pl.lit("_"), last, year_s))
        .otherwise(pl.concat_str(f, year_s.str.slice(2, 2)))
    )
    frame = frame.with_columns(
        pl.concat_str(pl.col("first"), pl.lit(" "), pl.col("last")).alias(s.NAME),
        local.alias("local"),
        pl.when(pl.col("has_phone")).then(pl.col("phone_digits")).alias("phone_digits"),
    )
    return _unique_emails(rng, frame).select(
        s.NAME, s.EMAIL, "phone_digits", "phone_style", s.POSTCODE, s.CITY, s.MARKETING_CONSENT
    )


def _phone_styles(digits: pl.Series) -> list[pl.Series]:
    """Write each number the five ways Danes do (``+45 12 34 56 78``, ``12345678``, …)."""
    d = pl.col("d")
    pairs = pl.concat_str(
        d.str.slice(0, 2), d.str.slice(2, 2), d.str.slice(4, 2), d.str.slice(6, 2), separator=" "
    )
    styles = [
        pl.concat_str(pl.lit("+45 "), pairs),
        d,
        pl.concat_str(pl.lit("0045"), d),
        pairs,
        pl.concat_str(pl.lit("+45"), d),
    ]
    frame = pl.DataFrame({"d": digits})
    return [frame.select(e.alias(s.PHONE)).to_series() for e in styles]


def _unique_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """Draw n distinct Danish 8-digit numbers (20000000-99999999), in random order."""
    out = np.empty(0, dtype=np.int64)
    while out.size < n:
        cand = np.concatenate([out, rng.integers(20_000_000, 100_000_000, int(1.05 * n) + 16)])
        _, first = np.unique(cand, return_index=True)
        out = cand[np.sort(first)]
    return out[:n]


def _unique_emails(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    """E-mail = local@domain, with digits added until no two customers share one.

    Two customers with one address would be merged by ingest (identity.py matches on
    e-mail), so the generator keeps them apart.
    """
    email = pl.concat_str(pl.col("local"), pl.lit("@"), pl.col("domain"))
    frame = frame.with_columns(email.alias(s.EMAIL))
    top = 1000
    while True:  # a few passes over the whole column, never a loop over rows
        dup = ~frame[s.EMAIL].is_first_distinct()
        if not dup.any():
            return frame
        digits = pl.Series(rng.integers(1, top, frame.height)).cast(pl.String)
        frame = frame.with_columns(
            pl.when(dup)
            .then(pl.concat_str(pl.col("local"), digits))
            .otherwise(pl.col("local"))
            .alias("local")
        ).with_columns(email.alias(s.EMAIL))
        top *= 10


# --- public API ---------------------------------------------------------------------


def generate_orders(
    *,
    n_customers: int | None = None,
    n_lines: int | None = None,
    seed: int = DEFAULT_SEED,
    end: date = DEFAULT_END,
    years: float = 3.0,
) -> pl.DataFrame:
    """Generate a Danish web shop's order lines.

    Parameters
    ----------
    n_customers
        How many customers to simulate (default 2,000 when ``n_lines`` is not given).
        Every customer has at least one order.
    n_lines
        Generate exactly this many order lines instead: customers are added until the
        target is reached, and the last order may be cut short. Give one of
        ``n_customers`` and ``n_lines``, not both.
    seed
        Seed of the NumPy generator: the same arguments give the same frame.
    end
        The last day with orders; customers arrive over the ``years`` before it.
    years
        Length of the shop's history in years (365.25 days each).

    Returns
    -------
    pl.DataFrame
        One row per order line with the canonical orders columns (``schema.ORDERS``
        without ``source_file``/``source_row``), sorted by order number and line.
        Order numbers start at 1001 and follow time; customer numbers start at 10001
        in order of arrival. ``amount`` is the line total in DKK incl. VAT, negative
        on refund lines; ``status`` is paid, refunded or cancelled; e-mails and phones
        are as customers type them (a few upper-case or padded with spaces, phones in
        several Danish styles, some till orders without e-mail).

    Examples
    --------
    >>> lines = generate_orders(n_lines=1000, seed=1)
    >>> lines.height, lines["order_date"].max().date() <= DEFAULT_END
    (1000, True)
    """
    if n_customers is not None and n_lines is not None:
        raise ConfigError(said("synth_customers_or_lines"))
    if n_customers is not None and n_customers < 1:
        raise ConfigError(said("synth_customers_min", n=n_customers))
    if n_lines is not None and n_lines < 1:
        raise ConfigError(said("synth_lines_min", n=n_lines))
    if not 0 < years <= 50:
        raise ConfigError(said("synth_years", years=years))
    if seed < 0:
        raise ConfigError(said("synth_seed", seed=seed))
    span = max(round(years * 365.25), 1)
    start = end - timedelta(days=span - 1)

    if n_lines is None:
        rng = np.random.default_rng(seed)
        c = _draw_customers(rng, n_customers or DEFAULT_CUSTOMERS, start, span)
        o = _draw_orders(rng, c, span)
    else:
        # Size the customer base from a small pilot with the same settings, then take
        # orders customer by customer until exactly n_lines lines.
        pilot_rng = np.random.default_rng([seed, 1])
        pc = _draw_customers(pilot_rng, 5000, start, span)
        po = _draw_orders(pilot_rng, pc, span)
        per_customer = (po.n_lines.sum() + (po.state == _PARTIAL_REFUND).sum()) / 5000
        factor = 1.05
        while True:  # one round almost always; a second one with more customers if short
            rng = np.random.default_rng(seed)
            c = _draw_customers(
                rng, int(np.ceil(n_lines / per_customer * factor)) + 10, start, span
            )
            trimmed = _trim_orders(_draw_orders(rng, c, span), n_lines)
            if trimmed is not None:
                break
            factor *= 1.15
        o = trimmed
    return _order_lines(rng, c, o, start, span)


def _order_lines(
    rng: np.random.Generator, c: _Customers, o: _Orders, start: date, span: int
) -> pl.DataFrame:
    n_orders = o.cust.size
    used, first_order = np.unique(o.cust, return_index=True)  # customers with orders
    cust_pos = np.searchsorted(used, o.cust)  # order -> row of its customer
    customers = _customer_frame(rng, used, c)
    n_c = customers.height

    # order time: till sales in opening hours and never on a Sunday
    sec = np.where(
        o.store,
        _seconds_of_day(rng, _SHOP_HOURS, n_orders),
        _seconds_of_day(rng, _WEB_HOURS, n_orders),
    )
    weekday = (start.weekday() + o.day) % 7
    day = np.where(o.store & (weekday == 6) & (o.day > 0), o.day - 1, o.day)
    order_seconds = day * 86400 + sec
    # order numbers follow time, as a shop system hands them out
    rank = np.empty(n_orders, dtype=np.int64)
    rank[np.lexsort((np.arange(n_orders), order_seconds))] = np.arange(n_orders)
    # customer numbers follow each customer's first order
    arrival_rank = np.empty(used.size, dtype=np.int64)
    first_rank = np.minimum.reduceat(rank, first_order)
    arrival_rank[np.argsort(first_rank, kind="stable")] = np.arange(used.size)

    # how the e-mail was typed on each order: 0 as usual, 1 UPPER, 2 Capitalised,
    # 3 padded with spaces; till customers with a phone often give no e-mail (-1)
    has_phone = customers["phone_digits"].is_not_null().to_numpy()[cust_pos]
    email_variant = rng.choice(4, size=n_orders, p=[0.93, 0.025, 0.025, 0.02])
    no_email = o.store & has_phone & (rng.random(n_orders) < 0.35)
    email_idx = np.where(no_email, -1, email_variant * n_c + cust_pos)
    # phones: mostly the customer's own habit, sometimes written another way
    own_style = customers["phone_style"].to_numpy()[cust_pos]
    phone_style = np.where(rng.random(n_orders) < 0.85, own_style, rng.integers(0, 5, n_orders))
    phone_idx = phone_style * n_c + cust_pos

    # lines
    lines_per = o.n_lines
    l_order = np.repeat(np.arange(n_orders, dtype=np.int64), lines_per)
    n_l = l_order.size
    cats = list(_CATEGORY_WEIGHTS)
    cat_of_product = np.array([cats.index(p[1]) for p in _PRODUCTS])
    cat_start = np.array([np.flatnonzero(cat_of_product == k)[0] for k in range(len(cats))])
    cat_count = np.bincount(cat_of_product, minlength=len(cats))
    l_cust = o.cust[l_order]
    cat = np.where(
        rng.random(n_l) < 0.55,
        c.fav_category[l_cust],
        rng.choice(len(cats), size=n_l, p=_norm(list(_CATEGORY_WEIGHTS.values()))),
    )
    product = cat_start[cat] + (rng.random(n_l) * cat_count[cat]).astype(np.int64)
    qty = _QTY[rng.choice(_QTY.size, size=n_l, p=_QTY_P)]
    qty = np.where(c.kind[l_cust] == _BIG, qty + rng.integers(0, 3, n_l), qty)
    price = np.array([p[2] for p in _PRODUCTS])[product]
    discount = np.where(rng.random(n_l) < 0.07, 0.8, 1.0)
    amount = np.round(price * qty * discount, 2)
    state = o.state[l_order]
    status = np.where(state == _FULL_REFUND, 1, np.where(state == _CANCELLED, 2, 0))

    # partial refunds: one extra negative line crediting the order's first line,
    # booked a few days later (never after the last day)
    partial = np.flatnonzero(o.state == _PARTIAL_REFUND)
    first_line = (np.cumsum(lines_per) - lines_per)[partial]
    r_day = np.minimum(day[partial] + rng.integers(2, 21, partial.size), span - 1)
    r_seconds = r_day * 86400 + rng.integers(9 * 3600, 16 * 3600, partial.size)
    r_seconds = np.maximum(r_seconds, order_seconds[partial] + 60)

    l_order = np.concatenate([l_order, partial])
    line_no = np.concatenate([_group_positions(lines_per) + 1, lines_per[partial] + 1])
    seconds = np.concatenate([order_seconds[l_order[:n_l]], r_seconds])
    amount = np.concatenate([amount, -amount[first_line]])
    qty = np.concatenate([qty, -qty[first_line]])
    product = np.concatenate([product, product[first_line]])
    status = np.concatenate([status, np.ones(partial.size, dtype=np.int64)])
    l_pos = cust_pos[l_order]
    # final order: by order number, then line (placed directly, no sort needed)
    rows_per_order = lines_per + (o.state == _PARTIAL_REFUND)
    by_rank = np.empty(n_orders, dtype=np.int64)
    by_rank[rank] = rows_per_order
    offset_by_rank = np.cumsum(by_rank) - by_rank
    order_of_rows = np.empty(line_no.size, dtype=np.int64)
    order_of_rows[offset_by_rank[rank[l_order]] + line_no - 1] = np.arange(line_no.size)

    def take(values: np.ndarray) -> pl.Series:
        return pl.Series(values[order_of_rows])

    email = customers[s.EMAIL]
    email_table = pl.concat(
        [
            email,
            email.str.to_uppercase(),
            email.str.slice(0, 1).str.to_uppercase() + email.str.slice(1),
            " " + email + " ",
        ]
    )
    line_email_idx = email_idx[l_order][order_of_rows]
    line_email = email_table.gather(pl.Series(np.maximum(line_email_idx, 0)))
    phone_table = pl.concat(_phone_styles(customers["phone_digits"]))
    pos = take(l_pos)
    lines = pl.DataFrame(
        {
            s.ORDER_ID: take(1001 + rank[l_order]).cast(pl.String),
            s.LINE_NO: take(line_no).cast(pl.Int32),
            s.CUSTOMER_ID: (take(10001 + arrival_rank[l_pos])).cast(pl.String),
            s.EMAIL: pl.select(
                pl.when(pl.Series(line_email_idx) >= 0)
                .then(line_email)
                .otherwise(pl.lit(None, pl.String))
            ).to_series(),
            s.NAME: customers[s.NAME].gather(pos),
            s.ORDER_DATE: _datetimes(start, seconds[order_of_rows]),
            s.AMOUNT: take(amount),
            s.QUANTITY: take(qty).cast(pl.Int64),
            s.PRODUCT: pl.Series([p[0] for p in _PRODUCTS]).gather(take(product)),
            s.CATEGORY: pl.Series([p[1] for p in _PRODUCTS]).gather(take(product)),
            s.CHANNEL: pl.Series(["Webshop", "Butik"]).gather(
                take(o.store[l_order].astype(np.int64))
            ),
            s.PHONE: phone_table.gather(take(phone_idx[l_order])),
            s.POSTCODE: customers[s.POSTCODE].gather(pos),
            s.CITY: customers[s.CITY].gather(pos),
            s.COUNTRY: pl.Series(["Danmark"]).gather(
                pl.Series(np.zeros(line_no.size, dtype=np.int64))
            ),
            s.STATUS: pl.Series([s.STATUS_PAID, s.STATUS_REFUNDED, s.STATUS_CANCELLED]).gather(
                take(status)
            ),
            s.MARKETING_CONSENT: customers[s.MARKETING_CONSENT].gather(pos),
        }
    )
    return lines.cast({k: s.ORDERS[k] for k in ORDER_COLUMNS})


# --- survey -------------------------------------------------------------------------


def generate_survey(
    orders: pl.DataFrame,
    *,
    seed: int = DEFAULT_SEED,
    response_rate: float = 0.25,
) -> pl.DataFrame:
    """Generate NPS answers from the customers in ``orders``.

    Every customer with an e-mail address is asked once, a few days to a month after
    their latest order; about ``response_rate`` of them answer (regulars a little
    more often). Scores follow behaviour: the more paid orders, the likelier a
    promoter; a refund pulls a customer towards detractor, a cancellation and having
    lapsed (no order for a year) somewhat less. About 20 % of answers have no
    comment; comments are Danish with a few in English. About 3 % of answers come
    from e-mail addresses that never ordered (potential customers, no ``customer_id``).

    Parameters
    ----------
    orders
        Order lines as returned by :func:`generate_orders`.
    seed
        Seed of the NumPy generator.
    response_rate
        Share of invited customers who answer, in (0, 1].

    Returns
    -------
    pl.DataFrame
        Canonical survey columns (``schema.SURVEY`` without ``source_file``/
        ``source_row``), sorted by ``responded_at``; ``score`` is 0-10.
    """
    if not 0 < response_rate <= 1:
        raise ConfigError(said("synth_response_rate", rate=response_rate))
    rng = np.random.default_rng([seed, 2])
    end_day = cast("datetime", orders[s.ORDER_DATE].max()).date() if orders.height else DEFAULT_END
    end_excl = datetime(end_day.year, end_day.month, end_day.day) + timedelta(days=1)
    per = (
        orders.lazy()
        .group_by(s.CUSTOMER_ID)
        .agg(
            pl.col(s.ORDER_ID).filter(pl.col(s.STATUS) == s.STATUS_PAID).n_unique().alias("paid"),
            pl.col(s.ORDER_ID).n_unique().alias("orders"),
            pl.col(s.ORDER_ID)
            .filter(pl.col(s.STATUS) == s.STATUS_REFUNDED)
            .n_unique()
            .alias("refunded"),
            pl.col(s.ORDER_ID)
            .filter(pl.col(s.STATUS) == s.STATUS_CANCELLED)
            .n_unique()
            .alias("cancelled"),
            pl.col(s.ORDER_DATE).max().alias("last"),
            pl.col(s.EMAIL)
            .str.strip_chars()
            .str.to_lowercase()
            .drop_nulls()
            .first()
            .alias(s.EMAIL),
            pl.col(s.NAME).drop_nulls().first().alias(s.NAME),
        )
        .filter(pl.col(s.EMAIL).is_not_null())
        .sort(s.CUSTOMER_ID)
        .collect()
    )
    n = per.height
    paid = per["paid"].to_numpy()
    weight = 0.8 + 0.1 * np.minimum(paid, 5)
    p_answer = np.minimum(response_rate * weight / weight.mean(), 1.0) if n else weight
    delay = rng.integers(2, 31, n) * 86400 + rng.integers(7 * 3600, 23 * 3600, n)
    answers = per.with_columns(
        (pl.col("last").dt.truncate("1d") + pl.duration(seconds=pl.lit(pl.Series(delay)))).alias(
            s.RESPONDED_AT
        ),
        pl.Series("_answers", rng.random(n) < p_answer),
        pl.Series("_noise", rng.normal(0.0, 1.6, n)),
    ).filter(pl.col("_answers") & (pl.col(s.RESPONDED_AT) < end_excl))
    lapsed = (pl.col("paid") >= 2) & ((pl.lit(end_excl) - pl.col("last")).dt.total_days() > 365)
    mu = (
        7.5
        + 0.7 * pl.min_horizontal(pl.col("paid") - 1, 4).clip(0, 4)
        # a refund weighs heavily on a new customer, little on a long-standing one
        - 4.0 * (3 * pl.col("refunded") / pl.col("orders")).clip(0, 1)
        - 2.0 * (3 * pl.col("cancelled") / pl.col("orders")).clip(0, 1)
        - 1.0 * lapsed.cast(pl.Float64)
    )
    answers = answers.select(
        pl.col(s.CUSTOMER_ID),
        pl.col(s.EMAIL),
        pl.col(s.NAME),
        pl.col(s.RESPONDED_AT),
        (mu + pl.col("_noise")).round().clip(0, 10).cast(pl.Int8).alias(s.SCORE),
    )
    potential = _potential_answers(
        rng, max(1, round(0.03 * answers.height)), end_excl, per[s.EMAIL]
    )
    survey = pl.concat([answers, potential]).sort(s.RESPONDED_AT, s.EMAIL)
    m = survey.height
    # a few people type their address with a capital letter
    capital = pl.Series(rng.random(m) < 0.04)
    email = pl.col(s.EMAIL)
    survey = survey.with_columns(
        pl.when(capital)
        .then(email.str.slice(0, 1).str.to_uppercase() + email.str.slice(1))
        .otherwise(email),
        _comments(
            rng, survey[s.SCORE].to_numpy(), survey[s.CUSTOMER_ID].is_null().to_numpy()
        ).alias(s.COMMENT),
        pl.concat_str(pl.lit("R"), pl.int_range(1, m + 1).cast(pl.String).str.zfill(6)).alias(
            s.RESPONSE_ID
        ),
    )
    return survey.select(SURVEY_COLUMNS).cast({k: s.SURVEY[k] for k in SURVEY_COLUMNS})


def _potential_answers(
    rng: np.random.Generator, k: int, end_excl: datetime, taken: pl.Series
) -> pl.DataFrame:
    """Answers from people who signed up (newsletter, Instagram) but never ordered."""
    first_names = _FIRST_FEMALE + _FIRST_MALE
    first = rng.integers(0, len(first_names), k)
    last = rng.integers(0, len(_SURNAMES), k)
    domain = rng.choice(len(_DOMAINS), size=k, p=_norm(list(_DOMAINS.values())))
    frame = pl.DataFrame(
        {
            "first": pl.Series(first_names).gather(first),
            "last": pl.Series(_SURNAMES).gather(last),
            "f": pl.Series([_ascii(x) for x in first_names]).gather(first),
            "l": pl.Series([_ascii(x) for x in _SURNAMES]).gather(last),
            "n": pl.Series(rng.integers(100, 1000, k)).cast(pl.String),
            "domain": pl.Series(list(_DOMAINS)).gather(domain),
            "secs": rng.integers(0, 365 * 86400, k),
            s.SCORE: np.clip(np.rint(rng.normal(7.3, 1.5, k)), 0, 10).astype(np.int8),
        }
    )
    email = pl.concat_str(
        pl.col("f"), pl.lit("."), pl.col("l"), pl.col("n"), pl.lit("@"), pl.col("domain")
    )
    return (
        frame.select(
            pl.lit(None, pl.String).alias(s.CUSTOMER_ID),
            email.alias(s.EMAIL),
            pl.concat_str(pl.col("first"), pl.lit(" "), pl.col("last")).alias(s.NAME),
            (pl.lit(end_excl) - pl.duration(seconds=pl.col("secs") + 1))
            .dt.cast_time_unit("us")
            .alias(s.RESPONDED_AT),
            pl.col(s.SCORE),
        )
        .filter(~pl.col(s.EMAIL).is_in(taken.implode()))
        .unique(s.EMAIL, keep="first", maintain_order=True)
    )


def _comments(rng: np.random.Generator, score: np.ndarray, potential: np.ndarray) -> pl.Series:
    """Pick a comment matching each score's band (detractor/passive/promoter); ~20 % none."""
    pools = [_COMMENTS_DETRACTOR, _COMMENTS_PASSIVE, _COMMENTS_PROMOTER, _COMMENTS_POTENTIAL]
    offsets = np.cumsum([0] + [len(p) for p in pools])[:-1]
    sizes = np.array([len(p) for p in pools])
    band = np.where(potential, 3, np.where(score <= 6, 0, np.where(score <= 8, 1, 2)))
    idx = offsets[band] + (rng.random(score.size) * sizes[band]).astype(np.int64)
    has = rng.random(score.size) >= 0.2
    table = pl.Series([c for p in pools for c in p])
    text = table.gather(pl.Series(idx))
    return pl.select(
        pl.when(pl.Series(has)).then(text).otherwise(pl.lit(None, pl.String))
    ).to_series()


# --- writers ------------------------------------------------------------------------


def _format_distinct(values: pl.Series, fmt: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """Format each distinct value once and map the rest (amounts repeat a lot)."""
    distinct = values.unique()
    formatted = pl.select(fmt(pl.lit(distinct))).to_series()
    return values.replace_strict(distinct, formatted, return_dtype=pl.String)


def _summer_time(expr: pl.Expr) -> pl.Expr:
    """Whether a Danish local (naive) time is in summer time (UTC+2).

    Summer time runs from the last Sunday of March 02:00 to the last Sunday of
    October 03:00; the repeated October hour counts as summer time. Computed from
    per-year boundaries instead of a time-zone conversion per row, which is slow.
    """
    years = range(1970, 2101)
    begin = {y: datetime.combine(_last_sunday(y, 3), time(2)) for y in years}
    end = {y: datetime.combine(_last_sunday(y, 10), time(3)) for y in years}
    year = expr.dt.year()
    dtype = pl.Datetime("us")
    return (expr >= year.replace_strict(begin, return_dtype=dtype)) & (
        expr < year.replace_strict(end, return_dtype=dtype)
    )


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _utc_offset(expr: pl.Expr) -> pl.Expr:
    """``+0100`` or ``+0200`` for a Danish local time."""
    return pl.when(_summer_time(expr)).then(pl.lit("+0200")).otherwise(pl.lit("+0100"))


def _order_starts(orders: pl.DataFrame) -> pl.Series:
    """Flag the first line of each order (lines of one order are adjacent)."""
    oid = orders[s.ORDER_ID]
    return (oid != oid.shift(1)).fill_null(True)


def write_danish_csv(
    orders: pl.DataFrame,
    path: str | Path,
    *,
    bad_rows: bool = False,
    seed: int = DEFAULT_SEED,
) -> None:
    """Write order lines as a Danish shop system exports them.

    Semicolon-separated, UTF-8 with BOM (so Excel shows æøå), headers
    :data:`DANISH_HEADERS`, dates ``dd-mm-yyyy HH:MM``, amounts with decimal comma
    and thousands dot (``1.234,50``; about 4 % written ``kr. 299,00`` and 4 %
    ``299,00 kr``), status Betalt/Refunderet/Annulleret, Nyhedsbrev Ja/Nej.

    With ``bad_rows=True`` eight deliberately broken rows are added, each a copy of
    a real line under a new order number (the numbers after the highest one, in file
    order), spread evenly through the file. In turn they have: no date, the amount
    ``ukendt``, the impossible date ``31-02-2025 10:15``, and no customer number,
    name, e-mail or phone; then the same four again.
    """
    rng = np.random.default_rng([seed, 3])
    n = orders.height
    money = pl.col("_money")
    consent = pl.col(s.MARKETING_CONSENT)
    text = orders.with_columns(
        pl.Series("_style", rng.choice(3, size=n, p=[0.92, 0.04, 0.04])),
        _format_distinct(orders[s.AMOUNT], _money_da).alias("_money"),
    ).select(
        pl.col(s.ORDER_ID).cast(pl.String).alias("Ordrenummer"),
        pl.col(s.LINE_NO).cast(pl.String).alias("Linje"),
        pl.col(s.ORDER_DATE).dt.to_string("%d-%m-%Y %H:%M").alias("Ordredato"),
        pl.col(s.CUSTOMER_ID).alias("Kundenummer"),
        pl.col(s.NAME).alias("Navn"),
        pl.col(s.EMAIL).alias("E-mail"),
        pl.col(s.PHONE).alias("Telefon"),
        pl.col(s.PRODUCT).alias("Vare"),
        pl.col(s.CATEGORY).alias("Kategori"),
        pl.col(s.QUANTITY).cast(pl.String).alias("Antal"),
        pl.when(pl.col("_style") == 1)
        .then(pl.concat_str(pl.lit("kr. "), money))
        .when(pl.col("_style") == 2)
        .then(pl.concat_str(money, pl.lit(" kr")))
        .otherwise(money)
        .alias("Beløb"),
        pl.col(s.POSTCODE).alias("Postnummer"),
        pl.col(s.CITY).alias("By"),
        pl.col(s.COUNTRY).alias("Land"),
        pl.col(s.STATUS).replace_strict(_DANISH_STATUS, default=pl.col(s.STATUS)).alias("Status"),
        pl.col(s.CHANNEL).alias("Kanal"),
        pl.when(consent).then(pl.lit("Ja")).when(~consent).then(pl.lit("Nej")).alias("Nyhedsbrev"),
    )
    if bad_rows and n:
        text = _with_bad_rows(text)
    text.write_csv(path, separator=";", include_bom=True, null_value="")


#: How many broken rows ``write_danish_csv(..., bad_rows=True)`` adds.
N_BAD_ROWS = 8


def _with_bad_rows(text: pl.DataFrame) -> pl.DataFrame:
    n = text.height
    src = (np.arange(1, N_BAD_ROWS + 1) * n) // (N_BAD_ROWS + 1)
    last_no = text["Ordrenummer"].cast(pl.Int64, strict=False).max()
    first_new = (last_no if isinstance(last_no, int) else 0) + 1
    kind = pl.col("_kind")
    none = pl.lit(None, pl.String)
    bad = (
        text[src]
        .with_columns(pl.Series("_kind", np.arange(N_BAD_ROWS) % 4))
        .with_columns(
            pl.Series("Ordrenummer", np.arange(first_new, first_new + N_BAD_ROWS)).cast(pl.String),
            pl.lit("1").alias("Linje"),
            pl.when(kind == 0)
            .then(none)
            .when(kind == 2)
            .then(pl.lit("31-02-2025 10:15"))
            .otherwise(pl.col("Ordredato"))
            .alias("Ordredato"),
            pl.when(kind == 1).then(pl.lit("ukendt")).otherwise(pl.col("Beløb")).alias("Beløb"),
            *[
                pl.when(kind == 3).then(none).otherwise(pl.col(c)).alias(c)
                for c in ("Kundenummer", "Navn", "E-mail", "Telefon")
            ],
        )
        .drop("_kind")
    )
    # original row i gets key 2i; a bad row copied from row i goes right after it
    key = np.concatenate([2 * np.arange(n), 2 * src + 1])
    return pl.concat([text, bad]).with_columns(pl.Series("_key", key)).sort("_key").drop("_key")


def write_shopify_csv(orders: pl.DataFrame, path: str | Path, *, seed: int = DEFAULT_SEED) -> None:
    """Write order lines in the layout of Shopify's orders export.

    Comma-separated UTF-8 with :data:`SHOPIFY_HEADERS`, one row per line item. As in
    Shopify, ``Name`` (``#1001``) and the ``Lineitem …`` fields are on every row,
    while order fields (Email, Financial Status, Paid at, Created at, Total,
    Billing …, Accepts Marketing, Source, …) are only on the first row of each order.
    Dates look like ``2024-03-05 14:22:01 +0100``; amounts have English decimals.

    Shopify has no negative line items: a refund line becomes ``Refunded Amount`` on
    the order with Financial Status ``partially_refunded``; a fully refunded order is
    ``refunded`` with Refunded Amount = Total; a cancelled one is ``voided`` with
    ``Cancelled at``. So the file has one row fewer per partial refund than
    ``orders`` has lines, and Total is the amount before refunds. Lines of one order
    must be adjacent, as :func:`generate_orders` returns them.
    """
    rng = np.random.default_rng([seed, 4])
    # refunds per order, over all lines; then keep the positive lines only
    starts_all = _order_starts(orders).to_numpy()
    seg_all = np.cumsum(starts_all) - 1
    amount_all = orders[s.AMOUNT].to_numpy()
    n_all = int(starts_all.sum())
    refunds = -np.bincount(seg_all, weights=np.minimum(amount_all, 0.0), minlength=n_all)
    has_line = np.bincount(seg_all, weights=amount_all >= 0, minlength=n_all) > 0
    refunds = refunds[has_line]

    lines = orders.filter(pl.col(s.AMOUNT) >= 0)
    first = _order_starts(lines)
    first_np = first.to_numpy()
    seg = np.cumsum(first_np) - 1
    n_orders = int(first_np.sum())
    prices = {p[0]: p[2] for p in _PRODUCTS}
    skus = {p[0]: f"{_SKU_PREFIX[p[1]]}-{i + 1:03d}" for i, p in enumerate(_PRODUCTS)}
    unit = pl.col(s.AMOUNT) / pl.col(s.QUANTITY).clip(1)
    list_price = pl.col(s.PRODUCT).replace_strict(prices, default=unit, return_dtype=pl.Float64)
    lines = lines.with_columns(list_price.alias("_list")).with_columns(
        (pl.col("_list") * pl.col(s.QUANTITY) - pl.col(s.AMOUNT)).clip(0).round(2).alias("_ldisc")
    )
    subtotal = np.bincount(seg, weights=lines[s.AMOUNT].to_numpy(), minlength=n_orders)
    discount = np.bincount(seg, weights=lines["_ldisc"].to_numpy(), minlength=n_orders)

    web = pl.col(s.CHANNEL) != "Butik"
    fulfil_status = (
        pl.when(pl.col(s.STATUS) == s.STATUS_CANCELLED)
        .then(pl.lit("unfulfilled"))
        .otherwise(pl.lit("fulfilled"))
    )
    line_text = lines.select(
        pl.concat_str(pl.lit("#"), pl.col(s.ORDER_ID)).alias("Name"),
        pl.col(s.QUANTITY).cast(pl.String).alias("Lineitem quantity"),
        pl.col(s.PRODUCT).alias("Lineitem name"),
        _format_distinct(lines["_list"], _money_en).alias("Lineitem price"),
        pl.col(s.PRODUCT)
        .replace_strict(skus, default=None, return_dtype=pl.String)
        .alias("Lineitem sku"),
        pl.when(web)
        .then(pl.lit("true"))
        .otherwise(pl.lit("false"))
        .alias("Lineitem requires shipping"),
        pl.lit("true").alias("Lineitem taxable"),
        fulfil_status.replace("unfulfilled", "pending").alias("Lineitem fulfillment status"),
        pl.lit("Kaffe & Kram").alias("Vendor"),
        _format_distinct(lines["_ldisc"], _money_en).alias("Lineitem discount"),
    )
    heads = lines.filter(first).with_columns(
        pl.Series("_subtotal", subtotal),
        pl.Series("_disc", discount),
        pl.Series("_refunds", refunds),
        pl.Series("_pay", rng.integers(0, 3, n_orders)),
        pl.Series("_fulfil", rng.integers(3 * 3600, 30 * 3600, n_orders)),
    )
    order_text = heads.with_columns(_shopify_order_parts(heads)).select(_shopify_order_fields())
    # order fields on the first line of each order, empty on the others; assembled
    # and written a slice at a time, as 80 mostly empty columns of 10 M rows would
    # otherwise take many gigabytes
    idx = pl.select(pl.when(first).then(pl.Series(seg))).to_series()
    with Path(path).open("wb") as out:
        for begin in range(0, max(lines.height, 1), _WRITE_CHUNK):
            parts = {
                **line_text.slice(begin, _WRITE_CHUNK).to_dict(),
                **order_text.select(pl.all().gather(idx.slice(begin, _WRITE_CHUNK))).to_dict(),
            }
            height = min(_WRITE_CHUNK, max(lines.height - begin, 0))
            empty = pl.repeat(None, height, dtype=pl.String, eager=True)
            pl.DataFrame([parts.get(h, empty).alias(h) for h in SHOPIFY_HEADERS]).write_csv(
                out, null_value="", include_header=begin == 0
            )


#: Rows assembled and written at a time by :func:`write_shopify_csv`.
_WRITE_CHUNK = 500_000


def _shopify_order_parts(heads: pl.DataFrame) -> list[pl.Expr | pl.Series]:
    """Values used by several order columns, computed once."""

    def stamp(expr: pl.Expr) -> pl.Expr:
        return pl.concat_str(expr.dt.to_string("%Y-%m-%d %H:%M:%S"), pl.lit(" "), _utc_offset(expr))

    # a billing address derived from the customer number, so it is the same each time
    cid = pl.col(s.CUSTOMER_ID).cast(pl.Int64, strict=False).fill_null(0)
    address1 = pl.concat_str(
        pl.lit(pl.Series(_STREETS)).gather(cid % len(_STREETS)),
        pl.lit(" "),
        ((cid * 40503) % 119 + 1).cast(pl.String),
    )
    floor = (cid * 97) % 9
    address2 = pl.when(floor >= 5).then(
        pl.concat_str(
            (floor - 4).cast(pl.String),
            pl.lit(". "),
            pl.when(cid % 2 == 0).then(pl.lit("th.")).otherwise(pl.lit("tv.")),
        )
    )
    order_no = pl.col(s.ORDER_ID).cast(pl.Int64, strict=False).fill_null(0)
    return [
        stamp(pl.col(s.ORDER_DATE)).alias("_created"),
        stamp(pl.col(s.ORDER_DATE) + pl.duration(seconds=pl.col("_fulfil"))).alias("_fulfilled"),
        address1.alias("_address1"),
        address2.alias("_address2"),
        pl.concat_str(
            pl.lit("c"), (order_no * 7919 + 250000000).cast(pl.String), pl.lit(".1")
        ).alias("_reference"),
        _format_distinct(heads["_subtotal"], _money_en).alias("_total"),
        _format_distinct((heads["_subtotal"] * 0.2).round(2), _money_en).alias("_tax"),
    ]


def _shopify_order_fields() -> list[pl.Expr]:
    """Shopify's order-level columns, from one row per order (its first line)."""
    status = pl.col(s.STATUS)
    voided = status == s.STATUS_CANCELLED
    web = pl.col(s.CHANNEL) != "Butik"
    financial = (
        pl.when(voided)
        .then(pl.lit("voided"))
        .when(status == s.STATUS_REFUNDED)
        .then(pl.lit("refunded"))
        .when(pl.col("_refunds") > 0)
        .then(pl.lit("partially_refunded"))
        .otherwise(pl.lit("paid"))
    )
    refunded = (
        pl.when(status == s.STATUS_REFUNDED)
        .then(pl.col("_total"))
        .when(voided | (pl.col("_refunds") <= 0))
        .then(pl.lit("0.00"))
        .otherwise(_money_en(pl.col("_refunds")))
    )
    created, address1, address2 = pl.col("_created"), pl.col("_address1"), pl.col("_address2")
    street = pl.concat_str(address1, pl.concat_str(pl.lit(", "), address2), ignore_nulls=True)
    payment = (
        pl.when(web)
        .then(pl.lit(pl.Series(["Shopify Payments", "MobilePay", "Klarna"])).gather(pl.col("_pay")))
        .otherwise(pl.lit(pl.Series(["Dankort", "MobilePay", "Kontant"])).gather(pl.col("_pay")))
    )
    cancelled = pl.col(s.ORDER_DATE) + pl.duration(hours=2)
    zero = pl.lit("0.00")
    fields = {
        "Email": pl.col(s.EMAIL),
        "Financial Status": financial,
        "Paid at": pl.when(~voided).then(created),
        "Fulfillment Status": pl.when(voided)
        .then(pl.lit("unfulfilled"))
        .otherwise(pl.lit("fulfilled")),
        "Fulfilled at": pl.when(~voided).then(pl.col("_fulfilled")),
        "Accepts Marketing": pl.when(pl.col(s.MARKETING_CONSENT))
        .then(pl.lit("yes"))
        .otherwise(pl.lit("no")),
        "Currency": pl.lit("DKK"),
        "Subtotal": pl.col("_total"),
        "Shipping": zero,
        "Taxes": pl.col("_tax"),
        "Total": pl.col("_total"),
        "Discount Code": pl.when(pl.col("_disc") > 0).then(pl.lit("VELKOMMEN20")),
        "Discount Amount": pl.when(pl.col("_disc") > 0)
        .then(_money_en(pl.col("_disc")))
        .otherwise(zero),
        "Shipping Method": pl.when(web).then(pl.lit("GLS Pakkeshop")),
        "Created at": created,
        "Billing Name": pl.col(s.NAME),
        "Billing Street": street,
        "Billing Address1": address1,
        "Billing Address2": address2,
        "Billing City": pl.col(s.CITY),
        "Billing Zip": pl.col(s.POSTCODE),
        "Billing Country": pl.lit("DK"),
        "Billing Phone": pl.col(s.PHONE),
        "Shipping Name": pl.when(web).then(pl.col(s.NAME)),
        "Shipping Street": pl.when(web).then(street),
        "Shipping Address1": pl.when(web).then(address1),
        "Shipping Address2": pl.when(web).then(address2),
        "Shipping City": pl.when(web).then(pl.col(s.CITY)),
        "Shipping Zip": pl.when(web).then(pl.col(s.POSTCODE)),
        "Shipping Country": pl.when(web).then(pl.lit("DK")),
        "Shipping Phone": pl.when(web).then(pl.col(s.PHONE)),
        "Cancelled at": pl.when(voided).then(
            pl.concat_str(
                cancelled.dt.to_string("%Y-%m-%d %H:%M:%S"), pl.lit(" "), _utc_offset(cancelled)
            )
        ),
        "Payment Method": payment,
        "Payment Reference": pl.col("_reference"),
        "Refunded Amount": refunded,
        "Outstanding Balance": zero,
        "Location": pl.when(~web).then(pl.lit("Butik Aarhus")),
        "Id": (
            pl.lit(5_900_000_000_000, pl.Int64) + pl.col(s.ORDER_ID).cast(pl.Int64, strict=False)
        ).cast(pl.String),
        "Risk Level": pl.lit("Low"),
        "Source": pl.when(web).then(pl.lit("web")).otherwise(pl.lit("pos")),
        "Tax 1 Name": pl.lit("DK Moms 25%"),
        "Tax 1 Value": pl.col("_tax"),
        "Phone": pl.col(s.PHONE),
        "Payment References": pl.col("_reference"),
    }
    return [expr.cast(pl.String).alias(name) for name, expr in fields.items()]


def write_survey_google_forms(survey: pl.DataFrame, path: str | Path) -> None:
    """Write NPS answers as Google Forms' "Download responses (.csv)" does.

    Comma-separated UTF-8 with :data:`GOOGLE_FORMS_HEADERS` (a Danish form that
    collects e-mail addresses). ``Tidsstempel`` is ``2025/03/05 14:22:01 GMT+1``
    (``GMT+2`` in summer time); the score is a bare 0-10; comments may contain
    commas, quotes and line breaks, so they are quoted where needed.
    """
    at = pl.col(s.RESPONDED_AT)
    gmt = pl.when(_summer_time(at)).then(pl.lit("GMT+2")).otherwise(pl.lit("GMT+1"))
    survey.select(
        pl.concat_str(at.dt.to_string("%Y/%m/%d %H:%M:%S"), pl.lit(" "), gmt).alias(
            GOOGLE_FORMS_HEADERS[0]
        ),
        pl.col(s.EMAIL).alias(GOOGLE_FORMS_HEADERS[1]),
        pl.col(s.SCORE).cast(pl.String).alias(GOOGLE_FORMS_HEADERS[2]),
        pl.col(s.COMMENT).alias(GOOGLE_FORMS_HEADERS[3]),
    ).write_csv(path, null_value="")
