"""When a report would come out the same: the record of the last one written.

``kunde report`` run by cron on a workspace nothing was added to, for the same as-of
date and options, would compute and write the very same bytes again. After writing, it
records (in the workspace's cache folder, :mod:`kunde_cli.store.cache`) under the
output paths:

* the **key** of everything the files are made from (:meth:`ReportCache.key`): kunde's
  code — every file of the package and the report templates — and the versions of
  Python and the libraries that compute and write it; the workspace's state
  (:func:`workspace_state`); and the command's resolved options (as-of date, compare
  date, language, the config, model on or off, the output paths);
* the **SHA-256 of each file** as written, and the notes it printed.

The next run with the same key skips the analyses and the rendering only when every
file is still a regular file (no link) whose bytes hash to what was recorded; a file
edited, replaced, linked or removed since is written again. Anonymised reports are
never recorded (their key would involve the secret salt), nor are reports from files
read directly (no workspace to keep the record in). Like the fit cache, the record is
never required: any doubt means writing the report.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kunde_cli.store.cache import CACHE_DIR, ENTRY_SUFFIX, EntryFolder, read_at_most
from kunde_cli.store.layout import LOCK_FILE, MANIFEST, READERS_FILE, TMP_PREFIX
from kunde_cli.store.written import WRITTEN

REPORT_PREFIX = "report-"
#: Records kept (one per set of output paths: a few folders' worth).
KEEP_REPORTS = 8
#: Files of the workspace that change without its data changing.
_NOT_DATA = {CACHE_DIR, LOCK_FILE, READERS_FILE, MANIFEST, WRITTEN}
#: Manifest fields a file ingested again updates (the data stay as they were).
_SEEN_AGAIN_TOP = ("updated_at",)
_SEEN_AGAIN_SOURCE = ("times_seen", "last_seen_at")
#: Libraries whose versions the report's bytes may depend on.
_LIBRARIES = ("polars", "numpy", "scipy", "xlsxwriter", "jinja2", "markupsafe")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def package_digest() -> str:
    """SHA-256 of kunde's code as installed: every file of the ``kunde_cli`` package
    (caches left out), the report templates, and the versions of Python and the
    libraries in :data:`_LIBRARIES`."""
    from importlib import metadata

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(sys.version.encode())
    for name in _LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"\n{name} {version}".encode())
    # The templates as render.html finds them: installed package data, else a checkout's.
    templates = [
        folder
        for folder in (package / "_data" / "templates", package.parent / "templates")
        if (folder / "report.html.j2").is_file()
    ][:1]
    for root in (package, *templates):
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                path = Path(folder) / name
                if path.suffix in (".pyc", ".pyo"):
                    continue
                digest.update(f"\n{path.relative_to(root)}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def workspace_state(workspace: str | Path) -> str | None:
    """SHA-256 of what a workspace holds, or None when its manifest cannot be read.

    The manifest — without the fields a file ingested again updates (when it was seen,
    how often), so a cron job re-reading the same export does not count as a change —
    and the name, kind, size, inode and modification time of every other file under
    the folder except the cache, the locks and the record of outputs. Stored files are
    never rewritten in place, so new data means a new name or a new manifest.
    """
    folder = Path(workspace)
    try:
        fd = os.open(folder / MANIFEST, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            manifest = json.loads(read_at_most(fd, 1 << 30).decode("utf-8"))
        finally:
            os.close(fd)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(manifest, dict):
        return None
    for field in _SEEN_AGAIN_TOP:
        manifest.pop(field, None)
    for entry in manifest.get("sources") or ():
        if isinstance(entry, dict):
            for field in _SEEN_AGAIN_SOURCE:
                entry.pop(field, None)
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True, default=str).encode("utf-8"))
    for root, dirs, files in os.walk(folder):  # never into a linked folder
        here = Path(root)
        if here == folder:
            dirs[:] = [d for d in dirs if d not in _NOT_DATA]
        dirs.sort()
        for name in sorted(files + [d for d in dirs if (here / d).is_symlink()]):
            if (here == folder and name in _NOT_DATA) or name.startswith(TMP_PREFIX):
                continue
            try:
                st = os.lstat(here / name)
            except OSError:
                return None
            rel = (here / name).relative_to(folder)
            digest.update(
                f"\n{rel}\0{stat.S_IFMT(st.st_mode)}\0{st.st_size}\0{st.st_ino}\0"
                f"{st.st_mtime_ns}".encode()
            )
    return digest.hexdigest()


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a regular file's bytes, never through a link (None otherwise)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            digest = hashlib.sha256()  # hashlib.file_digest is Python 3.11+
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
            return digest.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


class ReportCache(EntryFolder):
    """The record of the report last written to ``paths`` from ``workspace`` with
    ``options`` (JSON-able; dates as ISO text) — see the module notes. ``state`` is
    :func:`workspace_state` taken *before* the report's data were read."""

    prefix = REPORT_PREFIX

    def __init__(
        self,
        workspace: str | Path,
        paths: Sequence[Path],
        options: Mapping[str, Any],
        *,
        state: str | None,
    ) -> None:
        super().__init__(workspace, keep=KEEP_REPORTS)
        #: :func:`workspace_state` taken before the report's data were read (None: unknown)
        self.state = state
        self.paths = [Path(p).absolute() for p in paths]
        self.options = dict(options)
        where = "\0".join(str(p) for p in self.paths)
        self.name = f"{REPORT_PREFIX}{hashlib.sha256(where.encode()).hexdigest()[:40]}"
        self.name += ENTRY_SUFFIX
        self._key: str | None = None

    def key(self) -> str | None:
        """SHA-256 of kunde's code, the workspace's state, the options and the paths
        (None when the workspace's state could not be read)."""
        if self._key is None:
            if self.state is None:
                return None
            inputs = {
                "code": package_digest(),
                "workspace": self.state,
                "options": self.options,
                "paths": [str(p) for p in self.paths],
            }
            text = json.dumps(inputs, sort_keys=True, default=str)
            self._key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self._key

    def unchanged(self) -> list[str] | None:
        """The notes of the recorded report when writing it again would give exactly
        the files that are there; None when it must be written."""
        key = self.key()
        if key is None:
            return None
        record = self._load(self.name, key)
        if record is None:
            return None
        files, notes = record.get("files"), record.get("notes")
        if (
            not isinstance(files, list)
            or len(files) != len(self.paths)
            or not isinstance(notes, list)
            or not all(isinstance(n, str) for n in notes)
        ):
            self._note(f"{self.name} not used: not a report record")
            return None
        for path, recorded in zip(self.paths, files, strict=True):
            if file_sha256(path) != recorded:
                self._note(f"{path} is not the file kunde wrote: written again")
                return None
        return notes

    def record(self, contents: Sequence[bytes], notes: Sequence[str]) -> None:
        """Record the report just written (``contents`` in the order of the paths) —
        only when each path is now a regular file of that size (not a link, not a
        device): a report written elsewhere is written again next time. Nor when the
        workspace changed since :attr:`state` was taken (an ingest meanwhile): the
        report may hold the data of either state."""
        key = self.key()
        if key is None or len(contents) != len(self.paths):
            return
        if workspace_state(self.workspace) != self.state:
            self._note("the workspace changed while the report was made: not recorded")
            return
        for path, data in zip(self.paths, contents, strict=True):
            try:
                st = os.lstat(path)
            except OSError:
                return
            if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
                return
        files = [hashlib.sha256(data).hexdigest() for data in contents]
        self._store(self.name, key, {"files": files, "notes": list(notes)})


__all__ = ["KEEP_REPORTS", "ReportCache", "package_digest", "workspace_state"]
