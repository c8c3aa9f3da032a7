"""Reading real-looking order exports end to end (file → canonical frame + rejects)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from kunde_cli import schema as s
from kunde_cli.errors import ConfigError, InputError, MissingColumnsError
from kunde_cli.ingest import ReadOptions, read_orders

DANISH_HEADER = "Ordrenummer;Ordredato;Kundenummer;Navn;E-mail;Vare;Antal;Beløb;By;Status"
DANISH_ROWS = [
    "1001;05-03-2024 14:22;K1;Søren Ærø;soren@example.dk;Økologisk kaffe;2;1.234,50;Århus;Betalt",
    "1002;06-03-2024 09:10;K2;Åse Øberg;ase@example.dk;Strikket hue;1;kr. 299,00;Odense;Betalt",
    "1003;07-03-2024 18:00;K1;Søren Ærø;soren@example.dk;Te;1;299 kr;Århus;Annulleret",
]


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def danish(delimiter: str = ";") -> str:
    return "\n".join(line.replace(";", delimiter) for line in [DANISH_HEADER, *DANISH_ROWS]) + "\n"


def check_danish(result) -> None:
    frame = result.frame
    assert result.rows_read == 3
    assert result.accepted == 3 and result.rejects.height == 0
    assert frame.schema == pl.Schema(s.ORDERS)
    assert frame[s.AMOUNT].to_list() == [1234.5, 299.0, 299.0]
    assert frame[s.NAME].to_list()[:2] == ["Søren Ærø", "Åse Øberg"]
    assert frame[s.CITY].to_list()[0] == "Århus"
    assert frame[s.ORDER_DATE].to_list()[0] == datetime(2024, 3, 5, 14, 22)
    assert frame[s.STATUS].to_list() == ["betalt", "betalt", "annulleret"]
    assert frame[s.SOURCE_ROW].to_list() == [2, 3, 4]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_encodings_keep_danish_letters(tmp_path, encoding):
    path = write(tmp_path, "ordrer.csv", danish(), encoding)
    result = read_orders(path)
    check_danish(result)
    assert result.detected.encoding in {encoding, "cp1252", "utf-16"}


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_delimiters(tmp_path, delimiter):
    text = danish(delimiter)
    if delimiter == ",":  # amounts with a comma must be quoted in a comma file
        text = text.replace("1.234,50", '"1.234,50"').replace("kr. 299,00", '"kr. 299,00"')
    path = write(tmp_path, "ordrer.txt", text)
    result = read_orders(path)
    check_danish(result)
    assert result.detected.delimiter == delimiter


def test_crlf_and_cr_only_line_endings(tmp_path):
    check_danish(read_orders(write(tmp_path, "crlf.csv", danish().replace("\n", "\r\n"))))
    check_danish(read_orders(write(tmp_path, "cr.csv", danish().replace("\n", "\r"))))


def test_quoted_field_with_embedded_newline(tmp_path):
    text = (
        danish()
        + '1004;08-03-2024;K3;"Bo\nBoesen";bo@example.dk;"Kaffe\nmed ""mælk""";1;45,50;Vejle;Betalt\n'
    )
    result = read_orders(write(tmp_path, "nl.csv", text))
    assert result.accepted == 4
    last = result.frame.row(3, named=True)
    assert last[s.PRODUCT] == 'Kaffe\nmed "mælk"'
    assert last[s.SOURCE_ROW] == 5


def test_title_rows_above_the_header_are_skipped(tmp_path):
    text = "Ordreeksport fra Webshop\n\n" + danish()
    result = read_orders(write(tmp_path, "titel.csv", text))
    assert result.accepted == 3
    assert result.frame[s.SOURCE_ROW].to_list() == [4, 5, 6]


def test_rejects_name_row_column_and_reason(tmp_path):
    text = (
        danish()
        + "\n".join(
            [
                "1004;;K3;Bo;bo@example.dk;Te;1;45,00;Vejle;Betalt",
                "1005;31-02-2024;K3;Bo;bo@example.dk;Te;1;45,00;Vejle;Betalt",
                "1006;08-03-2024;K3;Bo;bo@example.dk;Te;1;ukendt;Vejle;Betalt",
                "1007;08-03-2024;;;;Te;1;45,00;Vejle;Betalt",
                "1008;01-01-1900;K3;Bo;bo@example.dk;Te;1;45,00;Vejle;Betalt",
            ]
        )
        + "\n"
    )
    result = read_orders(write(tmp_path, "bad.csv", text))
    assert result.rows_read == result.accepted + result.rejects.height == 8
    rej = result.rejects.select(
        s.REJECT_ROW, s.REJECT_COLUMN, s.REJECT_VALUE, s.REJECT_REASON
    ).rows()
    assert rej == [
        (5, "Ordredato", None, "no_date"),
        (6, "Ordredato", "31-02-2024", "not_a_date"),
        (7, "Beløb", "ukendt", "not_an_amount"),
        (9, "Ordredato", "01-01-1900", "date_out_of_range"),
    ]
    assert set(result.rejects[s.REJECT_FILE]) == {str(tmp_path / "bad.csv")}
    # A line without id, e-mail or phone is a sale all the same: kept, without a customer.
    anonymous = result.frame.filter(pl.col(s.SOURCE_ROW) == 8)
    assert anonymous[s.CUSTOMER_ID].to_list() == [None]
    assert anonymous[s.AMOUNT].to_list() == [45.0]
    assert any(
        "1 lines have no customer id, e-mail or phone" in n for n in map(str, result.detected.notes)
    )


def test_english_export_with_month_first_dates(tmp_path):
    text = (
        "Order ID,Date,Customer ID,Email,Total,Status\n"
        '1,03/25/2024,C1,a@x.com,"1,234.50",completed\n'
        "2,04/02/2024,C2,b@x.com,99.95,refunded\n"
    )
    result = read_orders(write(tmp_path, "en.csv", text))
    assert result.frame[s.AMOUNT].to_list() == [1234.5, 99.95]
    assert result.frame[s.ORDER_DATE].to_list() == [datetime(2024, 3, 25), datetime(2024, 4, 2)]
    assert result.frame[s.STATUS].to_list() == ["completed", "refunded"]


def test_ambiguous_dates_are_read_day_first_and_reported(tmp_path):
    text = "Ordre;Dato;Kunde;Beløb\n1;03/05/2024;K1;10\n2;04/06/2024;K2;20\n"
    result = read_orders(write(tmp_path, "amb.csv", text))
    assert result.frame[s.ORDER_DATE].to_list() == [datetime(2024, 5, 3), datetime(2024, 6, 4)]
    assert any("day-first and month-first" in n for n in map(str, result.detected.notes))
    flipped = read_orders(write(tmp_path, "amb2.csv", text), ReadOptions(dayfirst=False))
    assert flipped.frame[s.ORDER_DATE].to_list() == [datetime(2024, 3, 5), datetime(2024, 4, 6)]


def test_customer_id_falls_back_to_lowercased_email(tmp_path):
    text = "Dato;E-mail;Beløb\n05-03-2024; Anne@Example.DK ;100\n06-03-2024;anne@example.dk;50\n"
    result = read_orders(write(tmp_path, "mail.csv", text))
    assert result.frame[s.CUSTOMER_ID].to_list() == ["anne@example.dk", "anne@example.dk"]
    # No order id column: stable synthetic ids, one per row.
    ids = result.frame[s.ORDER_ID].to_list()
    assert len(set(ids)) == 2
    again = read_orders(write(tmp_path, "mail2.csv", text))
    assert again.frame[s.ORDER_ID].to_list() == ids


def test_map_overrides_the_synonyms(tmp_path):
    text = "Ordre;Dato;Kunde;Beløb;Total inkl. moms\n1;05-03-2024;K1;10;125\n"
    default = read_orders(write(tmp_path, "m.csv", text))
    assert default.frame[s.AMOUNT].to_list() == [10.0]
    mapped = read_orders(tmp_path / "m.csv", ReadOptions(mapping={"amount": "Total inkl. moms"}))
    assert mapped.frame[s.AMOUNT].to_list() == [125.0]
    danish_field = read_orders(
        tmp_path / "m.csv", ReadOptions(mapping={"beløb": "Total inkl. moms"})
    )
    assert danish_field.frame[s.AMOUNT].to_list() == [125.0]
    with pytest.raises(ConfigError, match="no column called 'Pris'"):
        read_orders(tmp_path / "m.csv", ReadOptions(mapping={"amount": "Pris"}))
    with pytest.raises(ConfigError, match="unknown field 'belobet'"):
        read_orders(tmp_path / "m.csv", ReadOptions(mapping={"belobet": "Total inkl. moms"}))


SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,"
    "Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,"
    "Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,"
    "Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,"
    "Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,"
    "Billing Province,Billing Country,Billing Phone,Notes,Cancelled at,Payment Method,"
    "Refunded Amount,Vendor,Id,Tags,Source,Lineitem discount"
)


def shopify_row(**kw: str) -> str:
    cols = SHOPIFY_HEADER.split(",")
    return ",".join(kw.get(c.replace(" ", "_").lower(), "") for c in cols)


def test_shopify_line_items_give_correct_order_totals_and_dates(tmp_path):
    rows = [
        # Order #1001: two lines (2 × 100 + 1 × 50) + 39 shipping = 289
        shopify_row(name="#1001", email="Mette@Example.dk", financial_status="paid",
                    paid_at="2024-03-05 14:25:00 +0100", accepts_marketing="yes", currency="DKK",
                    subtotal="250.00", shipping="39.00", total="289.00",
                    created_at="2024-03-05 14:22:01 +0100", lineitem_quantity="2",
                    lineitem_name="Økologisk kaffe", lineitem_price="100.00",
                    billing_name="Mette Hansen", billing_city="Aarhus C", billing_zip="8000",
                    billing_country="DK", billing_phone="+45 12 34 56 78", source="web",
                    lineitem_discount="0.00"),
        shopify_row(name="#1001", lineitem_quantity="1", lineitem_name="Strikket hue",
                    lineitem_price="50.00", lineitem_discount="0.00"),
        # Order #1002: partially refunded, 1 line of 300, 100 refunded.
        shopify_row(name="#1002", email="ole@example.dk", financial_status="partially_refunded",
                    total="300.00", created_at="2024-03-06 23:30:00 +0100",
                    lineitem_quantity="1", lineitem_name="Sweater", lineitem_price="300.00",
                    refunded_amount="100.00", billing_name="Ole Olsen", lineitem_discount="0.00"),
        # Order #1003: cancelled.
        shopify_row(name="#1003", email="ole@example.dk", financial_status="voided",
                    total="80.00", created_at="2024-03-07 10:00:00 +0100",
                    cancelled_at="2024-03-07 11:00:00 +0100", lineitem_quantity="1",
                    lineitem_name="Te", lineitem_price="80.00", lineitem_discount="0.00"),
    ]  # fmt: skip
    path = write(tmp_path, "orders_export_1.csv", SHOPIFY_HEADER + "\n" + "\n".join(rows) + "\n")
    result = read_orders(path)
    assert result.detected.preset == "shopify"
    assert result.rejects.height == 0
    frame = result.frame
    totals = frame.group_by(s.ORDER_ID).agg(pl.col(s.AMOUNT).sum()).sort(s.ORDER_ID).rows()
    assert totals == [("#1001", 289.0), ("#1002", 200.0), ("#1003", 80.0)]
    first = frame.filter(pl.col(s.ORDER_ID) == "#1001")
    assert first[s.ORDER_DATE].to_list() == [datetime(2024, 3, 5, 14, 22, 1)] * 2
    assert first[s.EMAIL].to_list() == ["mette@example.dk"] * 2
    assert first[s.CUSTOMER_ID].to_list() == ["mette@example.dk"] * 2
    assert first[s.PHONE].to_list() == ["+4512345678"] * 2
    assert first[s.PRODUCT].to_list() == ["Økologisk kaffe", "Strikket hue"]
    assert first[s.MARKETING_CONSENT].to_list() == [True, True]
    # Late evening +0100 stays on the shop's local day.
    assert frame.filter(pl.col(s.ORDER_ID) == "#1002")[s.ORDER_DATE].item() == datetime(
        2024, 3, 6, 23, 30
    )
    statuses = dict(frame.select(s.ORDER_ID, s.STATUS).unique().rows())
    # Cancelled at with financial status voided: the word stays, its class is cancelled.
    assert statuses == {"#1001": "paid", "#1002": "partially_refunded", "#1003": "voided"}


WOO_HEADER = (
    "Order Number,Order Status,Order Date,Customer Note,First Name (Billing),Last Name (Billing),"
    "Company (Billing),Address 1&2 (Billing),City (Billing),State Code (Billing),Postcode (Billing),"
    "Country Code (Billing),Email (Billing),Phone (Billing),Payment Method Title,Cart Discount Amount,"
    "Order Subtotal Amount,Shipping Method Title,Order Shipping Amount,Order Refund Amount,"
    "Order Total Amount,Order Total Tax Amount,SKU,Item #,Item Name,Quantity (- Refund),Item Cost,"
    "Coupon Code,Discount Amount,Discount Amount Tax"
)


def test_woocommerce_export(tmp_path):
    def row(**kw: str) -> str:
        return ",".join(kw.get(c, "") for c in WOO_HEADER.split(","))

    rows = [
        row(**{"Order Number": "501", "Order Status": "Completed", "Order Date": "2024-03-05 10:00",
               "First Name (Billing)": "Jens", "Last Name (Billing)": "Jørgensen",
               "City (Billing)": "Vejle", "Postcode (Billing)": "7100", "Country Code (Billing)": "DK",
               "Email (Billing)": "jens@example.dk", "Phone (Billing)": "20304050",
               "Order Total Amount": "449.00", "Item #": "1", "Item Name": "Kaffe",
               "Quantity (- Refund)": "2", "Item Cost": "150.00"}),
        row(**{"Order Number": "501", "Order Status": "Completed", "Order Date": "2024-03-05 10:00",
               "First Name (Billing)": "Jens", "Last Name (Billing)": "Jørgensen",
               "Email (Billing)": "jens@example.dk", "Order Total Amount": "449.00", "Item #": "2",
               "Item Name": "Kop", "Quantity (- Refund)": "1", "Item Cost": "100.00"}),
    ]  # fmt: skip
    result = read_orders(write(tmp_path, "woo.csv", WOO_HEADER + "\n" + "\n".join(rows) + "\n"))
    assert result.detected.preset == "woocommerce"
    frame = result.frame
    assert frame[s.AMOUNT].sum() == pytest.approx(449.0)  # 300 + 100 + 49 shipping
    assert frame[s.NAME].to_list() == ["Jens Jørgensen"] * 2
    assert frame[s.PHONE].to_list()[0] == "+4520304050"
    assert frame[s.LINE_NO].to_list() == [1, 2]


def test_excel_with_title_row_and_sheet_choice(tmp_path):
    import xlsxwriter

    path = tmp_path / "ordrer.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Tom")
    ws = wb.add_worksheet("Ordrer")
    ws.write(0, 0, "Ordrer 2024")
    ws.write_row(2, 0, ["Ordrenummer", "Ordredato", "Kundenummer", "Beløb", "Navn"])
    date_fmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_number(3, 0, 1001)
    ws.write_datetime(3, 1, datetime(2024, 3, 5), date_fmt)
    ws.write_string(3, 2, "K1")
    ws.write_number(3, 3, 1234.5)
    ws.write_string(3, 4, "Søren")
    ws.write_number(4, 0, 1002)
    ws.write_datetime(4, 1, datetime(2024, 3, 6), date_fmt)
    ws.write_string(4, 2, "K2")
    ws.write_string(4, 3, "99,95")
    ws.write_string(4, 4, "Åse")
    ws2 = wb.add_worksheet("Andet")
    ws2.write_row(0, 0, ["Dato", "Kunde", "Beløb"])
    ws2.write_row(1, 0, ["01-02-2024", "K9", "10"])
    wb.close()
    result = read_orders(path)
    assert result.detected.sheet == "Ordrer"
    assert result.frame[s.ORDER_ID].to_list() == ["1001", "1002"]
    assert result.frame[s.AMOUNT].to_list() == [1234.5, 99.95]
    assert result.frame[s.ORDER_DATE].to_list() == [datetime(2024, 3, 5), datetime(2024, 3, 6)]
    assert result.frame[s.SOURCE_ROW].to_list() == [4, 5]
    other = read_orders(path, ReadOptions(sheet="Andet"))
    assert other.frame[s.CUSTOMER_ID].to_list() == ["K9"]
    by_number = read_orders(path, ReadOptions(sheet="3"))
    assert by_number.frame[s.CUSTOMER_ID].to_list() == ["K9"]
    with pytest.raises(InputError, match="no sheet called 'Salg'"):
        read_orders(path, ReadOptions(sheet="Salg"))


def test_xlsx_that_is_really_a_csv(tmp_path):
    result = read_orders(write(tmp_path, "ordrer.xlsx", danish()))
    check_danish(result)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"\x00\x01\x02\x03binary\x00\x00" * 50, "binary data"),
        (b"PK\x03\x04" + b"\x00" * 100, "damaged"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not a table"),
    ],
)
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "ordrer.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        read_orders(path)
    assert str(path) in err.value.one_line()


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_orders(tmp_path / "findes-ikke.csv")


def test_no_date_or_customer_column(tmp_path):
    path = write(tmp_path, "x.csv", "Navn;By\nAnne;Vejle\nBo;Odense\n")
    with pytest.raises(MissingColumnsError) as err:
        read_orders(path)
    # An amount is not required: a purchase log of customer and date is enough.
    assert err.value.missing == ["order_date", "customer_id (or email or phone)"]
    hint = err.value.hint_in() or ""
    assert "Navn, By" in hint
    # The hint lists every field --map knows.
    for name in ("order_id", "amount", "unit_price", "currency", "reference", "status"):
        assert name in hint


def test_header_only(tmp_path):
    result = read_orders(write(tmp_path, "h.csv", DANISH_HEADER + "\n"))
    assert result.rows_read == 0 and result.accepted == 0


def test_ragged_rows_are_rejected_not_lost(tmp_path):
    text = danish() + "1009;08-03-2024;K3;Bo;bo@x.dk;Te;1;45,00;Vejle;Betalt;ekstra;felt\n"
    result = read_orders(write(tmp_path, "ragged.csv", text))
    assert result.rows_read == 4
    assert result.accepted == 3
    assert result.rejects.select(s.REJECT_ROW, s.REJECT_REASON).rows() == [(5, "extra_fields")]
