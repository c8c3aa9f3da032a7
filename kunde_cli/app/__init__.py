"""Use cases a person can call from Python: load, ingest_files, build_report,
workspace_files and remove_file.

Each returns its result and the notes it has for a person; none prints. The command
line (``kunde_cli/cli``) calls these and renders what they return. Names are imported
when first used, so importing this package costs nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kunde_cli.app.ingest import IngestReport, ingest_files
    from kunde_cli.app.loading import Loaded, load, open_workspace
    from kunde_cli.app.notes import Note, Notes
    from kunde_cli.app.report import ReportData, build_report
    from kunde_cli.app.workspace_files import (
        WorkspaceFiles,
        find_file,
        remove_file,
        workspace_files,
    )

_HOMES = {
    "IngestReport": "kunde_cli.app.ingest",
    "ingest_files": "kunde_cli.app.ingest",
    "Loaded": "kunde_cli.app.loading",
    "load": "kunde_cli.app.loading",
    "open_workspace": "kunde_cli.app.loading",
    "Note": "kunde_cli.app.notes",
    "Notes": "kunde_cli.app.notes",
    "ReportData": "kunde_cli.app.report",
    "build_report": "kunde_cli.app.report",
    "WorkspaceFiles": "kunde_cli.app.workspace_files",
    "find_file": "kunde_cli.app.workspace_files",
    "remove_file": "kunde_cli.app.workspace_files",
    "workspace_files": "kunde_cli.app.workspace_files",
}

__all__ = [
    "IngestReport",
    "Loaded",
    "Note",
    "Notes",
    "ReportData",
    "WorkspaceFiles",
    "build_report",
    "find_file",
    "ingest_files",
    "load",
    "open_workspace",
    "remove_file",
    "workspace_files",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kunde_cli.app' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
