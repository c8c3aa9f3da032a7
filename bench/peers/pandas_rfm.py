"""Peer: the RFM table of kunde's Danish export computed with pandas.

    python bench/peers/pandas_rfm.py FILE [--out rfm.csv]

Imports first, then times reading + cleaning + order totals + the per-customer table
(recency days, frequency, monetary and 1–5 scores), and prints one JSON line:
``{"work": s, "read": s, "rfm": s, "customers": n, "pandas": version}``. With
``--out`` it afterwards writes customer_id, recency_days, frequency, monetary as CSV
(for bench/run.py's equality check; not timed).
"""

from __future__ import annotations

import argparse
import json
import time

import pandas as pd
from danish import as_of_date, customer_rfm, order_totals, read_lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--out")
    args = parser.parse_args()

    start = time.perf_counter()
    lines = read_lines(args.file)
    read = time.perf_counter()
    rfm = customer_rfm(order_totals(lines), as_of_date(lines))
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "work": done - start,
                "read": read - start,
                "rfm": done - read,
                "customers": len(rfm),
                "pandas": pd.__version__,
            }
        )
    )
    if args.out:
        rfm[["customer_id", "recency_days", "frequency", "monetary"]].to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
