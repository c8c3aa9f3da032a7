"""Which ingested file holds which stored lines, and taking one file's lines out again
(``kunde status`` and ``kunde remove``).

Every part file the manifest lists carries the SHA-256 of the export it was written
from (and order lines their shop system), so the lines stored from one ingested file
are known. A line is stored once: the version of an order (or survey answer) the
workspace keeps is the one of the file that stored it —

* an order a later export changed (refunded, a line added) is that later file's line
  now: removing the earlier file leaves it;
* an order a later export carried again unchanged was counted there as a duplicate and
  not stored twice: it goes with the file that stored it (the later file's entry names
  it, and removing and ingesting that file again stores it as its own);
* an order this file changed replaced an earlier file's version, which is not kept:
  it goes too (:attr:`RemoveSummary.replaced_before` counts them).

Removing writes new part files without the lines (or drops the parts whole), rebuilds
the identity map from the lines left (so customers that file linked are apart again),
drops the file's entry from ``sources``, logs a ``removals`` entry, and commits once:
the tables are rebuilt by the commit (:func:`kunde_cli.store.tables.refresh`). A run
killed before the manifest is written leaves the workspace as it was.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

import polars as pl

from kunde_cli import identity as ident
from kunde_cli import schema as s
from kunde_cli.errors import WorkspaceError
from kunde_cli.store import overlap
from kunde_cli.store.layout import ORDERS, REJECTS, SURVEY, schema_of
from kunde_cli.store.manifest import (
    Manifest,
    Removal,
    SourceEntry,
    now,
    order_sources,
    parts,
)
from kunde_cli.words.said import said

if TYPE_CHECKING:
    from kunde_cli.store.erase import Eraser
    from kunde_cli.store.workspace import Workspace

#: The column :func:`lines_by_file` adds: the SHA-256 of the file a line was stored from.
ORIGIN = "_origin_sha256"


@dataclass(frozen=True)
class RemoveSummary:
    """What :func:`remove_file` took out."""

    name: str
    path: str
    kind: str  # "orders" or "survey"
    lines: int  # order lines or survey answers taken out
    rejects: int  # refused rows of the file taken out
    #: orders (answers) this file had changed: their earlier version is not kept either
    replaced_before: int
    #: files ingested later (same kind, same shop system) that carried lines already
    #: stored (duplicates): those that were this file's lines are gone too
    later_overlapping: tuple[str, ...]
    #: order files ingested later (same system) whose orders were refused because this
    #: file's orders had their numbers: they stay refused until ingested again
    later_collisions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stored:
    """What is stored now from one ingested file."""

    lines: int  # order lines or survey answers
    first: datetime | None  # its first and last order (orders)
    last: datetime | None
    customers: int | None  # its customers (orders)


def display_names(manifest: Manifest) -> list[str]:
    """The name ``kunde status`` shows for each source entry: the file's name, with
    ``#1``, ``#2``, … (in ingest order) when several ingested files have that name."""
    names = [e["name"] for e in manifest["sources"]]
    seen: dict[str, int] = {}
    shown = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        shown.append(f"{name}#{seen[name]}" if names.count(name) > 1 else name)
    return shown


def same_file(entry: SourceEntry, other: SourceEntry) -> bool:
    """True when two source entries are the one ingested file (kind, SHA-256, system)."""
    return (
        entry["kind"] == other["kind"]
        and entry["sha256"] == other["sha256"]
        and entry.get("source") == other.get("source")
    )


def _of_entry(entry: SourceEntry, manifest: Manifest) -> pl.Expr:
    """Lines (with :data:`ORIGIN`) stored from ``entry``'s file: by SHA-256, and for
    orders by shop system when the same file was also ingested as another system."""
    hit = pl.col(ORIGIN) == entry["sha256"]
    if entry["kind"] == ORDERS and _shared_sha(entry, manifest):
        source = entry.get("source")
        hit = hit & (pl.col(s.SOURCE).is_null() if source is None else pl.col(s.SOURCE) == source)
    return hit


def _shared_sha(entry: SourceEntry, manifest: Manifest) -> bool:
    """True when another source entry has this file's SHA-256."""
    return any(
        e["sha256"] == entry["sha256"] and not same_file(e, entry) for e in manifest["sources"]
    )


def lines_by_file(ws: Workspace, manifest: Manifest, kind: str) -> pl.LazyFrame:
    """The stored lines of ``kind`` with :data:`ORIGIN`, the SHA-256 of their file."""
    schema = schema_of(kind)
    scans = []
    for entry in parts(manifest, kind):
        path = ws.path / entry["file"]
        ws._check_data_files([path])
        scans.append(
            pl.scan_parquet(path, schema=schema, missing_columns="insert").with_columns(
                pl.lit(entry.get("sha256"), pl.String).alias(ORIGIN)
            )
        )
    if not scans:
        return pl.DataFrame(schema={**schema, ORIGIN: pl.String}).lazy()
    return pl.concat(scans, how="vertical")


def resolved_by_file(ws: Workspace, manifest: Manifest) -> pl.LazyFrame:
    """The stored order lines with :data:`ORIGIN` and canonical customer ids (as the
    analyses read them)."""
    return overlap.resolved_lines(
        lines_by_file(ws, manifest, ORDERS), order_sources(manifest), ws._read_identity(manifest)
    )


def stored_counts(ws: Workspace, manifest: Manifest) -> tuple[list[Stored], Stored]:
    """Per source entry (in manifest order): the lines stored from it now, its first and
    last order and its customers (orders) or answers (survey); and the same for every
    stored order line (its ``lines``: order lines)."""
    orders = resolved_by_file(ws, manifest).select(ORIGIN, s.SOURCE, s.ORDER_DATE, s.CUSTOMER_ID)
    figures = (
        pl.len().alias("lines"),
        pl.col(s.ORDER_DATE).min().alias("first"),
        pl.col(s.ORDER_DATE).max().alias("last"),
        pl.col(s.CUSTOMER_ID).drop_nulls().n_unique().alias("customers"),
    )
    shared = any(_shared_sha(e, manifest) for e in manifest["sources"] if e["kind"] == ORDERS)
    keys = [ORIGIN, s.SOURCE] if shared else [ORIGIN]
    grouped, whole = pl.collect_all([orders.group_by(keys).agg(*figures), orders.select(*figures)])
    found = {tuple(row[k] for k in keys): row for row in grouped.iter_rows(named=True)}
    if shared:  # a file stored under one system only: all of its lines, whatever system
        found |= {
            (row[ORIGIN],): row
            for row in orders.group_by(ORIGIN).agg(*figures).collect().iter_rows(named=True)
        }
    counts: list[Stored] = []
    for entry in manifest["sources"]:
        if entry["kind"] != ORDERS:
            answers = sum(p["rows"] for p in manifest[SURVEY] if p.get("sha256") == entry["sha256"])
            counts.append(Stored(int(answers), None, None, None))
            continue
        key = (
            (entry["sha256"], entry.get("source"))
            if _shared_sha(entry, manifest)
            else (entry["sha256"],)
        )
        row = found.get(key)
        counts.append(_stored(row) if row else Stored(0, None, None, 0))
    total = whole.row(0, named=True)
    return counts, _stored(total)


def _stored(row: dict[str, object]) -> Stored:
    first, last = row["first"], row["last"]
    return Stored(
        cast("int", row["lines"]),
        first if isinstance(first, datetime) else None,
        last if isinstance(last, datetime) else None,
        cast("int", row["customers"]),
    )


def _keep_only(entry: SourceEntry, manifest: Manifest) -> Eraser:
    """An eraser (see ``_rewrite_parts``) removing the lines stored from ``entry``."""
    origin = entry["sha256"]

    def erase(frame: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        hit = (
            frame.with_columns(pl.lit(origin).alias(ORIGIN))
            .select(_of_entry(entry, manifest).fill_null(False))
            .to_series()
        )
        count = int(hit.sum())
        if not count:
            return None, 0, set()
        return frame.filter(~hit), count, set()

    return erase


def remove_file(ws: Workspace, chosen: SourceEntry) -> RemoveSummary:
    """Take the lines stored from ``chosen`` (an entry of the manifest's ``sources``),
    and its refused rows, out of the workspace in one commit (see the module doc).

    Raises WorkspaceError when the file is no longer in the workspace (another run
    removed it since it was chosen)."""
    with ws._writing(purpose="kunde remove"):
        manifest = ws._read_manifest_required()
        entry = next((e for e in manifest["sources"] if same_file(e, chosen)), None)
        if entry is None:
            raise WorkspaceError(said("remove_gone", name=chosen["name"]), path=ws.path)
        kind = entry["kind"]
        new = copy.deepcopy(manifest)
        doomed: list[Path] = []
        shared = _shared_sha(entry, manifest)
        lines = 0
        if shared:
            lines, _ = ws._rewrite_parts(
                new, kind, doomed, _keep_only(entry, manifest), sha256=entry["sha256"]
            )
        else:
            lines = _drop_parts(ws, new, kind, entry["sha256"], doomed)
        # Refused rows carry no system: they go with the last entry of their file.
        rejects = 0 if shared else _drop_parts(ws, new, REJECTS, entry["sha256"], doomed)
        # A part a rewrite left empty is not kept (its new file goes too).
        for k in (kind, REJECTS):
            doomed.extend(ws.path / p["file"] for p in parts(new, k) if not p["rows"])
            parts(new, k)[:] = [p for p in parts(new, k) if p["rows"]]
        if kind == ORDERS and lines:
            if parts(new, ORDERS):
                remaining = ws._scan_parts(new, ORDERS)
                ws._replace_identity(new, ident.identity_map(remaining), doomed)
            elif old := new.get("identity"):
                doomed.append(ws.path / old)
                new["identity"] = None
        index = next(i for i, e in enumerate(new["sources"]) if same_file(e, entry))
        del new["sources"][index]
        shown = display_names(manifest)
        after = [
            (e, name)
            for e, name in list(zip(manifest["sources"], shown, strict=True))[index + 1 :]
            if e["kind"] == kind and e.get("source") == entry.get("source")
        ]
        later = tuple(name for e, name in after if e.get("duplicates"))
        refused = tuple(name for e, name in after if kind == ORDERS and e.get("collisions"))
        removal: Removal = {
            "at": now(),
            "kind": kind,
            "name": entry["name"],
            "path": entry["path"],
            "sha256": entry["sha256"],
            "ingested_at": entry.get("ingested_at"),
            "lines": lines,
            "rejects": rejects,
        }
        if "source" in entry:
            removal["source"] = entry["source"]
        new.setdefault("removals", []).append(removal)
        ws._commit(new, doomed, rejects_changed=rejects > 0)
    return RemoveSummary(
        name=entry["name"],
        path=entry["path"],
        kind=kind,
        lines=lines,
        rejects=rejects,
        replaced_before=int(entry.get("changed") or 0),
        later_overlapping=later,
        later_collisions=refused,
    )


def _drop_parts(ws: Workspace, manifest: Manifest, kind: str, sha: str, doomed: list[Path]) -> int:
    """Unlist every part of ``kind`` written from the file with this SHA-256 (their
    files go in ``doomed``); the number of rows they held."""
    listed = parts(manifest, kind)
    gone = [p for p in listed if p.get("sha256") == sha]
    listed[:] = [p for p in listed if p.get("sha256") != sha]
    doomed.extend(ws.path / p["file"] for p in gone)
    return sum(int(p["rows"]) for p in gone)
