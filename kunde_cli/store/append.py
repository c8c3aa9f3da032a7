"""Appending an export's rows to the workspace.

What an export adds is decided by the one path that files read directly take too
(:func:`~kunde_cli.store.overlap.lay_orders`, :func:`~kunde_cli.store.overlap.lay_answers`,
:func:`~kunde_cli.store.overlap.identity_after`); the workspace persists it.

Orders are identified by their shop system (``source``) and ``order_id``, survey
answers by ``response_id``: an order already stored is skipped and counted as a
duplicate, so re-ingesting a file, or a newer export that overlaps an older one, never
double-counts; an order changed since (refunded, say) is replaced by the newer export's
version; an order number another order of the system already has is a collision,
refused (see :mod:`kunde_cli.store.overlap`; answers: :mod:`kunde_cli.store.answers`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from kunde_cli import schema as s
from kunde_cli.errors import DataQualityError
from kunde_cli.store import tombstones
from kunde_cli.store.commit import WorkspaceCommit
from kunde_cli.store.erase import Eraser
from kunde_cli.store.layout import KEYS, ORDERS, REJECTS, SCHEMAS, SURVEY
from kunde_cli.store.manifest import (
    count_seen,
    empty_manifest,
    entry_of,
    old_made_up_ids,
    source_entry,
)
from kunde_cli.store.overlap import (
    COLLISION_CODE,
    COLLISION_REASON,
    conform,
    identity_after,
    lay_answers,
    lay_orders,
    without_answers,
    without_orders,
)
from kunde_cli.store.sources import AppendSummary, SourceInfo, export_time, file_sha256
from kunde_cli.words.said import said

#: An export's rows: a frame, or a function that hands the frame over (the caller keeps
#: no reference, so the store can let the rows go once they are written).
Lines = pl.DataFrame | Callable[[], pl.DataFrame]


class WorkspaceAppend(WorkspaceCommit):
    """Appending rows (the Workspace's ``append_orders`` and ``append_survey``)."""

    def _append(
        self,
        kind: str,
        lines: Lines,
        rejects: pl.DataFrame,
        source: SourceInfo,
        *,
        strict: bool = False,
        identity: pl.DataFrame | None = None,
    ) -> AppendSummary:
        keys = KEYS[kind]
        # Given as a function that hands the frame over, this is its only reference:
        # it is let go before the commit builds the tables (peak memory).
        frame = conform(lines() if callable(lines) else lines, SCHEMAS[kind], keys)
        del lines
        rejects = conform(rejects, s.REJECTS, ())
        sha = source.sha256 or file_sha256(source.path)
        with self._writing():
            manifest = self._read_manifest() if self.exists() else empty_manifest()
            new = copy.deepcopy(manifest)
            already = entry_of(manifest, sha, kind, source.source, named=source.named) is not None
            doomed: list[Path] = []
            stored = self._scan_parts(manifest, kind)
            overlap = None
            survey_changed = clashes = 0
            answers = None
            moved_lines = 0
            new_rejects = rejects
            rejects_changed = False
            if already:
                fresh = frame.clear()
            elif kind == ORDERS:
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
                overlap = lay_orders(
                    frame, stored, source.source, source.exported_at or export_time(source.path)
                )
                collided = _collision_rejects(overlap.collisions, source)
                if overlap.collision_orders:
                    if strict:
                        raise DataQualityError(
                            said(
                                "ingest_strict_collisions",
                                count=overlap.collision_orders,
                                path=str(source.path),
                            ),
                            hint=said("ingest_source_hint"),
                        )
                    rejects = pl.concat([rejects, collided])
                new_rejects = collided if earlier else rejects
                fresh = overlap.fresh
                if overlap.changed_orders:
                    replaced = overlap.replaced
                    self._rewrite_parts(
                        new,
                        ORDERS,
                        doomed,
                        lambda part: _drop_replaced(part, replaced, source.source),
                    )
            else:
                answers = lay_answers(frame, _stored_answers(stored), source.detected.get("layout"))
                fresh, survey_changed, clashes = answers.fresh, answers.changed, answers.clashes
                if answers.changed:
                    self._rewrite_parts(new, SURVEY, doomed, _drop_answers(answers.replaced))
            rejected = (
                rejects.select(pl.struct(s.REJECT_FILE, s.REJECT_ROW).n_unique()).item()
                if rejects.height
                else 0
            )
            back = tombstones.returning(self, manifest, fresh)  # erased people stored again
            part = None
            stamp = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}-{sha[:8]}"
            if fresh.height:
                # The part is written while identity runs (Polars lets go of the GIL).
                with ThreadPoolExecutor(max_workers=1) as pool:
                    writing = pool.submit(self._add_part, new, kind, fresh, stamp, sha)
                    # Every line of the export is stored (none repeated or refused):
                    # the caller's map of its lines is the map of these.
                    whole = identity if fresh.height == frame.height else None
                    mapped = (
                        identity_after(fresh, self._read_identity(manifest), whole)
                        if kind == ORDERS
                        else None
                    )
                    part = writing.result()
                if mapped is not None:
                    self._replace_identity(new, mapped, doomed)
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
                seen = entry_of(new, sha, kind, source.source, named=source.named)
                assert seen is not None  # new is a copy of the manifest, which lists it
                count_seen(seen)
            else:
                new["sources"].append(source_entry(kind, source, sha, summary))
            # The export's lines are written: let them go before the tables are built.
            del frame, fresh
            overlap = answers = None
            self._commit(new, doomed, rejects_changed=rejects_changed)
            return summary


def _collision_rejects(collisions: pl.DataFrame, source: SourceInfo) -> pl.DataFrame:
    """The rejects rows of order lines refused because their number is taken."""
    column = source.mapping.get(s.ORDER_ID)
    return collisions.select(
        pl.col(s.SOURCE_FILE).alias(s.REJECT_FILE),
        pl.col(s.SOURCE_ROW).alias(s.REJECT_ROW),
        pl.lit(column, pl.String).alias(s.REJECT_COLUMN),
        pl.col(s.ORDER_ID).alias(s.REJECT_VALUE),
        pl.lit(COLLISION_CODE, pl.String).alias(s.REJECT_REASON),
    ).cast(s.REJECTS)  # type: ignore[arg-type]  # polars types cast's mapping with invariant keys: no dict[str, DataType] fits


def _drop_collisions() -> Eraser:
    """An eraser removing collision rejects (of the parts one file wrote; an older kunde
    wrote their reason as English text)."""

    def erase(part: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        reason = pl.col(s.REJECT_REASON)
        taken = (reason == COLLISION_CODE) | reason.str.starts_with(COLLISION_REASON)
        hit = part.select(taken.fill_null(False)).to_series()
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
    by their content instead (:func:`kunde_cli.store.answers.content_key`), so a
    re-export under another name is recognised for them too.
    """
    from kunde_cli.store.answers import content_key

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


def _drop_answers(replaced: pl.DataFrame) -> Eraser:
    """An eraser removing the stored answers a newer export's version replaces
    (``replaced``: their response ids)."""

    def erase(part: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        kept = without_answers(part, replaced)
        if kept.height == part.height:
            return None, 0, set()
        return kept, part.height - kept.height, set()

    return erase
