"""Read kunde's Danish-format export with pandas and apply DESIGN.md's order rules.

Shared by the pandas peers (``pandas_rfm.py``, ``lifetimes_clv.py``); runs in the peer
virtual environment, never imports kunde. Written the way an analyst would: one
``read_csv`` with the Danish number options, then vectorised pandas.

Rules replicated from kunde_cli/analytics/orders.py:

* an order's date is its earliest line, its status the first line's (by line number,
  first non-empty), its net amount the sum of its lines (refund lines are negative);
* status words: Betalt (or none) completed, Annulleret cancelled, Refunderet refunded;
* a *credit note* is an order with a net amount < 0 that is not cancelled: never a
  purchase, deducted from revenue;
* an order is *counted* (a purchase: frequency, recency) when it is completed, not a
  credit note, and not brought to ≤ 0 by negative lines (refunded in full) — whatever
  its amount, so a 0-amount order counts; revenue (monetary) is the net amount of
  purchases and credit notes;
* as-of date = the date of the latest order line; recency = whole days from the last
  counted order's date to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Danish status labels of cancelled and refunded orders (kunde: cancelled/refunded).
CANCELLED = "Annulleret"
REFUNDED = "Refunderet"
COLUMNS = ["Ordrenummer", "Linje", "Ordredato", "Kundenummer", "Beløb", "Status"]
#: Fixed frequency breaks of DESIGN.md: 1, 2, 3, 4–5, 6+ orders → F1..F5.
FREQUENCY_BINS = [0, 1, 2, 3, 5, np.inf]


def read_lines(path: str) -> pd.DataFrame:
    """Order lines with ``Beløb`` as float kroner and ``Ordredato`` as datetime."""
    df = pd.read_csv(
        path,
        sep=";",
        decimal=",",
        thousands=".",
        encoding="utf-8-sig",
        usecols=COLUMNS,
        dtype={"Ordrenummer": str, "Kundenummer": str},
    )
    amount = df["Beløb"]
    if not pd.api.types.is_numeric_dtype(amount):
        # Some cells say "kr. 299,00" or "299,00 kr", so read_csv left the column as
        # text: strip the currency, then the thousands dots, then make the comma a point.
        amount = (
            amount.str.replace("kr.", "", regex=False)
            .str.replace("kr", "", regex=False)
            .str.strip()
            .str.replace(".", "", regex=False)
            .str.replace(",", ".", regex=False)
            .astype(float)
        )
    df["Beløb"] = amount
    df["Ordredato"] = pd.to_datetime(df["Ordredato"], format="%d-%m-%Y %H:%M")
    return df


def as_of_date(lines: pd.DataFrame) -> pd.Timestamp:
    """The default as-of day (midnight): the date of the latest order line."""
    return lines["Ordredato"].max().normalize()


def order_totals(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per (customer, order): order_date, status, net, counted, in_revenue."""
    lines = lines.sort_values("Linje", kind="stable")  # "first" status = lowest line number
    orders = (
        lines.groupby(["Kundenummer", "Ordrenummer"], sort=False)
        .agg(
            order_date=("Ordredato", "min"),
            status=("Status", "first"),
            net=("Beløb", "sum"),
            lowest=("Beløb", "min"),
        )
        .reset_index()
    )
    completed = ~orders["status"].isin([CANCELLED, REFUNDED])
    credit = (orders["net"] < 0) & (orders["status"] != CANCELLED)
    fully_credited = (orders["net"] <= 0) & (orders["lowest"] < 0)
    orders["counted"] = completed & ~credit & ~fully_credited
    orders["in_revenue"] = orders["counted"] | credit
    return orders.drop(columns="lowest")


def customer_rfm(orders: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """recency_days, frequency, monetary per customer, plus simple 1–5 scores.

    The scores are quintiles (recency and monetary) and the fixed frequency breaks,
    on customers with a counted order; they are here so the peer does comparable
    work, and are not compared with kunde's (whose tie rules differ).
    """
    work = orders.assign(
        revenue=orders["net"].where(orders["in_revenue"], 0.0),
        counted_date=orders["order_date"].where(orders["counted"]),
    )
    rfm = work.groupby("Kundenummer", sort=False).agg(
        frequency=("counted", "sum"),
        monetary=("revenue", "sum"),
        last_order=("counted_date", "max"),
    )
    rfm["recency_days"] = (as_of - rfm["last_order"].dt.normalize()).dt.days
    active = rfm["frequency"] > 0
    r_bin = pd.qcut(rfm.loc[active, "recency_days"], 5, labels=False, duplicates="drop")
    m_bin = pd.qcut(rfm.loc[active, "monetary"], 5, labels=False, duplicates="drop")
    rfm.loc[active, "r_score"] = 5 - r_bin
    rfm.loc[active, "f_score"] = (
        pd.cut(rfm.loc[active, "frequency"], FREQUENCY_BINS, labels=False) + 1
    )
    rfm.loc[active, "m_score"] = m_bin + 1
    return rfm.rename_axis("customer_id").reset_index()
