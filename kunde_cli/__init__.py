"""kunde: customer analytics for small shops, from the exports they already have.

The public API, for use from Python without the command line::

    import kunde_cli

    done = kunde_cli.ingest_files(["ordrer.csv", "nps_svar.csv"], "kunde-data")
    loaded = kunde_cli.load(workspace="kunde-data")
    report = kunde_cli.build_report(loaded)
    print(report.key.customers, report.key.revenue)

Nothing here prints: each call returns its result, and the notes a person should
read come back as data (``done.notes``, ``loaded.notes``). Names are imported when
first used, so ``import kunde_cli`` (and ``kunde --help``) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from kunde_cli.app.ingest import IngestReport, ingest_files
    from kunde_cli.app.loading import Loaded, load, open_workspace
    from kunde_cli.app.notes import Note
    from kunde_cli.app.report import ReportData, build_report
    from kunde_cli.errors import KundeError
    from kunde_cli.store import Workspace

#: Where each public name lives (imported on first use): the use cases from
#: kunde_cli.app, which knows their modules.
_HOMES = {
    **dict.fromkeys(
        (
            "IngestReport",
            "ingest_files",
            "Loaded",
            "load",
            "open_workspace",
            "Note",
            "ReportData",
            "build_report",
        ),
        "kunde_cli.app",
    ),
    "KundeError": "kunde_cli.errors",
    "Workspace": "kunde_cli.store",
}

__all__ = [
    "IngestReport",
    "KundeError",
    "Loaded",
    "Note",
    "ReportData",
    "Workspace",
    "__version__",
    "build_report",
    "ingest_files",
    "load",
    "open_workspace",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kunde_cli' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
