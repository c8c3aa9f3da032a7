"""The workspace's record of the reports and lists it was used to write.

Every command that reads a workspace appends one line per file it writes from it
(a report, ``-o`` lists and tables, ``--calls``) to ``written.jsonl`` in it: when,
which command, and the file's absolute path — never what is in the file. The CLI
does it in one place for all commands (``kunde_cli.cli.common.load_source`` hooks
``render.formats.write_outputs``); stdout and files written from exports read
directly are not recorded. ``kunde forget`` reads it back to name the earlier
reports and lists that may still hold the erased person (:func:`still_there`).

The file is opened with ``O_APPEND | O_NOFOLLOW`` (a link planted in its place is not
followed) and created 0600. One short line per write, so runs that write at the same
time do not mix their lines; nothing here needs the workspace lock. A record that
cannot be written never fails the command: the output is what the user asked for.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kunde_cli.store.layout import FILE_MODE, MANIFEST
from kunde_cli.store.manifest import now

#: The record's file name in the workspace.
WRITTEN = "written.jsonl"


@dataclass(frozen=True)
class Written:
    """One file a command wrote from the workspace."""

    at: str  # ISO 8601 with offset, to the second
    command: str  # "report", "export", …
    path: str  # absolute


def record(workspace: str | Path, command: str, paths: Iterable[str | Path | None]) -> None:
    """Note that ``command`` wrote ``paths`` from ``workspace`` (a no-op when it holds no
    kunde workspace, or for stdout: None or ``-``)."""
    folder = Path(workspace)
    files = [Path(p) for p in paths if p is not None and str(p) != "-"]
    if not files or not (folder / MANIFEST).is_file():
        return
    stamp = now()
    lines = "".join(
        json.dumps(
            {"at": stamp, "command": command, "path": str(p.absolute())},
            ensure_ascii=False,
        )
        + "\n"
        for p in files
    )
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    with contextlib.suppress(OSError):
        fd = os.open(folder / WRITTEN, flags, FILE_MODE)
        try:
            os.write(fd, lines.encode("utf-8"))
        finally:
            os.close(fd)


def read(workspace: str | Path) -> list[Written]:
    """Every record line, oldest first (a damaged line is skipped)."""
    path = Path(workspace) / WRITTEN
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return []
    with os.fdopen(fd, "rb") as handle:
        text = handle.read().decode("utf-8", errors="replace")
    found = []
    for line in text.splitlines():
        with contextlib.suppress(ValueError, TypeError, KeyError):
            entry = json.loads(line)
            found.append(Written(str(entry["at"]), str(entry["command"]), str(entry["path"])))
    return found


def still_there(workspace: str | Path, since: str) -> list[Written]:
    """Files written from the workspace at or after ``since`` (ISO 8601) that are still
    on disk: the latest record of each path, oldest first."""
    start = _when(since)
    latest: dict[str, Written] = {}
    for entry in read(workspace):
        at = _when(entry.at)
        if at is None or start is None or at < start:
            continue
        latest[entry.path] = entry
    return sorted(
        (w for w in latest.values() if Path(w.path).exists()), key=lambda w: (w.at, w.path)
    )


def _when(iso: str) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else stamp.astimezone()
