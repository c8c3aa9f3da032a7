"""Where things are in a workspace folder: the names of its files and folders, their
modes, how part files are named, and the schema of each kind of part.

Layout (default ``./kunde-data/``; the folder is created owner-only, 0o700, and every
file 0o600, because it holds customers' names and e-mails)::

    manifest.json             the commit point: lists every part file and every source
    orders/part-*.parquet     canonical order lines, one part per ingested file (zstd)
    survey/part-*.parquet     canonical survey answers
    rejects/part-*.parquet    refused rows (file, row, column, value, reason)
    rejects.csv               all refused rows, rebuilt from rejects/ for people to read
    identity-*.parquet        who is who: canonical customer id per (id, e-mail, phone)
    tables/orders-*.parquet   one row per order, built from the lines at every change
    tables/customers-*.parquet  one row per customer (key, ids, contact details)
    cache/                    fitted models and report records (never required)
    .lock                     held by the process writing; says which pid since when
    .readers                  shared-locked by every reading process (see lock.py)
    forget.key                the key of the erased-keys tombstone (see tombstones.py)
    written.jsonl             the reports and lists written from the workspace
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Final

import polars as pl

from kunde_cli import schema as s

DEFAULT_WORKSPACE = Path("kunde-data")
MANIFEST = "manifest.json"
LOCK_FILE = ".lock"
READERS_FILE = ".readers"
REJECTS_CSV = "rejects.csv"
#: The manifest's keys (literal types, so a manifest is indexed by them) and folders.
ORDERS: Final = "orders"
SURVEY: Final = "survey"
REJECTS: Final = "rejects"
TABLES = "tables"
CACHE = "cache"
#: zstd level 1: about as small as the default level and clearly faster on 10 M lines.
ZSTD_LEVEL = 1
DIR_MODE = 0o700
FILE_MODE = 0o600
TMP_PREFIX = ".kunde-tmp-"
IDENTITY_PREFIX = "identity-"
OWN_NAMES = {
    MANIFEST,
    LOCK_FILE,
    READERS_FILE,
    REJECTS_CSV,
    ORDERS,
    SURVEY,
    REJECTS,
    TABLES,
    CACHE,
}

#: The schema of the parts of each kind of stored rows, and the columns keying a row.
SCHEMAS: dict[str, dict[str, pl.DataType]] = {ORDERS: s.ORDERS, SURVEY: s.SURVEY}
KEYS = {ORDERS: (s.ORDER_ID, s.LINE_NO), SURVEY: (s.RESPONSE_ID,)}


def schema_of(kind: str) -> dict[str, pl.DataType]:
    """The schema of a part of ``kind`` (orders, survey or rejects)."""
    return s.REJECTS if kind == REJECTS else SCHEMAS[kind]


def part_name(kind: str, stamp: str) -> str:
    """A new part file's name, relative to the workspace: ``<kind>/part-<stamp>-<random>``."""
    return f"{kind}/part-{stamp}-{secrets.token_hex(3)}.parquet"


def identity_name() -> str:
    """A new identity file's name (identity files are never rewritten in place)."""
    return f"{IDENTITY_PREFIX}{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}.parquet"


def table_name(kind: str) -> str:
    """A new stored table's name, relative to the workspace: ``tables/<kind>-<stamp>``
    (tables are never rewritten in place: a change writes new ones)."""
    stamp = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}"
    return f"{TABLES}/{kind}-{stamp}-{secrets.token_hex(3)}.parquet"
