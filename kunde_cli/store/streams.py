"""An export given on standard input or through a pipe: its bytes, read once and kept.

A pipe gives its bytes once, and both the store (hashing the export:
:func:`kunde_cli.store.file_sha256`) and ingest (reading it:
:mod:`kunde_cli.ingest.readers`) need them, whichever asks first: they are read here,
bounded (:data:`MAX_STREAM_BYTES`, :data:`STREAM_IDLE_SECONDS`), and kept for the run.
"""

from __future__ import annotations

import io
import os
import select
import stat
import sys
from pathlib import Path
from typing import Protocol

from kunde_cli.errors import InputError
from kunde_cli.words.said import Said, said

#: Names of standard input: ``-`` as every Unix tool, and what the shell calls it.
STDIN_NAMES = frozenset({"-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})
#: Most bytes kunde holds in memory from a pipe, standard input, or an export unpacked
#: from a .gz or .zip: about 10 million order lines. A file on disk has no such bound
#: (it is read in place); an endless input (``yes |``, a runaway command) stops here.
MAX_STREAM_BYTES = 2 << 30
#: Seconds a pipe may stay silent without ending before kunde stops waiting (a
#: ``tail -f`` never ends). Generous: a slow command may think before it writes.
STREAM_IDLE_SECONDS = 600.0
_READ_CHUNK = 1 << 20

#: stdin's bytes, with the stream they came from (a test runner swaps sys.stdin).
_stdin_read: list[tuple[object, bytes]] = []
#: A pipe's bytes by (name, device, inode): ``/dev/fd/63`` is a new pipe each run.
_pipes_read: dict[tuple[str, int, int], bytes] = {}


def is_stdin(path: str | Path) -> bool:
    """True for ``-`` and ``/dev/stdin`` (and its /dev/fd/0 spellings)."""
    return str(path) in STDIN_NAMES


def is_stream(path: str | Path) -> bool:
    """True when ``path`` is standard input or a pipe, which can be read only once."""
    if is_stdin(path):
        return True
    try:
        mode = Path(path).stat().st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


def stream_bytes(path: str | Path) -> bytes | None:
    """The bytes of stdin or a pipe, read the first time asked and kept; None for a file.

    Reading (``ingest.readers``) and hashing (:func:`kunde_cli.store.file_sha256`) both
    ask for them: a pipe gives its bytes once, so both must see the same copy.
    """
    if is_stdin(path):
        return _stdin_bytes(Path(path))
    if not is_stream(path):
        return None
    info = Path(path).stat()
    if not (stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode)):
        # /dev/zero, /dev/urandom, a terminal: endless or interactive, never an export.
        raise InputError(said("ingest_is_device"), path=path, hint=said("ingest_give_file_or_pipe"))
    key = (str(path), info.st_dev, info.st_ino)
    if key not in _pipes_read:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as exc:
            raise InputError(
                said("ingest_cannot_read_what", what=said("ingest_what_pipe"), reason=exc.strerror),
                path=path,
            ) from None
        try:
            _pipes_read[key] = _read_bounded(fd, None, Path(path), said("ingest_what_pipe"))
        finally:
            os.close(fd)
    return _pipes_read[key]


class _ByteStream(Protocol):
    def read(self, n: int, /) -> bytes: ...


class _TextStream(Protocol):
    def read(self, n: int, /) -> str: ...


def _read_bounded(fd: int | None, stream: _ByteStream | None, path: Path, what: Said) -> bytes:
    """All bytes of a pipe (``fd``) or a file object (``stream``, when it has no file
    descriptor), refused past :data:`MAX_STREAM_BYTES` or :data:`STREAM_IDLE_SECONDS`
    of silence: an endless input is one line, never a hang."""
    data = bytearray()
    while True:
        if fd is not None:
            if STREAM_IDLE_SECONDS and not select.select([fd], [], [], STREAM_IDLE_SECONDS)[0]:
                raise InputError(
                    said("ingest_stream_idle", what=what, seconds=STREAM_IDLE_SECONDS),
                    path=path,
                    hint=said("ingest_save_to_file_first"),
                )
            try:
                chunk = os.read(fd, _READ_CHUNK)
            except OSError as exc:
                raise InputError(
                    said("ingest_cannot_read_what", what=what, reason=exc.strerror), path=path
                ) from None
        elif stream is not None:
            chunk = stream.read(_READ_CHUNK)
        else:
            raise TypeError("_read_bounded reads a descriptor or a stream")
        if not chunk:
            return bytes(data)
        if len(data) + len(chunk) > MAX_STREAM_BYTES:
            raise InputError(
                said("ingest_stream_too_large", what=what, size=_size_text(MAX_STREAM_BYTES)),
                path=path,
                hint=said("ingest_save_to_file_first"),
            )
        data += chunk


def _size_text(n: int) -> str:
    return f"{n / (1 << 30):g} GB" if n >= 1 << 30 else f"{n / (1 << 20):g} MB"


def _stdin_bytes(path: Path) -> bytes:
    stream = sys.stdin
    if stream is None:
        raise InputError(said("ingest_no_stdin"), path=path)
    if _stdin_read and _stdin_read[0][0] is stream:
        return _stdin_read[0][1]
    if stream.isatty():
        raise InputError(
            said("ingest_stdin_is_terminal"), path=path, hint=said("ingest_stdin_terminal_hint")
        )
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # a text stream (a test's StringIO): its text as UTF-8
        data = _read_bounded(None, _Utf8Reader(stream), path, said("ingest_what_stdin"))
    else:
        # The real stdin is read from its descriptor (nothing else reads it), so an
        # idle pipe can be noticed; a test runner's stdin has no descriptor.
        try:
            fd: int | None = buffer.fileno()
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            fd = None
        data = _read_bounded(fd, buffer, path, said("ingest_what_stdin"))
    _stdin_read[:] = [(stream, data)]
    return data


class _Utf8Reader:
    """``read(n)`` of a text stream as UTF-8 bytes."""

    def __init__(self, stream: _TextStream) -> None:
        self.stream = stream

    def read(self, n: int, /) -> bytes:
        return self.stream.read(n).encode("utf-8")
