"""The workspace: canonical Parquet part files, the orders and customers tables built
from them, and a JSON manifest that commits both at once, written atomically.

What a workspace folder holds is :mod:`~kunde_cli.store.layout`; the package is built
in layers, each module a class the next one extends, ending in :class:`Workspace`:

    files.py       WorkspaceFolder: the folder is the user's own; files in it are opened
                   without following links and written by the one atomic writer
                   (atomic.py); OS errors become one-line messages
    lock.py        WorkspaceLock: one writer at a time (``.lock``), readers survive a
                   commit (``.readers``)
    commit.py      WorkspaceCommit: reading parts, writing new ones, rewriting them,
                   the commit (the manifest, manifest.py) and recovering after a kill
    append.py      WorkspaceAppend: an export's rows against the stored ones
                   (overlap.py for order lines, answers.py for survey answers)
    workspace.py   Workspace: what ingest, forget and the analyses call

Beside them: layout.py (names, modes, schemas), manifest.py (the typed manifest),
tables.py (the orders and customers tables, kept in step with the lines at every
commit, and the one-time upgrade of a format-1 workspace), sources.py (where a batch
came from, what an append did), erase.py, scope.py and tombstones.py (``kunde
forget``), remove.py (which file stored which lines: ``kunde status`` and ``kunde
remove``), written.py (the record of outputs), salt.py (the pseudonym key), cache.py
(fitted models kept between runs), report_cache.py (the record of the last report).
"""

from __future__ import annotations

from kunde_cli.store.erase import (
    ERASED_PREFIX,
    ORDERS_ERASED_COLUMNS,
    SURVEY_ERASED_COLUMNS,
    ForgetSummary,
)
from kunde_cli.store.layout import (
    DEFAULT_WORKSPACE,
    DIR_MODE,
    FILE_MODE,
    LOCK_FILE,
    MANIFEST,
    ORDERS,
    REJECTS,
    REJECTS_CSV,
    SURVEY,
    ZSTD_LEVEL,
)
from kunde_cli.store.sources import AppendSummary, SourceInfo, export_time, file_sha256
from kunde_cli.store.workspace import Workspace

__all__ = [
    "DEFAULT_WORKSPACE",
    "DIR_MODE",
    "ERASED_PREFIX",
    "FILE_MODE",
    "LOCK_FILE",
    "MANIFEST",
    "ORDERS",
    "ORDERS_ERASED_COLUMNS",
    "REJECTS",
    "REJECTS_CSV",
    "SURVEY",
    "SURVEY_ERASED_COLUMNS",
    "ZSTD_LEVEL",
    "AppendSummary",
    "ForgetSummary",
    "SourceInfo",
    "Workspace",
    "export_time",
    "file_sha256",
]
