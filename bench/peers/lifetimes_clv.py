"""Peer: the pandas + ``lifetimes`` customer-value pipeline on kunde's Danish export.

    python bench/peers/lifetimes_clv.py FILE

What an analyst would run instead of ``kunde ingest`` + the model part of
``kunde report``: pandas reads and cleans the export (danish.py), builds order totals
and the RFM table, then ``lifetimes`` does summary_data_from_transaction_data (counted
orders, purchase days, time in weeks = days / 7 as kunde), BetaGeoFitter,
GammaGammaFitter (repeat customers), P(alive), expected purchases over 12 months and
the 12-month CLV at 1 % a month. Imports first; prints one JSON line with the time of
each step, ``model`` (summary + fits + predictions, the part kunde's model step
replaces), ``work`` (everything after the imports), the fitted parameters and totals.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import lifetimes
import pandas as pd
from danish import as_of_date, customer_rfm, order_totals, read_lines
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data

HORIZON_MONTHS = 12
WEEKS_PER_MONTH = 365.25 / 12 / 7
DISCOUNT_MONTHLY = 0.01


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    times: dict[str, float] = {}
    mark = time.perf_counter()
    start = mark

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        times[name] = now - mark
        mark = now

    lines = read_lines(args.file)
    as_of = as_of_date(lines)
    lap("read")
    orders = order_totals(lines)
    customer_rfm(orders, as_of)
    lap("orders_rfm")

    counted = orders.loc[orders["counted"], ["Kundenummer", "order_date", "net"]]
    summary = summary_data_from_transaction_data(
        counted,
        "Kundenummer",
        "order_date",
        monetary_value_col="net",
        observation_period_end=as_of,
        freq="D",
        freq_multiplier=7,
    )
    lap("summary")
    bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    lap("fit_bgnbd")
    repeat = summary[summary["frequency"] > 0]
    ggf = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    lap("fit_gamma_gamma")
    f, r, t = summary["frequency"], summary["recency"], summary["T"]
    alive = bgf.conditional_probability_alive(f, r, t)
    purchases = bgf.conditional_expected_number_of_purchases_up_to_time(
        HORIZON_MONTHS * WEEKS_PER_MONTH, f, r, t
    )
    clv = ggf.customer_lifetime_value(
        bgf,
        f,
        r,
        t,
        summary["monetary_value"],
        time=HORIZON_MONTHS,
        freq="W",
        discount_rate=DISCOUNT_MONTHLY,
    )
    lap("predict")
    times["model"] = (
        times["summary"] + times["fit_bgnbd"] + times["fit_gamma_gamma"] + times["predict"]
    )
    times["work"] = time.perf_counter() - start
    gg = {("gamma" if k == "v" else k): float(v) for k, v in ggf.params_.items()}
    print(
        json.dumps(
            {
                **times,
                "customers": len(summary),
                "repeat_customers": len(repeat),
                "params_bgnbd": {k: float(v) for k, v in bgf.params_.items()},
                "params_gamma_gamma": gg,
                "mean_p_alive": float(alive.mean()),
                "total_expected_purchases": float(purchases.sum()),
                "total_clv": float(clv.sum()),
                "pandas": pd.__version__,
                "lifetimes": lifetimes.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
