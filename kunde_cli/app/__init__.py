"""Use cases a person can call from Python: load, ingest_files, build_report.

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
}

__all__ = [
    "IngestReport",
    "Loaded",
    "Note",
    "Notes",
    "ReportData",
    "build_report",
    "ingest_files",
    "load",
    "open_workspace",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kunde_cli.app' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
