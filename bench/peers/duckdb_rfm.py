"""Peer: the RFM table of kunde's Danish export computed in DuckDB SQL.

    python bench/peers/duckdb_rfm.py FILE [--out rfm.parquet]

Imports first, then times one SQL statement that reads the CSV, cleans amounts and
dates, builds order totals with DESIGN.md's rules (see danish.py) and the per-customer
table (recency days, frequency, monetary and 1–5 scores) into a DuckDB table. Prints
one JSON line: ``{"work": s, "customers": n, "duckdb": version}``. With ``--out`` it
afterwards writes customer_id, recency_days, frequency, monetary as Parquet (not timed).
"""

from __future__ import annotations

import argparse
import json
import time

import duckdb

SQL = r"""
CREATE TEMP TABLE rfm AS
WITH lines AS (
    SELECT
        "Ordrenummer" AS order_id,
        "Linje" AS line_no,
        "Kundenummer" AS customer_id,
        strptime("Ordredato", '%d-%m-%Y %H:%M') AS order_date,
        CAST(replace(replace(trim(replace(replace("Beløb", 'kr.', ''), 'kr', '')), '.', ''), ',', '.')
             AS DOUBLE) AS amount,
        "Status" AS status
    FROM read_csv(
        $path, delim = ';', header = true,
        types = {'Ordrenummer': 'VARCHAR', 'Kundenummer': 'VARCHAR', 'Ordredato': 'VARCHAR',
                 'Beløb': 'VARCHAR', 'Status': 'VARCHAR', 'Linje': 'INTEGER'}
    )
),
as_of AS (SELECT CAST(max(order_date) AS DATE) AS day FROM lines),
orders AS (
    SELECT
        customer_id,
        order_id,
        min(order_date) AS order_date,
        arg_min(status, line_no) FILTER (WHERE status IS NOT NULL) AS status,
        sum(amount) AS net,
        min(amount) AS lowest
    FROM lines
    GROUP BY customer_id, order_id
),
classed AS (
    SELECT
        *,
        net < 0 AND coalesce(status <> 'Annulleret', true) AS credit,
        coalesce(status NOT IN ('Annulleret', 'Refunderet'), true)
            AND NOT (net < 0)
            AND NOT (net <= 0 AND lowest < 0) AS counted
    FROM orders
),
flagged AS (
    SELECT *, counted OR credit AS in_revenue FROM classed
),
customers AS (
    SELECT
        customer_id,
        count(*) FILTER (WHERE counted) AS frequency,
        coalesce(sum(net) FILTER (WHERE in_revenue), 0.0) AS monetary,
        max(order_date) FILTER (WHERE counted) AS last_order
    FROM flagged
    GROUP BY customer_id
),
with_recency AS (
    SELECT *, date_diff('day', CAST(last_order AS DATE), (SELECT day FROM as_of)) AS recency_days
    FROM customers
),
cuts AS (
    SELECT
        quantile_cont(recency_days, [0.2, 0.4, 0.6, 0.8]) AS r,
        quantile_cont(monetary, [0.2, 0.4, 0.6, 0.8]) AS m
    FROM with_recency WHERE frequency > 0
)
SELECT
    w.customer_id, w.recency_days, w.frequency, w.monetary,
    CASE WHEN w.frequency > 0 THEN
        5 - (w.recency_days > c.r[1])::INT - (w.recency_days > c.r[2])::INT
          - (w.recency_days > c.r[3])::INT - (w.recency_days > c.r[4])::INT END AS r_score,
    CASE WHEN w.frequency >= 6 THEN 5 WHEN w.frequency >= 4 THEN 4
         WHEN w.frequency > 0 THEN w.frequency END AS f_score,
    CASE WHEN w.frequency > 0 THEN
        1 + (w.monetary > c.m[1])::INT + (w.monetary > c.m[2])::INT
          + (w.monetary > c.m[3])::INT + (w.monetary > c.m[4])::INT END AS m_score
FROM with_recency w, cuts c
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--out")
    args = parser.parse_args()

    con = duckdb.connect()
    start = time.perf_counter()
    con.execute(SQL, {"path": args.file})
    customers = con.execute("SELECT count(*) FROM rfm").fetchone()[0]
    done = time.perf_counter()
    print(json.dumps({"work": done - start, "customers": customers, "duckdb": duckdb.__version__}))
    if args.out:
        con.execute(
            "COPY (SELECT customer_id, recency_days, frequency, monetary FROM rfm) "
            "TO $out (FORMAT parquet)",
            {"out": args.out},
        )


if __name__ == "__main__":
    main()
