"""The cost and discount-code columns (schema.COST, schema.DISCOUNT_CODE): how real
exports name them, costs parsed as amounts are ("kr.", decimal commas), a written cost
that is not one refused, a cost per unit times the quantity, coupon cells and codes
written on an order's first line only."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kunde_cli import schema as s
from kunde_cli.ingest import mapping as m
from kunde_cli.ingest import read_orders

LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Discount Code", s.DISCOUNT_CODE),
        ("Coupon Code", s.DISCOUNT_CODE),
        ("coupon_items", s.DISCOUNT_CODE),
        ("Kuponkode", s.DISCOUNT_CODE),
        ("Rabatkode", s.DISCOUNT_CODE),
        ("Kostpris", s.COST),
        ("Cost", s.COST),
        ("Cost price", s.COST),
        ("Cost of goods", s.COST),
        ("Indkøbspris", s.COST),
        ("COGS", s.COST),
        ("Line cost", s.COST),
        ("Cost per item", m.UNIT_COST),
        ("Kostpris pr. stk.", m.UNIT_COST),
        # WooCommerce's "Item Cost" is the item's price, not its cost.
        ("Item Cost", m.UNIT_PRICE),
    ],
)
def test_headers_name_the_fields(header: str, field: str) -> None:
    assert m.field_for_header(header) == field


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_danish_cost_with_kr_and_decimal_commas(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "ordrer.csv",
        [
            "Ordrenummer;Ordredato;Kundenummer;Antal;Beløb;Kostpris;Rabatkode;Status",
            "1;02-01-2024;K1;1;kr. 1.200,00;kr. 700,50;SOMMER10;Betalt",
            "2;05-02-2024;K1;2;300,00 kr.;;;Betalt",
            "3;10-02-2024;K2;1;250,00 kr.;-100,00 kr.;;Betalt",
            "4;12-02-2024;K2;1;99,95 kr.;ukendt;;Betalt",
        ],
    )
    result = read_orders(path)
    frame = result.frame.sort(s.ORDER_ID)
    assert frame[s.COST].to_list() == [700.5, None, -100.0, None]
    assert frame[s.DISCOUNT_CODE].to_list() == ["SOMMER10", None, None, None]
    # A cost that is written but is no cost: the sale counts (its amount is fine), its
    # cost is unknown, and a note names the row; nothing is refused.
    assert frame[s.AMOUNT].to_list()[3] == 99.95
    assert result.rejects.height == 0
    keys = [getattr(note, "key", None) for note in result.detected.notes]
    assert "profit_note_unread_cost" in keys
    unread = next(
        n for n in result.detected.notes if getattr(n, "key", None) == "profit_note_unread_cost"
    )
    assert "(row 5)" in unread.worded("en")
    assert "profit_note_cost_reading" in keys
    assert "profit_note_negative_cost" in keys


def test_cost_per_unit_times_quantity(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "orders.csv",
        [
            "Order ID,Date,Customer ID,Quantity,Amount,Cost per item",
            "1,2024-01-02,K1,3,90.00,12.50",
            "2,2024-01-05,K2,,40.00,10.00",
        ],
    )
    frame = read_orders(path).frame.sort(s.ORDER_ID)
    assert frame[s.COST].to_list() == [37.5, 10.0]


def test_no_cost_column_leaves_cost_null(tmp_path: Path) -> None:
    path = _write(tmp_path, "o.csv", ["Order ID,Date,Customer ID,Amount", "1,2024-01-02,K1,9.5"])
    result = read_orders(path)
    assert result.frame[s.COST].to_list() == [None]
    assert result.frame[s.DISCOUNT_CODE].to_list() == [None]
    assert not any(getattr(note, "key", "").startswith("profit_") for note in result.detected.notes)


def test_woocommerce_coupon_items_give_the_code(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "woo.csv",
        [
            "Order Number,Order Status,Order Date,Customer User ID,Email (Billing),"
            "Order Total Amount,Item #,Item Name,Quantity,Item Cost,coupon_items",
            "2001,completed,2024-03-02 10:15,12,a@example.dk,100.00,1,Kaffe,1,100.00,"
            "code:SOMMER10|amount:10.00",
            "2002,completed,2024-03-03 10:15,13,b@example.dk,50.00,1,Te,1,50.00,",
        ],
    )
    frame = read_orders(path).frame.sort(s.ORDER_ID)
    assert frame[s.DISCOUNT_CODE].to_list() == ["SOMMER10", None]


def test_shopify_discount_code_reaches_every_line_of_its_order(tmp_path: Path) -> None:
    # Shopify writes order fields (the discount code among them) on the first line only.
    path = _write(
        tmp_path,
        "orders_export.csv",
        [
            "Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,"
            "Lineitem price,Discount Code,Total",
            "#1001,a@example.com,paid,2024-05-01 10:00:00 +0200,1,Mug,20.00,WELCOME10,30.00",
            "#1001,,,,1,Tray,10.00,,",
            "#1002,b@example.com,paid,2024-05-02 10:00:00 +0200,1,Mug,20.00,,20.00",
        ],
    )
    frame = read_orders(path).frame.sort(s.ORDER_ID, s.LINE_NO)
    assert frame[s.DISCOUNT_CODE].to_list() == ["WELCOME10", "WELCOME10", None]
    layout = read_orders(LAYOUTS / "shopify_refunds_usd.csv").frame
    codes = layout.filter(pl.col(s.DISCOUNT_CODE).is_not_null())
    assert sorted(set(codes.select(s.ORDER_ID, s.DISCOUNT_CODE).rows())) == [
        ("#1006", "WELCOME10"),
        ("#1008", "FREESAMPLE"),
    ]
