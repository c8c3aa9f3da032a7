"""One exception hierarchy. The CLI turns these into a one-line message and an exit code.

Row-level problems are *data* (the rejects frame), not exceptions: raise only when the
run cannot go on.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path


class KundeError(Exception):
    """Base class: a problem the user can fix, with a message and an exit code."""

    exit_code: int = 2
    kind: str = "error"

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column
        self.hint = hint

    def one_line(self) -> str:
        """``file: row N, column 'c': message`` — the line the CLI prints."""
        where = []
        if self.path:
            where.append(self.path)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def __str__(self) -> str:
        return self.one_line()


class InputError(KundeError):
    """A file is missing, unreadable, empty, binary, or not a table."""

    kind = "input"


class MissingColumnsError(KundeError):
    """A required canonical field could not be mapped to any column."""

    kind = "missing-columns"

    def __init__(self, path: str | Path, missing: list[str], *, hint: str | None = None) -> None:
        self.missing = list(missing)
        names = ", ".join(missing)
        super().__init__(
            f"no column found for {names}",
            path=path,
            hint=hint
            or "name the column with --map, e.g. --map amount=Total (see `kunde inspect FILE`)",
        )


class ConfigError(KundeError):
    """kunde.toml or a command-line option is invalid."""

    kind = "config"


class WorkspaceError(KundeError):
    """The workspace is missing, empty, locked or damaged."""

    kind = "workspace"


class OutputError(KundeError):
    """An output file or folder cannot be written: a folder where a file belongs, a
    dangling link, a full or read-only disk. The message says what is unchanged."""

    kind = "output"


class ModelError(KundeError):
    """A model cannot be fitted or is not trustworthy on this data."""

    kind = "model"


class DataQualityError(KundeError):
    """Rows were refused and ``--strict`` was given."""

    exit_code = 3
    kind = "data-quality"


#: Polars (Rust) reports an OS error in its text: ``... File too large (os error 27)``.
_RUST_OS_ERROR = re.compile(r"\(os error (\d+)\)")

#: OS errors that are the machine's state, never a bug: the disk, a quota, a limit.
DISK_ERRORS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a file would be larger than this system allows (ulimit -f)",
    errno.EROFS: "the disk is read-only",
}


def os_errno(err: BaseException) -> int | None:
    """The errno behind an OSError, or behind a Polars error (which carries it as text).

    >>> os_errno(OSError(28, "No space left on device"))
    28
    >>> os_errno(RuntimeError("parquet: underlying IO error: File too large (os error 27)"))
    27
    """
    if isinstance(err, OSError) and err.errno:
        return err.errno
    found = _RUST_OS_ERROR.search(str(err))
    return int(found.group(1)) if found else None


def disk_error(err: BaseException) -> KundeError | None:
    """A full disk, quota, ``ulimit -f`` or read-only disk met anywhere, as a KundeError.

    The last resort for the CLI: places that write know better what is unchanged and
    say so themselves (``render.formats.write_outputs``, the workspace's commit).
    """
    reason = DISK_ERRORS.get(os_errno(err) or 0)
    if reason is None:
        return None
    return KundeError(
        f"kunde stopped: {reason}; files kunde writes replace earlier ones only when "
        "complete, so those are unchanged",
        hint="free some space (or raise the limit) and run the command again",
    )
