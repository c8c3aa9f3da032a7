"""The tombstone of ``kunde forget``: it notices an erased person coming back.

What was erased (normalised e-mails, phones and customer ids) is remembered as
HMAC-SHA256 digests keyed with a random per-workspace key (:data:`KEY_FILE`, 0600),
listed with each erasure in the manifest; never the values themselves, and never a key
another customer still has or a placeholder. :func:`returning` counts the rows of an
ingest that carry an erased key, so an erased person brought back by a newer export is
reported, not silently stored again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, overload

import polars as pl

from kunde_cli import identity as ident
from kunde_cli import schema as s
from kunde_cli.errors import WorkspaceError
from kunde_cli.store.files import os_reason
from kunde_cli.words.said import said

if TYPE_CHECKING:
    from kunde_cli.store.files import WorkspaceFolder
    from kunde_cli.store.manifest import Manifest

#: The workspace file holding the tombstone's random HMAC key (32 bytes as hex, 0600).
KEY_FILE = "forget.key"
KEY_BYTES = 32


@dataclass(frozen=True)
class Returning:
    """Rows of an ingest that carry a key erased by ``kunde forget``."""

    rows: int
    erased_on: str | None  # when (ISO date) the latest of those keys was erased


def _digest(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"kunde forget key id\x1f" + key).hexdigest()[:16]


@overload
def _tombstone_key(ws: WorkspaceFolder, *, create: Literal[True]) -> bytes: ...
@overload
def _tombstone_key(ws: WorkspaceFolder, *, create: bool) -> bytes | None: ...
def _tombstone_key(ws: WorkspaceFolder, *, create: bool) -> bytes | None:
    """The workspace's tombstone key; made (atomically, 0600) when ``create`` and absent.

    The file holds the :data:`KEY_BYTES` random bytes as hex. A key file that is not
    exactly that (empty, short, not hex) or is a link is refused: an empty or short key
    would make the digests guessable.
    """
    path = ws.path / KEY_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if not create:
            return None
        key = secrets.token_bytes(KEY_BYTES)
        ws._write_bytes_atomic(path, lambda handle: handle.write(key.hex().encode() + b"\n"))
        return key
    except OSError as err:
        raise WorkspaceError(
            said("forget_key_unreadable", file=KEY_FILE, reason=os_reason(err)),
            path=ws.path,
            hint=said("forget_key_unreadable_hint"),
        ) from None
    with os.fdopen(fd, "rb") as handle:
        text = handle.read(2 * KEY_BYTES + 2).strip()
    try:
        key = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise WorkspaceError(
            said("forget_key_damaged", file=KEY_FILE, n=KEY_BYTES),
            path=ws.path,
            hint=said("forget_key_damaged_hint"),
        )
    return key


def returning(ws: WorkspaceFolder, manifest: Manifest, frame: pl.DataFrame) -> Returning:
    """How many rows of ``frame`` (order lines or survey answers about to be stored)
    carry a customer id, e-mail or phone erased by ``kunde forget``.

    Free when nothing was ever erased. Only the distinct keys of ``frame`` are hashed.
    """
    stones = [e for e in manifest.get("erasures", []) if e.get("tombstone")]
    if not stones or not frame.height:
        return Returning(0, None)
    key = _tombstone_key(ws, create=False)
    if key is None:
        return Returning(0, None)
    key_id = _key_id(key)
    when: dict[str, str] = {}
    for entry in stones:
        if entry.get("key_id") == key_id:
            when.update(dict.fromkeys(entry["tombstone"], str(entry["at"])[:10]))
    if not when:
        return Returning(0, None)
    columns = frame.columns
    keys = (
        frame.lazy()
        .select(
            (
                pl.col(s.CUSTOMER_ID).cast(pl.String).str.strip_chars()
                if s.CUSTOMER_ID in columns
                else pl.lit(None, pl.String)
            ).alias("id"),
            ident.normalise_email_expr(
                pl.col(s.EMAIL) if s.EMAIL in columns else pl.lit(None, pl.String)
            ).alias("email"),
            ident.normalise_phone_expr(
                pl.col(s.PHONE) if s.PHONE in columns else pl.lit(None, pl.String)
            ).alias("phone"),
        )
        .collect()
    )
    hit = pl.repeat(False, frame.height, eager=True)
    dates: set[str] = set()
    for kind in ("id", "email", "phone"):
        values = keys.get_column(kind).drop_nulls().unique().to_list()
        # One HMAC per distinct value (customers, not lines).
        gone = {v: when[d] for v in values if (d := _digest(key, kind, v)) in when}
        if gone:
            dates.update(gone.values())
            gone_values = pl.Series(list(gone), dtype=pl.String).implode()
            hit = hit | keys.get_column(kind).is_in(gone_values).fill_null(False)
    rows = int(hit.sum())
    return Returning(rows, max(dates) if rows else None)
