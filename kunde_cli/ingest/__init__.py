"""Reading what shops really export: CSV/Excel → canonical frames + rejects.

``read_orders(path)`` and ``read_any(path)`` return an :class:`IngestResult`; nothing
is written anywhere (the workspace is ``kunde_cli.store``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kunde_cli.errors import ConfigError, InputError
from kunde_cli.words.said import said

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.ingest.readers import RawTable
    from kunde_cli.ingest.validate import Detected

ORDERS_KIND = "orders"
SURVEY_KIND = "survey"

#: Short names ``--columns`` also takes (a headerless log names its columns tersely).
#: ``id`` is the customer's id, as in CDNOW's "id date qty amount"; an order number is
#: ``order_id``.
COLUMN_ALIASES = {
    "id": "customer_id", "cust": "customer_id", "customer": "customer_id",
    "qty": "quantity", "amt": "amount", "price": "amount", "sum": "amount",
    "order": "order_id", "invoice": "order_id", "time": "order_date",
    "timestamp": "order_date", "datetime": "order_date",
}  # fmt: skip
#: Names in ``--columns`` for a column to leave out.
SKIP_COLUMN = ("-", "_")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; every field may be left to detection."""

    sheet: str | None = None
    preset: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    dayfirst: bool | None = None
    kind: str | None = None  # "orders", "survey" or None (detect)
    #: ``--columns``: the columns of a file without a header, in order, as field names
    #: ("id,date,qty,amount"; ``-`` skips one). A header row, if any, is replaced.
    columns: str | Sequence[str] | None = None
    #: ``--allow-future``: keep rows dated after today instead of refusing them.
    allow_future: bool = False
    #: The date rows may not lie after (None: the computer's date); set by tests.
    today: date | None = None


def column_fields(columns: str | Sequence[str]) -> tuple[str | None, ...]:
    """``"id,dato,-,amount"`` → ``("customer_id", "order_date", None, "amount")``.

    Each name is a canonical field (orders or survey), a Danish field name
    (``mapping.FIELD_ALIASES``) or a short name (:data:`COLUMN_ALIASES`); ``-`` or ``_``
    leaves a column out. Raises ConfigError naming a word it does not know.
    """
    from kunde_cli import schema as s
    from kunde_cli.ingest.mapping import FIELD_ALIASES, HELPER_FIELDS, ORDER_FIELDS

    survey_fields = (s.SCORE, s.COMMENT, s.RESPONDED_AT, s.RESPONSE_ID)
    words = columns.split(",") if isinstance(columns, str) else list(columns)
    fields: list[str | None] = []
    for word in words:
        key = word.strip().lower()
        if key in SKIP_COLUMN:
            fields.append(None)
            continue
        fld = (
            key
            if key in ORDER_FIELDS or key in survey_fields
            else FIELD_ALIASES.get(key) or COLUMN_ALIASES.get(key)
        )
        if fld is None:
            known = [f for f in ORDER_FIELDS if f not in HELPER_FIELDS] + list(survey_fields)
            raise ConfigError(
                said("ingest_columns_unknown", name=word.strip())
                if key
                else said("ingest_columns_empty_name", columns=",".join(words)),
                hint=said("ingest_columns_hint", fields=", ".join(known)),
            )
        if fld in fields:
            raise ConfigError(said("ingest_columns_twice", field=fld, name=word.strip()))
        fields.append(fld)
    if not any(fields):
        raise ConfigError(said("ingest_columns_none"), hint=said("ingest_columns_example"))
    return tuple(fields)


@dataclass
class IngestResult:
    """A file read into the canonical schema, with the rows that could not be used."""

    path: Path
    kind: str
    frame: pl.DataFrame
    rejects: pl.DataFrame
    #: An orders file's :class:`~kunde_cli.ingest.validate.Detected`; a survey's dict.
    detected: Detected | dict[str, Any]
    rows_read: int
    _taken: int | None = field(default=None, repr=False, compare=False)

    def details(self) -> dict[str, Any]:
        """What was detected, as a plain dict (encoding, delimiter, preset or survey
        layout, mapping, notes, …) for either kind of file."""
        det = self.detected
        return dict(det) if isinstance(det, dict) else det.as_dict()

    @property
    def accepted(self) -> int:
        """Rows that made it into ``frame``."""
        return self.frame.height if self._taken is None else self._taken

    def take_frame(self) -> pl.DataFrame:
        """Hand ``frame`` over, keeping an empty frame of its schema: the workspace can
        then let go of a ten-million-line export as soon as its lines are written,
        instead of holding it while it builds the orders and customers tables."""
        frame, self.frame = self.frame, self.frame.clear()
        self._taken = frame.height
        return frame


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
    fields = column_fields(options.columns) if options.columns else None
    raw = read_table(path, sheet=options.sheet, score_header=_header_scorer, columns=fields)
    mapping = _columns_mapping(raw, options.mapping, fields)
    chosen = kind or options.kind or _detect_kind(raw)
    if chosen == SURVEY_KIND:
        from kunde_cli.ingest.survey import survey_from_raw

        frame, rejects = survey_from_raw(
            raw,
            mapping=mapping or None,
            dayfirst=options.dayfirst,
            allow_future=options.allow_future,
            today=options.today,
        )
        detected: Detected | dict[str, Any] = {
            "kind": SURVEY_KIND,
            "encoding": raw.encoding,
            "delimiter": raw.delimiter,
            "sheet": raw.sheet,
            "layout": raw.survey_layout,
            "notes": raw.notes,
        }
    else:
        frame, rejects, detected = validate_orders(
            raw,
            preset=options.preset,
            mapping=mapping or None,
            dayfirst=options.dayfirst,
            allow_future=options.allow_future,
            today=options.today,
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


def _columns_mapping(
    raw: RawTable, mapping: dict[str, str], fields: tuple[str | None, ...] | None
) -> dict[str, str]:
    """The ``--map`` to use: ``--columns`` names its fields' columns; a number in
    ``--map amount=4`` is a column's position (1-based) when no column has that name.

    A file without a header needs one or the other: else an InputError says so and
    suggests ``--columns`` for what its first row holds.
    """
    columns = [c for c in raw.frame.columns if not c.startswith("_")]
    if fields:
        named = {f for f in fields if f}
        kept = {k: v for k, v in mapping.items() if _field_of(k) not in named}
        return {**kept, **{f: f for f in fields if f}}
    positional = {
        k: columns[int(v) - 1]
        for k, v in mapping.items()
        if re.fullmatch(r"\d+", v.strip()) and v not in columns and 1 <= int(v) <= len(columns)
    }
    if raw.headerless and not positional and not any(v in columns for v in mapping.values()):
        first = raw.frame.select(columns).row(0) if raw.frame.height else ()
        cells = [str(v) for v in first[: len(columns)] if v is not None]
        guess = _guess_columns(cells)
        position = guess.split(",").index("amount") + 1 if "amount" in guess.split(",") else 2
        raise InputError(
            said("ingest_headerless", cells=" ".join(cells[:8])),
            path=raw.path,
            hint=said("ingest_headerless_hint", count=len(columns), guess=guess, position=position),
        )
    return {**mapping, **positional}


def _field_of(name: str) -> str | None:
    from kunde_cli.ingest.mapping import canonical_field

    try:
        return canonical_field(name)
    except ConfigError:
        return name.strip().lower()


def _guess_columns(cells: list[str]) -> str:
    """A --columns suggestion from a first row: ``00001 19970101 1 11.77`` → id,date,qty,amount."""
    guess: list[str] = []
    for i, cell in enumerate(cells):
        text = cell.strip()
        if "date" not in guess and re.fullmatch(
            r"(19|20)\d{6}|\d{10}|\d{13}|\d{1,4}[-./]\d{1,2}[-./]\d{1,4}.*", text
        ):
            guess.append("date")
        elif "amount" not in guess and re.fullmatch(r"-?\d+[.,]\d{1,2}", text):
            guess.append("amount")
        elif i == 0:
            guess.append("id")
        elif "email" not in guess and "@" in text:
            guess.append("email")
        elif "qty" not in guess and re.fullmatch(r"-?\d{1,3}", text):
            guess.append("qty")
        else:
            guess.append("-")
    return ",".join(guess)


def _detect_kind(raw: RawTable) -> str:
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
