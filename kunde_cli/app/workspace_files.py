"""What was ingested, and taking one file out again: the use cases behind
``kunde status`` and ``kunde remove``.

Each ingested file is one entry of the manifest's ``sources``; the lines stored from it
are known by the SHA-256 its part files carry (:mod:`kunde_cli.store.remove`, which
also says what removing a file whose orders another file carried does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from kunde_cli.errors import ConfigError
from kunde_cli.words.said import said

if TYPE_CHECKING:
    from kunde_cli.store import Workspace
    from kunde_cli.store.manifest import SourceEntry
    from kunde_cli.store.remove import RemoveSummary

#: The columns of :func:`workspace_files`, in order.
FILE_COLUMNS = (
    "file",
    "kind",
    "source_system",
    "ingested_at",
    "rows_read",
    "accepted",
    "duplicates",
    "changed",
    "rejected",
    "stored_lines",
    "first_order_date",
    "last_order_date",
    "customers",
)


@dataclass(frozen=True)
class WorkspaceTotals:
    """The whole workspace: order lines, their first and last day, customers, answers."""

    lines: int
    first: date | None
    last: date | None
    customers: int
    answers: int
    removals: int  # files taken out earlier with ``kunde remove``


@dataclass(frozen=True)
class WorkspaceFiles:
    """Every ingested file (one row each, :data:`FILE_COLUMNS`) and the totals."""

    files: pl.DataFrame
    totals: WorkspaceTotals


def workspace_files(ws: Workspace) -> WorkspaceFiles:
    """Every file ingested into ``ws`` (oldest first) with what ingest counted and what
    is stored from it now; raises WorkspaceError when there is no workspace."""
    from kunde_cli.store.remove import display_names, stored_counts

    manifest = ws._read_manifest_required()
    counts, whole = stored_counts(ws, manifest)
    entries = manifest["sources"]
    files = pl.DataFrame(
        {
            "file": display_names(manifest),
            "kind": [e["kind"] for e in entries],
            "source_system": [e.get("source") for e in entries],
            "ingested_at": [_day(e.get("ingested_at")) for e in entries],
            "rows_read": [e.get("rows_read") for e in entries],
            "accepted": [e.get("accepted") for e in entries],
            "duplicates": [e.get("duplicates") for e in entries],
            "changed": [e.get("changed") for e in entries],
            "rejected": [e.get("rejected") for e in entries],
            "stored_lines": [c.lines for c in counts],
            "first_order_date": [_day(c.first) for c in counts],
            "last_order_date": [_day(c.last) for c in counts],
            "customers": [c.customers for c in counts],
        },
        schema={
            "file": pl.String,
            "kind": pl.String,
            "source_system": pl.String,
            "ingested_at": pl.Date,
            **dict.fromkeys(FILE_COLUMNS[4:10], pl.Int64),
            "first_order_date": pl.Date,
            "last_order_date": pl.Date,
            "customers": pl.Int64,
        },
    )
    answers = sum(p["rows"] for p in manifest["survey"])
    totals = WorkspaceTotals(
        lines=whole.lines,
        first=_day(whole.first),
        last=_day(whole.last),
        customers=whole.customers or 0,
        answers=int(answers),
        removals=len(manifest.get("removals", [])),
    )
    return WorkspaceFiles(files, totals)


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def find_file(ws: Workspace, given: str) -> SourceEntry:
    """The ingested file ``given`` names: a path to the very file (by its SHA-256), the
    name ``kunde status`` shows, or the path or name it was ingested under.

    Raises ConfigError (one line: what the workspace holds) when none or several match;
    WorkspaceError when there is no workspace."""
    from kunde_cli.store.remove import display_names
    from kunde_cli.store.sources import file_sha256

    manifest = ws._read_manifest_required()
    entries = manifest["sources"]
    shown = display_names(manifest)
    path = Path(given)
    if path.is_file():
        sha = file_sha256(path)
        by_content = [e for e in entries if e["sha256"] == sha]
        if len(by_content) == 1:
            return by_content[0]
    exact = [e for e, name in zip(entries, shown, strict=True) if name == given]
    if len(exact) == 1:
        return exact[0]
    matches = [
        (e, name)
        for e, name in zip(entries, shown, strict=True)
        if given in (e["name"], e["path"]) or _same_path(e["path"], path)
    ]
    if len(matches) == 1:
        return matches[0][0]
    if matches:
        raise ConfigError(
            said("remove_ambiguous", given=given, files=", ".join(n for _, n in matches)),
            hint=said("remove_pick_hint"),
        )
    if not entries:
        raise ConfigError(said("remove_unknown_empty", given=given, workspace=str(ws.path)))
    raise ConfigError(
        said("remove_unknown", given=given, workspace=str(ws.path), files=", ".join(shown))
    )


def _same_path(stored: str, given: Path) -> bool:
    try:
        return Path(stored).resolve() == given.resolve()
    except (OSError, RuntimeError):
        return False


def stored_from(ws: Workspace, entry: SourceEntry) -> tuple[int, int]:
    """The lines (order lines or answers) and refused rows stored from ``entry`` now
    (read without the lock: what the confirmation says)."""
    from kunde_cli.store.remove import same_file, stored_counts

    manifest = ws._read_manifest_required()
    index = next(i for i, e in enumerate(manifest["sources"]) if same_file(e, entry))
    lines = stored_counts(ws, manifest)[0][index].lines
    rejects = sum(p["rows"] for p in manifest["rejects"] if p.get("sha256") == entry["sha256"])
    return lines, int(rejects)


def remove_file(ws: Workspace, entry: SourceEntry) -> RemoveSummary:
    """Take the lines stored from ``entry`` (see :func:`find_file`) out of ``ws`` in one
    commit (see :func:`kunde_cli.store.remove.remove_file`)."""
    from kunde_cli.store.remove import remove_file as remove

    return remove(ws, entry)
