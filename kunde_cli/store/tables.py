"""The orders and customers tables, kept in step with the lines.

Every analysis starts from the orders and the customers' contact details; the workspace
stores them beside the lines (``tables/orders-*.parquet``, ``tables/customers-*.parquet``)
so that no analysis regroups millions of lines. They are built by the caller's builder
(:func:`kunde_cli.analytics.tables.build_tables`: the order rules live in analytics,
which this layer may not import) from the resolved lines, and written in the *same*
manifest commit as the change of lines that made them — ingest, forget, an identity
merge — so a killed run leaves the old lines with the old tables or the new with the
new, never a mix. The manifest records the lines' signature (the part and identity
files the tables were built from): tables that do not match it are never read.

A workspace written before the tables existed (format 1) is upgraded once, under the
lock, by :func:`upgrade` (``kunde`` says so); a write by a caller without a builder
leaves the tables out (``tables: null``), and the next reader with one builds them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard, cast

import polars as pl

from kunde_cli import identity as ident
from kunde_cli.errors import WorkspaceError
from kunde_cli.store import overlap
from kunde_cli.store.layout import ORDERS, TABLES, table_name
from kunde_cli.store.manifest import FORMAT_VERSION, Manifest, TablesEntry, order_sources, parts

if TYPE_CHECKING:
    from kunde_cli.store.commit import WorkspaceCommit

#: What reading a damaged, missing or foreign table file raises.
_DAMAGE = (OSError, WorkspaceError, pl.exceptions.PolarsError, ValueError)


class BuiltTables(Protocol):
    """What a table builder returns (kunde_cli.analytics.tables.Tables)."""

    orders: pl.DataFrame
    customers: pl.DataFrame


#: ``builder(resolved_lines, previous_customers_table_or_None)`` → the two tables; or an
#: object whose ``build`` is that and whose ``update(resolved_lines, previous_tables,
#: added_lines)`` follows an append (kunde_cli.analytics.tables.TABLE_RULES).
TableBuilder = Callable[[pl.LazyFrame, "pl.DataFrame | None"], BuiltTables] | Any


@dataclass(frozen=True)
class StoredTables:
    """The two tables as read from the workspace (eager frames)."""

    orders: pl.DataFrame
    customers: pl.DataFrame


def lines_signature(manifest: Manifest) -> str:
    """What the tables depend on: the order part files and the identity file (their
    names: a changed part or identity is always written under a new name)."""
    names = [entry["file"] for entry in parts(manifest, ORDERS)]
    payload = json.dumps({"orders": names, "identity": manifest.get("identity")})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def resolved_lines(ws: WorkspaceCommit, manifest: Manifest) -> pl.LazyFrame:
    """The order lines of ``manifest`` with canonical customer ids (what analyses read):
    resolved as files read directly are (:func:`kunde_cli.store.overlap.resolved_lines`)."""
    return overlap.resolved_lines(
        ws._scan_parts(manifest, ORDERS), order_sources(manifest), ws._read_identity(manifest)
    )


#: How kunde names table files (tables/orders-<stamp>-<random>.parquet): a manifest
#: entry naming anything else is never read, nor deleted.
_TABLE_FILE = re.compile(r"tables/(orders|customers)-[0-9T]+-[0-9a-f]+\.parquet")


def _own_name(entry: TablesEntry, kind: str) -> bool:
    name = entry.get(kind)
    return (
        isinstance(name, str)
        and _TABLE_FILE.fullmatch(name) is not None
        and (name.startswith(f"tables/{kind}-"))
    )


def current(manifest: Manifest) -> TablesEntry | None:
    """The manifest's tables entry when it matches its lines and names kunde's own
    table files, else None."""
    entry = manifest.get("tables")
    if not entry or entry.get("lines") != lines_signature(manifest):
        return None
    if not (_own_name(entry, "orders") and _own_name(entry, "customers")):
        return None
    return entry


#: Columns each stored table must have (kunde_cli.analytics.tables builds them).
REQUIRED_COLUMNS = {
    "orders": {"customer_key", "customer_id", "order_id", "order_date", "last_line_date"},
    "customers": {"customer_key", "customer_id", "last_line_date"},
}


def usable(ws: WorkspaceCommit, manifest: Manifest) -> bool:
    """True when ``manifest``'s tables match its lines, were made by the workspace's table
    rules (their version), and both files are there, are regular files of this workspace
    (not links) and Parquet with the columns they need.

    Only the files' footers are read. Tables that are not usable are built again (the
    lines are the truth; the tables only save time), never read.
    """
    entry = current(manifest)
    if entry is None:
        return False
    # Tables made by other rules (an older kunde) hold other rows: built again.
    builder = getattr(ws, "table_builder", None)
    if builder is not None and entry.get("version") != getattr(builder, "version", None):
        return False
    for kind in ("orders", "customers"):
        path = ws.path / entry[kind]
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                return False
            with ws._open_data(path) as handle:
                names = set(pl.read_parquet_schema(handle))
        except _DAMAGE:  # any damage: build them again
            return False
        if not REQUIRED_COLUMNS[kind] <= names or (kind == "customers" and "order_id" in names):
            return False
    return True


def refresh(ws: WorkspaceCommit, manifest: Manifest, doomed: list[Path]) -> None:
    """Before a commit: make ``manifest``'s tables match its lines (unsaved).

    Builds them with the workspace's builder when the lines changed (new tables listed,
    old ones in ``doomed``); without a builder, leaves them out. Sets the format version:
    a committed manifest is always of this format.
    """
    manifest["kunde_workspace"] = FORMAT_VERSION
    if usable(ws, manifest):
        return
    old = manifest.get("tables")
    builder: TableBuilder | None = getattr(ws, "table_builder", None)
    previous = None
    if old and builder is not None and _own_name(old, "customers"):
        # Damaged: keys start afresh rather than fail a write.
        previous = _read_table(ws, old, "customers")
    if old:
        # Only kunde's own table files go (a damaged manifest naming a part or a file
        # elsewhere must never delete it).
        doomed.extend(
            ws.path / old[kind] for kind in ("orders", "customers") if _own_name(old, kind)
        )
    if builder is None or not parts(manifest, ORDERS):
        manifest["tables"] = None
        return
    built = _updated(ws, manifest, old, builder, previous) if old and previous is not None else None
    if built is None:
        build = getattr(builder, "build", builder)
        built = build(resolved_lines(ws, manifest), previous)
    ws._ensure_subdir(TABLES)
    names: dict[str, Any] = {}
    for kind, frame in (("orders", built.orders), ("customers", built.customers)):
        names[kind] = table_name(kind)
        ws._write_parquet(frame, ws.path / names[kind])
    manifest["tables"] = {
        "orders": names["orders"],
        "customers": names["customers"],
        "lines": lines_signature(manifest),
        "parts": [entry["file"] for entry in parts(manifest, ORDERS)],
        "identity": manifest.get("identity"),
        "sources": order_sources(manifest),
        "version": getattr(builder, "version", None),
    }


def _updated(
    ws: WorkspaceCommit,
    manifest: Manifest,
    old: TablesEntry,
    builder: Any,
    customers: pl.DataFrame,
) -> BuiltTables | None:
    """The tables of ``manifest`` updated from ``old`` when the change since is an
    append — order parts added, none rewritten or removed, the first shop system still
    first, no stored customer merged into another by the new identity — else None (the
    caller builds them from every line; ``customers`` is the old customers table, read
    already). A daily export into a workspace of millions of
    lines then costs its own orders and customers, not a regrouping of every line."""
    update = getattr(builder, "update", None)
    built_from, was_identity, was_sources = (
        old.get("parts"),
        old.get("identity"),
        old.get("sources"),
    )
    # What a damaged or foreign entry holds is never trusted: anything unexpected builds.
    if (
        update is None
        or old.get("version") != getattr(builder, "version", None)
        or not _strings(built_from)
        or not isinstance(was_identity, str)
        or _IDENTITY_FILE.fullmatch(was_identity) is None
        or not isinstance(was_sources, list)
        or not all(name is None or isinstance(name, str) for name in was_sources)
        or not (_own_name(old, "orders") and _own_name(old, "customers"))
    ):
        return None
    now = parts(manifest, ORDERS)
    added = [entry for entry in now if entry["file"] not in set(built_from)]
    if (
        not added
        or not set(built_from) <= {entry["file"] for entry in now}
        or order_sources(manifest)[: len(was_sources)] != was_sources
    ):
        return None
    only_added = cast("Manifest", {**manifest, ORDERS: added})
    try:
        identity = ws._read_identity(manifest)
        with ws._open_data(ws.path / was_identity) as handle:
            before = pl.read_parquet(handle)
        if identity is None or not ident.keeps_canonical(before, identity):
            return None
        orders = _read_table(ws, old, "orders")
        if orders is None:
            return None
        previous = StoredTables(orders=orders, customers=customers)
        return cast(
            "BuiltTables",
            update(resolved_lines(ws, manifest), previous, resolved_lines(ws, only_added)),
        )
    except (*_DAMAGE, KeyError, TypeError):  # damaged or made otherwise: build them
        return None


def _strings(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


#: How kunde names identity files (identity-<stamp>-<random>.parquet).
_IDENTITY_FILE = re.compile(r"identity-[0-9T]+-[0-9a-f]+\.parquet")


def listed(manifest: Manifest) -> list[str]:
    """The table files ``manifest`` lists (for tidying up after a killed writer)."""
    entry = manifest.get("tables")
    return [entry["orders"], entry["customers"]] if entry else []


def read(ws: WorkspaceCommit, manifest: Manifest) -> StoredTables | None:
    """The stored tables of ``manifest`` when they match its lines and can be read,
    else None (the analyses then read the lines: the same answers, more slowly)."""
    entry = current(manifest)
    if entry is None:
        return None
    return read_files(ws, entry)


def read_files(ws: WorkspaceCommit, entry: TablesEntry) -> StoredTables | None:
    """The two table files ``entry`` names, or None when either is missing, damaged,
    a link or lacks a column the analyses need."""
    orders = _read_table(ws, entry, "orders")
    customers = _read_table(ws, entry, "customers") if orders is not None else None
    if orders is None or customers is None:
        return None
    return StoredTables(orders=orders, customers=customers)


def _read_table(ws: WorkspaceCommit, entry: TablesEntry, kind: str) -> pl.DataFrame | None:
    """One table file ``entry`` names (``kind``: orders or customers), or None when it
    is missing, damaged, a link or lacks a column the analyses need."""
    path = ws.path / entry[kind]  # type: ignore[literal-required]  # kind is one of the two
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        with ws._open_data(path) as handle:
            frame = pl.read_parquet(handle)
    except _DAMAGE:  # damaged or gone: the lines answer
        return None
    return frame if REQUIRED_COLUMNS[kind] <= set(frame.columns) else None


def needs_upgrade(ws: WorkspaceCommit, manifest: Manifest) -> bool:
    """True when ``manifest`` has order lines but no usable tables that match them."""
    return bool(parts(manifest, ORDERS)) and not usable(ws, manifest)
