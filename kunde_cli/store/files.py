"""The workspace folder's files: who may write (the lock), who is reading (the readers'
lock), how a file is written (atomically, owner-only), and which OS errors become a
message.

Everything here is about bytes on disk, never about what they mean; the
:class:`~kunde_cli.store.Workspace` builds on it.

**Only its owner can bend it.** An existing workspace folder must belong to the user
running kunde and be writable by no one else (an empty folder of the user's own is
tightened to 0o700); a folder another user can write to could have a ``.lock`` or
``manifest.json`` planted in it. No file inside the workspace is opened through a
symbolic link.

**Readers survive a commit.** A writer replaces files (a new identity file on every
ingest, new part files on ``forget``) and deletes the old ones after committing the
manifest. A reader may just have read the old manifest, so every reading process holds
a shared ``flock`` on ``.readers`` from its first read for the rest of its life; the
writer deletes superseded files only when it can lock ``.readers`` exclusively at once,
and otherwise leaves them for a later writer (:meth:`WorkspaceFolder._delete_unread`).
Where ``.readers`` cannot be made (a read-only workspace, where no one deletes
anything), a reader that meets a vanished file reads the manifest again and retries.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import socket
import stat
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import polars as pl

from kunde_cli.errors import KundeError, WorkspaceError, os_errno
from kunde_cli.store import atomic
from kunde_cli.store.layout import (
    DIR_MODE,
    FILE_MODE,
    IDENTITY_PREFIX,
    LOCK_FILE,
    MANIFEST,
    ORDERS,
    OWN_NAMES,
    READERS_FILE,
    REJECTS,
    SURVEY,
    TMP_PREFIX,
    ZSTD_LEVEL,
)
from kunde_cli.store.manifest import Manifest, now, parse_manifest

#: How long a reader waits for a writer that is deleting superseded files (an instant).
READERS_WAIT_SECONDS = 10.0
#: Reading attempts when a listed file vanished (a writer committed meanwhile).
READ_ATTEMPTS = 3

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)

T = TypeVar("T")


def _current_uid() -> int | None:
    """The user running kunde (None where the OS has no uids)."""
    return os.getuid() if hasattr(os, "getuid") else None


class MissingDataError(WorkspaceError):
    """A data file the manifest lists is not there: gone since the manifest was read
    (a writer committed meanwhile; reading again helps) or lost (it does not)."""


class WorkspaceFolder:
    """The folder, its locks and its atomic writer (the base of ``Workspace``)."""

    path: Path
    stale_lock: dict[str, Any] | None
    _lock_fd: int | None
    _lock_depth: int

    def exists(self) -> bool:
        """True when the folder holds a kunde manifest (something was ingested).

        A ``manifest.json`` that is a link or no file counts too: reading it then says
        what is wrong instead of taking the folder for a new workspace.
        """
        return os.path.lexists(self.path / MANIFEST)

    def _recover(self) -> None:  # pragma: no cover - the Workspace defines it
        raise NotImplementedError

    def _read_manifest(self) -> Manifest:
        """The committed manifest, checked (:func:`kunde_cli.store.manifest.validate`)."""
        path = self.path / MANIFEST
        self._check_folder()  # no other user can bend it; no link is followed in it
        return parse_manifest(self._read_own_bytes(path), path)

    def _read_manifest_required(self) -> Manifest:
        if not self.exists():
            raise WorkspaceError(
                f"no workspace at {self.path}",
                hint="read an export first: kunde ingest ordrer.csv",
            )
        return self._read_manifest()

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
        listed = set()
        if manifest is not None:
            for kind in (ORDERS, SURVEY, REJECTS):
                listed.update(self.path / entry["file"] for entry in manifest.get(kind, []))
            if manifest.get("identity"):
                listed.add(self.path / manifest["identity"])
        for path in written:
            if path not in listed:
                with contextlib.suppress(OSError):
                    path.unlink()

    # --- the folder ------------------------------------------------------------------

    def _check_folder(self, *, may_tighten: bool = False) -> None:
        """Refuse an existing folder another user owns or can write to.

        With ``may_tighten`` (a writer), an empty folder of the user's own is made
        owner-only (0o700) instead. A folder that is not there passes (a writer makes it).
        """
        try:
            with _os_errors(self.path, reading=True):
                st = self.path.stat()
        except FileNotFoundError:
            return
        if not stat.S_ISDIR(st.st_mode):
            raise WorkspaceError("is not a folder", path=self.path, hint="give another --workspace")
        uid = _current_uid()
        if uid is not None and st.st_uid != uid:
            raise WorkspaceError(
                f"the workspace folder belongs to another user (uid {st.st_uid}); "
                "kunde only uses a folder of your own",
                path=self.path,
                hint="give a folder of your own with --workspace",
            )
        if stat.S_IMODE(st.st_mode) & ~DIR_MODE == 0:
            return
        if may_tighten:
            with _os_errors(self.path):
                with os.scandir(self.path) as entries:
                    empty = next(entries, None) is None
                if empty:
                    self.path.chmod(DIR_MODE)
                    return
        if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise WorkspaceError(
                f"other users can change the workspace folder (mode "
                f"{stat.S_IMODE(st.st_mode):o}); kunde only uses a private one",
                path=self.path,
                hint=f"make it private with `chmod 700 {self.path}`, or give another --workspace",
            )

    def _ensure_dir(self) -> None:
        if self.path.exists():
            self._check_folder(may_tighten=True)
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
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # a file, or a link to nowhere, where a folder belongs
            raise WorkspaceError(
                "cannot make the workspace folder: part of its path is not a folder",
                path=self.path,
                hint="give another --workspace",
            ) from None
        try:
            self.path.mkdir(mode=DIR_MODE)
        except FileExistsError:
            # Two cron runs starting together: the other made it first. The lock file
            # inside it is what serialises them, so this is not an error.
            if not self.path.is_dir():  # a link to nowhere
                raise WorkspaceError(
                    "is not a folder", path=self.path, hint="give another --workspace"
                ) from None
            self._check_folder()
            return
        self.path.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask

    def _ensure_subdir(self, name: str) -> None:
        sub = self.path / name
        with _os_errors(sub):
            if sub.is_symlink():
                raise _link_refused(sub)
            if not sub.is_dir():
                sub.mkdir(mode=DIR_MODE, exist_ok=True)
                sub.chmod(DIR_MODE)

    # --- writing files ---------------------------------------------------------------

    def _write_bytes_atomic(self, target: Path, write: Any) -> None:
        """Write via a temporary file in the same folder, fsync, then os.replace (the
        one atomic writer, :mod:`kunde_cli.store.atomic`)."""
        tmp = target.with_name(f"{TMP_PREFIX}{secrets.token_hex(4)}-{target.name}")
        with _os_errors(self.path):
            self._write_via(tmp, target, write)
            atomic.fsync_dir(target.parent)
        if target.name == MANIFEST and target.parent == self.path and self._lock_depth:
            # The commit point: the data files written so far are listed now, and only
            # a later commit (and the readers' rule) may remove them.
            self._written = []

    #: Writes a temporary file and renames it onto the target (tests put a full disk here).
    _write_via = staticmethod(atomic.write_via)

    def _write_parquet(self, frame: pl.DataFrame, target: Path) -> None:
        """Write a data file (part or identity) atomically; Polars' own OS errors (disk
        full, ``ulimit -f``) become the workspace's one-line message like Python's."""
        if self._lock_depth:
            self._written.append(target)
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

    # --- reading files ---------------------------------------------------------------

    def _read_own_bytes(self, path: Path) -> bytes:
        """The bytes of a workspace file such as the manifest (never through a link)."""
        with _os_errors(path, reading=True):
            fd = _open_own_file(path, os.O_RDONLY)
            with os.fdopen(fd, "rb") as handle:
                return handle.read()

    def _open_data(self, path: Path) -> IO[bytes]:
        """A listed data file opened for reading (never through a link).

        Raises MissingDataError when it is not there.
        """
        try:
            with _os_errors(path, reading=True):
                fd = _open_own_file(path, os.O_RDONLY)
        except FileNotFoundError:
            raise self._missing_files_error([path]) from None
        return os.fdopen(fd, "rb")

    def _check_data_files(self, files: list[Path]) -> None:
        """Every listed data file is there and a plain file (no link), else raise."""
        missing = []
        for path in files:
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                missing.append(path)
                continue
            if stat.S_ISLNK(st.st_mode):
                raise _link_refused(path)
            if not stat.S_ISREG(st.st_mode):
                raise _not_a_file(path)
        for folder in {path.parent for path in files} - {self.path}:
            if folder.is_symlink():
                raise _link_refused(folder)
        if missing:
            raise self._missing_files_error(missing)

    def _missing_files_error(self, missing: list[Path]) -> MissingDataError:
        return MissingDataError(
            f"the workspace is missing {len(missing)} data file(s), e.g. {missing[0].name}",
            path=self.path,
            hint="restore the folder from a backup, or start a new workspace and ingest again",
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
                elif not _flock_within(own, fcntl.LOCK_SH, READERS_WAIT_SECONDS):
                    _READERS.pop(key, None)  # type: ignore[arg-type]
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


# --- opening files without following links --------------------------------------------


def _open_own_file(path: Path, flags: int) -> int:
    """``os.open`` of a file inside the workspace: never through a symbolic link, and
    only a regular file (a planted link, FIFO or device is refused). Made 0o600 when
    ``flags`` has O_CREAT."""
    try:
        fd = os.open(path, flags | _NOFOLLOW | _CLOEXEC | _NONBLOCK, FILE_MODE)
    except OSError as err:
        if err.errno in (errno.ELOOP, errno.EMLINK) and path.is_symlink():
            raise _link_refused(path) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_a_file(path)
        uid = _current_uid()
        if uid is not None and st.st_uid not in (uid, 0):
            raise WorkspaceError(
                f"{path.name} in the workspace belongs to another user (uid {st.st_uid}); "
                "kunde does not use it",
                path=path.parent,
                hint="remove it if you did not put it there, and keep the folder private",
            )
    except BaseException:
        os.close(fd)
        raise
    return fd


def _link_refused(path: Path) -> WorkspaceError:
    return WorkspaceError(
        f"{path.name} in the workspace is a symbolic link; kunde does not follow links "
        "inside a workspace",
        path=path.parent,
        hint=f"remove the link ({path}) if you did not make it, and keep the folder private",
    )


def _not_a_file(path: Path) -> WorkspaceError:
    return WorkspaceError(
        f"{path.name} in the workspace is not a file",
        path=path.parent,
        hint="restore the folder from a backup, or start a new workspace and ingest again",
    )


# --- OS errors a user can fix; anything else is a bug and keeps its traceback -----------

_USER_OS_ERRORS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a file would be larger than this system allows (ulimit -f)",
    errno.ENOLCK: "this file system cannot lock files (use a local folder)",
    errno.ENOTDIR: "part of its path is a file, not a folder",
    errno.EISDIR: "a folder is where kunde keeps a file",
    errno.ELOOP: "its path has a loop of symbolic links",
    errno.ENAMETOOLONG: "its path is too long",
}
_SPACE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_ACCESS_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS}


@contextlib.contextmanager
def _os_errors(path: Path, *, reading: bool = False) -> Iterator[None]:
    """Turn "disk full" or "permission denied" — raised by Python or by Polars while it
    writes Parquet — into a WorkspaceError (nothing committed)."""
    try:
        yield
    except (OSError, pl.exceptions.PolarsError) as err:
        code = os_errno(err) or 0
        reason = _USER_OS_ERRORS.get(code)
        if reason is None:
            raise
        if reading:
            message = f"cannot read the workspace: {reason}"
            hint = "fix the folder's permissions, or give another --workspace"
        else:
            message = f"cannot write to the workspace: {reason}; it is unchanged"
            if code in _SPACE_ERRORS:
                hint = "free some space (or raise the file-size limit), then run the command again"
            elif code in _ACCESS_ERRORS:
                hint = "fix the folder's permissions or give another --workspace, then run the command again"
            else:
                hint = "check the workspace path, then run the command again"
        raise WorkspaceError(message, path=path, hint=hint) from None


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
