"""The one atomic writer: a file is there whole, or as it was before, never half-written.

The bytes go to a new temporary file beside the target — created exclusively
(``O_EXCL``), never through a symbolic link (``O_NOFOLLOW``), owner-only (0o600) and
closed on exec — which is flushed and fsynced, then renamed onto the target
(``os.replace``: atomic, and it replaces a link rather than following it); last the
folder is fsynced, so the rename itself survives a power cut.

The workspace writes every file this way (:mod:`kunde_cli.store.files`); the reports,
lists and tables a user asks for too (:mod:`kunde_cli.render.formats`), which write all
their temporary files before renaming any, so a full disk leaves every previous file.
Callers name the temporary file (the workspace's start with ``.kunde-tmp-``, which its
next writer clears away; an output's is ``.<name>.<random>.tmp``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kunde_cli.store.layout import FILE_MODE

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)

#: Writes a file's contents to the binary handle it is given.
Write = Callable[[Any], object]


def write_temp(tmp: Path, write: Write) -> None:
    """Create ``tmp`` (it must not exist; never through a link; 0o600), let ``write``
    fill it, and flush it to disk. ``tmp`` is removed again when anything fails."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def replace(tmp: Path, target: Path) -> None:
    """Rename the complete ``tmp`` onto ``target`` (atomic: ``os.replace``, which replaces
    a link, never follows it); ``tmp`` is removed when that fails."""
    try:
        tmp.replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_via(tmp: Path, target: Path, write: Write) -> None:
    """:func:`write_temp` then :func:`replace`: ``target`` holds what ``write`` wrote."""
    write_temp(tmp, write)
    replace(tmp, target)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk."""
    fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(target: Path, write: Write, *, tmp: Path) -> None:
    """Write ``target`` whole via the temporary file ``tmp`` beside it, then flush the
    folder. Raises the OSError of whatever failed (the target is then as it was)."""
    write_via(tmp, target, write)
    fsync_dir(target.parent)
