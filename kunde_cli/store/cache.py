"""Fitted model parameters kept between runs: the workspace's fit cache.

A report that cron runs every night on a workspace nothing was added to would fit the
same models on the same numbers again. The cache keeps the parameters of each fit
under a key the caller computes from exactly what the fit sees (a hash of its input
arrays and options, :mod:`kunde_cli.analytics.clv.predict`), so a later run with the
same data and options takes them instead of fitting::

    <workspace>/cache/fit-<name>.json     {"format": 1, "key": "<key>", "record": {...}}

where ``<name>`` hashes the caller's key together with :func:`code_digest` (kunde's
version and its model-fitting code), so a fit made by other code is never found.

* **Never required.** Anything wrong with an entry — missing, a symbolic link, not a
  regular file, another user's, too large, not JSON, another format or key — is a
  miss: the caller fits again. A write that fails (a read-only workspace, a full disk)
  is dropped. Neither stops or changes the command; what went wrong is kept in
  :attr:`FitCache.problems` (shown with ``KUNDE_DEBUG=1``).
* **Aggregate numbers only.** Callers store a fit's parameters, log-likelihood and
  counts — never a row, a customer id or a name — so the cache holds nothing
  ``kunde forget`` would need to erase.
* **Private, atomic, no links.** The folder is made 0o700 and must be the user's own
  and no link; entries are opened relative to it without following links, and written
  0o600 through the one atomic writer (:mod:`kunde_cli.store.atomic`).
* **Small.** Only the :data:`KEEP` most recently used entries stay; a write removes
  older ones (and temporary files a killed run left).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kunde_cli.store import atomic
from kunde_cli.store.layout import DIR_MODE, TMP_PREFIX

#: The cache's folder inside the workspace, and its entries' names.
CACHE_DIR = "cache"
ENTRY_PREFIX = "fit-"
ENTRY_SUFFIX = ".json"
#: Version of the entry layout; another one is a miss.
FORMAT = 1
#: Entries kept (a report stores two fits; a few reports' worth of options).
KEEP = 16
#: An entry is a few hundred bytes: anything much larger was not written by kunde.
MAX_ENTRY_BYTES = 64 * 1024
#: Temporary files older than this are a killed run's and are removed.
STALE_TMP_SECONDS = 3600.0

_KEY = re.compile(r"^[0-9a-f]{16,64}$")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class Miss(Exception):
    """An entry that cannot be used (the reason is its message)."""


def code_digest() -> str:
    """A digest of kunde's version and the model-fitting code's source.

    Fit keys include it, so parameters fitted by another kunde — or by the same version
    number with other fitting code, as in a development checkout — are never reused.
    The files are read as bytes (nothing is imported); when they cannot be read the
    version alone is used.
    """
    from kunde_cli import __version__

    digest = hashlib.sha256(f"kunde {__version__}\n".encode())
    folder = Path(__file__).resolve().parents[1] / "analytics" / "clv"
    with contextlib.suppress(OSError):
        for path in sorted(folder.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class EntryFolder:
    """The cache folder's entries of one kind (``<prefix><name>.json``), read and written
    as the module notes say; the base of :class:`FitCache` and the report record
    (:mod:`kunde_cli.store.report_cache`). ``problems`` says why an entry was not used
    or not kept."""

    #: The entries' file names start with this; only the newest ``keep`` stay.
    prefix = ENTRY_PREFIX

    def __init__(self, workspace: str | Path, *, keep: int = KEEP) -> None:
        self.workspace = Path(workspace)
        self.folder = self.workspace / CACHE_DIR
        self.keep = max(1, keep)
        self.problems: list[str] = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.workspace)!r})"

    def _load(self, name: str, key: str) -> dict[str, Any] | None:
        """The record of entry ``name`` when it was stored under ``key``, else None."""
        try:
            folder = self._open_folder(create=False)
        except Miss as miss:
            self._note(f"no cache: {miss}")
            return None
        if folder is None:
            return None
        try:
            return self._read_entry(folder, name, key)
        except Miss as miss:
            self._note(f"{name} not used: {miss}")
            return None
        finally:
            os.close(folder)

    def _read_entry(self, folder: int, name: str, key: str) -> dict[str, Any]:
        try:
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK, dir_fd=folder)
        except FileNotFoundError:
            raise Miss("not there") from None
        except OSError as err:
            if err.errno in (errno.ELOOP, errno.EMLINK):
                raise Miss("a symbolic link (not followed)") from None
            raise Miss(err.strerror or str(err)) from None
        try:
            st = os.fstat(fd)
            _check_own(st, "file")
            if st.st_size > MAX_ENTRY_BYTES:
                raise Miss(f"too large ({st.st_size} bytes)")
            raw = read_at_most(fd, MAX_ENTRY_BYTES)
            with contextlib.suppress(OSError):
                os.utime(fd)  # used now: kept longer (the newest entries stay)
        except OSError as err:
            raise Miss(err.strerror or str(err)) from None
        finally:
            os.close(fd)
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise Miss("not kunde's JSON") from None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            raise Miss("another format")
        if entry.get("key") != key:
            raise Miss("written for another key")
        record = entry.get("record")
        if not isinstance(record, dict):
            raise Miss("no record")
        return record

    def _store(self, name: str, key: str, record: Mapping[str, Any]) -> None:
        """Write entry ``name`` (atomically, 0o600) and drop older entries of this kind."""
        data = json.dumps(
            {"format": FORMAT, "key": key, "record": record},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ).encode("utf-8")
        try:
            folder = self._open_folder(create=True)
        except Miss as miss:
            self._note(f"not kept: {miss}")
            return
        if folder is None:
            return
        try:
            target = self.folder / name
            tmp = self.folder / f"{TMP_PREFIX}{secrets.token_hex(4)}-{name}"
            try:
                atomic.write_atomic(target, lambda handle: handle.write(data), tmp=tmp)
            except OSError as err:
                self._note(f"not kept: {err.strerror or err}")
                return
            self._prune(folder, keep_name=name)
        finally:
            os.close(folder)

    def _prune(self, folder: int, *, keep_name: str) -> None:
        """Remove entries of this kind beyond the newest :attr:`keep`, and stale
        temporary files."""
        entries: list[tuple[int, int, str]] = []
        now = time.time()
        try:
            with os.scandir(folder) as listing:
                for item in listing:
                    try:
                        st = item.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if item.name.startswith(TMP_PREFIX):
                        if now - st.st_mtime > STALE_TMP_SECONDS:
                            _unlink(item.name, folder)
                    elif item.name.startswith(self.prefix) and item.name.endswith(ENTRY_SUFFIX):
                        newest = item.name == keep_name
                        entries.append((1 if newest else 0, st.st_mtime_ns, item.name))
        except OSError as err:
            self._note(f"old entries not removed: {err.strerror or err}")
            return
        entries.sort(reverse=True)
        for *_, name in entries[self.keep :]:
            _unlink(name, folder)

    def _open_folder(self, *, create: bool) -> int | None:
        """The cache folder opened (never through a link), checked to be the user's own
        and private; None when it is not there (and ``create`` is False)."""
        if create:
            try:
                self.folder.mkdir(mode=DIR_MODE)
            except FileExistsError:
                pass
            except OSError as err:
                raise Miss(err.strerror or str(err)) from None
        try:
            fd = os.open(self.folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as err:
            if err.errno in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):
                raise Miss(f"{self.folder} is a symbolic link or not a folder") from None
            raise Miss(err.strerror or str(err)) from None
        try:
            st = os.fstat(fd)
            _check_own(st, "folder")
            if stat.S_IMODE(st.st_mode) & ~DIR_MODE:
                os.fchmod(fd, DIR_MODE)  # our own folder: made private again
        except (Miss, OSError) as err:
            os.close(fd)
            if isinstance(err, OSError):
                raise Miss(err.strerror or str(err)) from None
            raise
        return fd

    def _note(self, problem: str) -> None:
        self.problems.append(problem)


class FitCache(EntryFolder):
    """Fitted parameters of one workspace, by key (see the module notes).

    ``get`` and ``put`` take and give JSON-able mappings (the caller turns fitted
    parameters into one and back). ``asked`` lists the keys looked up this run and
    ``hits`` those found and used — a key stored again this run was found but refused
    by the caller, who fitted again. ``namespace`` is mixed into every entry's name
    (default: :func:`code_digest`).

    Examples
    --------
    >>> cache = FitCache("kunde-data")  # doctest: +SKIP
    >>> cache.get("0f3a…") is None  # doctest: +SKIP
    True
    """

    def __init__(
        self, workspace: str | Path, *, keep: int = KEEP, namespace: str | None = None
    ) -> None:
        super().__init__(workspace, keep=keep)
        self.namespace = code_digest() if namespace is None else namespace
        self.asked: list[str] = []
        self.hits: list[str] = []

    def get(self, key: str) -> dict[str, Any] | None:
        """The record stored under ``key``, or None (a miss, whatever the reason)."""
        name = self.entry_name(key)
        self.asked.append(key)
        record = self._load(name, key)
        if record is not None:
            self.hits.append(key)
        return record

    def put(self, key: str, record: Mapping[str, Any]) -> None:
        """Store ``record`` (JSON-able, aggregate numbers only) under ``key``; drop older
        entries beyond :attr:`keep`. Never raises for the disk's sake."""
        name = self.entry_name(key)
        if key in self.hits:  # found, but the caller fitted again: not reused after all
            self.hits = [hit for hit in self.hits if hit != key]
            self._note(f"{name} not used: not what the fit needs (fitted again)")
        self._store(name, key, record)

    def entry_name(self, key: str) -> str:
        """The file name (in :attr:`folder`) of the entry for ``key``."""
        if not _KEY.match(key):
            raise ValueError(f"a fit cache key is 16-64 lower-case hex digits, not {key!r}")
        name = hashlib.sha256(f"{self.namespace}:{key}".encode()).hexdigest()[:40]
        return f"{ENTRY_PREFIX}{name}{ENTRY_SUFFIX}"


def read_at_most(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes from ``fd`` (to its end, however many reads that takes)."""
    chunks, size = [], 0
    while size < limit:
        chunk = os.read(fd, min(1 << 20, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _check_own(st: os.stat_result, what: str) -> None:
    """Refuse anything but a regular file (or folder) of the user running kunde."""
    kind_ok = stat.S_ISDIR(st.st_mode) if what == "folder" else stat.S_ISREG(st.st_mode)
    if not kind_ok:
        raise Miss(f"not a {what}")
    uid = os.getuid() if hasattr(os, "getuid") else None
    if uid is not None and st.st_uid != uid:
        raise Miss(f"another user's {what} (uid {st.st_uid})")


def _unlink(name: str, folder: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name, dir_fd=folder)


__all__ = ["CACHE_DIR", "FORMAT", "KEEP", "EntryFolder", "FitCache", "code_digest", "read_at_most"]
