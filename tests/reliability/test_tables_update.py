"""The stored tables updated after an append equal the tables built from every line.

A daily export into a workspace of millions of lines must not regroup every line: after
an append (order parts added, none rewritten, no stored customer merged into another) the
store updates the orders and customers tables from the touched orders and customers only
(:func:`kunde_cli.analytics.tables.update_tables`). These tests ingest exports one after
another, as a shop owner's cron job does, and after every ingest compare the stored
tables with :func:`build_tables` of all the stored lines (given the customers table the
ingest replaced, for the keys) — and check which way the store went, so a test cannot pass
by always building.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import kunde_cli.analytics.tables as tables_module
from kunde_cli.analytics.tables import build_tables, update_tables
from kunde_cli.store import Workspace
from kunde_cli.store import tables as stored_tables
from reliability.conftest import kunde, no_traceback

LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"
SHOP = "Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Telefon;Beløb;Status"
INVOICES = "Fakturanr.;Dato;Kundenr.;Navn;E-mail;Tekst;Krediterer;Valuta;Beløb;Status"


class Spy:
    """The workspace's table rules, counting which way each commit went."""

    def __init__(self) -> None:
        self.builds = 0
        self.updates = 0

    def build(self, lines: pl.LazyFrame, previous: pl.DataFrame | None) -> object:
        self.builds += 1
        return build_tables(lines, previous)

    def update(self, lines: pl.LazyFrame, previous: object, added: pl.LazyFrame) -> object:
        self.updates += 1
        return update_tables(lines, previous, added)  # type: ignore[arg-type]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    rules = Spy()
    monkeypatch.setattr(tables_module, "TABLE_RULES", rules)
    return rules


def _stored(ws: Path) -> stored_tables.StoredTables | None:
    workspace = Workspace(ws)
    return stored_tables.read(workspace, workspace._read_manifest())


def _ordered(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    return frame.sort([*keys], nulls_last=True, maintain_order=True)


def ingest_and_compare(ws: Path, path: Path, *args: str) -> None:
    """Ingest ``path``, then: the stored tables are those built from every line."""
    before = _stored(ws) if (ws / "manifest.json").exists() else None
    result = kunde("ingest", path, "-w", ws, *args)
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    workspace = Workspace(ws)
    manifest = workspace._read_manifest()
    stored = stored_tables.read(workspace, manifest)
    assert stored is not None, "the ingest left no usable tables"
    full = build_tables(
        stored_tables.resolved_lines(workspace, manifest),
        before.customers if before is not None else None,
    )
    order_keys = ("customer_key", "order_id", "customer_id", "order_date")
    assert_frame_equal(_ordered(stored.orders, *order_keys), _ordered(full.orders, *order_keys))
    assert_frame_equal(
        _ordered(stored.customers, "customer_key"), _ordered(full.customers, "customer_key")
    )


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_daily_exports_update_the_tables_and_equal_a_full_build(tmp_path: Path, spy: Spy) -> None:
    ws = tmp_path / "ws"
    monday = write(
        tmp_path / "mandag.csv",
        SHOP,
        [
            "1001;1;01-03-2026 10:00;K1;Anna Holm;anna@mail.dk;20304050;250,00;Betalt",
            "1001;2;01-03-2026 10:00;K1;Anna Holm;anna@mail.dk;20304050;50,00;Betalt",
            "1002;1;01-03-2026 11:00;K2;Bo Lund;bo@mail.dk;;120,00;Betalt",
            "1003;1;01-03-2026 12:00;;;;;80,00;Betalt",
        ],
    )
    tuesday = write(
        tmp_path / "tirsdag.csv",
        SHOP,
        [
            # Anna again, with a new phone (the latest contact wins), and a new customer.
            "1004;1;02-03-2026 09:30;K1;Anna Holm;anna@mail.dk;99887766;300,00;Betalt",
            "1005;1;02-03-2026 10:00;K3;Carl Dam;carl@mail.dk;;99,00;Afventer betaling",
            # A guest (no customer number) with Bo's e-mail: the same customer, no merge
            # of two stored customers.
            "1006;1;02-03-2026 11:00;;Bo Lund;BO@mail.dk;;45,00;Betalt",
        ],
    )
    wednesday = write(
        tmp_path / "onsdag.csv",
        SHOP,
        ["1007;1;03-03-2026 14:00;K4;Dorte Bak;dorte@mail.dk;;500,00;Refunderet"],
    )
    ingest_and_compare(ws, monday)
    assert (spy.builds, spy.updates) == (1, 0)  # nothing to update from
    ingest_and_compare(ws, tuesday)
    ingest_and_compare(ws, wednesday)
    assert (spy.builds, spy.updates) == (1, 2)
    customers = _stored(ws).customers  # type: ignore[union-attr]
    anna = customers.filter(pl.col("customer_id") == "K1").row(0, named=True)
    assert (anna["phone"], anna["purchases"]) == ("+4599887766", 2)
    assert customers.get_column("customer_key").to_list() == [1, 2, 3, 4]


def test_credit_notes_before_and_after_the_invoice_they_name(tmp_path: Path, spy: Spy) -> None:
    ws = tmp_path / "ws"
    april = write(
        tmp_path / "april.csv",
        INVOICES,
        [
            "10021;02-04-2026;1001;Café Bønnen ApS;info@cafebonnen.dk;Kaffe;;DKK;kr. 2.450,00;Betalt",
            # A credit note for an invoice this export does not hold (it comes in May).
            "90001;20-04-2026;1002;Lise Holm;lise@mail.dk;Retur;10099;DKK;kr. -100,00;Kreditnota",
        ],
    )
    may = write(
        tmp_path / "maj.csv",
        INVOICES,
        [
            "10099;01-04-2026;1002;Lise Holm;lise@mail.dk;Gavekurv;;DKK;kr. 599,00;Betalt",
            # Credits part of April's invoice of the café.
            "90002;05-05-2026;1001;Café Bønnen ApS;info@cafebonnen.dk;Retur;10021;DKK;kr. -450,00;Kreditnota",
            "10100;06-05-2026;1003;Nils Dam;nils@mail.dk;Kværn;;DKK;kr. 899,00;Betalt",
        ],
    )
    ingest_and_compare(ws, april)
    ingest_and_compare(ws, may)
    assert spy.updates == 1
    orders = _stored(ws).orders  # type: ignore[union-attr]
    net = dict(orders.select("order_id", "net_amount").iter_rows())
    assert net["10021"] == 2000.0  # 2,450 − 450 credited in May
    assert net["10099"] == 499.0  # 599 − 100 credited before the invoice came in
    assert "90001" not in net and "90002" not in net
    # The invoice's own line names its first product, not the credit note netted into it
    # (both are line 1: the same data must give the same table every time).
    first = dict(orders.select("order_id", "first_product").iter_rows())
    assert (first["10021"], first["10099"]) == ("Kaffe", "Gavekurv")


def test_a_line_that_joins_two_stored_customers_builds_the_tables_again(
    tmp_path: Path, spy: Spy
) -> None:
    ws = tmp_path / "ws"
    first = write(
        tmp_path / "a.csv",
        SHOP,
        [
            "1;1;01-03-2026 10:00;K1;Anna Holm;anna@mail.dk;;100,00;Betalt",
            "2;1;01-03-2026 11:00;K2;Anna Holm;;20304050;200,00;Betalt",
        ],
    )
    # One order with Anna's e-mail and phone: K1 and K2 are one person from now on.
    second = write(
        tmp_path / "b.csv",
        SHOP,
        ["3;1;02-03-2026 10:00;K1;Anna Holm;anna@mail.dk;20304050;300,00;Betalt"],
    )
    ingest_and_compare(ws, first)
    ingest_and_compare(ws, second)
    assert (spy.builds, spy.updates) == (2, 0)
    customers = _stored(ws).customers  # type: ignore[union-attr]
    assert customers.select("customer_id", "purchases").rows() == [("K1", 3)]


def test_a_second_shop_system_and_a_changed_order(tmp_path: Path, spy: Spy) -> None:
    ws = tmp_path / "ws"
    web = write(
        tmp_path / "web.csv",
        SHOP,
        [
            "17;1;01-03-2026 10:00;K1;Anna Holm;anna@mail.dk;;100,00;Betalt",
            "18;1;01-03-2026 11:00;K2;Bo Lund;bo@mail.dk;;200,00;Betalt",
        ],
    )
    till = write(
        tmp_path / "kasse.csv",
        SHOP,
        ["17;1;02-03-2026 10:00;K3;Carl Dam;carl@mail.dk;;300,00;Betalt"],
    )
    refunded = write(
        tmp_path / "web2.csv",
        SHOP,
        [
            "17;1;01-03-2026 10:00;K1;Anna Holm;anna@mail.dk;;100,00;Betalt",
            "18;1;01-03-2026 11:00;K2;Bo Lund;bo@mail.dk;;200,00;Refunderet",
        ],
    )
    ingest_and_compare(ws, web)
    ingest_and_compare(ws, till, "--source", "kasse")
    assert spy.updates == 1  # a new system's orders: an append
    ingest_and_compare(ws, refunded)
    assert (spy.builds, spy.updates) == (2, 1)  # order 18 replaced: built again
    ids = set(_stored(ws).orders.get_column("order_id").to_list())  # type: ignore[union-attr]
    assert ids == {"17", "18", "kasse:17"}


def _layout_rows(name: str) -> tuple[str, list[str]]:
    path = LAYOUTS / name
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    header, *rows = raw.decode("utf-8-sig").splitlines()
    return header, [row for row in rows if row.strip()]


@pytest.mark.parametrize(
    "name",
    [
        "woocommerce_guests.csv",
        "shopify_refunds_usd.csv",
        "faktura_kreditnota.csv",
        "online_retail_log.csv",
        "antal_pris.csv",
        "ordrer.csv.gz",
        "kobslog_uden_beloeb.csv",
    ],
)
def test_every_layout_split_into_exports_gives_the_full_build(
    tmp_path: Path, spy: Spy, name: str
) -> None:
    """Each export of the corpus cut into three consecutive exports (an order may be cut
    in two: the later export then changes it), ingested one after another."""
    header, rows = _layout_rows(name)
    ws = tmp_path / "ws"
    third = -(-len(rows) // 3)
    for number, start in enumerate(range(0, len(rows), third)):
        part = tmp_path / f"export{number}.csv"
        write(part, header, rows[start : start + third])
        ingest_and_compare(ws, part)
    assert spy.builds + spy.updates == len(range(0, len(rows), third))


def _two_days(tmp_path: Path) -> tuple[Path, Path, Path]:
    ws = tmp_path / "ws"
    monday = write(
        tmp_path / "mandag.csv",
        SHOP,
        [
            "1001;1;01-03-2026 10:00;K1;Anna Holm;anna@mail.dk;20304050;250,00;Betalt",
            "1002;1;01-03-2026 11:00;K2;Bo Lund;bo@mail.dk;;120,00;Betalt",
        ],
    )
    tuesday = write(
        tmp_path / "tirsdag.csv",
        SHOP,
        [
            "1003;1;02-03-2026 09:30;K1;Anna Holm;anna@mail.dk;99887766;300,00;Betalt",
            "1004;1;02-03-2026 10:00;K3;Carl Dam;carl@mail.dk;;99,00;Betalt",
        ],
    )
    return ws, monday, tuesday


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("parts", None),
        ("parts", 7),
        ("parts", [["orders/x.parquet"]]),
        ("sources", None),
        ("sources", "shop"),
        ("identity", 3),
        ("identity", "../../etc/identity-20260101T000000-abc.parquet"),
        ("version", 99),
    ],
)
def test_a_damaged_or_foreign_tables_entry_builds_them_instead_of_updating(
    tmp_path: Path, spy: Spy, field: str, value: object
) -> None:
    """What the manifest says the tables were made from is never trusted blindly: an
    entry that is damaged, or written by other table rules, makes the next ingest build
    the tables from the lines (never a traceback, never a wrong row)."""
    import json

    ws, monday, tuesday = _two_days(tmp_path)
    ingest_and_compare(ws, monday)
    manifest = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"][field] = value
    (ws / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    ingest_and_compare(ws, tuesday)
    assert (spy.builds, spy.updates) == (2, 0)


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("customers", lambda frame: frame.drop("aliases")),
        ("customers", lambda frame: frame.drop("city")),
        ("orders", lambda frame: frame.drop("first_product")),
        ("orders", lambda frame: frame.with_columns(pl.col("net_amount").cast(pl.String))),
    ],
)
def test_a_stored_table_made_otherwise_is_built_again_not_updated(
    tmp_path: Path, spy: Spy, kind: str, change: object
) -> None:
    """A table file that still reads but lacks a column (damaged, or written by another
    kunde) is built again from the lines at the next ingest."""
    import json

    ws, monday, tuesday = _two_days(tmp_path)
    ingest_and_compare(ws, monday)
    entry = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))["tables"]
    path = ws / entry[kind]
    change(pl.read_parquet(path)).write_parquet(path)  # type: ignore[operator]
    ingest_and_compare(ws, tuesday)
    assert (spy.builds, spy.updates) == (2, 1)  # the update refused the table: built


def test_an_orders_own_discount_line_can_be_its_first_product(tmp_path: Path) -> None:
    """Only credit lines of another document (a credit note naming the order) go after
    the order's own lines; an order's own discount line 1 is its first line."""
    shop = "Ordrenummer;Linje;Ordredato;Kundenummer;Vare;Beløb;Status"
    path = write(
        tmp_path / "ordrer.csv",
        shop,
        [
            "5001;1;01-03-2026 10:00;K1;Rabat;-10,00;Betalt",
            "5001;2;01-03-2026 10:00;K1;Kaffe;90,00;Betalt",
        ],
    )
    ingest_and_compare(tmp_path / "ws", path)
    orders = _stored(tmp_path / "ws").orders  # type: ignore[union-attr]
    assert orders.select("order_id", "first_product", "net_amount").rows() == [
        ("5001", "Rabat", 80.0)
    ]


def test_tables_made_by_older_rules_are_built_again_when_read(tmp_path: Path) -> None:
    """Tables written by other table rules (an older kunde: its version) hold other rows:
    an analysis builds them again from the lines before reading, and says so."""
    import json

    from kunde_cli.analytics.tables import TABLE_RULES

    ws, monday, _tuesday = _two_days(tmp_path)
    ingest_and_compare(ws, monday)
    manifest = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["version"] == TABLE_RULES.version
    manifest["tables"]["version"] = TABLE_RULES.version - 1
    (ws / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert not stored_tables.usable(Workspace(ws, tables=TABLE_RULES), manifest)
    done = kunde("segment", "-w", str(ws), "--lang", "en")
    assert done.exit_code == 0, done.output
    assert "made by an older kunde; they were built again" in done.stderr, done.stderr
    again = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))["tables"]
    assert again["version"] == TABLE_RULES.version
