"""The workspace: round trip, dedupe, rejects, atomic writes, lock, permissions, forget."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kunde_cli import schema as s
from kunde_cli import store
from kunde_cli.errors import WorkspaceError
from kunde_cli.identity import resolve_customers
from kunde_cli.store import (
    MANIFEST,
    REJECTS_CSV,
    AppendSummary,
    SourceInfo,
    Workspace,
    file_sha256,
)


def orders(
    n: int,
    *,
    start: int = 0,
    customer: str | None = None,
    file: str = "ordrer.csv",
    amount: float = 100.0,
) -> pl.DataFrame:
    """``n`` one-line orders O<start>..O<start+n-1>, each by customer C<i % 3>."""
    idx = list(range(start, start + n))
    return pl.DataFrame(
        {
            s.ORDER_ID: [f"O{i}" for i in idx],
            s.LINE_NO: [1] * n,
            s.CUSTOMER_ID: [customer or f"C{i % 3}" for i in idx],
            s.EMAIL: [f"c{i % 3}@shop.dk" for i in idx],
            s.NAME: [f"Kunde Nr{i % 3}" for i in idx],
            s.ORDER_DATE: [datetime(2024, 1, 1 + i % 28, 12) for i in idx],
            s.AMOUNT: [amount] * n,
            s.QUANTITY: [1] * n,
            s.PRODUCT: ["Kaffe"] * n,
            s.CATEGORY: ["Drikke"] * n,
            s.CHANNEL: ["web"] * n,
            s.PHONE: [f"+45200000{i % 3:02d}" for i in idx],
            s.POSTCODE: ["8000"] * n,
            s.CITY: ["Aarhus"] * n,
            s.COUNTRY: ["DK"] * n,
            s.STATUS: ["paid"] * n,
            s.MARKETING_CONSENT: [True] * n,
            s.CURRENCY: [None] * n,
            s.REFERENCE: [None] * n,
            s.DISCOUNT_CODE: [None] * n,
            s.COST: [None] * n,
            s.SOURCE: [None] * n,
            s.EXPORTED_AT: [None] * n,
            s.EXPORTED_THROUGH: [None] * n,
            s.SOURCE_FILE: [file] * n,
            s.SOURCE_ROW: [i + 2 for i in idx],
        },
        schema=s.ORDERS,
    )


def rejects(rows: list[tuple[int, str, str, str]], file: str = "ordrer.csv") -> pl.DataFrame:
    return pl.DataFrame(
        {
            s.REJECT_FILE: [file] * len(rows),
            s.REJECT_ROW: [r[0] for r in rows],
            s.REJECT_COLUMN: [r[1] for r in rows],
            s.REJECT_VALUE: [r[2] for r in rows],
            s.REJECT_REASON: [r[3] for r in rows],
        },
        schema=s.REJECTS,
    )


def survey(emails: list[str | None], ids: list[str | None] | None = None) -> pl.DataFrame:
    n = len(emails)
    return pl.DataFrame(
        {
            s.RESPONSE_ID: [f"R{i}" for i in range(n)],
            s.CUSTOMER_ID: ids or [None] * n,
            s.EMAIL: emails,
            s.NAME: ["Navn"] * n,
            s.RESPONDED_AT: [datetime(2024, 2, 1)] * n,
            s.SCORE: [9] * n,
            s.COMMENT: ["Fin service"] * n,
            s.ORDER_ID: [None] * n,
            s.SOURCE_FILE: ["nps.csv"] * n,
            s.SOURCE_ROW: list(range(2, n + 2)),
        },
        schema=s.SURVEY,
    )


def src(name: str, sha: str) -> SourceInfo:
    return SourceInfo(
        name, sha256=sha * 64, mapping={"amount": "Beløb"}, detected={"delimiter": ";"}
    )


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file in the workspace except the lock file, by relative path."""
    return {
        str(p.relative_to(path)): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def balanced(summary: AppendSummary) -> bool:
    return summary.rows_read == summary.accepted + summary.duplicates + summary.rejected


# --- round trip and dedupe -------------------------------------------------------------


def test_append_and_scan_round_trip(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "kunde-data")
    assert not ws.exists()
    frame = orders(6)
    summary = ws.append_orders(frame, s.empty_rejects(), source=src("ordrer.csv", "a"))
    assert (summary.rows_read, summary.accepted, summary.duplicates, summary.rejected) == (
        6,
        6,
        0,
        0,
    )
    assert summary.part is not None and summary.part.startswith("orders/part-")
    assert ws.exists()
    scanned = ws.scan_orders()
    assert scanned.collect_schema() == pl.Schema(s.ORDERS)
    # Each line is stored with the shop system it came from (default: "shop").
    assert_frame_equal(
        scanned.collect(),
        frame.with_columns(
            pl.lit("shop").alias(s.SOURCE),
            pl.lit(scanned.collect()[s.EXPORTED_AT][0]).alias(s.EXPORTED_AT),
            pl.lit(frame[s.ORDER_DATE].max()).alias(s.EXPORTED_THROUGH),
        ),
    )


def test_scan_needs_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace at") as err:
        Workspace(tmp_path / "nope").scan_orders()
    assert "kunde ingest" in (err.value.hint_in("en") or "")
    assert Workspace(tmp_path / "nope").read_rejects().height == 0


def test_missing_optional_columns_are_null(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    slim = orders(2).select(s.ORDER_ID, s.LINE_NO, s.CUSTOMER_ID, s.ORDER_DATE, s.AMOUNT)
    ws.append_orders(slim, s.empty_rejects(), source=src("slim.csv", "a"))
    out = ws.scan_orders().collect()
    assert out.schema == pl.Schema(s.ORDERS)
    assert out[s.CITY].null_count() == 2


def test_same_file_twice_is_all_duplicates(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    bad = rejects([(9, "amount", "abc", "unparsable amount")])
    first = ws.append_orders(orders(5), bad, source=src("ordrer.csv", "a"))
    before = ws.scan_orders().collect()
    second = ws.append_orders(orders(5), bad, source=src("ordrer.csv", "a"))
    assert (first.accepted, first.duplicates, first.rejected, first.rows_read) == (5, 0, 1, 6)
    assert (second.accepted, second.duplicates, second.rejected, second.rows_read) == (0, 5, 1, 6)
    assert second.already_ingested and second.part is None
    assert_frame_equal(ws.scan_orders().collect(), before)
    assert ws.read_rejects().height == 1  # the rejects were not stored twice
    assert ws.scan_orders().select(pl.col(s.AMOUNT).sum()).collect().item() == 500.0
    (entry,) = ws.manifest()["sources"]  # noted on the first entry, not a new one
    assert (entry["times_seen"], entry["accepted"]) == (2, 5)
    assert entry["last_seen_at"] is not None


def test_same_lines_in_a_new_file_are_duplicates(tmp_path: Path) -> None:
    # A re-export (other bytes, other hash) of the same orders adds nothing.
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(5), s.empty_rejects(), source=src("jan.csv", "a"))
    again = ws.append_orders(
        orders(5, file="jan2.csv"), s.empty_rejects(), source=src("jan2.csv", "b")
    )
    assert (again.accepted, again.duplicates, again.already_ingested) == (0, 5, False)
    assert ws.scan_orders().collect().height == 5


def test_overlapping_newer_export_appends_only_new_lines(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(10), s.empty_rejects(), source=src("jan.csv", "a"))
    # The newer export holds O5..O14: O5..O9 are stored already, O10..O14 are new.
    newer = orders(10, start=5, file="feb.csv")
    summary = ws.append_orders(newer, s.empty_rejects(), source=src("feb.csv", "b"))
    assert (summary.accepted, summary.duplicates, summary.changed) == (5, 5, 0)
    out = ws.scan_orders().collect()
    assert sorted(out[s.ORDER_ID].to_list()) == sorted(f"O{i}" for i in range(15))
    # The overlapping lines keep the version stored first.
    assert out.filter(pl.col(s.ORDER_ID) == "O7")[s.SOURCE_FILE].item() == "ordrer.csv"


def test_an_order_changed_since_the_last_export_is_updated(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(3), s.empty_rejects(), source=src("a.csv", "a"))
    refunded = orders(3).with_columns(
        pl.when(pl.col(s.ORDER_ID) == "O1")
        .then(pl.lit("refunded"))
        .otherwise(pl.col(s.STATUS))
        .alias(s.STATUS)
    )
    summary = ws.append_orders(refunded, s.empty_rejects(), source=src("b.csv", "b"))
    # O1 (same customer, same day) is refunded now: its new version replaces the old.
    assert (summary.accepted, summary.duplicates, summary.changed) == (1, 2, 1)
    assert summary.changed_by_status == {"refunded": 1}
    stored = ws.scan_orders().collect().sort(s.ORDER_ID)
    assert stored[s.STATUS].to_list() == ["paid", "refunded", "paid"]
    assert stored[s.SOURCE_FILE].to_list() == ["ordrer.csv"] * 3
    assert ws.manifest()["sources"][1]["changed_by_status"] == {"refunded": 1}


def test_duplicates_within_one_batch(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    frame = pl.concat([orders(4), orders(2)])  # O0, O1 twice
    summary = ws.append_orders(frame, s.empty_rejects(), source=src("a.csv", "a"))
    assert (summary.rows_read, summary.accepted, summary.duplicates) == (6, 4, 2)
    assert ws.scan_orders().collect().height == 4


def test_lines_of_one_order_are_distinct(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    frame = pl.concat(
        [orders(1), orders(1).with_columns(pl.lit(2, dtype=pl.Int32).alias(s.LINE_NO))]
    )
    summary = ws.append_orders(frame, s.empty_rejects(), source=src("a.csv", "a"))
    assert (summary.accepted, summary.duplicates) == (2, 0)


def test_counts_add_up_with_several_problems_in_one_row(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    # Row 7 has two bad cells (two reject entries), row 8 one: 2 rejected rows.
    bad = rejects(
        [
            (7, "amount", "abc", "unparsable amount"),
            (7, "order_date", "31-02-2024", "no such date"),
            (8, "customer_id", "", "no customer"),
        ]
    )
    frame = pl.concat([orders(4), orders(1)])
    summary = ws.append_orders(frame, bad, source=src("a.csv", "a"))
    assert (summary.rows_read, summary.accepted, summary.duplicates, summary.rejected) == (
        7,
        4,
        1,
        2,
    )
    assert balanced(summary)
    entry = ws.manifest()["sources"][0]
    assert entry["rows_read"] == entry["accepted"] + entry["duplicates"] + entry["rejected"] == 7


def test_manifest_records_each_source(tmp_path: Path) -> None:
    export = tmp_path / "ordrer.csv"
    export.write_text("Ordrenummer;Beløb\n1;10\n", encoding="utf-8")
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(
        orders(2),
        rejects([(3, "amount", "x", "bad")]),
        source=SourceInfo(
            export, mapping={"amount": "Beløb"}, detected={"encoding": "utf-8", "delimiter": ";"}
        ),
    )
    manifest = json.loads((tmp_path / "ws" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest == ws.manifest()
    (entry,) = manifest["sources"]
    assert entry["sha256"] == file_sha256(export) and len(entry["sha256"]) == 64
    assert entry["name"] == "ordrer.csv" and entry["size"] == export.stat().st_size
    assert (entry["rows_read"], entry["accepted"], entry["duplicates"], entry["rejected"]) == (
        3,
        2,
        0,
        1,
    )
    assert entry["mapping"] == {"amount": "Beløb"}
    assert entry["detected"] == {"encoding": "utf-8", "delimiter": ";"}
    assert datetime.fromisoformat(entry["ingested_at"]).tzinfo is not None
    assert [p["rows"] for p in manifest["orders"]] == [2]
    assert manifest["identity"].startswith("identity-")


def test_rejects_csv_is_appended_per_run_and_safe_for_excel(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(
        orders(1), rejects([(3, "name", '=HYPERLINK("x")', "formula")]), source=src("a.csv", "a")
    )
    ws.append_orders(
        orders(1, start=1),
        rejects([(4, "amount", "12,3,4", "bad, amount")], file="b.csv"),
        source=src("b.csv", "b"),
    )
    text = (tmp_path / "ws" / REJECTS_CSV).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "file,row,column,value,reason,reason_code"
    read_back = pl.read_csv(
        tmp_path / "ws" / REJECTS_CSV, schema={**s.REJECTS, "reason_code": pl.String}
    )
    assert read_back[s.REJECT_VALUE].to_list() == ['\'=HYPERLINK("x")', "12,3,4"]
    # Codes kunde has no words for are shown as they are, in both columns.
    assert read_back[s.REJECT_REASON].to_list() == ["formula", "bad, amount"]
    assert read_back["reason_code"].to_list() == ["formula", "bad, amount"]
    # read_rejects gives the raw values.
    assert ws.read_rejects()[s.REJECT_VALUE].to_list() == ['=HYPERLINK("x")', "12,3,4"]


def test_survey_round_trip_and_ids_follow_orders(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(3), s.empty_rejects(), source=src("a.csv", "a"))
    assert ws.scan_survey() is None
    answers = survey(["C1@Shop.dk", "stranger@x.dk"])
    summary = ws.append_survey(answers, s.empty_rejects(), source=src("nps.csv", "b"))
    assert (summary.kind, summary.accepted) == ("survey", 2)
    again = ws.append_survey(answers, s.empty_rejects(), source=src("nps2.csv", "c"))
    assert (again.accepted, again.duplicates) == (0, 2)
    got = ws.scan_survey()
    assert got is not None
    out = got.collect()
    assert out.schema == pl.Schema(s.SURVEY)
    assert out[s.CUSTOMER_ID].to_list() == ["C1", "stranger@x.dk"]


def test_customers_across_two_sources_are_one(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    web = orders(1, customer="1001")  # e-mail c0@shop.dk
    till = orders(1, start=100, customer=None, file="kasse.csv").with_columns(
        pl.lit(None, dtype=pl.String).alias(s.CUSTOMER_ID),
        pl.lit("  C0@SHOP.DK").alias(s.EMAIL),
        pl.lit(None, dtype=pl.String).alias(s.PHONE),
    )
    ws.append_orders(web, s.empty_rejects(), source=src("web.csv", "a"))
    ws.append_orders(till, s.empty_rejects(), source=src("kasse.csv", "b"))
    out = ws.scan_orders().collect()
    assert out[s.CUSTOMER_ID].to_list() == ["1001", "1001"]
    assert out[s.EMAIL].to_list() == ["c0@shop.dk", "  C0@SHOP.DK"]  # stored as given


def test_stored_identity_matches_resolving_from_scratch(tmp_path: Path) -> None:
    # The identity map is updated per append; the result must equal resolving all
    # stored lines at once, including a later file that links two earlier customers.
    ws = Workspace(tmp_path / "ws")
    web = orders(6)  # C0, C1, C2 with e-mails c0..c2@shop.dk and phones +45200000xx
    till = orders(2, start=100, customer="P-9", file="kasse.csv").with_columns(
        pl.lit(None, dtype=pl.String).alias(s.EMAIL), pl.lit("99 88 77 66").alias(s.PHONE)
    )
    bridge = orders(1, start=200, customer="P-9", file="kasse2.csv").with_columns(
        pl.lit("c2@shop.dk").alias(s.EMAIL)
    )
    for i, frame in enumerate((web, till, bridge)):
        ws.append_orders(frame, s.empty_rejects(), source=src(f"f{i}.csv", "abc"[i]))
    stored = pl.scan_parquet([ws.path / p["file"] for p in ws.manifest()["orders"]])
    expected = resolve_customers(stored).collect()
    got = ws.scan_orders().collect()
    assert_frame_equal(got, expected)
    # P-9 is C2 (shared e-mail via the bridge line): canonical "C2" < "P-9".
    assert set(got.filter(pl.col(s.SOURCE_FILE).str.starts_with("kasse"))[s.CUSTOMER_ID]) == {"C2"}


# --- atomic writes -------------------------------------------------------------------


def _fail_on(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    real = os.replace

    def replace(src_path: object, dst_path: object) -> None:
        if Path(str(dst_path)).name == name:
            raise OSError("simulated crash")
        real(src_path, dst_path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    # Python 3.10's Path.replace calls the os.replace it found at import, not this one.
    monkeypatch.setattr(Path, "replace", lambda self, target: replace(self, target) or Path(target))


def test_crash_before_the_manifest_leaves_the_workspace_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(5), rejects([(9, "amount", "x", "bad")]), source=src("a.csv", "a"))
    before_files = snapshot(ws.path)
    before_rows = ws.scan_orders().collect()
    _fail_on(monkeypatch, MANIFEST)
    with pytest.raises(OSError, match="simulated crash"):
        ws.append_orders(
            orders(5, start=5), rejects([(10, "amount", "y", "bad")]), source=src("b.csv", "b")
        )
    monkeypatch.undo()
    assert_frame_equal(ws.scan_orders().collect(), before_rows)
    assert ws.read_rejects().height == 1
    after = snapshot(ws.path)
    # Only the new, unlisted part files differ (no temp files are left behind) ...
    extra = set(after) - set(before_files)
    assert extra and all(Path(p).name.startswith(("part-", "identity-")) for p in extra)
    assert {k: after[k] for k in before_files} == before_files
    # ... and the next writer removes them.
    with ws.lock():
        pass
    assert snapshot(ws.path) == before_files
    retry = ws.append_orders(orders(5, start=5), s.empty_rejects(), source=src("b.csv", "b"))
    assert retry.accepted == 5


def test_crash_during_the_first_ingest_leaves_no_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace(tmp_path / "ws")
    _fail_on(monkeypatch, MANIFEST)
    with pytest.raises(OSError, match="simulated crash"):
        ws.append_orders(orders(3), s.empty_rejects(), source=src("a.csv", "a"))
    monkeypatch.undo()
    assert not ws.exists()
    with pytest.raises(WorkspaceError):
        ws.scan_orders()
    assert ws.append_orders(orders(3), s.empty_rejects(), source=src("a.csv", "a")).accepted == 3
    assert len(list((ws.path / "orders").iterdir())) == 1


def test_crash_after_the_commit_is_repaired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Killed between the manifest and rejects.csv: the run counts, rejects.csv is rebuilt.
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(1), rejects([(3, "amount", "x", "bad")]), source=src("a.csv", "a"))
    _fail_on(monkeypatch, REJECTS_CSV)
    with pytest.raises(OSError, match="simulated crash"):
        ws.append_orders(
            orders(1, start=1), rejects([(4, "amount", "y", "bad")]), source=src("b.csv", "b")
        )
    monkeypatch.undo()
    assert ws.scan_orders().collect().height == 2
    assert ws.read_rejects().height == 2
    assert len(pl.read_csv(ws.path / REJECTS_CSV)) == 1  # stale until the next writer
    with ws.lock():
        pass
    assert pl.read_csv(ws.path / REJECTS_CSV)[s.REJECT_VALUE].to_list() == ["x", "y"]


def test_disk_full_is_a_clear_error_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(2), s.empty_rejects(), source=src("a.csv", "a"))
    before = snapshot(ws.path)

    def full(tmp: Path, target: Path, write: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workspace, "_write_via", staticmethod(full))
    with pytest.raises(WorkspaceError, match="cannot write to the workspace: the disk is full"):
        ws.append_orders(orders(2, start=2), s.empty_rejects(), source=src("b.csv", "b"))
    monkeypatch.undo()
    assert snapshot(ws.path) == before


def test_damaged_manifest_is_a_clear_error(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(1), s.empty_rejects(), source=src("a.csv", "a"))
    (ws.path / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="manifest is damaged"):
        ws.scan_orders()


def test_refuses_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    (tmp_path / "Documents").mkdir()
    (tmp_path / "Documents" / "tax.pdf").write_bytes(b"%PDF")
    with pytest.raises(WorkspaceError, match="is not a kunde workspace"):
        Workspace(tmp_path / "Documents").append_orders(
            orders(1), s.empty_rejects(), source=src("a.csv", "a")
        )
    assert (tmp_path / "Documents" / "tax.pdf").exists()


# --- permissions ---------------------------------------------------------------------


def test_workspace_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        ws = Workspace(tmp_path / "ws")
        ws.append_orders(orders(3), rejects([(9, "amount", "x", "bad")]), source=src("a.csv", "a"))
        ws.append_survey(survey(["c1@shop.dk"]), s.empty_rejects(), source=src("nps.csv", "b"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(ws.path.stat().st_mode) == 0o700
    entries = list(ws.path.rglob("*"))
    assert {p.name for p in entries} >= {
        MANIFEST,
        REJECTS_CSV,
        ".lock",
        "orders",
        "survey",
        "rejects",
    }
    for entry in entries:
        expected = 0o700 if entry.is_dir() else 0o600
        assert stat.S_IMODE(entry.stat().st_mode) == expected, entry


# --- lock ----------------------------------------------------------------------------

_HOLDER = textwrap.dedent(
    """
    import sys, time
    from kunde_cli.store import Workspace
    with Workspace(sys.argv[1]).lock(0):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def _hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.kill()
    proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def test_second_writer_waits_then_gives_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace(tmp_path / "ws")
    holder = _hold_lock(ws.path, 60)
    try:
        started = time.monotonic()
        with pytest.raises(WorkspaceError) as err, ws.lock(wait_seconds=0.5):
            pass
        waited = time.monotonic() - started
        message = str(err.value)
        assert (
            f"workspace is busy: another kunde ingest (pid {holder.pid}) has been running since"
            in message
        )
        assert str(datetime.now().year) in message
        assert "--wait" in (err.value.hint_in("en") or "")
        assert (
            f"arbejdsmappen er optaget: en anden kørsel af kunde ingest (pid {holder.pid}) "
            "har kørt siden" in err.value.one_line("da")
        )
        assert err.value.hint_in("da") == (
            "lad den køre færdig, eller vent på den med --wait SEKUNDER"
        )
        assert 0.5 <= waited < 10
        # append_orders without the caller holding the lock waits too, then refuses.
        monkeypatch.setattr(store.commit, "AUTO_LOCK_WAIT_SECONDS", 0.2)
        with pytest.raises(WorkspaceError, match="workspace is busy"):
            ws.append_orders(orders(1), s.empty_rejects(), source=src("a.csv", "a"))
        assert not ws.exists()
    finally:
        _stop(holder)


def test_waiting_writer_gets_the_lock_when_the_other_finishes(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    holder = _hold_lock(ws.path, 1.0)
    try:
        started = time.monotonic()
        with ws.lock(wait_seconds=30):
            assert time.monotonic() - started > 0.5  # it had to wait for the other
        assert ws.stale_lock is None  # it released cleanly
    finally:
        _stop(holder)


def test_stale_lock_of_a_killed_process_is_cleared(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    holder = _hold_lock(ws.path, 60)
    _stop(holder)  # SIGKILL: no chance to clean up
    assert json.loads((ws.path / ".lock").read_text())["pid"] == holder.pid
    started = time.monotonic()
    with ws.lock(wait_seconds=0):
        assert ws.stale_lock is not None and ws.stale_lock["pid"] == holder.pid
        assert json.loads((ws.path / ".lock").read_text())["pid"] == os.getpid()
    assert time.monotonic() - started < 5
    assert (ws.path / ".lock").read_text() == ""


def test_lock_is_reentrant(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    with ws.lock(), ws.lock():
        ws.append_orders(orders(2), s.empty_rejects(), source=src("a.csv", "a"))
    assert ws.scan_orders().collect().height == 2


_APPENDER = textwrap.dedent(
    """
    import sys
    import polars as pl
    from kunde_cli import schema as s
    from kunde_cli.store import SourceInfo, Workspace
    ws = Workspace(sys.argv[1])
    frame = pl.read_parquet(sys.argv[2])
    with ws.lock(wait_seconds=60):
        summary = ws.append_orders(frame, s.empty_rejects(), source=SourceInfo(sys.argv[2]))
    print(summary.accepted, summary.duplicates, summary.rows_read)
    """
)


def test_concurrent_ingests_are_serialised(tmp_path: Path) -> None:
    # Two cron runs with overlapping exports at the same moment: no double counting.
    ws_path = tmp_path / "ws"
    first, second = tmp_path / "jan.parquet", tmp_path / "feb.parquet"
    orders(300).write_parquet(first)
    orders(300, start=200).write_parquet(second)  # O200..O299 in both
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _APPENDER, str(ws_path), str(f)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for f in (first, second)
    ]
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        results.append(tuple(int(x) for x in out.split()))
    assert sum(r[0] for r in results) == 500
    assert sum(r[1] for r in results) == 100
    assert all(r[2] == 300 for r in results)
    stored = Workspace(ws_path).scan_orders().collect()
    assert stored.height == 500
    assert stored.select(pl.struct(s.ORDER_ID, s.LINE_NO).n_unique()).item() == 500


# --- forget --------------------------------------------------------------------------


def _personal_strings(ws: Workspace) -> set[str]:
    """Every string value in every Parquet file and text file of the workspace."""
    found: set[str] = set()
    for path in ws.path.rglob("*"):
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            for name, dtype in frame.schema.items():
                if dtype == pl.String:
                    found.update(v for v in frame[name].drop_nulls().to_list())
        elif path.is_file():
            found.add(path.read_text(encoding="utf-8"))
    return found


def test_forget_erases_one_customer_and_keeps_the_totals(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(9), s.empty_rejects(), source=src("web.csv", "a"))
    # The till knows C1 as P-1 with the same e-mail: one person, two ids.
    till = orders(2, start=50, customer="P-1", file="kasse.csv").with_columns(
        pl.lit("c1@shop.dk").alias(s.EMAIL), pl.lit(None, dtype=pl.String).alias(s.PHONE)
    )
    ws.append_orders(
        till,
        rejects([(5, "email", "C1@shop.dk ", "bad amount")], file="kasse.csv"),
        source=src("kasse.csv", "b"),
    )
    ws.append_survey(
        survey(["c1@shop.dk", "c2@shop.dk"]),
        rejects([(4, "name", "Kunde Nr1", "?")], file="nps.csv"),
        source=src("nps.csv", "c"),
    )
    before = ws.scan_orders().collect()
    old_parts = list(ws.path.rglob("part-*.parquet"))

    summary = ws.forget("  C1@Shop.DK ")

    assert summary.found
    assert summary.customer_ids == ("C1", "P-1")
    # O1, O4, O7 (C1 on the web) and O50, O51 (P-1 at the till) = 5 lines.
    assert summary.order_lines == 5
    assert summary.survey_answers == 1
    assert summary.rejects_removed == 2  # the e-mail and the name
    assert summary.order_columns == (s.EMAIL, s.NAME, s.PHONE, s.POSTCODE, s.CITY)
    assert summary.survey_columns == (s.EMAIL, s.NAME, s.COMMENT)
    assert summary.pseudonym is not None and summary.pseudonym.startswith("erased-")

    after = ws.scan_orders().collect()
    assert after.height == before.height
    assert after[s.AMOUNT].sum() == before[s.AMOUNT].sum()
    erased = after.filter(pl.col(s.CUSTOMER_ID) == summary.pseudonym)
    assert erased.height == 5
    for column in summary.order_columns:
        assert erased[column].null_count() == 5
    # Everyone else is untouched.
    assert_frame_equal(
        after.filter(pl.col(s.CUSTOMER_ID) != summary.pseudonym),
        before.filter(~pl.col(s.CUSTOMER_ID).is_in(["C1"])),
    )
    answers = ws.scan_survey()
    assert answers is not None
    got = answers.collect()
    assert got[s.CUSTOMER_ID].to_list() == [summary.pseudonym, "C2"]
    assert got[s.SCORE].to_list() == [9, 9]
    assert got.row(0, named=True)[s.COMMENT] is None
    # Nothing in the workspace still holds the e-mail, the name, the phone or the ids.
    strings = _personal_strings(ws)
    for secret in ("c1@shop.dk", "Kunde Nr1", "+4520000001", "P-1"):
        assert not any(secret.lower() in v.lower() for v in strings), secret
    assert old_parts and not any(p.exists() for p in old_parts)  # rewritten, then deleted
    assert ws.manifest()["erasures"][0]["order_lines"] == 5
    assert "c1@shop.dk" not in (ws.path / MANIFEST).read_text(encoding="utf-8")


def test_forget_by_customer_id_and_phone(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(6), s.empty_rejects(), source=src("a.csv", "a"))
    by_id = ws.forget("C2")
    assert (by_id.found, by_id.customer_ids, by_id.order_lines) == (True, ("C2",), 2)
    by_phone = ws.forget("20 00 00 00")  # C0's phone, typed the Danish way
    assert (by_phone.found, by_phone.customer_ids, by_phone.order_lines) == (True, ("C0",), 2)
    remaining = ws.scan_orders().collect()
    assert remaining.filter(pl.col(s.EMAIL).is_not_null())[s.CUSTOMER_ID].unique().to_list() == [
        "C1"
    ]


def test_forget_someone_unknown_changes_nothing(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(3), s.empty_rejects(), source=src("a.csv", "a"))
    before = snapshot(ws.path)
    summary = ws.forget("nobody@x.dk")
    assert not summary.found and summary.order_lines == 0 and summary.pseudonym is None
    assert snapshot(ws.path) == before


def test_forgotten_lines_do_not_come_back(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(6), s.empty_rejects(), source=src("jan.csv", "a"))
    ws.forget("c1@shop.dk")
    # The same export again, and an overlapping newer one: no erased data returns.
    ws.append_orders(orders(6), s.empty_rejects(), source=src("jan.csv", "a"))
    newer = ws.append_orders(orders(6, start=3), s.empty_rejects(), source=src("feb.csv", "b"))
    assert (newer.accepted, newer.duplicates) == (3, 3)
    out = ws.scan_orders().collect()
    old_lines = out.filter(pl.col(s.ORDER_ID).is_in(["O1", "O4"]))
    assert old_lines[s.EMAIL].null_count() == 2
    # O7 is a new order by the same person: that is new data, kept.
    assert out.filter(pl.col(s.ORDER_ID) == "O7")[s.EMAIL].item() == "c1@shop.dk"


def test_forget_someone_who_only_answered_the_survey(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(3), s.empty_rejects(), source=src("a.csv", "a"))
    ws.append_survey(
        survey(["only@survey.dk", "c1@shop.dk"]), s.empty_rejects(), source=src("nps.csv", "b")
    )
    before = ws.scan_orders().collect()
    summary = ws.forget("ONLY@survey.dk")
    assert (summary.found, summary.order_lines, summary.survey_answers) == (True, 0, 1)
    assert summary.customer_ids == ()
    assert_frame_equal(ws.scan_orders().collect(), before)
    answers = ws.scan_survey()
    assert answers is not None
    assert answers.collect()[s.EMAIL].to_list() == [None, "c1@shop.dk"]


def test_forget_needs_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace"):
        Workspace(tmp_path / "ws").forget("a@b.dk")


def test_two_runs_creating_the_workspace_at_once(tmp_path: Path, monkeypatch) -> None:
    """Regression (seen in CI): the other run's mkdir wins the race; ours must go on."""
    ws_path = tmp_path / "ws"
    real_mkdir = Path.mkdir

    def racing_mkdir(self: Path, *args, **kwargs):
        if self == ws_path and not self.exists():
            real_mkdir(self, *args, **kwargs)  # the other process got there first
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", racing_mkdir)
    with Workspace(ws_path).lock(wait_seconds=1):
        pass
    assert ws_path.is_dir()


# --- the export handed over, its identity map reused -------------------------------------


def test_an_export_handed_over_is_let_go_before_the_tables_are_built(tmp_path: Path) -> None:
    """Given as a function that hands the frame over, the workspace holds the only
    reference to the export's lines, and lets go of it once they are written: the
    tables build (the peak of an ingest) never runs beside a second copy."""
    import gc
    import weakref

    from kunde_cli.analytics.tables import build_tables

    frame = orders(6)
    seen = weakref.ref(frame)
    held = [frame]
    del frame
    alive_at_build: list[bool] = []

    def builder(lines: pl.LazyFrame, previous: pl.DataFrame | None) -> object:
        gc.collect()
        alive_at_build.append(seen() is not None)
        return build_tables(lines, previous)

    summary = Workspace(tmp_path / "ws", tables=builder).append_orders(
        held.pop, rejects([]), source=src("ordrer.csv", "a")
    )
    assert alive_at_build == [False]
    assert (summary.accepted, summary.duplicates) == (6, 0)
    assert Workspace(tmp_path / "ws").scan_orders().collect().height == 6


def test_the_callers_identity_map_is_used_only_for_exactly_the_stored_lines(
    tmp_path: Path,
) -> None:
    from kunde_cli.identity import CANONICAL_ID, identity_map

    lines = orders(6)
    # A map the workspace must not take blindly: every customer made one.
    planted = identity_map(lines).with_columns(pl.lit("SAMME").alias(CANONICAL_ID))

    def stored_identity(ws: Path) -> set[str]:
        workspace = Workspace(ws)
        identity = workspace._read_identity(workspace._read_manifest())
        return set(identity.get_column(CANONICAL_ID).to_list())

    # Nothing stored yet and every line stored: the caller's map is the workspace's.
    Workspace(tmp_path / "a").append_orders(
        lines, rejects([]), source=src("ordrer.csv", "a"), identity=planted
    )
    assert stored_identity(tmp_path / "a") == {"SAMME"}
    # A line repeated in the export is not stored twice: the map is worked out.
    doubled = pl.concat([lines, lines.head(1)])
    Workspace(tmp_path / "b").append_orders(
        doubled, rejects([]), source=src("ordrer.csv", "b"), identity=planted
    )
    assert stored_identity(tmp_path / "b") == {"C0", "C1", "C2"}
    # Customers stored already: the map is worked out with theirs.
    Workspace(tmp_path / "c").append_orders(lines.head(3), rejects([]), source=src("a.csv", "c"))
    Workspace(tmp_path / "c").append_orders(
        orders(3, start=3), rejects([]), source=src("b.csv", "d"), identity=planted
    )
    assert stored_identity(tmp_path / "c") == {"C0", "C1", "C2"}
