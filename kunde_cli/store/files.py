"""The workspace folder's files: whose folder it is, how a file in it is opened (never
through a link) and written (atomically, owner-only, :mod:`kunde_cli.store.atomic`),
and which OS errors become a message. The locks are in :mod:`kunde_cli.store.lock`.

Everything here is about bytes on disk, never about what they mean; the
:class:`~kunde_cli.store.Workspace` builds on it.

**Only its owner can bend it.** An existing workspace folder must belong to the user
running kunde and be writable by no one else (an empty folder of the user's own is
tightened to 0o700); a folder another user can write to could have a ``.lock`` or
``manifest.json`` planted in it. No file inside the workspace is opened through a
symbolic link.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import polars as pl

from kunde_cli.errors import DISK_ERRORS, WorkspaceError, os_errno
from kunde_cli.store import atomic
from kunde_cli.store.layout import (
    DIR_MODE,
    FILE_MODE,
    IDENTITY_PREFIX,
    MANIFEST,
    OWN_NAMES,
    TMP_PREFIX,
    ZSTD_LEVEL,
)
from kunde_cli.store.manifest import Manifest, parse_manifest
from kunde_cli.words.said import Text, said

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _current_uid() -> int | None:
    """The user running kunde (None where the OS has no uids)."""
    return os.getuid() if hasattr(os, "getuid") else None


class MissingDataError(WorkspaceError):
    """A data file the manifest lists is not there: gone since the manifest was read
    (a writer committed meanwhile; reading again helps) or lost (it does not)."""


class WorkspaceFolder:
    """The folder, its files and its atomic writer (the base of ``Workspace``)."""

    path: Path
    stale_lock: dict[str, Any] | None
    _lock_fd: int | None
    _lock_depth: int
    _written: list[Path]  # data files written under the lock and not yet committed

    def exists(self) -> bool:
        """True when the folder holds a kunde manifest (something was ingested).

        A ``manifest.json`` that is a link or no file counts too: reading it then says
        what is wrong instead of taking the folder for a new workspace.
        """
        return os.path.lexists(self.path / MANIFEST)

    def _read_manifest(self) -> Manifest:
        """The committed manifest, checked (:func:`kunde_cli.store.manifest.validate`)."""
        path = self.path / MANIFEST
        self._check_folder()  # no other user can bend it; no link is followed in it
        return parse_manifest(self._read_own_bytes(path), path)

    def _read_manifest_required(self) -> Manifest:
        if not self.exists():
            raise WorkspaceError(
                said("store_no_workspace", path=self.path), hint=said("store_no_workspace_hint")
            )
        return self._read_manifest()

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
            raise WorkspaceError(
                said("store_not_a_folder"), path=self.path, hint=said("store_give_another")
            )
        uid = _current_uid()
        if uid is not None and st.st_uid != uid:
            raise WorkspaceError(
                said("store_folder_other_user", uid=st.st_uid),
                path=self.path,
                hint=said("store_folder_other_user_hint"),
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
                said("store_folder_open", mode=f"{stat.S_IMODE(st.st_mode):o}"),
                path=self.path,
                hint=said("store_folder_open_hint", path=self.path),
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
                    more = len(foreign) > 1
                    raise WorkspaceError(
                        said(
                            "store_not_workspace_more" if more else "store_not_workspace",
                            name=repr(foreign[0]),
                        ),
                        path=self.path,
                        hint=said("store_not_workspace_hint"),
                    )
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # a file, or a link to nowhere, where a folder belongs
            raise WorkspaceError(
                said("store_path_not_folder"), path=self.path, hint=said("store_give_another")
            ) from None
        try:
            self.path.mkdir(mode=DIR_MODE)
        except FileExistsError:
            # Two cron runs starting together: the other made it first. The lock file
            # inside it is what serialises them, so this is not an error.
            if not self.path.is_dir():  # a link to nowhere
                raise WorkspaceError(
                    said("store_not_a_folder"), path=self.path, hint=said("store_give_another")
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
            said("store_missing_files", n=len(missing), name=missing[0].name),
            path=self.path,
            hint=said("store_restore_hint"),
        )


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
                said("store_file_other_user", name=path.name, uid=st.st_uid),
                path=path.parent,
                hint=said("store_file_other_user_hint"),
            )
    except BaseException:
        os.close(fd)
        raise
    return fd


def _link_refused(path: Path) -> WorkspaceError:
    return WorkspaceError(
        said("store_link", name=path.name),
        path=path.parent,
        hint=said("store_link_hint", path=path),
    )


def _not_a_file(path: Path) -> WorkspaceError:
    return WorkspaceError(
        said("store_not_a_file", name=path.name),
        path=path.parent,
        hint=said("store_restore_hint"),
    )


# --- OS errors a user can fix; anything else is a bug and keeps its traceback -----------

_USER_OS_ERRORS = {
    errno.EACCES: said("os_permission_denied"),
    errno.EPERM: said("os_permission_denied"),
    **DISK_ERRORS,  # full, quota, ulimit -f, read-only
    errno.ENOLCK: said("os_no_locks"),
    errno.ENOTDIR: said("os_not_a_dir"),
    errno.EISDIR: said("os_is_a_dir"),
    errno.ELOOP: said("os_link_loop"),
    errno.ENAMETOOLONG: said("os_name_too_long"),
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
            message = said("store_cannot_read", reason=reason)
            hint = said("store_cannot_read_hint")
        else:
            message = said("store_cannot_write", reason=reason)
            if code in _SPACE_ERRORS:
                hint = said("store_cannot_write_space_hint")
            elif code in _ACCESS_ERRORS:
                hint = said("store_cannot_write_access_hint")
            else:
                hint = said("store_cannot_write_path_hint")
        raise WorkspaceError(message, path=path, hint=hint) from None


def os_reason(err: OSError) -> Text:
    """Why the operating system refused, said in kunde's words when it is one a user can
    fix (permission, a full disk …), else the system's own text."""
    return _USER_OS_ERRORS.get(err.errno or 0) or err.strerror or str(err)
