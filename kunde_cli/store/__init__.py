"""The workspace: canonical Parquet part files plus a JSON manifest, written atomically.

Layout (default ``./kunde-data/``; the folder is created owner-only, 0o700, and every
file 0o600, because it holds customers' names and e-mails)::

    manifest.json             the commit point: lists every part file and every source
    orders/part-*.parquet     canonical order lines, one part per ingested file (zstd)
    survey/part-*.parquet     canonical survey answers
    rejects/part-*.parquet    refused rows (file, row, column, value, reason)
    rejects.csv               all refused rows, rebuilt from rejects/ for people to read
    identity-*.parquet        who is who: canonical customer id per (id, e-mail, phone)
    .lock                     held by the process writing; says which pid since when
    .readers                  shared-locked by every reading process (see files.py)
    forget.key                the key of the erased-keys tombstone (see erase.py)
    written.jsonl             the reports and lists written from the workspace

Writes are atomic. Every file is written to a temporary name, flushed to disk and
renamed into place (``os.replace``); part files first, the manifest last. Readers see
only the parts the manifest lists, so a run killed at any moment leaves the workspace
as it was: a part file written before the kill is not listed, and is removed by the
next writer (under the lock — a reader must never delete a running writer's files).

Writers hold an exclusive ``flock`` on ``.lock``; the kernel releases it when the
process dies, so a lock left by a killed run is stale by construction and is simply
taken over (:attr:`Workspace.stale_lock` says whose it was).

Orders are identified by their shop system (``source``) and ``order_id``, survey
answers by ``response_id``: an order already stored is skipped and counted as a
duplicate, so re-ingesting a file, or a newer export that overlaps an older one, never
double-counts; an order changed since (refunded, say) is replaced by the newer export's
version; an order number another order of the system already has is a collision,
refused (see :mod:`kunde_cli.store.overlap`). Old files are deleted only once no reader
can hold them (:mod:`kunde_cli.store.files`).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from kunde_cli import identity as ident
from kunde_cli import schema as s
from kunde_cli.errors import DataQualityError, WorkspaceError
from kunde_cli.store import erase, tombstones
from kunde_cli.store.answers import compare_answers
from kunde_cli.store.erase import (
    ERASED_PREFIX,
    ORDERS_ERASED_COLUMNS,
    SURVEY_ERASED_COLUMNS,
    Eraser,
    ForgetSummary,
)
from kunde_cli.store.layout import (
    DEFAULT_WORKSPACE,
    DIR_MODE,
    FILE_MODE,
    IDENTITY_PREFIX,
    KEYS,
    LOCK_FILE,
    MANIFEST,
    ORDERS,
    REJECTS,
    REJECTS_CSV,
    SCHEMAS,
    SURVEY,
    TMP_PREFIX,
    ZSTD_LEVEL,
    identity_name,
    part_name,
    schema_of,
)
from kunde_cli.store.lock import WorkspaceLock
from kunde_cli.store.manifest import (
    Manifest,
    SourceEntry,
    count_seen,
    empty_manifest,
    entry_of,
    manifest_bytes,
    now,
    old_made_up_ids,
    order_sources,
    parts,
    source_entry,
)
from kunde_cli.store.overlap import (
    COLLISION_REASON,
    DEFAULT_SOURCE,
    apart_by_source,
    compare_orders,
    first_of_each_line,
    without_orders,
)

__all__ = [
    "DEFAULT_WORKSPACE",
    "DIR_MODE",
    "ERASED_PREFIX",
    "FILE_MODE",
    "LOCK_FILE",
    "MANIFEST",
    "ORDERS",
    "ORDERS_ERASED_COLUMNS",
    "REJECTS",
    "REJECTS_CSV",
    "SURVEY",
    "SURVEY_ERASED_COLUMNS",
    "ZSTD_LEVEL",
    "AppendSummary",
    "ForgetSummary",
    "SourceInfo",
    "Workspace",
    "file_sha256",
]

#: How long append/forget wait for the lock when the caller does not hold it.
AUTO_LOCK_WAIT_SECONDS = 10.0

# Same rule as render.safety (which this layer may not import): text a spreadsheet
# would run as a formula gets an apostrophe in rejects.csv, the file people open.
_FORMULA = r"^[=+\-@\t\r]"


@dataclass(frozen=True)
class SourceInfo:
    """Where a batch came from, recorded in the manifest.

    ``sha256`` is computed from ``path`` when not given. ``mapping`` (canonical field →
    source column) and ``detected`` (encoding, delimiter, … — any JSON-able values, never
    row values) are stored as they are.
    """

    path: str | Path
    sha256: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    detected: Mapping[str, Any] = field(default_factory=dict)
    #: The shop system the orders came from (order numbers are unique within one).
    source: str = DEFAULT_SOURCE
    #: True when the user named the system (``--source``); False when derived.
    named: bool = False
    #: When the export was made; None: the file's modification time (now for a pipe).
    exported_at: datetime | None = None


@dataclass(frozen=True)
class AppendSummary:
    """What one append did. Always ``rows_read == accepted + duplicates + rejected``."""

    source: str
    sha256: str
    kind: str  # "orders" or "survey"
    rows_read: int
    accepted: int  # new rows stored
    duplicates: int  # rows already stored (or repeated within the batch), skipped
    rejected: int  # distinct rows in the rejects frame
    changed: int  # orders (answers) stored before that this export changed (and replaced)
    already_ingested: bool  # this very file (same SHA-256) was ingested before
    part: str | None  # the new part file, relative to the workspace (None: nothing new)
    source_name: str = DEFAULT_SOURCE  # the shop system (orders)
    new_orders: int = 0  # orders not stored before
    #: changed orders by the status word of their new version (lower case as stored)
    changed_by_status: Mapping[str, int] = field(default_factory=dict)
    #: orders refused because another stored order has their number; survey answers
    #: whose tool id another stored answer has (kept, keyed on their content)
    collisions: int = 0
    #: lines this very file had stored under another system's name, now under this one
    moved_lines: int = 0
    #: orders this file has in an older version than a newer export stored (kept)
    older_orders: int = 0
    #: changed orders whose new version has fewer lines than the stored one
    fewer_lines: int = 0
    #: changed orders given refund lines by an export of refunds only (lines added)
    credited_orders: int = 0
    #: this file has no order numbers, and an older kunde stored such a file under
    #: numbers it made up another way: its orders cannot be matched (see the CLI's warning)
    old_made_up_ids: bool = False
    #: rows stored that carry a key erased by ``kunde forget`` (see ``tombstones.returning``)
    returning_erased: int = 0
    returning_erased_on: str | None = None  # when (ISO date) such a key was last erased


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (for stdin ``-`` or a pipe: of the bytes read)."""
    from kunde_cli.ingest.readers import stream_bytes

    if (data := stream_bytes(path)) is not None:
        return hashlib.sha256(data).hexdigest()
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _conform(
    frame: pl.DataFrame, schema: Mapping[str, pl.DataType], keys: tuple[str, ...]
) -> pl.DataFrame:
    """``frame`` with exactly ``schema``'s columns, in order; absent ones are null."""
    missing = [key for key in keys if key not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks key column(s) {missing}")  # a bug in the caller
    return frame.select(
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in schema.items()
    )


class Workspace(WorkspaceLock):
    """A kunde workspace folder. Reading needs no lock; every write takes it.

    Examples
    --------
    >>> ws = Workspace("kunde-data")  # doctest: +SKIP
    >>> with ws.lock(wait_seconds=60):  # doctest: +SKIP
    ...     summary = ws.append_orders(frame, rejects, source=SourceInfo("ordrer.csv"))
    >>> lines = ws.scan_orders()  # doctest: +SKIP
    """

    def __init__(self, path: str | Path = DEFAULT_WORKSPACE) -> None:
        self.path = Path(path)
        #: Lock-file contents of a killed run whose lock this process took over.
        self.stale_lock: dict[str, Any] | None = None
        self._lock_fd: int | None = None
        self._lock_depth = 0
        self._identity_cache: tuple[str, pl.DataFrame] | None = None

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    # --- reading -------------------------------------------------------------------

    def manifest(self) -> Manifest:
        """The manifest as a dict (a copy); an empty one when nothing was ingested yet.

        Keys: ``kunde_workspace`` (format version), ``created_at``, ``updated_at``,
        ``orders``/``survey``/``rejects`` (part files: ``file``, ``rows``, ``sha256`` of
        the source, ``written_at``), ``identity`` (file name or None), ``sources`` (one
        entry per ingested file: ``kind``, ``path``, ``name``, ``sha256``, ``size``,
        ``ingested_at``, ``rows_read``, ``accepted``, ``duplicates``, ``rejected``,
        ``changed``, ``part``, ``mapping``, ``detected``, and ``times_seen`` /
        ``last_seen_at`` for the same file ingested again) and ``erasures`` (time and
        counts of each forget, no identifiers).
        """
        return self._read_manifest() if self.exists() else empty_manifest()

    def scan_orders(self) -> pl.LazyFrame:
        """All stored order lines (schema.ORDERS) with customer ids resolved.

        ``customer_id`` is the canonical id of :mod:`kunde_cli.identity` (one per
        real person across sources); e-mail and phone are as stored.
        """

        def read() -> pl.LazyFrame:
            manifest = self._read_manifest_required()
            lines = apart_by_source(self._scan_parts(manifest, ORDERS), order_sources(manifest))
            identity = self._read_identity(manifest)
            if identity is None:
                return ident.resolve_customers(lines)
            return ident.apply_identity(lines, identity, ids_complete=True)

        return self._reading(read)

    def scan_survey(self) -> pl.LazyFrame | None:
        """All stored survey answers (schema.SURVEY), or None when there are none.

        ``customer_id`` is mapped onto the orders' canonical ids (by id, else e-mail).
        """

        def read() -> pl.LazyFrame | None:
            manifest = self._read_manifest_required()
            if not manifest[SURVEY]:
                return None
            return ident.resolve_survey(
                self._scan_parts(manifest, SURVEY), self._read_identity(manifest)
            )

        return self._reading(read)

    def read_rejects(self) -> pl.DataFrame:
        """Every refused row so far (schema.REJECTS), oldest first."""
        if not self.exists():
            return s.empty_rejects()
        return self._reading(lambda: self._scan_parts(self._read_manifest(), REJECTS).collect())

    # --- writing -------------------------------------------------------------------

    def append_orders(
        self,
        frame: pl.DataFrame,
        rejects: pl.DataFrame,
        *,
        source: SourceInfo,
        strict: bool = False,
    ) -> AppendSummary:
        """Store the new order lines of ``frame`` and the refused rows of ``rejects``.

        ``frame`` holds validated lines (schema.ORDERS; absent optional columns are
        null) of one shop system, ``source.source``. Against the stored orders of that
        system (see :mod:`kunde_cli.store.overlap`): new orders are stored; an order
        stored before with the same customer and day is skipped when alike and replaced
        when changed (refunded, cancelled, a line added); an order number stored before
        with another customer or day is a collision: its lines go to the rejects (with
        ``strict``: DataQualityError, nothing written). Lines repeated within ``frame``
        are duplicates. A file whose SHA-256 was ingested before as the same system is
        skipped whole (its rejects are not added again). Takes the lock if the caller
        does not hold it (waiting up to :data:`AUTO_LOCK_WAIT_SECONDS`).
        """
        return self._append(ORDERS, frame, rejects, source, strict=strict)

    def collisions(self, batches: Sequence[tuple[pl.DataFrame, str]]) -> list[int]:
        """Orders of each batch (order lines, shop system) whose number another order
        already uses — stored, or in an earlier batch — as :meth:`append_orders` would
        find them appending the batches in turn, without writing anything (``--strict``
        refuses a whole run with these before it writes a line)."""
        manifest = self._read_manifest() if self.exists() else empty_manifest()
        running = self._scan_parts(manifest, ORDERS)
        counts = []
        for frame, source in batches:
            batch = first_of_each_line(_conform(frame, s.ORDERS, KEYS[ORDERS]))
            overlap = compare_orders(batch, running, source)
            counts.append(overlap.collision_orders)
            running = pl.concat(
                [running, overlap.fresh.lazy().cast(s.ORDERS)], how="vertical_relaxed"
            )
        return counts

    def append_survey(
        self, frame: pl.DataFrame, rejects: pl.DataFrame, *, source: SourceInfo
    ) -> AppendSummary:
        """Like :meth:`append_orders` for survey answers (schema.SURVEY), keyed on
        ``response_id`` — which must therefore be stable across exports of one survey."""
        return self._append(SURVEY, frame, rejects, source)

    def ingested(
        self, sha256: str, kind: str | None = None, source: str | None = None
    ) -> SourceEntry | None:
        """The manifest's entry of the file with this SHA-256 (ingested as ``kind`` and,
        for orders, as shop system ``source``, when given), or None when it was never
        ingested (no lock needed: a read of the committed manifest)."""
        if not self.exists():
            return None
        return entry_of(self._read_manifest(), sha256, kind, source, named=source is not None)

    def seen_again(self, path: str | Path, sha256: str, kind: str | None = None) -> AppendSummary:
        """Record that the very file with this SHA-256 was offered again (a cron job
        re-reading one export) and say so as an append that stored nothing.

        The caller need not read the file: its rows were counted the first time.
        Raises WorkspaceError when no such file was ingested.
        """
        with self._writing():
            new = copy.deepcopy(self._read_manifest_required())
            first = entry_of(new, sha256, kind)
            if first is None:
                raise WorkspaceError(f"{path} was not ingested into {self.path}")
            count_seen(first)
            self._commit(new, [], rejects_changed=False)
        return AppendSummary(
            source=str(path),
            sha256=sha256,
            kind=first["kind"],
            rows_read=first["rows_read"],
            accepted=0,
            duplicates=first["rows_read"] - first["rejected"],
            rejected=first["rejected"],
            changed=0,
            already_ingested=True,
            part=None,
        )

    def forget(self, email_or_id: str, *, customers: Sequence[str] = ()) -> ForgetSummary:
        """Erase one customer's personal data (GDPR art. 17) and say what was removed.

        ``email_or_id`` is an e-mail, a customer id or a phone number; ``customers``
        the ids named with ``kunde forget --customer``. Only the lines of the customer
        ids the query names are touched; a key shared with others, a placeholder, or ids
        kunde counts as one customer are refused (:class:`scope.ForgetRefused`, nothing
        changed). See :func:`kunde_cli.store.erase.forget`.
        """
        return erase.forget(self, email_or_id, customers)

    # --- internals: appending ------------------------------------------------------

    def _append(
        self,
        kind: str,
        frame: pl.DataFrame,
        rejects: pl.DataFrame,
        source: SourceInfo,
        *,
        strict: bool = False,
    ) -> AppendSummary:
        keys = KEYS[kind]
        frame = _conform(frame, SCHEMAS[kind], keys)
        rejects = _conform(rejects, s.REJECTS, ())
        sha = source.sha256 or file_sha256(source.path)
        with self._writing():
            manifest = self._read_manifest() if self.exists() else empty_manifest()
            new = copy.deepcopy(manifest)
            already = entry_of(manifest, sha, kind, source.source, named=source.named) is not None
            doomed: list[Path] = []
            stored = self._scan_parts(manifest, kind)
            overlap = None
            survey_changed = clashes = 0
            moved_lines = 0
            new_rejects = rejects
            rejects_changed = False
            if already:
                fresh = frame.clear()
            elif kind == ORDERS:
                batch = first_of_each_line(frame)
                earlier = [
                    e
                    for e in manifest["sources"]
                    if e["sha256"] == sha and e["kind"] == kind and e.get("source") != source.source
                ]
                if earlier:
                    # This file again, now named as another system: its refused rows are
                    # stored already; the lines it had refused as collisions are stored
                    # now, so they are no longer refused; and the lines it had stored
                    # under the other name belong to this system now (stored just once:
                    # taken out before comparing, so the export stores them again).
                    olds = {e.get("source") for e in earlier}
                    dropped, _ = self._rewrite_parts(
                        new, REJECTS, doomed, _drop_collisions(), sha256=sha
                    )
                    moved_lines, _ = self._rewrite_parts(
                        new, ORDERS, doomed, _drop_lines_of(olds), sha256=sha
                    )
                    rejects_changed = bool(dropped)
                    stored = self._scan_parts(new, kind)
                overlap = compare_orders(
                    batch, stored, source.source, source.exported_at or export_time(source.path)
                )
                collided = _collision_rejects(overlap.collisions, source)
                if overlap.collision_orders:
                    if strict:
                        raise DataQualityError(
                            f"{overlap.collision_orders} order(s) in {source.path} have "
                            "numbers that other stored orders (another customer or date) "
                            f"already use; nothing of {Path(source.path).name} was written "
                            "(--strict)",
                            hint="if this export is from another shop system or till, name it: "
                            "kunde ingest FILE --source NAME",
                        )
                    rejects = pl.concat([rejects, collided])
                new_rejects = collided if earlier else rejects
                fresh = overlap.fresh
                if overlap.changed_orders:
                    self._rewrite_parts(
                        new,
                        ORDERS,
                        doomed,
                        lambda part: _drop_replaced(part, overlap.replaced, source.source),
                    )
            else:
                from kunde_cli.ingest.survey import UNIQUE_ID_LAYOUTS

                answers = compare_answers(
                    frame,
                    _stored_answers(stored),
                    unique_ids=source.detected.get("layout") in UNIQUE_ID_LAYOUTS,
                )
                fresh, survey_changed, clashes = answers.fresh, answers.changed, answers.clashes
                if answers.changed:
                    gone = set(answers.replaced.get_column(s.RESPONSE_ID).to_list())
                    self._rewrite_parts(new, SURVEY, doomed, _drop_answers(gone))
            rejected = (
                rejects.select(pl.struct(s.REJECT_FILE, s.REJECT_ROW).n_unique()).item()
                if rejects.height
                else 0
            )
            back = tombstones.returning(self, manifest, fresh)  # erased people stored again
            part = None
            stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{sha[:8]}"
            if fresh.height:
                part = self._add_part(new, kind, fresh, stamp, sha)
                if kind == ORDERS:
                    self._replace_identity(
                        new,
                        ident.identity_map(fresh, previous=self._read_identity(manifest)),
                        doomed,
                    )
            if new_rejects.height and not already:
                self._add_part(new, REJECTS, new_rejects, stamp, sha)
                rejects_changed = True
            collision_lines = overlap.collisions.height if overlap is not None else 0
            summary = AppendSummary(
                source=str(source.path),
                sha256=sha,
                kind=kind,
                rows_read=frame.height + rejected - collision_lines,
                accepted=fresh.height,
                duplicates=frame.height - fresh.height - collision_lines,
                rejected=rejected,
                changed=overlap.changed_orders if overlap is not None else survey_changed,
                already_ingested=already,
                part=part,
                source_name=source.source,
                new_orders=overlap.new_orders if overlap is not None else 0,
                changed_by_status=overlap.changed_by_status if overlap is not None else {},
                collisions=overlap.collision_orders if overlap is not None else clashes,
                moved_lines=moved_lines,
                older_orders=overlap.older_orders if overlap is not None else 0,
                fewer_lines=overlap.fewer_lines if overlap is not None else 0,
                credited_orders=overlap.credited_orders if overlap is not None else 0,
                old_made_up_ids=kind == ORDERS and old_made_up_ids(manifest, source),
                returning_erased=back.rows,
                returning_erased_on=back.erased_on,
            )
            if already:
                # The very same file again (a cron job re-reading one export): note it on
                # the first entry instead of growing the manifest on every run.
                count_seen(entry_of(new, sha, kind, source.source, named=source.named))  # type: ignore[arg-type]
            else:
                new["sources"].append(source_entry(kind, source, sha, summary))
            self._commit(new, doomed, rejects_changed=rejects_changed)
            return summary

    def _add_part(
        self, manifest: Manifest, kind: str, frame: pl.DataFrame, stamp: str, sha: str
    ) -> str:
        """Write ``frame`` as a new part of ``kind`` and list it in ``manifest`` (unsaved)."""
        relative = part_name(kind, stamp)
        self._ensure_subdir(kind)
        self._write_parquet(frame, self.path / relative)
        parts(manifest, kind).append(
            {"file": relative, "rows": frame.height, "sha256": sha, "written_at": now()}
        )
        return relative

    def _replace_identity(
        self, manifest: Manifest, identity: pl.DataFrame, doomed: list[Path]
    ) -> None:
        name = identity_name()
        self._write_parquet(identity, self.path / name)
        if manifest.get("identity"):
            doomed.append(self.path / manifest["identity"])
        manifest["identity"] = name

    # --- internals: forgetting -----------------------------------------------------

    def _rewrite_parts(
        self,
        manifest: Manifest,
        kind: str,
        doomed: list[Path],
        erase: Eraser,
        *,
        sha256: str | None = None,
    ) -> tuple[int, set[str]]:
        """Apply ``erase`` to every part of ``kind`` (only those written from the file
        with this SHA-256, when given): write changed parts anew, list them in
        ``manifest`` (unsaved) and the old files in ``doomed``.

        Parts written before a column was added to the schema are read with it (null).
        Returns the number of rows erased and the names found on them.
        """
        schema = schema_of(kind)
        total, names = 0, set()
        for entry in parts(manifest, kind):
            if sha256 is not None and entry.get("sha256") != sha256:
                continue
            old = self.path / entry["file"]
            self._check_data_files([old])
            frame = pl.scan_parquet(old, schema=schema, missing_columns="insert").collect()
            changed, count, found = erase(frame)
            if changed is None:
                continue
            total += count
            names |= found
            relative = part_name(kind, f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-erased")
            self._write_parquet(changed, self.path / relative)
            entry["file"], entry["rows"] = relative, changed.height
            doomed.append(old)
        return total, names

    # --- internals: files ----------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self, purpose: str = "kunde ingest") -> Iterator[None]:
        if self._lock_depth:
            yield
            return
        with self.lock(AUTO_LOCK_WAIT_SECONDS, purpose=purpose):
            yield

    def _scan_parts(self, manifest: Manifest, kind: str) -> pl.LazyFrame:
        schema = schema_of(kind)
        files = [self.path / entry["file"] for entry in parts(manifest, kind)]
        if not files:
            return pl.DataFrame(schema=schema).lazy()
        self._check_data_files(files)  # all there, none a link
        # Parts written before a column was added to the schema read it as null.
        return pl.scan_parquet(files, schema=schema, missing_columns="insert")

    def _read_identity(self, manifest: Manifest) -> pl.DataFrame | None:
        name = manifest.get("identity")
        if not name:
            return None
        if self._identity_cache is not None and self._identity_cache[0] == name:
            return self._identity_cache[1]  # orders and survey both need it
        with self._open_data(self.path / name) as handle:  # gone: MissingDataError
            identity = pl.read_parquet(handle)
        # Identity files are never rewritten in place (a new one gets a new name).
        self._identity_cache = (name, identity)
        return identity

    def _commit(self, manifest: Manifest, doomed: list[Path], *, rejects_changed: bool) -> bool:
        """Write the manifest (the commit point), then tidy up after it.

        True when the superseded files in ``doomed`` are deleted; False when a reader
        still reads them (they go once it is done, see ``_delete_unread``)."""
        manifest["updated_at"] = now()
        csv_bytes = None
        if rejects_changed:
            csv_bytes = self._rejects_csv_bytes(manifest)
            manifest["rejects_csv_sha256"] = hashlib.sha256(csv_bytes).hexdigest()
        data = manifest_bytes(manifest)
        self._write_bytes_atomic(self.path / MANIFEST, lambda h: h.write(data))
        # Committed. What follows only tidies; a crash here is repaired by _recover().
        if csv_bytes is not None:
            # rejects.csv is derived; if it cannot be written now, the next writer does it.
            with contextlib.suppress(WorkspaceError):
                self._write_bytes_atomic(self.path / REJECTS_CSV, lambda h: h.write(csv_bytes))
        # Old files go once no reader can hold them; else a later writer's _recover.
        return self._delete_unread(doomed)

    def _rejects_csv_bytes(self, manifest: Manifest) -> bytes:
        rejects = self._scan_parts(manifest, REJECTS).collect()
        text_cols = [name for name, dtype in rejects.schema.items() if dtype == pl.String]
        safe = rejects.with_columns(
            pl.when(pl.col(c).str.contains(_FORMULA))
            .then(pl.lit("'") + pl.col(c))
            .otherwise(pl.col(c))
            .alias(c)
            for c in text_cols
        )
        return safe.write_csv().encode("utf-8")

    def _recover(self) -> None:
        """Under the lock: remove what a killed writer left and redo its tidying."""
        manifest = self._read_manifest() if self.exists() else None
        listed = set()
        if manifest is not None:
            for kind in (ORDERS, SURVEY, REJECTS):
                listed.update(self.path / entry["file"] for entry in parts(manifest, kind))
            if manifest.get("identity"):
                listed.add(self.path / manifest["identity"])
        unlisted = []
        for folder in (self.path, *(self.path / k for k in (ORDERS, SURVEY, REJECTS))):
            if not folder.is_dir() or folder.is_symlink():
                continue
            for entry in folder.iterdir():
                ours = entry.name.startswith(TMP_PREFIX) or (
                    entry.suffix == ".parquet"
                    and (
                        (folder != self.path and entry.name.startswith("part-"))
                        or (folder == self.path and entry.name.startswith(IDENTITY_PREFIX))
                    )
                )
                if ours and entry.is_file() and entry not in listed:
                    if entry.name.startswith(TMP_PREFIX):
                        entry.unlink()  # never listed, so never read
                    else:
                        unlisted.append(entry)  # perhaps superseded while read
        self._delete_unread(unlisted)
        if manifest is None:
            return
        expected = manifest.get("rejects_csv_sha256")
        csv_path = self.path / REJECTS_CSV
        if expected and (not csv_path.is_file() or file_sha256(csv_path) != expected):
            csv_bytes = self._rejects_csv_bytes(manifest)
            self._write_bytes_atomic(csv_path, lambda h: h.write(csv_bytes))
            if hashlib.sha256(csv_bytes).hexdigest() != expected:
                manifest["rejects_csv_sha256"] = hashlib.sha256(csv_bytes).hexdigest()
                data = manifest_bytes(manifest)
                self._write_bytes_atomic(self.path / MANIFEST, lambda h: h.write(data))


def export_time(path: str | Path) -> datetime:
    """When an export file was made, as far as kunde can tell: its modification time
    (local time, to the microsecond); now for stdin, a pipe or a file that is gone."""
    try:
        info = Path(path).stat()
    except (OSError, ValueError):
        return datetime.now()
    if not stat.S_ISREG(info.st_mode):
        return datetime.now()
    return datetime.fromtimestamp(info.st_mtime_ns / 1e9)


def _collision_rejects(collisions: pl.DataFrame, source: SourceInfo) -> pl.DataFrame:
    """The rejects rows of order lines refused because their number is taken."""
    column = source.mapping.get(s.ORDER_ID)
    return collisions.select(
        pl.col(s.SOURCE_FILE).alias(s.REJECT_FILE),
        pl.col(s.SOURCE_ROW).alias(s.REJECT_ROW),
        pl.lit(column, pl.String).alias(s.REJECT_COLUMN),
        pl.col(s.ORDER_ID).alias(s.REJECT_VALUE),
        pl.lit(
            f"{COLLISION_REASON}; another shop system? kunde ingest FILE --source NAME",
            pl.String,
        ).alias(s.REJECT_REASON),
    ).cast(s.REJECTS)  # type: ignore[arg-type]


def _drop_collisions() -> Eraser:
    """An eraser removing collision rejects (of the parts one file wrote)."""

    def erase(part: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        hit = part.select(pl.col(s.REJECT_REASON).str.starts_with(COLLISION_REASON)).to_series()
        if not hit.any():
            return None, 0, set()
        return part.filter(~hit), int(hit.sum()), set()

    return erase


def _drop_lines_of(sources: set[str | None]) -> Eraser:
    """An eraser removing the lines (of the parts one file wrote) stored under the shop
    system names ``sources`` (None: no name recorded)."""
    named = sorted(x for x in sources if x is not None)

    def erase(part: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        of_source = pl.col(s.SOURCE).is_in(named)
        if None in sources:
            of_source = of_source | pl.col(s.SOURCE).is_null()
        hit = part.select(of_source.fill_null(False)).to_series()
        if not hit.any():
            return None, 0, set()
        return part.filter(~hit), int(hit.sum()), set()

    return erase


def _drop_replaced(
    part: pl.DataFrame, replaced: pl.DataFrame, source: str
) -> tuple[pl.DataFrame | None, int, set[str]]:
    """An eraser (see ``_rewrite_parts``) removing the stored lines of changed orders."""
    kept = without_orders(part, replaced, source)
    if kept.height == part.height:
        return None, 0, set()
    return kept, part.height - kept.height, set()


def _stored_answers(stored: pl.LazyFrame) -> pl.LazyFrame:
    """Stored survey answers as ``compare_answers`` knows them.

    Answers stored by an older kunde were keyed ``<file name>:<row>``; those are known
    by their content instead (``ingest.survey.content_key``), so a re-export under
    another name is recognised for them too.
    """
    from kunde_cli.ingest.survey import content_key

    legacy = pl.col(s.RESPONSE_ID) == pl.format(
        "{}:{}",
        pl.col(s.SOURCE_FILE).str.replace(r"^.*[/\\]", ""),
        pl.col(s.SOURCE_ROW),
    )
    # Hash only the legacy answers (content_key runs hashlib per answer), not every one.
    return pl.concat(
        [
            stored.filter(~legacy),
            stored.filter(legacy).with_columns(content_key().alias(s.RESPONSE_ID)),
        ],
        how="vertical",
    )


def _drop_answers(ids: set[str]) -> Eraser:
    """An eraser removing the stored answers with these response ids (replaced by a
    newer export's version)."""

    def erase(part: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        hit = part.select(pl.col(s.RESPONSE_ID).is_in(sorted(ids))).to_series()
        if not hit.any():
            return None, 0, set()
        return part.filter(~hit), int(hit.sum()), set()

    return erase
