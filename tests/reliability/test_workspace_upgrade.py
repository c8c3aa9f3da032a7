"""A workspace from an earlier release opens in this one (issue 15, point 7), and the
stored orders and customers tables always match the lines (point 1).

The old workspace is built here by hand, file by file, from the layout release aa9be0b
wrote (format 1: ``manifest.json`` with orders/survey/rejects parts, an identity name,
sources and erasures; order parts with that release's 19 columns, no currency,
reference or shop system). The first command that reads it upgrades it once, under the
lock, in one commit, and says so; the answers are those of the lines.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kunde_cli import schema as s
from kunde_cli.analytics.orders import OrderBasis
from kunde_cli.analytics.rfm import rfm_scores
from kunde_cli.analytics.tables import build_tables
from kunde_cli.store import Workspace
from reliability.conftest import kunde, no_traceback

#: The order columns of release aa9be0b's workspace format 1, in its order.
OLD_ORDER_SCHEMA: dict[str, pl.DataType] = {
    s.ORDER_ID: pl.String(),
    s.LINE_NO: pl.Int32(),
    s.CUSTOMER_ID: pl.String(),
    s.EMAIL: pl.String(),
    s.NAME: pl.String(),
    s.ORDER_DATE: pl.Datetime("us"),
    s.AMOUNT: pl.Float64(),
    s.QUANTITY: pl.Int64(),
    s.PRODUCT: pl.String(),
    s.CATEGORY: pl.String(),
    s.CHANNEL: pl.String(),
    s.PHONE: pl.String(),
    s.POSTCODE: pl.String(),
    s.CITY: pl.String(),
    s.COUNTRY: pl.String(),
    s.STATUS: pl.String(),
    s.MARKETING_CONSENT: pl.Boolean(),
    s.SOURCE_FILE: pl.String(),
    s.SOURCE_ROW: pl.Int64(),
}

PART = "orders/part-20261120T101500000000-a1b2c3.parquet"
IDENTITY = "identity-20261120T101500000000-d4e5f6.parquet"


def _old_lines() -> pl.DataFrame:
    """K1 buys twice (the second order refunded in part), K2 once, K3 only cancelled."""
    rows = [
        ("1001", 1, "K1", "anna@x.dk", "Anna", datetime(2026, 5, 2, 10), 500.0, "betalt"),
        ("1002", 1, "K1", "anna@x.dk", "Anna", datetime(2026, 8, 9, 12), 300.0, "betalt"),
        ("1002", 2, "K1", None, None, datetime(2026, 8, 20, 9), -100.0, "refunderet"),
        ("1003", 1, "K2", "bo@x.dk", "Bo", datetime(2026, 7, 1, 15), 250.0, "betalt"),
        ("1004", 1, "K3", "cai@x.dk", "Cai", datetime(2026, 9, 1, 8), 90.0, "annulleret"),
    ]
    frame = pl.DataFrame(
        {
            s.ORDER_ID: [r[0] for r in rows],
            s.LINE_NO: [r[1] for r in rows],
            s.CUSTOMER_ID: [r[2] for r in rows],
            s.EMAIL: [r[3] for r in rows],
            s.NAME: [r[4] for r in rows],
            s.ORDER_DATE: [r[5] for r in rows],
            s.AMOUNT: [r[6] for r in rows],
            s.STATUS: [r[7] for r in rows],
            s.SOURCE_FILE: ["ordrer.csv"] * len(rows),
            s.SOURCE_ROW: list(range(2, 2 + len(rows))),
        }
    )
    return frame.with_columns(
        pl.lit(None).alias(c) for c in OLD_ORDER_SCHEMA if c not in frame.columns
    ).select(pl.col(c).cast(t) for c, t in OLD_ORDER_SCHEMA.items())


def _old_workspace(folder: Path, version: int = 1) -> Path:
    folder.mkdir(mode=0o700)
    (folder / "orders").mkdir(mode=0o700)
    _old_lines().write_parquet(folder / PART, compression="zstd")
    # Who is who, as that release wrote it: one row per (id, e-mail, phone) seen.
    pl.DataFrame(
        {
            "customer_id": ["K1", "K2", "K3"],
            "email": ["anna@x.dk", "bo@x.dk", "cai@x.dk"],
            "phone": [None, None, None],
            "id_key": ["K1", "K2", "K3"],
            "email_key": ["anna@x.dk", "bo@x.dk", "cai@x.dk"],
            "phone_key": [None, None, None],
            "canonical_id": ["K1", "K2", "K3"],
        },
        schema={
            c: pl.String
            for c in (
                "customer_id",
                "email",
                "phone",
                "id_key",
                "email_key",
                "phone_key",
                "canonical_id",
            )
        },
    ).write_parquet(folder / IDENTITY, compression="zstd")
    manifest = {
        "kunde_workspace": version,
        "created_at": "2026-11-20T10:15:00+00:00",
        "updated_at": "2026-11-20T10:15:00+00:00",
        "orders": [
            {
                "file": PART,
                "rows": 5,
                "sha256": "ab" * 32,
                "written_at": "2026-11-20T10:15:00+00:00",
            }
        ],
        "survey": [],
        "rejects": [],
        "identity": IDENTITY,
        "rejects_csv_sha256": None,
        "sources": [
            {
                "kind": "orders",
                "path": "/home/butik/ordrer.csv",
                "name": "ordrer.csv",
                "sha256": "ab" * 32,
                "size": 812,
                "ingested_at": "2026-11-20T10:15:00+00:00",
                "rows_read": 5,
                "accepted": 5,
                "duplicates": 0,
                "rejected": 0,
                "changed": 0,
                "part": PART,
                "mapping": {},
                "detected": {"encoding": "utf-8", "delimiter": ";"},
                "times_seen": 1,
                "last_seen_at": None,
            }
        ],
        "erasures": [],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    return folder


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_an_old_workspace_is_upgraded_once_with_a_message(tmp_path: Path) -> None:
    ws = _old_workspace(tmp_path / "kunde-data")
    first = kunde("segment", "--by", "customer", "-w", ws, "--as-of", "2026-10-31")
    no_traceback(first.stdout, first.stderr)
    assert first.exit_code == 0, first.stderr
    assert "opdateret til kundes nye format" in first.stderr
    manifest = _manifest(ws)
    assert manifest["kunde_workspace"] == 2
    tables = manifest["tables"]
    assert (ws / tables["orders"]).is_file() and (ws / tables["customers"]).is_file()
    # The old release's part is untouched and still the only one.
    assert [entry["file"] for entry in manifest["orders"]] == [PART]
    # Once: the second run says nothing about it and reads the same answer.
    again = kunde("segment", "--by", "customer", "-w", ws, "--as-of", "2026-10-31")
    assert again.exit_code == 0 and "nye format" not in again.stderr
    assert again.stdout == first.stdout
    # K1: 2 purchases, 500 + (300 - 100) = 700; K2: 1 for 250; K3 has none counted.
    rows = {line.split(",")[0]: line.split(",") for line in first.stdout.splitlines()[1:]}
    assert set(rows) == {"K1", "K2"}


def test_the_upgraded_tables_give_the_lines_answers(tmp_path: Path) -> None:
    folder = _old_workspace(tmp_path / "kunde-data")
    ws = Workspace(folder, tables=build_tables)
    assert ws.read_tables() is None  # format 1: no tables yet
    assert ws.upgrade() == "format"
    assert ws.upgrade() is None  # once
    lines = ws.scan_orders().collect()
    tables = ws.read_tables()
    assert tables is not None
    customers = tables.customers.sort("customer_key")
    assert customers.select("customer_key", "customer_id", "name", "purchases").rows() == [
        (1, "K1", "Anna", 2),
        (2, "K2", "Bo", 1),
        (3, "K3", "Cai", 0),
    ]
    for day in (date(2026, 8, 10), date(2026, 8, 31), date(2026, 10, 31)):
        stored = OrderBasis.of(lines, as_of=day, tables=tables)
        plain = OrderBasis.of(lines, as_of=day)
        assert_frame_equal(
            rfm_scores(stored, as_of=day).collect(), rfm_scores(plain, as_of=day).collect()
        )
    # On 10 August order 1002 is 300 (its refund is on the 20th): the tables are cut.
    aug = OrderBasis.of(lines, as_of=date(2026, 8, 10), tables=tables)
    assert aug.customers.filter(pl.col("customer_id") == "K1").get_column("monetary").item() == (
        800.0
    )


def test_a_newer_format_is_refused_with_a_message(tmp_path: Path) -> None:
    ws = _old_workspace(tmp_path / "kunde-data", version=3)
    result = kunde("segment", "-w", ws)
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2
    assert "format 3" in result.stderr


def test_an_upgrade_killed_before_its_commit_leaves_the_old_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kunde_cli.store import commit

    folder = _old_workspace(tmp_path / "kunde-data")
    before = (folder / "manifest.json").read_bytes()

    def killed(self, target, write):
        if target.name == "manifest.json":
            raise KeyboardInterrupt
        return original(self, target, write)

    original = commit.WorkspaceCommit._write_bytes_atomic
    monkeypatch.setattr(commit.WorkspaceCommit, "_write_bytes_atomic", killed)
    with pytest.raises(KeyboardInterrupt):
        Workspace(folder, tables=build_tables).upgrade()
    monkeypatch.undo()
    # The manifest is the old one; the tables written before the kill are not listed.
    assert (folder / "manifest.json").read_bytes() == before
    assert Workspace(folder).read_tables() is None
    # The next run tidies them away and upgrades.
    result = kunde("segment", "-w", folder)
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (folder / "tables").iterdir())
    listed = {Path(_manifest(folder)["tables"][k]).name for k in ("orders", "customers")}
    assert set(names) == listed


def test_every_change_of_the_lines_rebuilds_the_tables_in_the_same_commit(
    tmp_path: Path,
) -> None:
    csv = tmp_path / "ordrer.csv"
    csv.write_text(
        "Ordrenummer;Ordredato;Kundenummer;Navn;E-mail;Beløb;Status\n"
        "1;02-05-2026;K1;Anna;anna@x.dk;500,00;Betalt\n"
        "2;09-08-2026;K2;Bo;bo@x.dk;300,00;Betalt\n",
        encoding="utf-8",
    )
    folder = tmp_path / "kunde-data"
    assert kunde("ingest", csv, "-w", folder).exit_code == 0
    first = _manifest(folder)["tables"]
    more = tmp_path / "ordrer2.csv"
    more.write_text(
        "Ordrenummer;Ordredato;Kundenummer;Navn;E-mail;Beløb;Status\n"
        "3;01-09-2026;K3;Cai;cai@x.dk;90,00;Betalt\n"
        "4;02-09-2026;K1;Anna Berg;anna@x.dk;120,00;Betalt\n",
        encoding="utf-8",
    )
    assert kunde("ingest", more, "-w", folder).exit_code == 0
    second = _manifest(folder)["tables"]
    assert second["orders"] != first["orders"]
    assert not (folder / first["orders"]).exists()  # the old tables went with the commit
    customers = Workspace(folder).read_tables().customers.sort("customer_key")
    # Keys kept; Anna's latest name; Cai new with the next key.
    assert customers.select("customer_key", "customer_id", "name").rows() == [
        (1, "K1", "Anna Berg"),
        (2, "K2", "Bo"),
        (3, "K3", "Cai"),
    ]
    # forget: the customer leaves the tables too, and no table file holds her e-mail.
    result = kunde("forget", "bo@x.dk", "-w", folder, "--yes")
    assert result.exit_code == 0, result.stderr
    tables = Workspace(folder).read_tables()
    assert "K2" not in tables.customers.get_column("customer_id").to_list()
    for path in (folder / "tables").iterdir():
        assert b"bo@x.dk" not in path.read_bytes()


def test_a_write_without_a_builder_leaves_no_stale_tables(tmp_path: Path) -> None:
    folder = _old_workspace(tmp_path / "kunde-data")
    Workspace(folder, tables=build_tables).upgrade()
    assert Workspace(folder).read_tables() is not None
    # Forget through a Workspace without a builder: the tables are dropped, not kept stale.
    Workspace(folder).forget("bo@x.dk")
    assert Workspace(folder).read_tables() is None
    assert _manifest(folder)["tables"] is None
    result = kunde("segment", "--by", "customer", "-w", folder, "--as-of", "2026-10-31")
    assert result.exit_code == 0
    assert Workspace(folder).read_tables() is not None
    assert "K2" not in result.stdout


def test_a_manifest_naming_a_part_as_a_table_never_deletes_it(tmp_path: Path) -> None:
    """A damaged (or hand-edited) manifest whose tables entry names the order part, or a
    file outside the workspace: the tables are built again, and nothing it names that
    is not kunde's own table file is deleted."""
    folder = _old_workspace(tmp_path / "kunde-data")
    Workspace(folder, tables=build_tables).upgrade()
    outside = tmp_path / "elsewhere.parquet"
    outside.write_bytes(b"not kunde's")
    manifest = _manifest(folder)
    manifest["tables"]["orders"] = PART
    manifest["tables"]["customers"] = "../elsewhere.parquet"
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    result = kunde("segment", "--by", "customer", "-w", folder, "--as-of", "2026-10-31")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    assert (folder / PART).is_file() and outside.read_bytes() == b"not kunde's"
    rebuilt = _manifest(folder)["tables"]
    assert rebuilt["orders"].startswith("tables/orders-")
    assert kunde("segment", "-w", folder).exit_code == 0
