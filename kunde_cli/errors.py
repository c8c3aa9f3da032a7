"""One exception hierarchy. The CLI turns these into a one-line message and an exit code.

Row-level problems are *data* (the rejects frame), not exceptions: raise only when the
run cannot go on.

A message and its hint are said as a key and values (:func:`kunde_cli.words.said.said`)
and worded in the run's language when shown (:meth:`KundeError.one_line`); ``str(err)``
reads English, for logs and Python callers.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

from kunde_cli.words.said import Said, Text, said, word


class KundeError(Exception):
    """Base class: a problem the user can fix, with a message and an exit code."""

    exit_code: int = 2
    kind: str = "error"

    def __init__(
        self,
        message: Text,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: Text | None = None,
    ) -> None:
        super().__init__(str(message))
        self.said = message
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column
        self.hint = hint

    @property
    def message(self) -> str:
        """The message in English (the key and values are in :attr:`said`)."""
        return str(word(self.said, "en"))

    @property
    def key(self) -> str | None:
        """The sentence key of the message, or None for a message given as text."""
        return self.said.key if isinstance(self.said, Said) else None

    def one_line(self, lang: str = "en") -> str:
        """``file: row N, column 'c': message`` in ``lang`` — the line the CLI prints.

        >>> err = KundeError(said("file_not_found"), path="ordrer.csv", row=3)
        >>> err.one_line("da")
        'ordrer.csv, række 3: filen findes ikke'
        >>> str(err)
        'ordrer.csv, row 3: file not found'
        """
        where = []
        if self.path:
            where.append(self.path)
        if self.row is not None:
            where.append(said("where_row", row=self.row).worded(lang))
        if self.column:
            where.append(said("where_column", column=self.column).worded(lang))
        prefix = ", ".join(where)
        message = str(word(self.said, lang))
        return f"{prefix}: {message}" if prefix else message

    def hint_in(self, lang: str = "en") -> str | None:
        """The hint in ``lang``, or None."""
        return None if self.hint is None else str(word(self.hint, lang))

    def __str__(self) -> str:
        return self.one_line()


class InputError(KundeError):
    """A file is missing, unreadable, empty, binary, or not a table."""

    kind = "input"


class MissingColumnsError(KundeError):
    """A required canonical field could not be mapped to any column."""

    kind = "missing-columns"

    def __init__(self, path: str | Path, missing: list[str], *, hint: Text | None = None) -> None:
        self.missing = list(missing)
        super().__init__(
            said("no_column_for", names=", ".join(missing)),
            path=path,
            hint=hint or said("no_column_for_hint"),
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
    errno.ENOSPC: said("disk_full"),
    errno.EDQUOT: said("disk_quota"),
    errno.EFBIG: said("disk_file_too_large"),
    errno.EROFS: said("disk_read_only"),
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
    return KundeError(said("disk_stopped", reason=reason), hint=said("disk_stopped_hint"))
