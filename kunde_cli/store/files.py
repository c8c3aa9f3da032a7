"""The workspace folder's files: who may write (the lock), how a file is written
(atomically, owner-only), and which OS errors become a message.

Everything here is about bytes on disk, never about what they mean; the
:class:`~kunde_cli.store.Workspace` builds on it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from kunde_cli.errors import WorkspaceError

MANIFEST = "manifest.json"
LOCK_FILE = ".lock"
REJECTS_CSV = "rejects.csv"
ORDERS = "orders"
SURVEY = "survey"
REJECTS = "rejects"
#: zstd level 1: about as small as the default level and clearly faster on 10 M lines.
ZSTD_LEVEL = 1
DIR_MODE = 0o700
FILE_MODE = 0o600
TMP_PREFIX = ".kunde-tmp-"
IDENTITY_PREFIX = "identity-"
OWN_NAMES = {MANIFEST, LOCK_FILE, REJECTS_CSV, ORDERS, SURVEY, REJECTS}


def now() -> str:
    """The local time now, ISO 8601 with its UTC offset, to the second."""
    from datetime import UTC

    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


class WorkspaceFolder:
    """The folder, its lock and its atomic writer (the base of ``Workspace``)."""

    path: Path
    stale_lock: dict[str, Any] | None
    _lock_fd: int | None
    _lock_depth: int

    def exists(self) -> bool:
        """True when the folder holds a kunde manifest (something was ingested)."""
        return (self.path / MANIFEST).is_file()

    def _recover(self) -> None:  # pragma: no cover - the Workspace defines it
        raise NotImplementedError

    @contextlib.contextmanager
    def lock(
        self, wait_seconds: float = 0.0, *, purpose: str = "kunde ingest"
    ) -> Iterator[WorkspaceFolder]:
        """Hold the workspace's exclusive write lock for the ``with`` block.

        Waits up to ``wait_seconds`` for another process to finish, then raises
        WorkspaceError naming that process (pid, host, start time). ``purpose`` is what
        this process tells others it is doing. Re-entrant within one Workspace object.
        Creates the folder (0o700) when it does not exist. On taking the lock, leftovers
        of a killed run (temporary and unlisted files) are removed.
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
            fd = os.open(self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT, FILE_MODE)
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
            os.fchmod(fd, FILE_MODE)
            os.ftruncate(fd, 0)
            info = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "since": now(),
                "purpose": purpose,
            }
            os.pwrite(fd, json.dumps(info).encode(), 0)
            os.fsync(fd)
            self._lock_fd, self._lock_depth = fd, 1
            try:
                self._recover()
                yield self
            finally:
                self._lock_fd, self._lock_depth = None, 0
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _ensure_dir(self) -> None:
        if self.path.exists():
            if not self.path.is_dir():
                raise WorkspaceError(
                    "is not a folder", path=self.path, hint="give another --workspace"
                )
            if not self.exists():
                foreign = sorted(
                    entry.name
                    for entry in self.path.iterdir()
                    if entry.name not in OWN_NAMES
                    and not entry.name.startswith((TMP_PREFIX, IDENTITY_PREFIX))
                )
                if foreign:
                    raise WorkspaceError(
                        f"is not a kunde workspace (it holds {foreign[0]!r} and more)"
                        if len(foreign) > 1
                        else f"is not a kunde workspace (it holds {foreign[0]!r})",
                        path=self.path,
                        hint="give an empty or new folder with --workspace",
                    )
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.path.mkdir(mode=DIR_MODE)
        except FileExistsError:
            # Two cron runs starting together: the other made it first. The lock file
            # inside it is what serialises them, so this is not an error.
            if not self.path.is_dir():
                raise WorkspaceError(
                    "is not a folder", path=self.path, hint="give another --workspace"
                ) from None
            return
        self.path.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask

    def _ensure_subdir(self, name: str) -> None:
        sub = self.path / name
        if not sub.is_dir():
            sub.mkdir(mode=DIR_MODE, exist_ok=True)
            sub.chmod(DIR_MODE)

    def _write_bytes_atomic(self, target: Path, write: Any) -> None:
        """Write via a temporary file in the same folder, fsync, then os.replace."""
        tmp = target.with_name(f"{TMP_PREFIX}{secrets.token_hex(4)}-{target.name}")
        with _os_errors(target):
            self._write_via(tmp, target, write)
        _fsync_dir(target.parent)

    @staticmethod
    def _write_via(tmp: Path, target: Path, write: Callable[[Any], object]) -> None:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), FILE_MODE)
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(target)  # atomic: os.replace
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise

    def _write_parquet(self, frame: pl.DataFrame, target: Path) -> None:
        self._write_bytes_atomic(
            target,
            lambda handle: frame.write_parquet(
                handle, compression="zstd", compression_level=ZSTD_LEVEL
            ),
        )

    def _busy_error(self, info: dict[str, Any]) -> WorkspaceError:
        if info:
            who = f"another {info.get('purpose', 'kunde run')} (pid {info.get('pid', '?')}"
            if info.get("host") and info.get("host") != socket.gethostname():
                who += f" on {info['host']}"
            since = _local_time(str(info.get("since", "?")))
            message = f"workspace is busy: {who}) has been running since {since}"
        else:
            message = "workspace is busy: another kunde run is writing to it"
        return WorkspaceError(
            message,
            path=self.path,
            hint="let it finish, or wait for it with --wait SECONDS",
        )


# OS errors a user can fix; anything else is a bug and keeps its traceback.

_USER_OS_ERRORS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.ENOLCK: "this file system cannot lock files (use a local folder)",
}


@contextlib.contextmanager
def _os_errors(path: Path) -> Iterator[None]:
    """Turn "disk full" or "permission denied" into a WorkspaceError (nothing committed)."""
    try:
        yield
    except OSError as err:
        reason = _USER_OS_ERRORS.get(err.errno or 0)
        if reason is None:
            raise
        raise WorkspaceError(
            f"cannot write to the workspace: {reason}; it is unchanged",
            path=path,
            hint="free some space or fix the folder's permissions, then run the command again",
        ) from None


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


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
