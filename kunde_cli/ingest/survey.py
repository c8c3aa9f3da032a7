"""Survey exports (Google Forms, SurveyMonkey, Typeform, a plain sheet) → schema.SURVEY.

Layouts, recognised by their header:

* **Google Forms** — ``Tidsstempel``/``Timestamp``, then one column per question with
  the full question text as header ("Hvor sandsynligt er det, at du vil anbefale …").
  Timestamps like ``2024/03/14 10:22:19 AM GMT+1`` (the Forms download) or the
  Sheets locale's ``14/03/2024 10.22.19``.
* **SurveyMonkey** — ``Respondent ID``, ``Collector ID``, ``Start Date``, ``End Date``,
  ``Email Address``, ``First Name``, ``Last Name`` … and *two* header rows: the
  question, then a sub-answer row (``Response``, ``Open-Ended Response``, option
  texts). The sub-answer row is recognised and skipped; it is a header, not an answer.
* **Typeform** — ``#`` (the response token), question columns, hidden fields,
  ``Start Date (UTC)``, ``Submit Date (UTC)`` (older exports: ``Submitted At``),
  ``Network ID``. A hidden field is a plain column named by the field: ``order_id``
  (``ordre_id``, ``ordrenummer`` …) is the order the answer is about, which links the
  answer to that order's customer (:func:`kunde_cli.store.answers.link_orders`) even
  without an e-mail; ``email``, ``name`` and ``kunde_id`` are read as in every layout.
* **Delighted** — the fields of a Delighted survey response: ``id``, ``person``,
  ``survey_type``, ``score``, ``comment``, ``permalink``, ``created_at``, ``updated_at``
  (written ``Response ID``/``Created At`` … too), then person properties such as
  ``Delighted Source``. The dates are Unix timestamps (seconds since 1970-01-01 UTC).
* **Qualtrics** — three header rows: the column ids (``StartDate``, ``EndDate``,
  ``RecordedDate``, ``ResponseId``, ``RecipientEmail`` …, ``Q1``, ``Q1_NPS_GROUP``), the
  question texts, and ``{"ImportId":"QID1"}`` cells. Whichever of the first two the
  reader takes as the header, the rows up to the ImportId row are skipped; the NPS
  question is the one with an ``…_NPS_GROUP`` companion (its group column is not a
  score), else found by its words as in every layout.
* **generic** — whatever a shop typed itself: score/NPS/anbefaling, e-mail,
  kundenummer, dato, kommentar.

The score column is found by its header (anbefale, anbefaling, recommend, NPS, "Hvor
sandsynligt er det …") and confirmed by its values: at least half of the filled cells
must read as a whole number 0–10. ``--map score=COLUMN`` overrides. Scores may carry a
label (``10 - Meget sandsynligt``) or a decimal zero (``9.0``, ``9,0``). The comment is
the free-text question (grund, hvorfor, årsag, kommentar, why, reason, comment …).

A 1-to-10 scale is not NPS: a file whose scores run from 1 to 10 and never 0 is
refused (see :func:`refuse_one_to_ten`) unless ``--map scale=0-10`` (or ``scale`` under
kunde.toml's ``[mapping]``) says it is 0–10 after all.

Every data row ends up either in the survey frame or in the rejects frame with its row
and reason: no score, a score that is not a whole number 0–10, or a date that cannot be
read. An answer with no date column at all keeps a null ``responded_at``. A row with
more fields than the header (an unquoted comma in a comment) is refused too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import cast

import polars as pl

from kunde_cli import schema as s
from kunde_cli.errors import ConfigError, InputError, MissingColumnsError
from kunde_cli.ingest.mapping import SYNONYMS, normalise_header
from kunde_cli.ingest.parsing import (
    detect_datetime_format,
    normalise_datetime_text,
    parse_datetime_expr,
    two_digit_year_note,
)
from kunde_cli.ingest.readers import ROW_COL, RawTable
from kunde_cli.ingest.validate import EARLIEST, FUTURE_REASON, LATEST, after_today, future_note

# The survey answer key (and the layouts with unique ids) live with the store, which
# keys answers by them; named here too, where ingest makes the keys.
from kunde_cli.store.answers import CONTENT_KEY_PREFIX as CONTENT_KEY_PREFIX
from kunde_cli.store.answers import UNIQUE_ID_LAYOUTS as UNIQUE_ID_LAYOUTS
from kunde_cli.store.answers import content_key
from kunde_cli.words.said import Text, said

GOOGLE_FORMS = "google_forms"
SURVEYMONKEY = "surveymonkey"
TYPEFORM = "typeform"
DELIGHTED = "delighted"
QUALTRICS = "qualtrics"
GENERIC = "generic"

#: Fields a survey export can provide (``--map`` names them).
SURVEY_FIELDS = (
    s.RESPONSE_ID, s.CUSTOMER_ID, s.EMAIL, s.NAME, s.RESPONDED_AT, s.SCORE, s.COMMENT, s.ORDER_ID,
)  # fmt: skip

#: Danish/English words people may type on the left of ``--map`` for a survey field.
FIELD_ALIASES = {
    "nps": s.SCORE, "anbefaling": s.SCORE, "karakter": s.SCORE,
    "kommentar": s.COMMENT, "begrundelse": s.COMMENT,
    "svardato": s.RESPONDED_AT, "dato": s.RESPONDED_AT, "date": s.RESPONDED_AT,
    "svar": s.RESPONSE_ID, "svar_id": s.RESPONSE_ID,
    "kunde": s.CUSTOMER_ID, "kundenummer": s.CUSTOMER_ID,
    "e-mail": s.EMAIL, "mail": s.EMAIL, "navn": s.NAME,
    "ordre": s.ORDER_ID, "ordrenummer": s.ORDER_ID, "ordre_id": s.ORDER_ID, "order": s.ORDER_ID,
}  # fmt: skip

#: Header fragments (normalised) that name the likelihood-to-recommend question.
#: Most specific first; "score" and "karakter" only count in a survey-looking file.
STRONG_SCORE_WORDS = (
    "anbefale", "anbefaling", "recommend", "hvorsandsynligt", "howlikely", "nps",
)  # fmt: skip
WEAK_SCORE_WORDS = ("sandsynligt", "likely", "score", "karakter")

#: Header fragments of the free-text question, in order of preference.
COMMENT_WORDS = (
    "grund", "hvorfor", "årsag", "begrund", "why", "reason", "kommentar", "comment",
    "uddyb", "fortæl", "bemærk", "feedback", "forbedre", "improve", "tilføje",
)  # fmt: skip

_ID_HEADERS = (
    "respondentid",
    "responseid",
    "#",
    "svarid",
    "svarnummer",
    "submissionid",
    "token",
    "id",
)
_DATE_HEADERS = (
    "submitdateutc", "submittedat", "submitdate", "recordeddate", "enddate", "tidsstempel", "timestamp",
    "svardato", "besvaret", "respondedat", "completedat", "createdat", "dato", "date", "tidspunkt",
    "startdateutc", "startdate",
)  # fmt: skip
_EMAIL_HEADERS = (
    *SYNONYMS[s.EMAIL],
    "emailaddress",
    "recipientemail",
    "dinemail",
    "dinemailadresse",
)
_CUSTOMER_HEADERS = (*SYNONYMS[s.CUSTOMER_ID], "kundeid", "customerid", "customer_id")
_NAME_HEADERS = (*SYNONYMS[s.NAME], "name", "ditnavn", "fuldenavn", "fullname")
#: The order an answer is about (a hidden field: ``order_id``, ``ordre_id``, ``Order ID`` …).
_ORDER_HEADERS = SYNONYMS[s.ORDER_ID]
_FIRST_NAME = ("firstname", "fornavn", "recipientfirstname")
_LAST_NAME = ("lastname", "efternavn", "recipientlastname")

#: Values of SurveyMonkey's second header row.
SURVEYMONKEY_SUBHEADERS = ("Response", "Open-Ended Response", "Other (please specify)")

#: Time formats the shared date detector does not try: 12-hour clocks with AM/PM, as
#: the Google Forms download and SurveyMonkey write them.
_AMPM_DATES = ("%Y/%m/%d", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y")
_AMPM_TIMES = (" %I:%M:%S %p", " %I:%M %p")
#: The zone after a 12-hour time ("9:12:45 AM GMT+1"): dropped, the local day is kept.
_AMPM_ZONE = r"\s*(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d{2})?)?$"

#: A score: a number at the start, then nothing or a label after a separator/space.
_SCORE_PATTERN = r"^([+-]?\d+(?:[.,]\d+)?)(?:\s*[-–—:=/(].*|\s+\S.*)?$"

#: Share of filled cells that must be a whole number 0–10 to accept a score column.
SCORE_CONFIRM_SHARE = 0.5

_ORDER_MARKERS = (*SYNONYMS[s.AMOUNT], *SYNONYMS[s.ORDER_ID])
#: Layouts of survey tools whose id and date columns no order export has: an order-number
#: column in them is a hidden field naming the order an answer is about.
_TOOL_LAYOUTS = (SURVEYMONKEY, TYPEFORM, QUALTRICS, DELIGHTED)
#: Header fragments (normalised) of the likelihood-to-recommend question itself.
_LIKELIHOOD_WORDS = ("hvorsandsynligt", "sandsynlig", "howlikely", "likely")

#: ``--map scale=…``: the pseudo-field that tells kunde the score scale.
SCALE_FIELD = "scale"
#: The one scale kunde reads (as written in ``--map scale=0-10``; ``0–10``, ``0..10`` too).
_NPS_SCALE = r"^\s*0\s*(?:-|–|—|\.\.|to|til)\s*10\s*$"
#: A 1-to-10 scale is refused from this many valid scores on ...
ONE_TO_TEN_MIN_ANSWERS = 20
#: ... when no score is 0, at least one is 10 and at least this many are 1 ...
ONE_TO_TEN_MIN_ONES = 3
#: ... and at least this share of the scores are 1.
ONE_TO_TEN_MIN_ONES_SHARE = 0.01


@dataclass(frozen=True)
class SurveyColumns:
    """Which column of an export holds which survey field, and the layout found."""

    layout: str
    columns: dict[str, str]
    how: dict[str, str] = field(default_factory=dict)  # field -> "--map" / "header"
    subheader_row: int | None = None  # file row of SurveyMonkey's sub-answer row
    first_name: str | None = None
    last_name: str | None = None
    header_rows: tuple[int, ...] = ()  # file rows of Qualtrics' extra header rows


def _norm(columns: Sequence[str]) -> list[str]:
    return [normalise_header(c) for c in columns]


def detect_layout(columns: Sequence[str]) -> str:
    """``google_forms``, ``surveymonkey``, ``typeform``, ``delighted``, ``qualtrics`` or
    ``generic`` from the header."""
    norm = set(_norm(columns))
    if {"respondentid", "collectorid"} <= norm:
        return SURVEYMONKEY
    if "networkid" in norm or ("#" in norm and norm & {"submittedat", "submitdateutc"}):
        return TYPEFORM
    if {"responseid", "recordeddate"} <= norm:
        return QUALTRICS
    if {"permalink", "createdat"} <= norm or any(n.startswith("delighted") for n in norm):
        return DELIGHTED
    if norm & {"tidsstempel", "timestamp"}:
        return GOOGLE_FORMS
    return GENERIC


def _score_header_rank(header: str, *, weak: bool) -> int | None:
    """Position of the first score word in ``header`` (lower = more specific), or None."""
    norm = normalise_header(header)
    words = STRONG_SCORE_WORDS + (WEAK_SCORE_WORDS if weak else ())
    for rank, word in enumerate(words):
        if word in norm:
            return rank
    return None


def header_score(row: list[str]) -> int:
    """How many cells of ``row`` look like survey headers (to find the header row)."""
    known = {"respondentid", "collectorid", "networkid", "tidsstempel", "timestamp", "#"}
    known |= set(_DATE_HEADERS) | set(_EMAIL_HEADERS) | set(_ID_HEADERS)
    score = 0
    for cell in row:
        norm = normalise_header(str(cell or ""))
        if norm in known or _score_header_rank(norm, weak=False) is not None:
            score += 1
    return score


def looks_like_survey(columns: list[str]) -> bool:
    """True when the header names a recommend/NPS question and no order amount or id.

    A column such as "Hvor sandsynligt er det, at du vil anbefale os?" or "NPS" is a
    survey; "Score" or "Karakter" only counts in a file with a survey tool's layout or
    without order columns. A file with an amount or order-number column is an order
    export even if it also has an "Anbefalet af" column — except an order number in a
    survey tool's export (Typeform's ``#`` and ``Network ID`` …) that has a score
    column, or in a Google Forms export asking the likelihood question: a hidden (or
    prefilled) field naming the order an answer is about.
    """
    norm = _norm([c for c in columns if c != ROW_COL and not c.startswith("_")])
    if any(n in SYNONYMS[s.AMOUNT] for n in norm):
        return False
    layout = detect_layout(columns)
    tool = layout in _TOOL_LAYOUTS and any(
        _score_header_rank(n, weak=True) is not None for n in norm
    )
    # A Google Form the shop prefills with the order number: its timestamp and the
    # likelihood question itself ("Hvor sandsynligt …", "How likely …"; not a
    # referral column such as "Anbefalet af").
    form = layout == GOOGLE_FORMS and any(
        any(word in n for word in _LIKELIHOOD_WORDS) for n in norm
    )
    if any(n in _ORDER_MARKERS for n in norm) and not (tool or form):
        return False
    if any(_score_header_rank(n, weak=False) is not None for n in norm):
        return True
    if detect_layout(columns) != GENERIC:
        return True
    return any(n in ("score", "karakter") for n in norm)


def _as_text(series: pl.Series) -> pl.Series:
    """Any column as trimmed text; whole floats from Excel (``1001.0``) lose the ``.0``."""
    if series.dtype.is_float():
        whole = (series == series.floor()).fill_null(True).all()
        if whole:
            series = series.cast(pl.Int64)
    return series.cast(pl.String).str.strip_chars().replace("", None)


def parse_score_expr(expr: pl.Expr) -> pl.Expr:
    """A score cell as a number (Float64): ``"10 - Meget sandsynligt"`` → 10.0.

    Null when the cell is empty or does not start with a number. Range and whole-number
    checks are left to the caller, so it can say which one failed.

    >>> pl.DataFrame({"v": ["10 - Meget sandsynligt", "9,0", " 9.0 ", "ti", "11", "-1", "7,5"]}).select(
    ...     parse_score_expr(pl.col("v"))
    ... )["v"].to_list()
    [10.0, 9.0, 9.0, None, 11.0, -1.0, 7.5]
    """
    number = expr.cast(pl.String).str.strip_chars().str.extract(_SCORE_PATTERN, 1)
    return number.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)


def _valid_score(value: pl.Expr) -> pl.Expr:
    return (value == value.floor()) & (value >= 0) & (value <= 10)


def _confirmed_share(series: pl.Series) -> float:
    """Share of filled cells of ``series`` that read as a whole number 0–10."""
    text = _as_text(series).drop_nulls()
    if text.len() == 0:
        return 0.0
    ok = text.to_frame("v").select(_valid_score(parse_score_expr(pl.col("v"))).fill_null(False))
    return float(ok.to_series().sum()) / text.len()


def told_scale(mapping: dict[str, str] | None, path: str) -> bool:
    """True when ``--map scale=0-10`` (or kunde.toml) says the scores are 0–10.

    Raises
    ------
    ConfigError
        When ``scale`` names another scale (kunde reads only NPS's 0–10).
    """
    given = next((v for k, v in (mapping or {}).items() if k.strip().lower() == SCALE_FIELD), None)
    if given is None:
        return False
    if re.match(_NPS_SCALE, given, flags=re.IGNORECASE) is None:
        raise ConfigError(
            said("ingest_survey_scale_unknown", given=given),
            path=path,
            hint=said("ingest_survey_scale_hint"),
        )
    return True


def refuse_one_to_ten(scores: pl.Series, *, path: str, column: str) -> None:
    """Refuse a score column that reads as a 1-to-10 scale rather than NPS's 0–10.

    The rule: at least :data:`ONE_TO_TEN_MIN_ANSWERS` (20) valid scores, none of them 0,
    at least one 10 and at least :data:`ONE_TO_TEN_MIN_ONES` (3) and 1 % of them 1. Why: on an
    NPS question the unhappiest customers choose the end of the scale, 0, at least as
    often as 1 (the end draws the strongest answers), so a scale in use from 1 to 10
    with several 1s and never a 0 starts at 1. If 0 is at least as likely as 1, the
    chance that three or more low answers (0 or 1) are all 1 is at most 1/8, and far
    less in real NPS data, where 0 is the more common of the two. A file that merely
    lacks a 0 — a small sample, a happy shop with no answer below 5 — is kept: without
    1s there is nothing to tell the two scales apart. A 1-to-10 scale read as 0–10
    would count a customer who chose the lowest mark (1) and every 6 as detractors and
    shift the score, hence the refusal rather than a note. The 1 % keeps large genuine
    NPS files whose rare low answers happen to include a few 1s and no 0 (kunde's demo
    shop draws 0 and 1 about equally, each about 0.1 % of answers): a scale that starts
    at 1 uses its bottom mark far more often than that.

    Raises
    ------
    InputError
        Naming the file and column, with the counts, and the hint ``--map scale=0-10``.
    """
    counts = scores.to_frame("v").select(
        n=pl.len(),
        zeros=(pl.col("v") == 0).sum(),
        ones=(pl.col("v") == 1).sum(),
        tens=(pl.col("v") == 10).sum(),
    )
    n, zeros, ones, tens = (int(v) for v in counts.row(0))
    enough_ones = ones >= max(ONE_TO_TEN_MIN_ONES, ONE_TO_TEN_MIN_ONES_SHARE * n)
    if n >= ONE_TO_TEN_MIN_ANSWERS and zeros == 0 and tens > 0 and enough_ones:
        raise InputError(
            said("ingest_survey_one_to_ten", column=column, count=n, ones=ones, tens=tens),
            path=path,
            hint=said("ingest_survey_one_to_ten_hint"),
        )


def _canonical_field(name: str) -> str | None:
    key = name.strip().lower()
    if key in SURVEY_FIELDS:
        return key
    return FIELD_ALIASES.get(key)


def _find_column(columns: Sequence[str], wanted: str) -> str | None:
    if wanted in columns:
        return wanted
    target = normalise_header(wanted)
    return next((c for c in columns if normalise_header(c) == target), None)


def _subheader_row(raw: RawTable, columns: Sequence[str]) -> int | None:
    """The file row of SurveyMonkey's sub-answer row, when the first data row is one."""
    frame = raw.frame
    if frame.height == 0:
        return None
    first = frame.head(1)
    hits = sum(
        1 for c in columns if first[c].dtype == pl.String and first[c][0] in SURVEYMONKEY_SUBHEADERS
    )
    return int(first[ROW_COL][0]) if hits else None


_IMPORT_ID = r'"ImportId"\s*:\s*"([^"]+)"'
_NPS_GROUP = "_NPS_GROUP"


@dataclass(frozen=True)
class _QualtricsHeader:
    rows: tuple[int, ...] = ()  # file rows up to and including the ImportId row
    labels: dict[str, str] = field(default_factory=dict)  # column -> question text
    nps: str | None = None  # the column whose ImportId has an _NPS_GROUP companion
    groups: frozenset[str] = frozenset()  # the _NPS_GROUP columns


def _qualtrics_header(raw: RawTable, columns: Sequence[str]) -> _QualtricsHeader:
    """Qualtrics' extra header rows: among the first two data rows, the ImportId row
    and any row before it (the question texts, when the ids are the header)."""
    head = raw.frame.head(2)
    text = {c: [None if v is None else str(v) for v in head[c].to_list()] for c in columns}
    import_row = None
    for i in range(head.height):
        if any((text[c][i] or "").lstrip().startswith('{"ImportId"') for c in columns):
            import_row = i
    if import_row is None:
        return _QualtricsHeader()
    rows = tuple(int(v) for v in head[ROW_COL].to_list()[: import_row + 1])
    labels = {c: text[c][0] or "" for c in columns} if import_row == 1 else {}
    ids: dict[str, str] = {}
    for c in columns:
        found = re.search(_IMPORT_ID, text[c][import_row] or "")
        if found:
            ids[c] = found.group(1)
    groups = {c for c, v in ids.items() if v.endswith(_NPS_GROUP)}
    groups |= {c for c in columns if c.endswith(_NPS_GROUP)}
    by_id = {v: c for c, v in ids.items()}
    nps = next((c for c, v in ids.items() if f"{v}{_NPS_GROUP}" in by_id), None)
    return _QualtricsHeader(rows=rows, labels=labels, nps=nps, groups=frozenset(groups))


def survey_columns(raw: RawTable, *, mapping: dict[str, str] | None = None) -> SurveyColumns:
    """Decide which column holds each survey field (``mapping`` = ``--map`` wins).

    ``mapping`` may also hold order fields (kunde.toml's ``[mapping]`` is shared); those
    are ignored. A mapped survey column that is not in the file is an error for
    ``score``, ``comment``, ``responded_at`` and ``response_id``; for ``email``,
    ``customer_id``, ``name`` and ``order_id`` (which an orders mapping may also name)
    it is ignored.

    Raises
    ------
    MissingColumnsError
        When no column reads as the 0–10 score.
    """
    path = str(raw.path)
    columns = [c for c in raw.frame.columns if c != ROW_COL and c != "_extra"]
    layout = detect_layout(columns)
    qualtrics = _qualtrics_header(raw, columns) if layout == QUALTRICS else _QualtricsHeader()
    subheader = None if qualtrics.rows else _subheader_row(raw, columns)
    skipped = [*qualtrics.rows, *([] if subheader is None else [subheader])]
    data = raw.frame.filter(~pl.col(ROW_COL).is_in(skipped)) if skipped else raw.frame
    chosen: dict[str, str] = {}
    how: dict[str, str] = {}
    for raw_field, column in (mapping or {}).items():
        fld = _canonical_field(raw_field)
        if fld is None:
            continue
        match = _find_column(columns, column)
        if match is None:
            if fld in (s.EMAIL, s.CUSTOMER_ID, s.NAME, s.ORDER_ID):
                continue
            raise ConfigError(
                said("ingest_map_no_column", field=raw_field, column=column),
                path=path,
                hint=said("ingest_columns_in_file", columns=", ".join(columns[:30])),
            )
        chosen[fld] = match
        how[fld] = "--map"

    def free(c: str) -> bool:
        return c not in chosen.values() and c not in qualtrics.groups

    norm = {c: normalise_header(c) for c in columns}
    # What a column asks: its header, and Qualtrics' question text when the ids are the header.
    asks = {c: f"{c} {qualtrics.labels[c]}" if c in qualtrics.labels else c for c in columns}
    nps = qualtrics.nps
    if (
        s.SCORE not in chosen
        and nps is not None
        and free(nps)
        and _confirmed_share(data[nps]) >= SCORE_CONFIRM_SHARE
    ):
        chosen[s.SCORE], how[s.SCORE] = nps, "header"
    if s.SCORE not in chosen:
        weak = layout != GENERIC or not any(norm[c] in _ORDER_MARKERS for c in columns)
        candidates = sorted(
            (
                (rank, i, c)
                for i, c in enumerate(columns)
                if free(c) and (rank := _score_header_rank(asks[c], weak=weak)) is not None
            ),
        )
        confirmed = [
            c for _, _, c in candidates if _confirmed_share(data[c]) >= SCORE_CONFIRM_SHARE
        ]
        if not confirmed:
            hint: Text = said("ingest_score_hint")
            if candidates:
                names = ", ".join(f"'{c}'" for _, _, c in candidates[:3])
                hint = said("ingest_score_lookalike_hint", names=names)
            raise MissingColumnsError(path, [s.SCORE], hint=hint)
        chosen[s.SCORE] = confirmed[0]
        how[s.SCORE] = "header"

    def pick(fld: str, headers: Sequence[str], *, contains: str | None = None) -> None:
        if fld in chosen:
            return
        for header in headers:
            for c in columns:
                if free(c) and norm[c] == header:
                    chosen[fld], how[fld] = c, "header"
                    return
        if contains is not None:
            for c in columns:
                if free(c) and contains in norm[c] and _mostly(data[c], r"@"):
                    chosen[fld], how[fld] = c, "header"
                    return

    pick(s.RESPONSE_ID, _ID_HEADERS)
    pick(s.RESPONDED_AT, _DATE_HEADERS)
    pick(s.EMAIL, _EMAIL_HEADERS, contains="mail")
    pick(s.CUSTOMER_ID, _CUSTOMER_HEADERS)
    pick(s.ORDER_ID, _ORDER_HEADERS)
    pick(s.NAME, _NAME_HEADERS)
    if s.COMMENT not in chosen:
        for word in COMMENT_WORDS:
            match = next(
                (
                    c
                    for c in columns
                    if free(c)
                    and word in normalise_header(asks[c])
                    and _confirmed_share(data[c]) < SCORE_CONFIRM_SHARE
                ),
                None,
            )
            if match is not None:
                chosen[s.COMMENT], how[s.COMMENT] = match, "header"
                break
    first = last = None
    if s.NAME not in chosen:
        first = next((c for c in columns if free(c) and norm[c] in _FIRST_NAME), None)
        last = next((c for c in columns if free(c) and norm[c] in _LAST_NAME), None)
    return SurveyColumns(
        layout=layout,
        columns=chosen,
        how=how,
        subheader_row=subheader,
        first_name=first,
        last_name=last,
        header_rows=qualtrics.rows,
    )


def _mostly(series: pl.Series, pattern: str) -> bool:
    text = _as_text(series).drop_nulls()
    return text.len() > 0 and float(text.str.contains(pattern).sum()) / text.len() >= 0.5


#: The format name :func:`_parse_dates` gives for Unix timestamps.
UNIX_TIME = "unix"
#: A Unix timestamp in seconds: 9–10 digits (1973–2286), as Delighted writes them.
_UNIX_SECONDS = r"^\d{9,10}$"


def _parse_dates(values: pl.Series, *, dayfirst: bool | None) -> tuple[pl.Series, str | None]:
    """Datetimes from a date column (native or text) and the format used (None: native).

    A column where at least half the filled cells are whole numbers of 9–10 digits is
    read as Unix time, seconds since 1970-01-01 UTC (format :data:`UNIX_TIME`), as UTC wall time.

    >>> _parse_dates(pl.Series(["1712052825", None]), dayfirst=None)[0].to_list()
    [datetime.datetime(2024, 4, 2, 10, 13, 45), None]
    """
    if values.dtype == pl.Datetime:
        return values.cast(pl.Datetime("us")).dt.replace_time_zone(None), None
    if values.dtype == pl.Date:
        return values.cast(pl.Datetime("us")), None
    text = _as_text(values)
    filled_text = text.drop_nulls()
    unix = int(filled_text.str.contains(_UNIX_SECONDS).sum())
    if filled_text.len() and unix >= 0.5 * filled_text.len():
        # Most cells are Unix time: the others are not dates (refused, row by row).
        seconds = (
            text.to_frame("v")
            .select(
                pl.when(pl.col("v").str.contains(_UNIX_SECONDS)).then(
                    pl.col("v").cast(pl.Int64, strict=False)
                )
            )
            .to_series()
        )
        return pl.from_epoch(seconds, time_unit="s").cast(pl.Datetime("us")), UNIX_TIME
    detection = detect_datetime_format(text, dayfirst=dayfirst)
    frame = text.to_frame("v")
    best = None
    if detection.format is not None:
        best = frame.select(
            parse_datetime_expr(pl.col("v"), detection.format, detection.fallbacks)
        ).to_series()
    filled = int(text.is_not_null().sum())
    if best is not None and int(best.is_not_null().sum()) == filled:
        return best, detection.format
    # 12-hour clocks (Google Forms download, SurveyMonkey): try the AM/PM formats and
    # keep the one that reads most values; day-first wins ties unless --monthfirst.
    cleaned = frame.select(
        normalise_datetime_text(pl.col("v")).str.to_uppercase().str.replace(_AMPM_ZONE, "")
    ).to_series()
    dates: tuple[str, ...] = _AMPM_DATES
    if dayfirst is False:
        dates = tuple(sorted(dates, key=lambda d: not d.startswith("%m")))
    fmt_used = detection.format
    best_hits = -1 if best is None else int(best.is_not_null().sum())
    result = (
        best
        if best is not None
        else pl.Series(values.name, [None] * values.len(), pl.Datetime("us"))
    )
    for fmt in (d + t for d in dates for t in _AMPM_TIMES):
        parsed = cleaned.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True)
        hits = int(parsed.is_not_null().sum())
        if hits > best_hits:
            result, fmt_used, best_hits = parsed, fmt, hits
    return result, fmt_used


def survey_from_raw(
    raw: RawTable,
    *,
    mapping: dict[str, str] | None = None,
    dayfirst: bool | None = None,
    allow_future: bool = False,
    today: date | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Map a raw survey table onto ``schema.SURVEY``; refused rows go to ``schema.REJECTS``.

    * ``response_id``: the layout's id column (``Respondent ID``, ``#``, …), else a key
      of the answer's content (:func:`content_key`), the same in every export;
    * ``customer_id`` and ``name`` trimmed; SurveyMonkey's first + last name joined;
    * ``email`` trimmed and lower-cased;
    * ``responded_at``: the submit/end time (Typeform ``Submit Date``, SurveyMonkey
      ``End Date``, Forms ``Tidsstempel``); a time-zone suffix is dropped;
    * ``score``: Int8 0–10 (see :func:`parse_score_expr`);
    * ``comment``: the free-text answer, trimmed, empty → null;
    * ``source_file`` (the path as given) and ``source_row`` (the row a person sees).

    A row is refused, with its first problem as the reason, when the score is empty,
    not a number, not a whole number or outside 0–10, or when its date cannot be read
    or lies outside 1990–2099, or after ``today`` unless ``allow_future`` (as for orders).
    Rows read = accepted + refused (SurveyMonkey's sub-answer row is a header row and
    neither). Notes on what was detected are appended to ``raw.notes``.
    """
    path = str(raw.path)
    found = survey_columns(raw, mapping=mapping)
    raw.survey_layout = found.layout
    cols = found.columns
    frame = raw.frame
    if found.subheader_row is not None:
        frame = frame.filter(pl.col(ROW_COL) != found.subheader_row)
    if found.header_rows:
        frame = frame.filter(~pl.col(ROW_COL).is_in(found.header_rows))
    rows = frame[ROW_COL].cast(pl.Int64)

    def text(fld: str) -> pl.Series:
        if fld in cols:
            return _as_text(frame[cols[fld]]).alias(fld)
        return pl.Series(fld, [None] * frame.height, dtype=pl.String)

    score_text = text(s.SCORE)
    name = text(s.NAME)
    if s.NAME not in cols and (found.first_name or found.last_name):
        parts = [_as_text(frame[c]) for c in (found.first_name, found.last_name) if c]
        name = pl.DataFrame(parts).select(
            pl.concat_str(pl.all(), separator=" ", ignore_nulls=True).alias(s.NAME)
        )[s.NAME]
        name = name.replace("", None)
    if s.RESPONDED_AT in cols:
        responded, date_format = _parse_dates(frame[cols[s.RESPONDED_AT]], dayfirst=dayfirst)
        raw_date = _as_text(frame[cols[s.RESPONDED_AT]])
    else:
        responded = pl.Series(s.RESPONDED_AT, [None] * frame.height, dtype=pl.Datetime("us"))
        raw_date = pl.Series([None] * frame.height, dtype=pl.String)
        date_format = None
    own_id = text(s.RESPONSE_ID)
    work = pl.DataFrame(
        {
            "_row": rows,
            "_score_text": score_text,
            "_raw_date": raw_date,
            s.RESPONDED_AT: responded.alias(s.RESPONDED_AT),
            s.RESPONSE_ID: own_id,
            s.CUSTOMER_ID: text(s.CUSTOMER_ID),
            s.EMAIL: text(s.EMAIL).str.replace_all(r"\s+", "").str.to_lowercase(),
            s.NAME: name,
            s.COMMENT: text(s.COMMENT),
            s.ORDER_ID: text(s.ORDER_ID),
            # Fields beyond the header (the tolerant reader's "_extra"): the row is
            # shifted, so its score may be another column's value.
            "_extra": frame["_extra"]
            if "_extra" in frame.columns
            else pl.Series([None] * frame.height, dtype=pl.String),
        }
    )
    value = parse_score_expr(pl.col("_score_text"))
    score_col = cols[s.SCORE]
    date_col = cols.get(s.RESPONDED_AT)

    def problem(reason: str, column: str | None, raw_value: pl.Expr) -> pl.Expr:
        return pl.struct(column=pl.lit(column, pl.String), value=raw_value, reason=pl.lit(reason))

    raw_score = pl.col("_score_text")
    reason = (
        pl.when(pl.col("_extra").is_not_null())
        .then(problem("extra_fields", None, pl.col("_extra")))
        .when(raw_score.is_null())
        .then(problem("score_empty", score_col, raw_score))
        .when(value.is_null())
        .then(problem("score_not_a_number", score_col, raw_score))
        .when(value != value.floor())
        .then(problem("score_not_whole", score_col, raw_score))
        .when((value < 0) | (value > 10))
        .then(problem("score_out_of_range", score_col, raw_score))
        .when(pl.col(s.RESPONDED_AT).is_null() & pl.col("_raw_date").is_not_null())
        .then(problem("not_a_date", date_col, pl.col("_raw_date")))
        .when((pl.col(s.RESPONDED_AT) < EARLIEST) | (pl.col(s.RESPONDED_AT) >= LATEST))
        .then(problem("date_out_of_range", date_col, pl.col("_raw_date")))
        .when(pl.lit(not allow_future) & (pl.col(s.RESPONDED_AT) >= after_today(today)))
        .then(problem(FUTURE_REASON, date_col, pl.col("_raw_date")))
        .otherwise(None)
        .alias("_reason")
    )
    checked = work.with_columns(reason, value.alias("_score"))
    bad = checked.filter(pl.col("_reason").is_not_null())
    rejects = bad.select(
        pl.lit(path, pl.String).alias(s.REJECT_FILE),
        pl.col("_row").alias(s.REJECT_ROW),
        pl.col("_reason").struct.field("column").alias(s.REJECT_COLUMN),
        pl.col("_reason").struct.field("value").str.slice(0, 200).alias(s.REJECT_VALUE),
        pl.col("_reason").struct.field("reason").alias(s.REJECT_REASON),
    ).cast(s.REJECTS)  # type: ignore[arg-type]  # polars types cast's mapping with invariant keys: no dict[str, DataType] fits
    good = checked.filter(pl.col("_reason").is_null())
    if not told_scale(mapping, path):
        refuse_one_to_ten(good["_score"], path=path, column=score_col)
    survey = good.with_columns(
        pl.coalesce(pl.col(s.RESPONSE_ID), content_key(pl.col("_score").cast(pl.Int8))).alias(
            s.RESPONSE_ID
        ),
        pl.col("_score").cast(pl.Int8).alias(s.SCORE),
        pl.lit(path, pl.String).alias(s.SOURCE_FILE),
        pl.col("_row").alias(s.SOURCE_ROW),
    ).select(pl.col(name).cast(dtype) for name, dtype in s.SURVEY.items())

    described = ", ".join(f"{fld}='{col}'" for fld, col in cols.items())
    raw.notes.append(said("ingest_note_survey_layout", layout=found.layout, columns=described))
    if found.subheader_row is not None:
        raw.notes.append(said("ingest_note_subheader", row=found.subheader_row))
    if found.header_rows:
        rows_text = ", ".join(str(r) for r in found.header_rows)
        raw.notes.append(said("ingest_note_qualtrics_rows", rows=rows_text))
    if date_format == UNIX_TIME:
        raw.notes.append(said("ingest_note_survey_unix_time", column=str(date_col)))
    elif date_format is not None:
        raw.notes.append(said("ingest_note_survey_dates", format=date_format))
        if "%y" in date_format:
            raw.notes.append(two_digit_year_note(date_format, str(date_col)))
    future = responded.filter((responded >= after_today(today)) & (responded < LATEST))
    if future.len():
        raw.notes.append(
            future_note(
                future.len(),
                cast("datetime | None", future.max()),
                kept=allow_future,
                what="answers",
            )
        )
    if s.RESPONDED_AT not in cols:
        raw.notes.append(said("ingest_note_survey_no_date"))
    if s.ORDER_ID in cols:
        named = int(survey.get_column(s.ORDER_ID).is_not_null().sum())
        raw.notes.append(said("survey_note_order_ids", n=named, column=cols[s.ORDER_ID]))
    return survey, rejects


def read_survey_frame(
    frame: pl.DataFrame,
    *,
    path: str = "svar.csv",
    mapping: dict[str, str] | None = None,
    dayfirst: bool | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """:func:`survey_from_raw` on a frame already in memory (tests, pasted data).

    Row numbers are counted as in a CSV file with the header on row 1.
    """
    if ROW_COL not in frame.columns:
        frame = frame.with_row_index(ROW_COL, offset=2).with_columns(pl.col(ROW_COL).cast(pl.Int64))
    raw = RawTable(frame=frame, path=Path(path), kind="csv")
    return survey_from_raw(raw, mapping=mapping, dayfirst=dayfirst)
