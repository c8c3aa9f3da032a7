"""Reading what shops really export: CSV/Excel → canonical frames + rejects.

``read_orders(path)`` and ``read_any(path)`` return an :class:`IngestResult`; nothing
is written anywhere (the workspace is ``kunde_cli.store``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

ORDERS_KIND = "orders"
SURVEY_KIND = "survey"


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; every field may be left to detection."""

    sheet: str | None = None
    preset: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    dayfirst: bool | None = None
    kind: str | None = None  # "orders", "survey" or None (detect)


@dataclass
class IngestResult:
    """A file read into the canonical schema, with the rows that could not be used."""

    path: Path
    kind: str
    frame: pl.DataFrame
    rejects: pl.DataFrame
    detected: Any
    rows_read: int

    @property
    def accepted(self) -> int:
        """Rows that made it into ``frame``."""
        return self.frame.height


def _header_scorer(row: list[str]) -> int:
    from kunde_cli.ingest.mapping import header_score

    score = header_score(row)
    try:
        from kunde_cli.ingest.survey import header_score as survey_score
    except ImportError:  # survey support not installed in this tree
        return score
    return max(score, survey_score(row))


def read_orders(path: Path, options: ReadOptions | None = None) -> IngestResult:
    """Read an orders export (see :func:`read_any`)."""
    return read_any(path, options or ReadOptions(), kind=ORDERS_KIND)


def read_any(
    path: Path, options: ReadOptions | None = None, *, kind: str | None = None
) -> IngestResult:
    """Read ``path`` as orders or survey answers (detected from the header unless given)."""
    from kunde_cli.ingest.readers import read_table
    from kunde_cli.ingest.validate import validate_orders

    options = options or ReadOptions()
    path = Path(path)
    raw = read_table(path, sheet=options.sheet, score_header=_header_scorer)
    chosen = kind or options.kind or _detect_kind(raw)
    if chosen == SURVEY_KIND:
        from kunde_cli.ingest.survey import survey_from_raw

        frame, rejects = survey_from_raw(
            raw, mapping=options.mapping or None, dayfirst=options.dayfirst
        )
        detected = {
            "kind": SURVEY_KIND,
            "encoding": raw.encoding,
            "delimiter": raw.delimiter,
            "sheet": raw.sheet,
            "notes": raw.notes,
        }
    else:
        frame, rejects, detected = validate_orders(
            raw, preset=options.preset, mapping=options.mapping or None, dayfirst=options.dayfirst
        )
    # A survey layout may use data rows as a second header (SurveyMonkey); every row
    # that was data ends up accepted or rejected, so count those.
    rows_read = raw.frame.height if chosen != SURVEY_KIND else frame.height + rejects.height
    return IngestResult(
        path=path,
        kind=chosen,
        frame=frame,
        rejects=rejects,
        detected=detected,
        rows_read=rows_read,
    )


def _detect_kind(raw: Any) -> str:
    columns = [c for c in raw.frame.columns if not c.startswith("_")]
    try:
        from kunde_cli.ingest.survey import looks_like_survey
    except ImportError:
        return ORDERS_KIND
    from kunde_cli import schema as s
    from kunde_cli.ingest.mapping import resolve_mapping

    if looks_like_survey(columns):
        mp = resolve_mapping(columns)
        has_amount = any(mp.get(f) for f in (s.AMOUNT, "unit_price", "order_total"))
        if not has_amount:
            return SURVEY_KIND
    return ORDERS_KIND
