"""The typed manifest: what a release of the format wrote opens byte for byte, and a
damaged one is a clear message, not a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kunde_cli import schema as s
from kunde_cli.errors import WorkspaceError
from kunde_cli.store import MANIFEST, Workspace
from kunde_cli.store.manifest import manifest_bytes, parse_manifest
from tests.test_store import orders, rejects, src, survey

#: A manifest as the release before the typed manifest wrote it (key order, indent,
#: UTF-8 as is, no newline at the end), with an order source, a survey source and an
#: erasure; built here by hand, not by the code under test.
RECORDED = {
    "kunde_workspace": 1,
    "created_at": "2026-03-01T10:00:00+01:00",
    "updated_at": "2026-03-02T11:00:00+01:00",
    "orders": [
        {"file": "orders/part-a.parquet", "rows": 2, "sha256": "a" * 64, "written_at": "x"}
    ],
    "survey": [],
    "rejects": [],
    "identity": "identity-20260301T100000000000-abcdef.parquet",
    "rejects_csv_sha256": None,
    "sources": [
        {
            "kind": "orders",
            "path": "ordrer æøå.csv",
            "name": "ordrer æøå.csv",
            "sha256": "a" * 64,
            "size": 120,
            "ingested_at": "2026-03-01T10:00:00+01:00",
            "rows_read": 2,
            "accepted": 2,
            "duplicates": 0,
            "rejected": 0,
            "changed": 0,
            "returning_erased": 0,
            "source": "shop",
            "new_orders": 2,
            "changed_by_status": {},
            "collisions": 0,
            "part": "orders/part-a.parquet",
            "mapping": {"amount": "Beløb"},
            "detected": {"delimiter": ";"},
            "times_seen": 1,
            "last_seen_at": None,
        }
    ],
    "erasures": [
        {"at": "2026-03-02T11:00:00+01:00", "order_lines": 1, "survey_answers": 0,
         "rejects_removed": 0}
    ],
}  # fmt: skip


def test_a_recorded_manifest_reads_and_writes_back_byte_for_byte(tmp_path: Path) -> None:
    raw = json.dumps(RECORDED, indent=2, ensure_ascii=False).encode("utf-8")
    assert "ordrer æøå.csv".encode() in raw  # UTF-8 as is, not \u escapes
    manifest = parse_manifest(raw, tmp_path / MANIFEST)
    assert manifest["sources"][0]["source"] == "shop"
    assert manifest_bytes(manifest) == raw


def test_a_workspace_commit_writes_what_the_manifest_holds(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.append_orders(orders(3), rejects([(9, "amount", "x", "bad")]), source=src("a.csv", "a"))
    ws.append_survey(survey(["c0@shop.dk"]), s.empty_rejects(), source=src("nps.csv", "b"))
    on_disk = (ws.path / MANIFEST).read_bytes()
    manifest = ws.manifest()
    assert manifest_bytes(manifest) == on_disk
    # The same keys, in the same order; format 2 adds the tables entry at the end
    # (None here: this Workspace has no table builder).
    assert list(manifest) == [*RECORDED, "tables"]
    assert manifest["kunde_workspace"] == 2 and manifest["tables"] is None
    assert list(manifest["sources"][0]) == list(RECORDED["sources"][0])  # type: ignore[index]
    assert [e["rows"] for e in manifest["orders"]] == [3]
    assert [e["rows"] for e in manifest["rejects"]] == [1]


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda m: m.pop("sources"), "'sources' is missing or not a list"),
        (lambda m: m.update(orders={"file": "x"}), "'orders' is missing or not a list"),
        (lambda m: m.update(identity=7), "'identity' is missing or not a str"),
        (lambda m: m["orders"][0].pop("file"), "an entry of 'orders' names no file"),
        (lambda m: m["sources"][0].pop("sha256"), "a source entry has no kind or SHA-256"),
        (lambda m: m["erasures"].append("x"), "an erasure entry is not an object"),
    ],
)
def test_a_damaged_manifest_is_a_clear_message(tmp_path: Path, damage, words) -> None:
    manifest = json.loads(json.dumps(RECORDED))
    damage(manifest)
    raw = json.dumps(manifest).encode()
    with pytest.raises(WorkspaceError, match="the workspace manifest is damaged") as caught:
        parse_manifest(raw, tmp_path / MANIFEST)
    assert words in caught.value.message


def test_another_format_is_refused_with_its_version(tmp_path: Path) -> None:
    raw = json.dumps({**RECORDED, "kunde_workspace": 3}).encode()
    with pytest.raises(WorkspaceError, match="this workspace has format 3; this kunde reads"):
        parse_manifest(raw, tmp_path / MANIFEST)
