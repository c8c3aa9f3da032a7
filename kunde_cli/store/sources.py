"""Where a batch of rows came from (:class:`SourceInfo`), what appending it did
(:class:`AppendSummary`), and what kunde can tell of an export file: its SHA-256 and
when it was made.
"""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kunde_cli.store.overlap import DEFAULT_SOURCE


@dataclass(frozen=True)
class SourceInfo:
    """Where a batch came from, recorded in the manifest.

    ``sha256`` is computed from ``path`` when not given. ``mapping`` (canonical field →
    source column) and ``detected`` (encoding, delimiter, … — any JSON-able values, never
    row values) are stored as they are.
    """

    path: str | Path
    sha256: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    detected: Mapping[str, Any] = field(default_factory=dict)
    #: The shop system the orders came from (order numbers are unique within one).
    source: str = DEFAULT_SOURCE
    #: True when the user named the system (``--source``); False when derived.
    named: bool = False
    #: When the export was made; None: the file's modification time (now for a pipe).
    exported_at: datetime | None = None


@dataclass(frozen=True)
class AppendSummary:
    """What one append did. Always ``rows_read == accepted + duplicates + rejected``."""

    source: str
    sha256: str
    kind: str  # "orders" or "survey"
    rows_read: int
    accepted: int  # new rows stored
    duplicates: int  # rows already stored (or repeated within the batch), skipped
    rejected: int  # distinct rows in the rejects frame
    changed: int  # orders (answers) stored before that this export changed (and replaced)
    already_ingested: bool  # this very file (same SHA-256) was ingested before
    part: str | None  # the new part file, relative to the workspace (None: nothing new)
    source_name: str = DEFAULT_SOURCE  # the shop system (orders)
    new_orders: int = 0  # orders not stored before
    #: changed orders by the status word of their new version (lower case as stored)
    changed_by_status: Mapping[str, int] = field(default_factory=dict)
    #: orders refused because another stored order has their number; survey answers
    #: whose tool id another stored answer has (kept, keyed on their content)
    collisions: int = 0
    #: lines this very file had stored under another system's name, now under this one
    moved_lines: int = 0
    #: orders this file has in an older version than a newer export stored (kept)
    older_orders: int = 0
    #: changed orders whose new version has fewer lines than the stored one
    fewer_lines: int = 0
    #: changed orders given refund lines by an export of refunds only (lines added)
    credited_orders: int = 0
    #: this file has no order numbers, and an older kunde stored such a file under
    #: numbers it made up another way: its orders cannot be matched (see the CLI's warning)
    old_made_up_ids: bool = False
    #: rows stored that carry a key erased by ``kunde forget`` (see ``tombstones.returning``)
    returning_erased: int = 0
    returning_erased_on: str | None = None  # when (ISO date) such a key was last erased


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (for stdin ``-`` or a pipe: of the bytes read)."""
    from kunde_cli.store.streams import stream_bytes

    if (data := stream_bytes(path)) is not None:
        return hashlib.sha256(data).hexdigest()
    with Path(path).open("rb") as handle:
        digest = hashlib.sha256()  # hashlib.file_digest is Python 3.11+
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
        return digest.hexdigest()


def export_time(path: str | Path) -> datetime:
    """When an export file was made, as far as kunde can tell: its modification time
    (local time, to the microsecond); now for stdin, a pipe or a file that is gone."""
    try:
        info = Path(path).stat()
    except (OSError, ValueError):
        return datetime.now()
    if not stat.S_ISREG(info.st_mode):
        return datetime.now()
    return datetime.fromtimestamp(info.st_mtime_ns / 1e9)
