"""Danish and English numbers and dates, parsed with Polars string expressions.

Everything here works on whole columns (no Python per row): detection looks at a
sample of values, parsing is one expression over the column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from kunde_cli.errors import InputError
from kunde_cli.words.said import Said, said

# --- numbers ------------------------------------------------------------------------

#: Currency words and symbols that shops put around amounts: "kr. 299,00", "299 kr",
#: "DKK 299.00", "299,-", "€ 12", non-breaking and thin spaces.
_CURRENCY = r"(?i)(dkk|kr\.?|sek|nok|eur|usd|,-|\.-|[€$£\s\x{00a0}\x{202f}'])"
_DECIMAL_AT_END = r"[.,]\d{1,2}$"
#: Digits grouped in threes by commas ("1,234", "12,000", "1,234,567"): thousands in
#: every style. Money has two decimals, never three, so "1,234" is never 1.234.
_COMMA_GROUPS = r"^[1-9]\d{0,2}(?:,\d{3})+$"
#: Two or more point groups ("1.234.567"): thousands, whatever the file's style.
_POINT_GROUPS = r"^[1-9]\d{0,2}(?:\.\d{3}){2,}$"
#: One separator followed by exactly three digits ("1,234", "1.234"): thousands or a
#: decimal with three places? Only the rest of the column can tell.
_ONE_GROUP = r"^[1-9]\d{0,2}[.,]\d{3}$"


@dataclass(frozen=True)
class DecimalStyle:
    """How a file writes numbers: ``comma`` (1.234,50) or ``point`` (1,234.50)."""

    decimal: str  # "," or "."

    @property
    def name(self) -> str:
        """``comma`` or ``point``."""
        return "comma" if self.decimal == "," else "point"


COMMA = DecimalStyle(",")
POINT = DecimalStyle(".")


def detect_decimal_style(values: pl.Series, *, default: DecimalStyle = COMMA) -> DecimalStyle:
    """Guess the decimal separator of a column of amounts from a sample of its values.

    A separator followed by one or two digits at the end is a decimal separator
    ("299,00", "12.5"); when both appear, the last one in "1.234,50" / "1,234.50"
    decides. With no evidence (whole numbers only) the Danish ``default`` is kept.

    >>> detect_decimal_style(pl.Series(["1.234,50", "99"])).name
    'comma'
    >>> detect_decimal_style(pl.Series(["1,234.50", "DKK 5.00"])).name
    'point'
    >>> detect_decimal_style(pl.Series(["1,234", "12,000"])).name  # comma thousands
    'point'
    """
    cleaned = _amount_body(values)
    comma = int(cleaned.str.contains(r",\d{1,2}$|\.\d{3},|" + _POINT_GROUPS).sum() or 0)
    point = int(cleaned.str.contains(r"\.\d{1,2}$|,\d{3}\.|" + _COMMA_GROUPS).sum() or 0)
    if comma == point == 0:
        return default
    return COMMA if comma >= point else POINT


def _amount_body(values: pl.Series) -> pl.Series:
    """The digits and separators of each amount: no currency, sign or parentheses."""
    text = values.cast(pl.String).drop_nulls().str.replace_all(_CURRENCY, "")
    return text.str.replace_all(r"^[(+\-]+|[)\-]+$", "")


def parse_amount_expr(expr: pl.Expr, style: DecimalStyle) -> pl.Expr:
    """Parse amounts like ``1.234,50``, ``kr. 299,00``, ``299 kr``, ``-45,5``, ``(12,00)``.

    Per value: a separator followed by 1–2 digits at the end is the decimal separator
    whatever the file's style ("DKK 299.00" in a Danish file is 299); digits grouped
    in threes by commas ("1,234", "12,000") or by two or more points ("1.234.567")
    are thousands in every style; otherwise the file's ``style`` decides which
    separator is the thousands separator ("1.234" is 1234 in a Danish file, 1.234 in
    an English one). A minus sign in front or behind, or parentheses, make the amount
    negative. Anything else that is not a number becomes null (and is rejected by the
    validator).

    >>> s = pl.Series(["1.234,50", "kr. 299,00", "299 kr", "DKK 299.00", "-45,5", "(12,00)", "ukendt"])
    >>> s.to_frame("a").select(parse_amount_expr(pl.col("a"), COMMA)).to_series().to_list()
    [1234.5, 299.0, 299.0, 299.0, -45.5, -12.0, None]
    >>> s = pl.Series(["1,234", "12,000", "1,234,567.50", "12,50"])
    >>> s.to_frame("a").select(parse_amount_expr(pl.col("a"), COMMA)).to_series().to_list()
    [1234.0, 12000.0, 1234567.5, 12.5]
    """
    text = expr.cast(pl.String).str.replace_all(_CURRENCY, "")
    negative = text.str.contains(r"^\(.*\)$|^-|-$")
    body = text.str.replace_all(r"^[(+\-]+|[)\-]+$", "")
    thousands = "." if style.decimal == "," else ","
    decimal_at_end = body.str.contains(_DECIMAL_AT_END)
    grouped = body.str.contains(_COMMA_GROUPS) | body.str.contains(_POINT_GROUPS)
    # "1.234,50" / "1,234.50": the last separator is the decimal one, drop the others.
    explicit = body.str.replace_all(r"[.,](\d{3})", "$1").str.replace(",", ".")
    by_style = body.str.replace_all(f"\\{thousands}", "").str.replace(",", ".")
    number = (
        pl.when(decimal_at_end)
        .then(explicit)
        .when(grouped)
        .then(body.str.replace_all(r"[.,]", ""))
        .otherwise(by_style)
    )
    number = pl.when(number.str.contains(r"^\d+(\.\d+)?$")).then(number)
    value = number.cast(pl.Float64, strict=False)
    return pl.when(negative).then(-value).otherwise(value)


def amount_style_note(values: pl.Series, style: DecimalStyle, columns: list[str]) -> Said | None:
    """A note when amounts like "1,234" or "1.234" could be thousands or decimals.

    Ambiguous when some value has one separator followed by exactly three digits and
    no value in the column shows a decimal separator (",50", ".5") or both separators
    ("1.234,50"), which would settle it. The note says how the value was read, as the
    note on dates that fit day-first and month-first does.

    >>> amount_style_note(pl.Series(["1,234", "12,000"]), POINT, ["Amount"]).worded("en")
    "amounts in 'Amount' such as '1,234' could be thousands or decimals (no amount has decimals to tell): read as thousands, 1,234 = 1234"
    >>> amount_style_note(pl.Series(["1.234", "12,50"]), COMMA, ["Amount"]) is None
    True
    """
    body = _amount_body(values)
    settled = body.str.contains(_DECIMAL_AT_END) | body.str.contains(r"\d[.,]\d{3}[.,]")
    if bool(settled.any()):
        return None
    one_group = body.filter(body.str.contains(_ONE_GROUP))
    if one_group.is_empty():
        return None
    example = str(one_group[0])
    read = (
        example.replace(",", "").replace(".", "")
        if style.decimal == "," or "," in example
        else None
    )
    names = ", ".join(f"'{c}'" for c in columns)
    if read is None:  # "1.234" in an English (point) file
        return said("ingest_note_amounts_decimals", names=names, example=example)
    return said("ingest_note_amounts_thousands", names=names, example=example, read=read)


def parse_int_expr(expr: pl.Expr) -> pl.Expr:
    """Whole numbers such as quantities: "2", "2,0", "2.0", " 3 " → int; else null."""
    text = expr.cast(pl.String).str.strip_chars().str.replace(r"[.,]0+$", "")
    return pl.when(text.str.contains(r"^-?\d{1,12}$")).then(text).cast(pl.Int64, strict=False)


# --- dates --------------------------------------------------------------------------

_TIMES = (
    "", " %H:%M", " %H:%M:%S", " %H.%M", " %H.%M.%S", " %H:%M:%S%.f",
    " %I:%M %p", " %I:%M:%S %p",
)  # fmt: skip
_ISO_DATES = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d")
_DAY_FIRST = ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%y", "%d.%m.%y", "%d/%m/%y")
_MONTH_FIRST = ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y", "%m-%d-%y", "%m.%d.%y")
#: Two-digit years first (24-03-05): tried after day-first, which wins a tie (Danish).
_YEAR_FIRST_SHORT = ("%y-%m-%d", "%y/%m/%d", "%y.%m.%d")
#: How a two-digit year is read (Polars/chrono's ``%y``, as strptime's): 00–69 is
#: 2000–2069, 70–99 is 1970–1999. Stated in the detection notes whenever it is used.
TWO_DIGIT_YEAR_PIVOT = "00–69 → 2000–2069, 70–99 → 1970–1999"
#: Compact dates (19970101, 20240305 1422, 20240305142200), each with the regex its
#: values must match in full: Polars' ``%d`` also takes one digit, so "1997011" would
#: otherwise be read as 1 January.
_COMPACT = {
    "%Y%m%d": r"^\d{8}$",
    "%Y%m%d %H:%M": r"^\d{8} \d{2}:\d{2}$",
    "%Y%m%d %H:%M:%S": r"^\d{8} \d{2}:\d{2}:\d{2}$",
    "%Y%m%d%H%M": r"^\d{12}$",
    "%Y%m%d%H%M%S": r"^\d{14}$",
}
#: Unix timestamps: seconds since 1970 (10 digits, maybe with a fraction) or
#: milliseconds (13 digits). Not strptime formats; :func:`parse_datetime_expr` knows them.
UNIX_SECONDS = "unix seconds"
UNIX_MILLISECONDS = "unix milliseconds"
_UNIX = {UNIX_SECONDS: r"^\d{10}(?:\.\d+)?$", UNIX_MILLISECONDS: r"^\d{13}$"}
#: The day a Unix timestamp fell on is the shop's local day (Danish time).
SHOP_TIME_ZONE = "Europe/Copenhagen"

#: Time-zone suffixes are dropped: a Danish shop's day is the local day it saw, so
#: "2024-03-05 23:30:00 +0100" stays 5 March (converting to UTC would move orders
#: placed late in the evening to the wrong day).
_TZ_SUFFIX = (
    r"^(.*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\.\d+)?)"
    r"\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}|(?:GMT|UTC)[+-]\d{1,2}(?::?\d{2})?)$"
)


def normalise_datetime_text(expr: pl.Expr) -> pl.Expr:
    """Trim, turn ISO's ``T`` into a space, drop a time-zone suffix and a trailing " kl."."""
    return (
        expr.cast(pl.String)
        .str.strip_chars()
        .str.replace(r"^(\d{4}-\d{2}-\d{2})T", "$1 ")
        .str.replace(r"\s+kl\.?\s*", " ")
        .str.replace(_TZ_SUFFIX, "$1")
        # A whole number that a spreadsheet stored as 19970101.0 or 1704067200.0.
        .str.replace(r"^(\d{8}|\d{10}|\d{13})\.0+$", "$1")
    )


@dataclass(frozen=True)
class DateDetection:
    """What :func:`detect_datetime_format` found."""

    format: str | None  #: best strptime format (None: nothing fits)
    fallbacks: tuple[str, ...]  #: further formats seen in the column, tried in order
    order: str  #: "iso", "dayfirst" or "monthfirst"
    ambiguous: bool  #: day-first and month-first both fit every sampled value
    parsed_share: float  #: share of sampled values the formats parse
    normalise: bool = True  #: values need trimming / time-zone stripping first
    #: dd-mm-yy and yy-mm-dd both fit every sampled value (read day first)
    yearfirst_ambiguous: bool = False

    @property
    def two_digit_year(self) -> bool:
        """The format or a fallback reads two-digit years (by :data:`TWO_DIGIT_YEAR_PIVOT`)."""
        return any(f is not None and "%y" in f for f in (self.format, *self.fallbacks))


def _candidates(dayfirst: bool | None) -> list[tuple[str, str]]:
    iso = [("iso", d + t) for d in _ISO_DATES for t in _TIMES]
    iso += [("iso", f) for f in _COMPACT] + [("unix", f) for f in _UNIX]
    day = [("dayfirst", d + t) for d in _DAY_FIRST for t in _TIMES]
    month = [("monthfirst", d + t) for d in _MONTH_FIRST for t in _TIMES]
    year = [("yearfirst", d + t) for d in _YEAR_FIRST_SHORT for t in _TIMES]
    return iso + (month + day if dayfirst is False else day + month) + year


def _parse_one(text: pl.Expr, fmt: str) -> pl.Expr:
    """``text`` read with one format (strptime, compact or Unix) as Datetime(us); else null."""
    if fmt in _UNIX:
        ok = text.str.contains(_UNIX[fmt])
        if fmt == UNIX_MILLISECONDS:
            stamp = pl.from_epoch(text.cast(pl.Int64, strict=False), time_unit="ms")
        else:
            micros = (text.cast(pl.Float64, strict=False) * 1_000_000).round(0)
            stamp = pl.from_epoch(micros.cast(pl.Int64, strict=False), time_unit="us")
        local = (
            stamp.dt.replace_time_zone("UTC")
            .dt.convert_time_zone(SHOP_TIME_ZONE)
            .dt.replace_time_zone(None)
            .cast(pl.Datetime("us"))
        )
        return pl.when(ok).then(local)
    parsed = text.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True)
    if fmt in _COMPACT:
        return pl.when(text.str.contains(_COMPACT[fmt])).then(parsed)
    if "%Y" in fmt:
        # Polars' %Y also takes "24" (year 24): a two-digit year is %y's to read.
        return pl.when(parsed.dt.year() >= 100).then(parsed)
    return parsed


def detect_datetime_format(values: pl.Series, *, dayfirst: bool | None = None) -> DateDetection:
    """Find the strptime format(s) that read a sample of date texts.

    Two-digit years are read by :data:`TWO_DIGIT_YEAR_PIVOT`; whether 15-03-24 has
    its year last (dd-mm-yy, the Danish way) or first (yy-mm-dd) is told by which end
    changes less between rows, else read day first and reported ``yearfirst_ambiguous``.
    ``dayfirst=None`` is the Danish default: day-first wins when both readings fit,
    and the result says the file was ``ambiguous`` so the caller can report it.
    ``dayfirst=False`` prefers month-first (``--monthfirst``).

    >>> d = detect_datetime_format(pl.Series(["05-03-2024 14:22", "28-02-2024 09:01"]))
    >>> d.format, d.ambiguous
    ('%d-%m-%Y %H:%M', False)
    >>> detect_datetime_format(pl.Series(["03/05/2024"])).ambiguous
    True
    """
    # Whole numbers (19970101, 1704067200) may arrive as numbers from a spreadsheet.
    if values.dtype.is_float():
        values = values.cast(pl.Int64, strict=False)
    sample = values.cast(pl.String).drop_nulls().head(2000)
    texts = sample.to_frame("v").select(normalise_datetime_text(pl.col("v"))).to_series()
    texts = texts.filter(texts.str.len_chars() > 0)
    n = texts.len()
    if n == 0:
        return DateDetection(None, (), "iso", False, 0.0)
    candidates = _candidates(dayfirst)
    # Every candidate format in one query: a hundred small queries cost more than the
    # parsing itself.
    counts = (
        texts.to_frame("v")
        .select(
            _parse_one(pl.col("v"), fmt).count().alias(str(rank))
            for rank, (_, fmt) in enumerate(candidates)
        )
        .row(0)
    )
    scores: list[tuple[int, int, str, str]] = [
        (int(hits), -rank, order, fmt)
        for rank, ((order, fmt), hits) in enumerate(zip(candidates, counts, strict=True))
        if hits
    ]
    if not scores:
        return DateDetection(None, (), "iso", False, 0.0)
    scores.sort(reverse=True)
    best_hits, _, order, fmt = scores[0]
    ambiguous = yearfirst_ambiguous = False
    year_first = [f for h, _, o, f in scores if h == best_hits and o == "yearfirst"]
    if order in ("dayfirst", "monthfirst") and "%y" in fmt and year_first:
        # 15-03-24 is 15 March 2024 or 24 March 2015: the year is the part that
        # hardly changes between rows of one export.
        side = _year_side(texts)
        if side == "first":
            order, fmt = "yearfirst", year_first[0]
        yearfirst_ambiguous = side is None
    if order in ("dayfirst", "monthfirst"):
        other = "monthfirst" if order == "dayfirst" else "dayfirst"
        ambiguous = any(h == best_hits and o == other for h, _, o, _ in scores)
    # A column may mix styles (ISO from one system, dd-mm-yyyy from another); never
    # mix day-first and month-first readings in one column though, nor a two-digit
    # year first with one last.
    prefer = (
        order
        if order in ("dayfirst", "monthfirst")
        else ("monthfirst" if dayfirst is False else "dayfirst")
    )
    opposite = "monthfirst" if prefer == "dayfirst" else "dayfirst"

    def fits(o: str, f: str) -> bool:
        if o == opposite or ((o == "yearfirst") != (order == "yearfirst") and "%y" in f):
            return False
        return f != fmt

    fallbacks = tuple(f for _, _, o, f in scores[1:] if fits(o, f))[:4]
    parsed = (
        texts.to_frame("v").select(parse_datetime_expr(pl.col("v"), fmt, fallbacks)).to_series()
    )
    parsed_hits = int(parsed.is_not_null().sum())
    # Most exports need no clean-up: skipping the regexes makes parsing ~5x faster.
    plain = (
        sample.to_frame("v")
        .select(parse_datetime_expr(pl.col("v"), fmt, fallbacks, normalise=False))
        .to_series()
    )
    normalise = int(plain.is_not_null().sum()) < parsed_hits
    return DateDetection(
        fmt, fallbacks, order, ambiguous, parsed_hits / n, normalise, yearfirst_ambiguous
    )


def _year_side(texts: pl.Series) -> str | None:
    """Which end of dates like 15-03-24 holds the year: ``"last"``, ``"first"`` or None.

    Across an export's rows the year takes fewer distinct values than the day does;
    None when the two ends take as many (one day's orders): the values cannot tell.
    """
    parts = texts.str.extract_groups(r"^(\d{1,2})[-./]\d{1,2}[-./](\d{2})\b")
    first = parts.struct.field("1").drop_nulls().n_unique()
    last = parts.struct.field("2").drop_nulls().n_unique()
    if first == last:
        return None
    return "last" if last < first else "first"


def parse_datetime_expr(
    expr: pl.Expr, fmt: str, fallbacks: tuple[str, ...] = (), *, normalise: bool = True
) -> pl.Expr:
    """Parse date texts with ``fmt`` (then each fallback for what is left) to Datetime(us).

    Values that fit no format become null, so the validator can reject them by row.
    ``normalise=False`` skips trimming and time-zone stripping (when the sample shows
    the values need none).
    """
    text = normalise_datetime_text(expr) if normalise else expr.cast(pl.String)
    parsed = _parse_one(text, fmt)
    if fallbacks:
        parsed = pl.coalesce(parsed, *(_parse_one(text, f) for f in fallbacks))
    return parsed


def date_notes(detection: DateDetection, column: str) -> list[Said]:
    """What a reader should know about how the dates in ``column`` were read.

    Dates that fit both day-first and month-first (03/05/2024), or both dd-mm-yy and
    yy-mm-dd (24-03-05), and the pivot by which two-digit years were read.

    >>> d = detect_datetime_format(pl.Series(["15-03-24", "28-02-24"]))
    >>> [note.worded("en") for note in date_notes(d, "Dato")]
    ["two-digit years in 'Dato' (dd-mm-yy) read as 00–69 → 2000–2069, 70–99 → 1970–1999: 15-03-24 is 2024-03-15"]
    """
    notes = []
    if detection.ambiguous:
        notes.append(
            said(
                "ingest_note_dates_fit_both_monthfirst"
                if detection.order == "monthfirst"
                else "ingest_note_dates_fit_both_dayfirst",
                column=column,
            )
        )
    if detection.yearfirst_ambiguous:
        notes.append(said("ingest_note_dates_fit_yearfirst", column=column))
    if detection.two_digit_year:
        notes.append(two_digit_year_note(detection.format, column))
    return notes


def two_digit_year_note(fmt: str | None, column: str) -> Said:
    """The sentence stating how two-digit years in ``column`` were read."""
    day = (fmt or "%d-%m-%y").split(" ")[0]
    if "%y" not in day:
        day = "%d-%m-%y"
    example = date(2024, 3, 15).strftime(day)
    return said(
        "ingest_note_two_digit_years",
        column=column,
        format=describe_format(day),
        pivot=TWO_DIGIT_YEAR_PIVOT,
        example=example,
    )


def describe_format(fmt: str | None) -> str:
    """A strptime format as people write it: ``%d-%m-%Y %H:%M`` → ``dd-mm-yyyy hh:mm``."""
    if fmt is None:
        return "?"
    if fmt in _UNIX:
        return fmt
    out = fmt
    for code, text in (
        ("%d", "dd"), ("%m", "mm"), ("%Y", "yyyy"), ("%y", "yy"), ("%H", "hh"),
        ("%M", "mm"), ("%S", "ss"), ("%.f", ".fff"),
    ):  # fmt: skip
        out = out.replace(code, text)
    return out


def require_date_format(detection: DateDetection, *, path: str, column: str) -> str:
    """The detected format, or an InputError naming the column when none fits."""
    if detection.format is None:
        raise InputError(
            said("ingest_no_date_format"),
            path=path,
            column=column,
            hint=said("ingest_no_date_format_hint"),
        )
    return detection.format
