"""The Workspace: a kunde workspace folder, read by analyses and written by ingest and
forget (see :mod:`kunde_cli.store` for how it is built).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from kunde_cli import identity as ident
from kunde_cli import schema as s
from kunde_cli.errors import WorkspaceError
from kunde_cli.store import erase
from kunde_cli.store import tables as store_tables
from kunde_cli.store.answers import link_orders, names_orders
from kunde_cli.store.append import Lines, WorkspaceAppend
from kunde_cli.store.erase import ForgetSummary
from kunde_cli.store.layout import DEFAULT_WORKSPACE, KEYS, ORDERS, REJECTS, SURVEY
from kunde_cli.store.manifest import (
    Manifest,
    SourceEntry,
    count_seen,
    empty_manifest,
    entry_of,
)
from kunde_cli.store.overlap import conform, lay_orders
from kunde_cli.store.sources import AppendSummary, SourceInfo
from kunde_cli.store.tables import StoredTables, TableBuilder


class Workspace(WorkspaceAppend):
    """A kunde workspace folder. Reading needs no lock; every write takes it.

    Examples
    --------
    >>> ws = Workspace("kunde-data")  # doctest: +SKIP
    >>> with ws.lock(wait_seconds=60):  # doctest: +SKIP
    ...     summary = ws.append_orders(frame, rejects, source=SourceInfo("ordrer.csv"))
    >>> lines = ws.scan_orders()  # doctest: +SKIP
    """

    def __init__(
        self, path: str | Path = DEFAULT_WORKSPACE, *, tables: TableBuilder | None = None
    ) -> None:
        self.path = Path(path)
        #: Builds the orders and customers tables at every change of the lines (see
        #: kunde_cli.store.tables); without it a write leaves them out.
        self.table_builder = tables
        #: Lock-file contents of a killed run whose lock this process took over.
        self.stale_lock: dict[str, Any] | None = None
        self._lock_fd: int | None = None
        self._lock_depth = 0
        self._identity_cache: tuple[str, pl.DataFrame] | None = None
        #: The manifest the last scan_orders read (its tables are read_tables').
        self._scanned: Manifest | None = None

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    # --- reading -------------------------------------------------------------------

    def manifest(self) -> Manifest:
        """The manifest (a :class:`~kunde_cli.store.manifest.Manifest`, a dict of its own);
        an empty one when nothing was ingested yet.

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
            self._scanned = manifest  # read_tables gives the tables of these very lines
            # The same resolution the tables were built from (store/tables.py).
            return store_tables.resolved_lines(self, manifest)

        return self._reading(read)

    def scan_survey(self) -> pl.LazyFrame | None:
        """All stored survey answers (schema.SURVEY), or None when there are none.

        ``customer_id`` is mapped onto the orders' canonical ids (by order number, else
        id, else e-mail: :meth:`kunde_cli.store.overlap.Overlay.survey`).
        """

        def read() -> pl.LazyFrame | None:
            manifest = self._read_manifest_required()
            if not manifest[SURVEY]:
                return None
            answers = self._scan_parts(manifest, SURVEY)
            resolved = ident.resolve_survey(answers, self._read_identity(manifest))
            if not names_orders(answers):
                return resolved
            return link_orders(resolved, store_tables.resolved_lines(self, manifest))

        return self._reading(read)

    def read_tables(self) -> StoredTables | None:
        """The stored orders and customers tables of the lines :meth:`scan_orders` gave
        (of the same commit, whatever was committed since), or None when there are none
        that match them (an older workspace, or one written without a builder: see
        :meth:`upgrade`) or they cannot be read (damaged: the lines answer)."""
        if not self.exists():
            return None

        def read() -> StoredTables | None:
            manifest = self._scanned if self._scanned is not None else self._read_manifest()
            return store_tables.read(self, manifest)

        return self._reading(read)

    def upgrade(self) -> str | None:
        """Build the tables of a workspace that has lines but no usable tables that
        match them, under the lock, in one commit; say why: ``"format"`` (a workspace
        of format 1, from before the tables), ``"rebuilt"`` (tables missing, damaged or
        written by a caller without a builder), None when nothing was needed (or there
        is no table builder)."""
        if self.table_builder is None or not self.exists():
            return None
        if not store_tables.needs_upgrade(self, self._read_manifest()):
            return None
        with self._writing("kunde (opgradering)"):
            new = copy.deepcopy(self._read_manifest_required())
            if not store_tables.needs_upgrade(self, new):
                return None
            why = "format" if new.get("kunde_workspace") == 1 else "rebuilt"
            self._commit(new, [], rejects_changed=False)
        return why

    def read_rejects(self) -> pl.DataFrame:
        """Every refused row so far (schema.REJECTS), oldest first."""
        if not self.exists():
            return s.empty_rejects()
        return self._reading(lambda: self._scan_parts(self._read_manifest(), REJECTS).collect())

    # --- writing -------------------------------------------------------------------

    def append_orders(
        self,
        frame: Lines,
        rejects: pl.DataFrame,
        *,
        source: SourceInfo,
        strict: bool = False,
        identity: pl.DataFrame | None = None,
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

        ``frame`` may be a function that hands the frame over (``IngestResult.take_frame``):
        the rows are then let go once written, before the tables are built, so a large
        export is not held twice. ``identity`` is ``identity_map`` of the export's lines
        when the caller made it already: reused when the workspace holds no customers yet
        and the lines stored have exactly its (customer_id, email, phone) triples.
        """
        return self._append(ORDERS, frame, rejects, source, strict=strict, identity=identity)

    def collisions(self, batches: Sequence[tuple[pl.DataFrame, str]]) -> list[int]:
        """Orders of each batch (order lines, shop system) whose number another order
        already uses — stored, or in an earlier batch — as :meth:`append_orders` would
        find them appending the batches in turn, without writing anything (``--strict``
        refuses a whole run with these before it writes a line)."""
        manifest = self._read_manifest() if self.exists() else empty_manifest()
        running = self._scan_parts(manifest, ORDERS)
        counts = []
        for frame, source in batches:
            overlap = lay_orders(conform(frame, s.ORDERS, KEYS[ORDERS]), running, source, None)
            counts.append(overlap.collision_orders)
            running = pl.concat(
                [running, overlap.fresh.lazy().cast(s.ORDERS)],  # type: ignore[arg-type]  # polars types cast's mapping with invariant keys
                how="vertical_relaxed",
            )
        return counts

    def append_survey(
        self, frame: Lines, rejects: pl.DataFrame, *, source: SourceInfo
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
