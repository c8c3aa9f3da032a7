"""Changing the workspace: new part and identity files, parts rewritten without some
rows, and the commit that makes them visible.

Writes are atomic. Every file is written to a temporary name, flushed to disk and
renamed into place (:mod:`kunde_cli.store.atomic`); part files first, the manifest
last. Readers see only the parts the manifest lists, so a run killed at any moment
leaves the workspace as it was: a part file written before the kill is not listed, and
is removed by the next writer (:meth:`WorkspaceCommit._recover`, under the lock — a
reader must never delete a running writer's files). Old files are deleted only once no
reader can hold them (:mod:`kunde_cli.store.lock`).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from kunde_cli.errors import WorkspaceError
from kunde_cli.store import tables
from kunde_cli.store.erase import Eraser
from kunde_cli.store.layout import (
    IDENTITY_PREFIX,
    MANIFEST,
    ORDERS,
    REJECTS,
    REJECTS_CSV,
    SURVEY,
    TABLES,
    TMP_PREFIX,
    identity_name,
    part_name,
    schema_of,
)
from kunde_cli.store.lock import WorkspaceLock
from kunde_cli.store.manifest import Manifest, manifest_bytes, now, parts
from kunde_cli.store.sources import file_sha256
from kunde_cli.words.lang import DEFAULT_LANG

#: How long append/forget wait for the lock when the caller does not hold it.
AUTO_LOCK_WAIT_SECONDS = 10.0

# Same rule as render.safety (which this layer may not import): text a spreadsheet
# would run as a formula gets an apostrophe in rejects.csv, the file people open.
_FORMULA = r"^[=+\-@\t\r]"


class WorkspaceCommit(WorkspaceLock):
    """The workspace's parts: reading them, writing new ones, and the commit."""

    _identity_cache: tuple[str, pl.DataFrame] | None
    #: The language rejects.csv gives its reasons in (the ingest run sets it).
    rejects_lang: str = DEFAULT_LANG

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

    # --- writing parts ---------------------------------------------------------------

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
        if old := manifest.get("identity"):
            doomed.append(self.path / old)
        manifest["identity"] = name

    # --- rewriting parts (forget, replaced orders and answers) -------------------------

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
            relative = part_name(kind, f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}-erased")
            self._write_parquet(changed, self.path / relative)
            entry["file"], entry["rows"] = relative, changed.height
            doomed.append(old)
        return total, names

    # --- the commit --------------------------------------------------------------------

    def _commit(self, manifest: Manifest, doomed: list[Path], *, rejects_changed: bool) -> bool:
        """Write the manifest (the commit point), then tidy up after it.

        True when the superseded files in ``doomed`` are deleted; False when a reader
        still reads them (they go once it is done, see ``_delete_unread``)."""
        manifest["updated_at"] = now()
        tables.refresh(self, manifest, doomed)  # the tables of these lines, same commit
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
        from kunde_cli.words.inspect import worded_reasons

        # The reason in the run's language for the person who opens it, its code beside it.
        rejects = worded_reasons(self._scan_parts(manifest, REJECTS).collect(), self.rejects_lang)
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
        listed: set[Path] = set()
        if manifest is not None:
            for kind in (ORDERS, SURVEY, REJECTS):
                listed.update(self.path / entry["file"] for entry in parts(manifest, kind))
            if identity := manifest.get("identity"):
                listed.add(self.path / identity)
            listed.update(self.path / name for name in tables.listed(manifest))
        unlisted = []
        for folder in (self.path, *(self.path / k for k in (ORDERS, SURVEY, REJECTS, TABLES))):
            if not folder.is_dir() or folder.is_symlink():
                continue
            for entry in folder.iterdir():
                ours = entry.name.startswith(TMP_PREFIX) or (
                    entry.suffix == ".parquet"
                    and (
                        (
                            folder != self.path
                            and entry.name.startswith(("part-", "orders-", "customers-"))
                        )
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
