"""The words of ``kunde inspect``: titles, setting names, found-by and reject reasons.

What a file's detection and validation report are codes (``encoding``, ``synonym``,
``no date``) that stay the same in the JSON output and the rejects file; a person's
table shows them in words here. In Danish a setting's code follows in brackets, the
way the column table shows ``Ordredato (order_date)`` (the word ``--map`` and
kunde.toml know), and the problems table shows a reason's code in a column of its
own (the word to look for in the rejects file).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kunde_cli.words.lang import DEFAULT_LANG, LANGS, pick

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "INSPECT",
    "LEGACY_REASONS",
    "SETTINGS",
    "delimiter_name",
    "found_by",
    "inspect_text",
    "kind_name",
    "reason_code",
    "reject_reason",
    "setting_name",
    "setting_value",
    "worded_reasons",
]

#: Titles and sentences of the inspect view: key -> (da, en).
INSPECT: dict[str, tuple[str, str]] = {
    "settings": ("Fundet i filen", "Detected"),
    "mapping": ("Kolonner", "Column mapping"),
    "sample": ("Eksempel på læste rækker", "Sample of parsed rows"),
    "problems": ("Problemer", "Problems"),
    "none": ("Ingen problemer fundet.", "No problems found."),
    "field": ("Felt", "Field"),
    "column": ("Kolonne i filen", "Column in file"),
    "how": ("Fundet via", "Found by"),
    "unused": ("Ikke brugt", "Not used"),
    "count": ("Rækker", "Rows"),
    "first": ("Første rækker", "First rows"),
    "kind": ("Indhold", "Content"),
    "row": ("række", "row"),
    "order_status": ("Ordrestatus", "Order status"),
    "summary": (
        "{read} rækker læst: {ok} kan bruges, {bad} afvises.",
        "{read} rows read: {ok} usable, {bad} refused.",
    ),
}

#: Detected settings: key -> (da, en).
SETTINGS: dict[str, tuple[str, str]] = {
    "encoding": ("Tegnsæt", "encoding"),
    "delimiter": ("Skilletegn", "delimiter"),
    "sheet": ("Ark", "sheet"),
    "decimal": ("Decimaltegn", "decimal"),
    "date_format": ("Datoformat", "date format"),
    "date_order": ("Datorækkefølge", "date order"),
    "preset": ("Skabelon", "preset"),
    "source": ("Kilde", "source"),
}

#: What kind of file it is: key -> (da, en).
KINDS: dict[str, tuple[str, str]] = {
    "orders": ("ordrer", "orders"),
    "survey": ("NPS-svar", "survey"),
}

#: How a column was found: key -> (da, en).
FOUND_BY: dict[str, tuple[str, str]] = {
    "synonym": ("kendt kolonnenavn", "synonym"),
    "preset": ("skabelon", "preset"),
    "header": ("kolonnenavn", "header"),
}

#: Delimiters by name: character -> (da, en).
DELIMITERS: dict[str, tuple[str, str]] = {
    ";": ("semikolon ;", "semicolon ;"),
    ",": ("komma ,", "comma ,"),
    "\t": ("tab", "tab"),
    "|": ("|", "|"),
    " ": ("mellemrum", "spaces"),
}

#: Detected values that are codes: (setting, code) -> Danish words.
SETTING_VALUES: dict[tuple[str, str], str] = {
    ("decimal", "comma"): "komma",
    ("decimal", "point"): "punktum",
    ("date_order", "dayfirst"): "dag først",
    ("date_order", "monthfirst"): "måned først",
    ("date_order", "yearfirst"): "år først",
    ("date_order", "iso"): "ISO (år-måned-dag)",
    ("date_order", "excel"): "Excel-datoer",
    ("date_order", "unix"): "Unix-tidsstempler",
    ("date_format", "excel date"): "Excel-dato",
    ("date_format", "unix seconds"): "Unix-sekunder",
    ("date_format", "unix milliseconds"): "Unix-millisekunder",
    ("decimal", "n/a (numbers)"): "ingen (tal i cellerne)",
}

#: Reasons as older kunde wrote them (English text in the rejects frame) -> their code.
LEGACY_REASONS: dict[str, str] = {
    "no date": "no_date",
    "not a date": "not_a_date",
    "date outside 1990–2099": "date_out_of_range",
    "date is after today (--allow-future keeps it)": "date_in_future",
    "no amount": "no_amount",
    "not an amount": "not_an_amount",
    "amount above 1 000 000 000 000 (a typo?)": "amount_too_large",
    "row has more fields than the header": "extra_fields",
    "score is empty": "score_empty",
    "score is not a number": "score_not_a_number",
    "score is not a whole number": "score_not_whole",
    "score is outside 0–10": "score_out_of_range",
}
#: How the store's collision reason began before it was a code.
_LEGACY_TAKEN = "order number already used by another order"


def _with_code(words: str, code: str) -> str:
    return words if words == code else f"{words} ({code})"


def inspect_text(key: str, lang: str = DEFAULT_LANG) -> str:
    """A title or sentence of the inspect view (:data:`INSPECT`)."""
    return pick(INSPECT[key], lang)


def setting_name(key: str, lang: str = DEFAULT_LANG) -> str:
    """A detected setting's name; Danish names carry the code in brackets.

    >>> setting_name("date_order"), setting_name("date_order", "en")
    ('Datorækkefølge (date_order)', 'date order')
    """
    pair = SETTINGS.get(key)
    if pair is None:
        return key.replace("_", " ")
    return _with_code(pair[0], key) if lang == LANGS[0] else pair[1]


def setting_value(key: str, value: str, lang: str = DEFAULT_LANG) -> str:
    """A detected value that is a code (``dayfirst``) in words; Danish keeps the code.

    >>> setting_value("date_order", "dayfirst"), setting_value("date_order", "dayfirst", "en")
    ('dag først (dayfirst)', 'dayfirst')
    """
    words = SETTING_VALUES.get((key, value))
    if lang != LANGS[0] or words is None:
        return value
    return _with_code(words, value)


def kind_name(kind: str, lang: str = DEFAULT_LANG) -> str:
    """``orders`` or ``survey`` in words.

    >>> kind_name("survey"), kind_name("survey", "en")
    ('NPS-svar', 'survey')
    """
    pair = KINDS.get(kind)
    return pick(pair, lang) if pair else kind


def found_by(how: str, lang: str = DEFAULT_LANG) -> str:
    """How a column was found (``synonym``, ``preset``, ``header``, ``--map``) in words."""
    pair = FOUND_BY.get(how)
    return pick(pair, lang) if pair else how


def delimiter_name(value: str, lang: str = DEFAULT_LANG) -> str:
    """A delimiter by name (``;`` → "semikolon ;"); other characters as they are."""
    pair = DELIMITERS.get(value)
    return pick(pair, lang) if pair else value


def reason_code(reason: str) -> str:
    """The code of a reject reason; a reason older kunde wrote as English text gets its code.

    >>> reason_code("no_date"), reason_code("no date"), reason_code("odd")
    ('no_date', 'no_date', 'odd')
    """
    if reason.startswith(_LEGACY_TAKEN):
        return "order_number_taken"
    return LEGACY_REASONS.get(reason, reason)


def reject_reason(reason: str, lang: str = DEFAULT_LANG) -> str:
    """Why a row was refused (its code, ``no_date``), in words; an unknown code as it is.

    >>> reject_reason("no_date"), reject_reason("no_date", "en"), reject_reason("odd")
    ('ingen dato', 'no date', 'odd')
    """
    from kunde_cli.words.labels import LABELS

    code = reason_code(reason)
    pair = LABELS.get(f"reject_{code}")
    return pick(pair, lang) if pair else reason


def worded_reasons(frame: pl.DataFrame, lang: str = DEFAULT_LANG) -> pl.DataFrame:
    """``frame``'s ``reason`` column (codes) in words, its code in ``reason_code`` beside it.

    For the tables a person reads: rejects.csv and ``kunde inspect``'s problems.

    >>> import polars as pl
    >>> worded_reasons(pl.DataFrame({"reason": ["no_date"]}), "en").rows()
    [('no date', 'no_date')]
    """
    import polars as pl

    if "reason" not in frame.columns:
        return frame
    reasons = frame.get_column("reason").drop_nulls().unique().to_list()
    words = {r: reject_reason(r, lang) for r in reasons}
    codes = {r: reason_code(r) for r in reasons}
    at = frame.columns.index("reason")
    out = frame.with_columns(
        pl.col("reason").replace(words).alias("reason"),
        pl.col("reason").replace(codes).alias("reason_code"),
    )
    order = [*frame.columns[: at + 1], "reason_code", *frame.columns[at + 1 :]]
    return out.select(order)
