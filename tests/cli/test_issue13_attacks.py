"""Review attacks on issue 13's counting rules: small real-looking exports whose expected
numbers are worked out by hand from /work/counting-rules.md and README "What counts".

Each test is a bug found in review (it fails until fixed)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from kunde_cli.cli.main import app

runner = CliRunner()
LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _counted(path: Path) -> dict:
    result = runner.invoke(app, ["inspect", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)[0]["counted"]


def _per_customer(path: Path, as_of: str) -> dict[str, tuple[int, float]]:
    """customer id → (frequency, monetary) from ``kunde segment --by customer -f csv``."""
    result = runner.invoke(
        app, ["segment", str(path), "--by", "customer", "--format", "csv", "--as-of", as_of]
    )
    assert result.exit_code == 0, result.output
    rows = csv.DictReader(io.StringIO(result.stdout))
    return {r["customer_id"]: (int(r["frequency"]), float(r["monetary"])) for r in rows}


def test_order_total_repeated_on_each_line_is_not_summed_per_line(tmp_path: Path) -> None:
    # A line-item export with a unit "Price", a "Quantity" and the order's total repeated
    # on every line of the order. Rule: an ambiguous Price is decided from the data
    # ("does price × quantity add up to an order-total column").
    #   order 1 (A): 2 × 50 + 1 × 30 = 130 = its Order Total
    #   order 2 (B): 3 × 50 = 150
    #   order 3 (C): 1 × 30 = 30
    # Revenue 130 + 150 + 30 = 310. Summing "Order Total" per line gives 130 twice for A
    # (A = 260, revenue 440): the bug.
    path = _write(
        tmp_path,
        "items.csv",
        "Order,Customer ID,Date,Product,Quantity,Price,Order Total\n"
        "1,A,2024-01-05,Kaffe,2,50.00,130.00\n"
        "1,A,2024-01-05,Te,1,30.00,130.00\n"
        "2,B,2024-01-06,Kaffe,3,50.00,150.00\n"
        "3,C,2024-01-07,Te,1,30.00,30.00\n",
    )
    counted = _counted(path)
    assert (counted["purchases"], counted["revenue"]) == (3, 310.0)
    assert _per_customer(path, "2024-01-31") == {"A": (1, 130.0), "B": (1, 150.0), "C": (1, 30.0)}


def test_danish_pris_with_ordretotal_is_not_summed_per_line(tmp_path: Path) -> None:
    # Same, Danish: Pris per unit (Kaffe costs 50 at quantity 2 and 3), Ordretotal per
    # order repeated on its lines. A: 2 × 50 + 1 × 30 = 130; B: 3 × 50 = 150; revenue 280.
    path = _write(
        tmp_path,
        "ordrer.csv",
        "Ordrenr;Kundenr;Dato;Vare;Antal;Pris;Ordretotal\n"
        "1;A;05-01-2024;Kaffe;2;50,00;130,00\n"
        "1;A;05-01-2024;Te;1;30,00;130,00\n"
        "2;B;06-01-2024;Kaffe;3;50,00;150,00\n",
    )
    assert _counted(path)["revenue"] == 280.0
    assert _per_customer(path, "2024-01-31") == {"A": (1, 130.0), "B": (1, 150.0)}


def test_a_reference_column_on_ordinary_invoices_does_not_merge_them(tmp_path: Path) -> None:
    # Danish invoice systems write "Reference" = the customer's contact person or PO on
    # every invoice. Rule: an order = all lines with the same order id; a reference only
    # ties a credit note to the order it credits. No line here is negative, so each
    # invoice is its own purchase: A 3 purchases for 500 + 300 + 200 = 1000, B 1 for 100.
    path = _write(
        tmp_path,
        "fakturaer.csv",
        "Fakturanr;Kundenr;Dato;Beløb;Reference\n"
        "1001;A;01-03-2024;500,00;Jens Hansen\n"
        "1002;A;05-03-2024;300,00;Jens Hansen\n"
        "1003;A;09-03-2024;200,00;Jens Hansen\n"
        "1004;B;09-03-2024;100,00;PO-778\n",
    )
    counted = _counted(path)
    assert (counted["orders"], counted["purchases"], counted["revenue"]) == (4, 4, 1100.0)
    assert _per_customer(path, "2024-03-31") == {"A": (3, 1000.0), "B": (1, 100.0)}


def test_a_positive_credit_note_that_references_an_order_takes_money_back(
    tmp_path: Path,
) -> None:
    # A "Kreditnota" booked with a positive amount (60) that names order 1002 (B, 300).
    # Rule: a credit note is never a purchase and its amount is deducted (the code
    # itself says "a credit note booked with a positive amount still takes money back",
    # and does so when it names no order). B: 300 − 60 = 240; A: 500; revenue 740.
    # Got: B 360 and revenue 860 — the credit note adds money.
    path = _write(
        tmp_path,
        "kredit.csv",
        "Fakturanr;Kundenr;Dato;Beløb;Status;Krediterer\n"
        "1001;A;01-03-2024;500,00;Faktureret;\n"
        "1002;B;02-03-2024;300,00;Faktureret;\n"
        "1006;B;08-03-2024;60,00;Kreditnota;1002\n",
    )
    assert _counted(path)["revenue"] == 740.0
    assert _per_customer(path, "2024-03-31") == {"A": (1, 500.0), "B": (1, 240.0)}


def test_a_credit_note_without_customer_is_netted_against_the_order_it_names(
    tmp_path: Path,
) -> None:
    # The credit note names order 1001 (customer A) but carries no customer number.
    # Rule: netted against the order it references. A: 500 − 100 = 400; B: 300; the
    # shop's revenue 700 then equals the sum over customers. Got: A 500 (the credit
    # note is an anonymous document, so per-customer revenue adds to 800, not 700).
    path = _write(
        tmp_path,
        "kredit.csv",
        "Fakturanr;Kundenr;Dato;Beløb;Status;Krediterer\n"
        "1001;A;01-03-2024;500,00;Faktureret;\n"
        "1002;B;02-03-2024;300,00;Faktureret;\n"
        "1003;;05-03-2024;-100,00;Kreditnota;1001\n",
    )
    assert _counted(path)["revenue"] == 700.0
    assert _per_customer(path, "2024-03-31") == {"A": (1, 400.0), "B": (1, 300.0)}


def test_inspect_does_not_show_dollars_as_kroner() -> None:
    # shopify_refunds_usd.csv is all USD. Rule: outputs are labelled in the data's
    # currency; the issue: "never shows foreign money as kr.". `kunde inspect` prints the
    # status table and the counted sentence with "kr." (181,91 kr. …, 230,62 kr.).
    result = runner.invoke(
        app, ["inspect", str(LAYOUTS / "shopify_refunds_usd.csv"), "--format", "table"]
    )
    assert result.exit_code == 0, result.output
    tail = result.output.split("Ordrestatus", 1)[-1]
    assert "kr." not in tail
    assert "$" in tail


def test_inspect_never_adds_two_currencies(tmp_path: Path) -> None:
    # Shopify, currency on the first line of each order only. EUR: #1 = 2 × 10 + 30 = 50
    # (+5 shipping: Total 55); USD: #4 = 100. Rule (README): "Two currencies are never
    # added". Got: "4 køb for 180,00 kr." (55 € + 25 € + 100 $ as kroner).
    path = _write(
        tmp_path,
        "shopify.csv",
        "Name,Email,Financial Status,Paid at,Currency,Subtotal,Shipping,Total,"
        "Lineitem quantity,Lineitem name,Lineitem price,Cancelled at,Refunded Amount,Created at\n"
        "#1,a@x.com,paid,2024-05-01 10:00:00 +0200,EUR,50.00,5.00,55.00,2,Mug,10.00,,0.00,"
        "2024-05-01 10:00:00 +0200\n"
        "#1,a@x.com,,,,,,,1,Pot,30.00,,,2024-05-01 10:00:00 +0200\n"
        "#4,b@x.com,paid,2024-05-05 10:00:00 +0200,USD,100.00,0.00,100.00,1,Big,100.00,,0.00,"
        "2024-05-05 10:00:00 +0200\n",
    )
    result = runner.invoke(app, ["inspect", str(path), "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "155,00" not in result.output  # 55 € + 100 $ on one row
    assert "kr." not in result.output.split("Ordrestatus", 1)[-1]
