"""The secret that keys pseudonyms and e-mail hashes (``export --hash-emails``,
``report --anonymise``): where it comes from, and why kunde refuses a weak one.

A keyed hash is only as private as its key. An empty key makes every "hashed" e-mail a
plain SHA-256 that anyone can reverse with a list of addresses, so an empty or short
salt — from ``--salt``, ``$KUNDE_SALT`` or the salt file — stops the run (fails closed)
instead of quietly hashing without a key. The salt file is written whole or not at all
(temporary file, fsync, then linked into place), so a full disk never leaves an empty
one behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from kunde_cli.errors import ConfigError
from kunde_cli.store import atomic
from kunde_cli.store.files import os_reason
from kunde_cli.words.said import Said, said

#: Where the per-user pseudonym salt lives unless --salt or KUNDE_SALT gives one.
SALT_ENV = "KUNDE_SALT"
SALT_FILE = "salt"
#: The shortest salt accepted, in characters (kunde's own is 64 hex digits).
MIN_SALT_LENGTH = 16
_MAKE_ONE = "python -c 'import secrets; print(secrets.token_hex(32))'"


def salt_path() -> Path:
    """The per-user salt file: ``$XDG_CONFIG_HOME/kunde/salt`` (``~/.config/kunde/salt``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "kunde" / SALT_FILE


def resolve_salt(salt: str | None = None) -> str:
    """The secret that keys pseudonyms and e-mail hashes.

    ``--salt``, else ``$KUNDE_SALT``, else the per-user salt file, created on first use
    with 32 random bytes (64 hex digits) and mode 0600. Keeping it out of the workspace
    means a copy of the workspace or of a report never carries the key that would let
    someone test guessed e-mail addresses against the hashes; set ``KUNDE_SALT`` on
    every machine whose lists must join.

    Raises ConfigError (exit 2) for an empty or short salt from any of the three, and
    when the salt file cannot be read or written.
    """
    if salt is not None:
        return _checked(salt, said("salt_option"), said("salt_option_hint", make=_MAKE_ONE))
    from_env = os.environ.get(SALT_ENV)
    if from_env is not None:
        return _checked(
            from_env,
            said("salt_env", env=SALT_ENV),
            said("salt_env_hint", env=SALT_ENV, make=_MAKE_ONE, path=salt_path()),
        )
    path = salt_path()
    if path.exists():
        return _read_salt_file(path)
    return _create_salt_file(path)


def _checked(value: str, what: Said, hint: Said) -> str:
    """``value`` stripped, refused when it is empty or shorter than MIN_SALT_LENGTH."""
    value = value.strip()
    if not value:
        raise ConfigError(said("salt_empty", what=what), hint=hint)
    if len(value) < MIN_SALT_LENGTH:
        raise ConfigError(
            said("salt_short", what=what, n=len(value), least=MIN_SALT_LENGTH), hint=hint
        )
    return value


def _read_salt_file(path: Path) -> str:
    hint = said("salt_file_hint", path=path, env=SALT_ENV)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ConfigError(
            said("salt_unreadable", reason=os_reason(err)), path=path, hint=hint
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(said("salt_not_text"), path=path, hint=hint) from None
    return _checked(text, said("salt_file_named", path=path), hint)


def _create_salt_file(path: Path) -> str:
    """Write a new random salt whole (temp + fsync + link), 0600, and return it.

    Two kunde runs creating it at once both end up with the one that landed first.
    """
    value = secrets.token_hex(32)
    tmp = path.with_name(f".{SALT_FILE}-tmp-{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(
            tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(f"{value}\n".encode())
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, path)  # atomic, and never over a salt another run just made
            except FileExistsError:
                return _read_salt_file(path)  # another kunde made it a moment ago: theirs
            except OSError as err:
                if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                    raise
                # A file system without hard links: rename, unless one appeared meanwhile.
                if path.exists():
                    return _read_salt_file(path)
                tmp.replace(path)
            atomic.fsync_dir(path.parent)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    except OSError as err:
        raise ConfigError(
            said("salt_unwritable", reason=os_reason(err)),
            path=path,
            hint=said("salt_unwritable_hint", env=SALT_ENV),
        ) from None
    return value
