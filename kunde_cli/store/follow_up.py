"""The follow-up statuses kept in a workspace (``kunde nps --follow-up`` with ``-w``).

One small Parquet file, ``follow_up.parquet`` in the workspace folder: one row per case
(``response_id``) with its ``customer_id``, ``nps_category``, ``follow_up_status``
(open / contacted / resolved), ``follow_up_note`` and ``current`` (False for an earlier
case kept for its note) — the columns of
:data:`kunde_cli.schema.FOLLOW_UP`. It is written whole by the one
atomic writer under the workspace's write lock, so the report can count open and
closed cases without the owner's workbook. It is not part of the manifest: the owner's
workbook is the original, this is a copy, and losing it loses nothing the next
``--follow-up`` run does not write again.

``kunde forget`` removes the rows of the erased answers and customers
(:func:`forget_statuses`), so a note about the person does not outlive them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from kunde_cli import schema as s
from kunde_cli.store.layout import ZSTD_LEVEL

if TYPE_CHECKING:
    from kunde_cli.store.workspace import Workspace

#: The file's name in the workspace folder.
FOLLOW_UP_FILE = "follow_up.parquet"
#: How long a follow-up run waits for another kunde run writing the workspace.
WAIT_SECONDS = 10.0


def read_statuses(ws: Workspace) -> pl.DataFrame | None:
    """The stored statuses, or None when no follow-up run has kept any (or the file
    cannot be read: it is a copy, never required)."""
    return statuses_in(ws.path)


def statuses_in(folder: str | Path) -> pl.DataFrame | None:
    """The statuses stored in the workspace ``folder`` (read without its lock or a
    Workspace object: the report's section), or None when there are none or the file
    cannot be used. Opened as every workspace file is (no link, FIFO or other user's
    file: :func:`kunde_cli.store.files._open_own_file`) and checked for the columns of
    :data:`kunde_cli.schema.FOLLOW_UP` (a damaged copy is no copy)."""
    from kunde_cli.errors import KundeError
    from kunde_cli.store.files import _open_own_file

    path = Path(folder) / FOLLOW_UP_FILE
    try:
        fd = _open_own_file(path, os.O_RDONLY)
    except (OSError, KundeError):
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            frame = pl.read_parquet(io.BytesIO(handle.read()))
    except (OSError, pl.exceptions.PolarsError):
        return None
    if not set(s.FOLLOW_UP) <= set(frame.columns):
        return None
    try:
        return frame.select(pl.col(c).cast(t) for c, t in s.FOLLOW_UP.items())
    except pl.exceptions.PolarsError:
        return None


def write_statuses(ws: Workspace, statuses: pl.DataFrame) -> None:
    """Keep ``statuses`` as the workspace's follow-up statuses (atomically, under the
    write lock; waits up to :data:`WAIT_SECONDS` for another writer)."""
    with ws.lock(WAIT_SECONDS, purpose="kunde nps --follow-up"):
        _write(ws, statuses)


def forget_statuses(
    ws: Workspace, *, customer_ids: Sequence[str], response_ids: Sequence[str]
) -> int:
    """Remove the statuses and notes of ``response_ids`` and of ``customer_ids``; how
    many rows went. Called by ``kunde forget`` under its lock (re-entrant)."""
    stored = read_statuses(ws)
    if stored is None or stored.height == 0:
        return 0
    gone = pl.col(s.RESPONSE_ID).is_in(
        pl.Series(list(response_ids), dtype=pl.String).implode()
    ) | pl.col(s.CUSTOMER_ID).is_in(pl.Series(list(customer_ids), dtype=pl.String).implode())
    kept = stored.filter(~gone.fill_null(False))
    removed = stored.height - kept.height
    if removed:
        with ws.lock(WAIT_SECONDS, purpose="kunde forget"):
            _write(ws, kept)
    return removed


def _write(ws: Workspace, statuses: pl.DataFrame) -> None:
    ws._write_bytes_atomic(
        ws.path / FOLLOW_UP_FILE,
        lambda handle: statuses.write_parquet(
            handle, compression="zstd", compression_level=ZSTD_LEVEL
        ),
    )
