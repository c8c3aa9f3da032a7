"""Who may write and who is reading: the workspace's write lock and the readers' lock.

**One writer at a time.** Writers hold an exclusive ``flock`` on ``.lock``; the kernel
releases it when the process dies, so a lock left by a killed run is stale by
construction and is simply taken over (:attr:`Workspace.stale_lock` says whose it was).
Taking it first removes what a killed writer left (``Workspace._recover``).

**Readers survive a commit.** A writer replaces files (a new identity file on every
ingest, new part files on ``forget``) and deletes the old ones after committing the
manifest. A reader may just have read the old manifest, so every reading process holds
a shared ``flock`` on ``.readers`` from its first read for the rest of its life; the
writer deletes superseded files only when it can lock ``.readers`` exclusively at once,
and otherwise leaves them for a later writer (:meth:`WorkspaceLock._delete_unread`).
Where ``.readers`` cannot be made (a read-only workspace, where no one deletes
anything), a reader that meets a vanished file reads the manifest again and retries.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from kunde_cli.errors import KundeError, WorkspaceError
from kunde_cli.store.files import (
    MissingDataError,
    WorkspaceFolder,
    _open_own_file,
    _os_errors,
)
from kunde_cli.store.layout import FILE_MODE, LOCK_FILE, ORDERS, READERS_FILE, REJECTS, SURVEY
from kunde_cli.store.manifest import now, parts
from kunde_cli.words.said import Said, said

#: How long a reader waits for a writer that is deleting superseded files (an instant).
READERS_WAIT_SECONDS = 10.0
#: Reading attempts when a listed file vanished (a writer committed meanwhile).
READ_ATTEMPTS = 3

T = TypeVar("T")


class WorkspaceLock(WorkspaceFolder):
    """The workspace folder with its write lock and its readers' lock."""

    #: The readers' lock this object holds (see :meth:`_hold_readers`), and its release.
    _reader_key: tuple[int, int] | None
    _reader_release: weakref.finalize[[tuple[int, int], int], WorkspaceLock] | None

    def _recover(self) -> None:  # pragma: no cover - the Workspace defines it
        raise NotImplementedError

    # --- the write lock --------------------------------------------------------------

    @contextlib.contextmanager
    def lock(
        self, wait_seconds: float = 0.0, *, purpose: str = "kunde ingest"
    ) -> Iterator[WorkspaceFolder]:
        """Hold the workspace's exclusive write lock for the ``with`` block.

        Waits up to ``wait_seconds`` for another process to finish, then raises
        WorkspaceError naming that process (pid, host, start time). ``purpose`` is what
        this process tells others it is doing. Re-entrant within one Workspace object.
        Creates the folder (0o700) when it does not exist, and refuses one another user
        can write to. On taking the lock, leftovers of a killed run (temporary and
        unlisted files) are removed; when the block fails with a KundeError (a full
        disk, say), the data files it wrote and did not commit are removed again, so
        the workspace is as it was.
        """
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield self
            finally:
                self._lock_depth -= 1
            return
        import fcntl  # POSIX only; imported here so reading works everywhere

        with _os_errors(self.path):
            self._ensure_dir()
            fd = _open_own_file(self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT)
        try:
            deadline = time.monotonic() + max(wait_seconds, 0.0)
            while True:
                try:
                    with _os_errors(self.path):
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise self._busy_error(_read_lock_info(fd)) from None
                    time.sleep(min(0.1, remaining))
            previous = _read_lock_info(fd)
            # flock dies with its process: lock contents we could lock over are stale.
            self.stale_lock = previous or None
            info = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "since": now(),
                "purpose": purpose,
            }
            with _os_errors(self.path):
                os.fchmod(fd, FILE_MODE)
                os.ftruncate(fd, 0)
                os.pwrite(fd, json.dumps(info).encode(), 0)
                os.fsync(fd)
                # Readers lock this one; it exists before anyone reads.
                os.close(_open_own_file(self.path / READERS_FILE, os.O_RDONLY | os.O_CREAT))
            self._lock_fd, self._lock_depth = fd, 1
            self._written: list[Path] = []
            try:
                self._recover()
                yield self
            except KundeError:
                self._discard_uncommitted()
                raise
            finally:
                self._lock_fd, self._lock_depth = None, 0
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _discard_uncommitted(self) -> None:
        """Remove the data files this lock's writes left unlisted (no reader saw them)."""
        written, self._written = self._written, []
        if not written:
            return
        try:
            manifest = self._read_manifest() if self.exists() else None
        except KundeError:
            return  # leave them to the next writer's _recover
        listed: set[Path] = set()
        if manifest is not None:
            for kind in (ORDERS, SURVEY, REJECTS):
                listed.update(self.path / entry["file"] for entry in parts(manifest, kind))
            if identity := manifest.get("identity"):
                listed.add(self.path / identity)
        for path in written:
            if path not in listed:
                with contextlib.suppress(OSError):
                    path.unlink()

    def _busy_error(self, info: dict[str, Any]) -> WorkspaceError:
        message: Said
        if info:
            purpose = info.get("purpose")
            who = said("store_busy_who", purpose=purpose) if purpose else said("store_busy_who_any")
            pid = info.get("pid", "?")
            since = _local_time(str(info.get("since", "?")))
            host = info.get("host")
            if host and host != socket.gethostname():
                message = said("store_busy_by_on", who=who, pid=pid, host=host, since=since)
            else:
                message = said("store_busy_by", who=who, pid=pid, since=since)
        else:
            message = said("store_busy")
        return WorkspaceError(
            message,
            path=self.path,
            hint=said("store_busy_hint"),
        )

    def _reading(self, read: Callable[[], T]) -> T:
        """Run ``read`` (which reads the manifest, then the files it lists) as a reader.

        Holds the readers' lock first, so no writer deletes a file this process read
        from the manifest; should a listed file vanish all the same (a workspace where
        ``.readers`` cannot be made, or a writer of an older kunde), the manifest is
        read again and ``read`` retried.
        """
        if self.exists():
            self._hold_readers()
        for attempt in range(READ_ATTEMPTS):
            try:
                return read()
            except (MissingDataError, FileNotFoundError):
                if attempt == READ_ATTEMPTS - 1:
                    raise
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    # --- the readers' lock -----------------------------------------------------------

    def _hold_readers(self) -> None:
        """Take a shared lock on ``.readers`` for as long as this object lives (or until
        :meth:`close`): the lazy frames it returned read the files of the manifest it
        read. One lock per workspace and process, shared by this process's objects.

        A writer holding the write lock needs none (only writers delete, and they take
        turns); where the lock cannot be had (a read-only workspace), reading goes on.
        """
        if self._lock_depth or getattr(self, "_reader_key", None) is not None:
            return
        fcntl = _fcntl()
        key = _folder_key(self.path)
        if fcntl is None or key is None:
            return
        with _READERS_GUARD:
            held = _READERS.get(key)
            if held is not None and held[0] == os.getpid():
                held[2] += 1
            else:
                fd = self._open_readers()
                if fd is None:
                    return
                if not _flock_within(fd, fcntl.LOCK_SH, READERS_WAIT_SECONDS):
                    os.close(fd)
                    return
                _READERS[key] = [os.getpid(), fd, 1]  # one inherited over fork is not ours
            self._reader_key = key
            fd = _READERS[key][1]
            self._reader_release = weakref.finalize(self, _release_reader, key, fd)

    def close(self) -> None:
        """Stop reading: writers may now delete files that frames this object returned
        still read (do not collect them after). Done by itself when the object goes."""
        release = getattr(self, "_reader_release", None)
        self._reader_key = self._reader_release = None
        if release is not None:
            release()

    def _open_readers(self) -> int | None:
        """``.readers`` opened for locking (made when missing), or None where it cannot
        be (a read-only workspace)."""
        path = self.path / READERS_FILE
        try:
            return _open_own_file(path, os.O_RDONLY | os.O_CREAT)
        except OSError:
            return None

    def _delete_unread(self, paths: list[Path]) -> bool:
        """Delete superseded files, under the write lock, when no reader can hold them.

        True when they were deleted; False when a reader is reading (its shared lock on
        ``.readers`` is held), in which case they stay for a later writer's
        :meth:`_recover`. This process's own readers' lock is no obstacle: it is turned
        into the exclusive lock (flock locks belong to the open file, so a second open
        would wait for ourselves) and back.
        """
        if not paths:
            return True
        fcntl = _fcntl()
        if fcntl is None:  # pragma: no cover - no flock: nothing to respect
            _unlink_all(paths)
            return True
        key = _folder_key(self.path)
        with _READERS_GUARD:
            held = _READERS.get(key) if key is not None else None
            own = held[1] if held is not None and held[0] == os.getpid() else None
            fd = own if own is not None else self._open_readers()
            if fd is None:
                return False
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    return False  # a reader is reading: leave them
                _unlink_all(paths)
                return True
            finally:
                if own is None:
                    os.close(fd)
                elif key is not None and not _flock_within(
                    own, fcntl.LOCK_SH, READERS_WAIT_SECONDS
                ):
                    _READERS.pop(key, None)
                    os.close(own)


# --- module state: this process's readers' locks --------------------------------------

#: (st_dev, st_ino) of a workspace folder → [pid, fd of its ``.readers`` (shared-locked),
#: how many live Workspace objects of this process hold it].
_READERS: dict[tuple[int, int], list[int]] = {}
_READERS_GUARD = threading.RLock()


def _release_reader(key: tuple[int, int], fd: int) -> None:
    """One holder less; the last one closes the file, which ends the shared lock."""
    with _READERS_GUARD:
        held = _READERS.get(key)
        if held is None or held[0] != os.getpid() or held[1] != fd:
            return
        held[2] -= 1
        if held[2] <= 0:
            del _READERS[key]
            with contextlib.suppress(OSError):
                os.close(held[1])


def _fcntl() -> Any:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return None
    return fcntl


def _folder_key(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _flock_within(fd: int, operation: int, seconds: float) -> bool:
    """``flock(fd, operation)``, trying for up to ``seconds``; True when it was had."""
    import fcntl

    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        except OSError:
            return False


def _unlink_all(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _local_time(iso: str) -> str:
    """``2026-03-05T14:22:01+01:00`` → ``2026-03-05 14:22:01`` in local time."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso


def _read_lock_info(fd: int) -> dict[str, Any]:
    raw = os.pread(fd, 4096, 0)
    try:
        info = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return info if isinstance(info, dict) else {}
