"""Order numbers kunde makes up for a sheet without an order-number column.

They must mean the same order in every export of the sheet: whatever the column order,
extra columns, file name, row position or status; the same in every Polars version
(a stable digest, not Polars' ``hash``); and two alike rows are two orders, numbered
apart, so that a later export with the same rows adds nothing.
"""

from __future__ import annotations

from hashlib import blake2b
from pathlib import Path

import polars as pl

from kunde_cli import schema as s
from kunde_cli.ingest import read_orders
from kunde_cli.store import Workspace
from tests.reliability.conftest import ingest_json, kunde


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ids_by_customer(path: Path) -> dict[str, str]:
    frame = read_orders(path).frame
    return dict(zip(frame[s.CUSTOMER_ID], frame[s.ORDER_ID], strict=True))


def test_the_same_order_gets_the_same_number_from_any_layout_of_the_sheet(
    tmp_path: Path,
) -> None:
    march = write(
        tmp_path / "salg-marts.csv",
        [
            "Kundenr;Ordredato;Beløb;Status",
            "K1;15-03-2024;100,00;Betalt",
            "K2;16-03-2024;200,00;Betalt",
        ],
    )
    # Another name, columns reordered, an extra column, rows swapped, K2 refunded since.
    april = write(
        tmp_path / "eksport (1).csv",
        [
            "Note;Beløb;Status;Ordredato;Kundenr",
            "ring;200,00;Refunderet;16-03-2024;K2",
            ";100,00;Betalt;15-03-2024;K1",
        ],
    )
    first, again = ids_by_customer(march), ids_by_customer(april)
    assert first == again
    assert first["K1"] != first["K2"]


def test_a_made_up_number_is_a_stable_digest_of_the_canonical_values(tmp_path: Path) -> None:
    """Worked out by hand: BLAKE2b (10 bytes) of the canonical values in their fixed
    order — customer, date to the second, amount in øre — so it is the same in every
    Polars version (and product or quantity columns do not change it)."""
    sheet = write(
        tmp_path / "salg.csv",
        ["Kundenr;Ordredato;Beløb;Vare;Antal", "K1;15-03-2024;1.234,50;Kaffe;2"],
    )
    canonical = "\x1f".join(
        [
            "customer=K1",
            "order_date=2024-03-15T00:00:00",
            "_line_amount=123450",
        ]
    )
    expected = "r" + blake2b(canonical.encode("utf-8"), digest_size=10).hexdigest()
    assert read_orders(sheet).frame[s.ORDER_ID].to_list() == [expected]


def test_alike_rows_are_separate_orders_and_a_later_export_of_them_adds_nothing(
    tmp_path: Path,
) -> None:
    """K1 bought the same thing twice on the 15th: two orders (300 kr., said in a
    note). Next month's export has both again plus a third alike row: one new order."""
    ws = tmp_path / "ws"
    row = "K1;15-03-2024;150,00"
    march = write(
        tmp_path / "marts.csv", ["Kundenr;Ordredato;Beløb", row, "K2;15-03-2024;150,00", row]
    )
    april = write(
        tmp_path / "april.csv", ["Beløb;Kundenr;Ordredato", *["150,00;K1;15-03-2024"] * 3]
    )
    read = read_orders(march)
    assert read.frame[s.ORDER_ID].n_unique() == 3
    assert any("1 rows repeat an earlier row" in n for n in map(str, read.detected.notes))
    assert kunde("ingest", march, "-w", ws).exit_code == 0
    result = kunde("ingest", april, "-w", ws, "--format", "json")
    assert result.exit_code == 0, result.stderr
    [summary] = ingest_json(result)
    assert (summary["rows_read"], summary["accepted"], summary["duplicates"]) == (3, 1, 2)
    lines = Workspace(ws).scan_orders().collect()
    k1 = lines.filter(pl.col(s.CUSTOMER_ID) == "K1")
    assert (k1.height, k1[s.ORDER_ID].n_unique(), k1[s.AMOUNT].sum()) == (3, 3, 450.0)
