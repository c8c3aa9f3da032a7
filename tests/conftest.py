"""Fixtures shared across the test folders."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

CDNOW_SAMPLE = Path(__file__).parent / "data" / "cdnow" / "CDNOW_sample.txt"


@pytest.fixture(scope="session")
def cdnow_lines() -> pl.LazyFrame:
    """CDNOW_sample.txt (tests/data/cdnow/ATTRIBUTION.md) as canonical order lines, one
    order per transaction, parsed here by hand so the model tests do not depend on
    kunde's reader (tests/cli/test_cdnow_cli.py reads it through the CLI)."""
    raw = pl.read_csv(CDNOW_SAMPLE, has_header=False, new_columns=["line"])
    fields = (
        pl.col("line")
        .str.strip_chars()
        .str.split(" ")
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.to_struct(fields=["master_id", "id", "date", "cds", "amount"])
    )
    return (
        raw.select(fields)
        .unnest("line")
        .with_row_index("row")
        .select(
            pl.col("id").cast(pl.Int64).cast(pl.String).alias("customer_id"),
            pl.col("row").cast(pl.String).alias("order_id"),
            pl.lit(1, dtype=pl.Int32).alias("line_no"),
            pl.col("date").str.to_datetime("%Y%m%d", time_unit="us").alias("order_date"),
            pl.col("amount").cast(pl.Float64),
            pl.lit("paid").alias("status"),
        )
        .lazy()
    )
