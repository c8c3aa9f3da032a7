"""The manifest (``manifest.json``): the workspace's commit point, typed.

It lists every part file of the orders, survey answers and refused rows, the identity
file, every ingested source file and every erasure (``kunde forget``). Writing it is the
one moment a change becomes visible (see :mod:`kunde_cli.store.commit`); readers see only
the files it lists.

The types below name what is on disk; the JSON is written as it always was (two-space
indent, UTF-8 as is, keys in this order), so workspaces written by earlier releases of
the same format open unchanged. Keys an older release of the format did not write are
``NotRequired``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, cast

from kunde_cli import schema as s
from kunde_cli.errors import WorkspaceError
from kunde_cli.store.layout import ORDERS, REJECTS, SURVEY
from kunde_cli.words.said import Text, said

if TYPE_CHECKING:
    # typing's from Python 3.11; with `from __future__ import annotations` it is never
    # needed at run time, so Python 3.10 runs this without typing_extensions.
    from typing_extensions import NotRequired

    from kunde_cli.store.sources import AppendSummary, SourceInfo

#: 2: the orders and customers tables (``tables``); 1: lines only (upgraded once,
#: see :mod:`kunde_cli.store.tables`).
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)


class PartEntry(TypedDict):
    """One part file (orders, survey or rejects)."""

    file: str  # relative to the workspace: ``orders/part-….parquet``
    rows: int
    sha256: str  # of the source file whose rows it holds
    written_at: str  # ISO 8601 with offset


class SourceEntry(TypedDict):
    """One ingested source file (the same file offered again only counts as seen)."""

    kind: str  # "orders" or "survey"
    path: str
    name: str
    sha256: str
    size: int | None
    ingested_at: str
    rows_read: int
    accepted: int
    duplicates: int
    rejected: int
    changed: int
    returning_erased: NotRequired[int]
    #: orders only, and only since kunde recorded shop systems
    source: NotRequired[str]
    new_orders: NotRequired[int]
    changed_by_status: NotRequired[dict[str, int]]
    collisions: NotRequired[int]
    part: str | None
    mapping: dict[str, str]
    detected: dict[str, Any]
    times_seen: int
    last_seen_at: str | None


class Erasure(TypedDict):
    """One ``kunde forget``: when and how much, and keyed digests of the erased keys
    (the tombstone, see :mod:`kunde_cli.store.tombstones`); never who."""

    at: str
    order_lines: int
    survey_answers: int
    rejects_removed: int
    key_id: NotRequired[str]
    tombstone: NotRequired[list[str]]


class Removal(TypedDict):
    """One ``kunde remove``: which ingested file's lines were taken out, when, how many."""

    at: str
    kind: str
    name: str
    path: str
    sha256: str
    ingested_at: str | None
    lines: int  # order lines or survey answers
    rejects: int
    source: NotRequired[str]


class TablesEntry(TypedDict):
    """The stored orders and customers tables, and the lines they were built from."""

    orders: str  # relative to the workspace: ``tables/orders-….parquet``
    customers: str
    lines: str  # the lines' signature (kunde_cli.store.tables.lines_signature)
    # What they were built from, so the next append can update them instead of
    # building them again: the order part files, the identity file, the order sources.
    parts: NotRequired[list[str]]
    identity: NotRequired[str | None]
    sources: NotRequired[list[str | None]]
    version: NotRequired[int | None]  # of the rules that made them (TableRules.version)


class Manifest(TypedDict):
    """The whole manifest."""

    kunde_workspace: int  # the format version
    created_at: str
    updated_at: str
    orders: list[PartEntry]
    survey: list[PartEntry]
    rejects: list[PartEntry]
    identity: str | None  # the identity file's name
    rejects_csv_sha256: str | None  # of rejects.csv as last written (derived)
    sources: list[SourceEntry]
    erasures: list[Erasure]
    removals: NotRequired[list[Removal]]  # ``kunde remove`` (store/remove.py)
    #: format 2 on; None until built (and after a write that could not build them)
    tables: NotRequired[TablesEntry | None]


def now() -> str:
    """The local time now, ISO 8601 with its UTC offset, to the second."""
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def empty_manifest() -> Manifest:
    """The manifest of a workspace nothing was ingested into yet."""
    stamp = now()
    return {
        "kunde_workspace": FORMAT_VERSION,
        "created_at": stamp,
        "updated_at": stamp,
        "orders": [],
        "survey": [],
        "rejects": [],
        "identity": None,
        "rejects_csv_sha256": None,
        "sources": [],
        "erasures": [],
        "tables": None,
    }


def parts(manifest: Manifest, kind: str) -> list[PartEntry]:
    """The part entries of ``kind`` (orders, survey or rejects)."""
    return {ORDERS: manifest["orders"], SURVEY: manifest["survey"], REJECTS: manifest["rejects"]}[
        kind
    ]


def manifest_bytes(manifest: Manifest) -> bytes:
    """The manifest as written to disk (the format every release of it wrote)."""
    return json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")


def parse_manifest(raw: bytes, path: Path) -> Manifest:
    """The manifest in ``raw`` (the bytes of ``path``), checked by :func:`validate`."""
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise _damaged(str(err), path) from None
    return validate(manifest, path)


#: The top-level keys every manifest of this format has, and the JSON types they hold.
_TOP_LEVEL: dict[str, tuple[type, ...]] = {
    "created_at": (str,),
    "updated_at": (str,),
    ORDERS: (list,),
    SURVEY: (list,),
    REJECTS: (list,),
    "identity": (str, type(None)),
    "rejects_csv_sha256": (str, type(None)),
    "sources": (list,),
    "erasures": (list,),
}


def validate(manifest: object, path: Path) -> Manifest:
    """``manifest`` (decoded JSON) as a :class:`Manifest`, or WorkspaceError.

    Another format version is refused with the version found; a manifest of this
    format whose keys are missing or hold the wrong kind of value is damaged (an
    entry's file name, kind and SHA-256 are what reading relies on).
    """
    version = manifest.get("kunde_workspace") if isinstance(manifest, dict) else None
    if version not in READABLE_VERSIONS:
        raise WorkspaceError(
            said("store_format", version=repr(version), current=FORMAT_VERSION),
            path=path,
            hint=said("store_format_hint"),
        )
    manifest = cast(dict[str, Any], manifest)
    for key, types in _TOP_LEVEL.items():
        if not isinstance(manifest.get(key, ...), types):
            raise _damaged(said("store_damaged_key", entry=repr(key), type=types[0].__name__), path)
    for kind in (ORDERS, SURVEY, REJECTS):
        for entry in manifest[kind]:
            if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
                raise _damaged(said("store_damaged_entry", kind=repr(kind)), path)
    for entry in manifest["sources"]:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(key), str) for key in ("kind", "sha256")
        ):
            raise _damaged(said("store_damaged_source"), path)
    if not all(isinstance(entry, dict) for entry in manifest["erasures"]):
        raise _damaged(said("store_damaged_erasure"), path)
    tables = manifest.get("tables")
    if tables is not None and not (
        isinstance(tables, dict)
        and all(isinstance(tables.get(key), str) for key in ("orders", "customers", "lines"))
    ):
        raise _damaged(said("store_damaged_tables"), path)
    return cast(Manifest, manifest)


def _damaged(detail: Text, path: Path) -> WorkspaceError:
    return WorkspaceError(
        said("store_manifest_damaged", detail=detail),
        path=path,
        hint=said("store_manifest_damaged_hint"),
    )


# --- source entries ----------------------------------------------------------------------


def source_entry(kind: str, source: SourceInfo, sha: str, summary: AppendSummary) -> SourceEntry:
    """The manifest's entry of a newly ingested source file."""
    path = Path(source.path)
    entry = {
        "kind": kind,
        "path": str(source.path),
        "name": path.name,
        "sha256": sha,
        "size": path.stat().st_size if path.is_file() else None,
        "ingested_at": now(),
        "rows_read": summary.rows_read,
        "accepted": summary.accepted,
        "duplicates": summary.duplicates,
        "rejected": summary.rejected,
        "changed": summary.changed,
        "returning_erased": summary.returning_erased,
        **(
            {
                "source": summary.source_name,
                "new_orders": summary.new_orders,
                "changed_by_status": dict(summary.changed_by_status),
                "collisions": summary.collisions,
            }
            if kind == ORDERS
            else {}
        ),
        "part": summary.part,
        "mapping": dict(source.mapping),
        "detected": json.loads(json.dumps(dict(source.detected), default=str)),
        "times_seen": 1,
        "last_seen_at": None,
    }
    return cast(SourceEntry, entry)


def entry_of(
    manifest: Manifest,
    sha256: str,
    kind: str | None,
    source: str | None = None,
    *,
    named: bool = False,
) -> SourceEntry | None:
    """The first source entry with this SHA-256 (and ``kind`` and, for orders, the shop
    system ``source``, when given: the same file ingested as another system's is new).

    An entry from before kunde recorded systems matches any derived system, but not one
    the user names (``named``): an older kunde may have dropped that file's orders as
    another system's duplicates, and naming the system is how to store them now.
    """

    def same_system(entry: SourceEntry) -> bool:
        if source is None or entry["kind"] != ORDERS:
            return True
        if "source" not in entry:
            return not named
        return bool(entry["source"] == source)

    return next(
        (
            e
            for e in manifest["sources"]
            if e["sha256"] == sha256 and kind in (None, e["kind"]) and same_system(e)
        ),
        None,
    )


def count_seen(entry: SourceEntry) -> None:
    """Note on a source entry that the very same file was offered again."""
    entry["times_seen"] = entry.get("times_seen", 1) + 1
    entry["last_seen_at"] = now()


def order_sources(manifest: Manifest) -> list[str | None]:
    """The shop systems of the stored orders, first ingested first (None: stored before
    kunde recorded a source)."""
    seen: list[str | None] = []
    for entry in manifest["sources"]:
        if entry["kind"] == ORDERS and entry.get("accepted") and entry.get("source") not in seen:
            seen.append(entry.get("source"))
    return seen


def old_made_up_ids(manifest: Manifest, source: SourceInfo) -> bool:
    """True when this export has no order-number column and the workspace holds orders
    that a kunde from before shop systems were recorded (no ``source`` in the entry)
    read from such an export: it made their numbers from the row's columns in file
    order, so the same orders in this export get other numbers and cannot be matched."""
    if s.ORDER_ID in source.mapping:
        return False
    return any(
        e["kind"] == ORDERS
        and "source" not in e
        and e.get("accepted")
        and s.ORDER_ID not in (e.get("mapping") or {})
        for e in manifest["sources"]
    )
