"""The words of ``kunde inspect``: titles, setting names, found-by and reject reasons.

What a file's detection and validation report are codes (``encoding``, ``synonym``,
``no date``) that stay the same in the JSON output and the rejects file; a person's
table shows them in words here. In Danish a setting's code follows in brackets, the
way the column table shows ``Ordredato (order_date)`` (the word ``--map`` and
kunde.toml know), and the problems table shows a reason's code in a column of its
own (the word to look for in the rejects file).
"""

from __future__ import annotations

from kunde_cli.words.lang import DEFAULT_LANG, LANGS, pick

__all__ = [
    "INSPECT",
    "REJECT_REASONS",
    "SETTINGS",
    "delimiter_name",
    "found_by",
    "inspect_text",
    "kind_name",
    "reject_reason",
    "setting_name",
    "setting_value",
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
}

#: Why validation refused a row (the code in the rejects file) -> Danish words.
REJECT_REASONS: dict[str, str] = {
    "no date": "ingen dato",
    "not a date": "ikke en dato",
    "date outside 1990–2099": "dato uden for 1990–2099",
    "date is after today (--allow-future keeps it)": "dato efter i dag (--allow-future beholder den)",
    "no amount": "intet beløb",
    "not an amount": "ikke et beløb",
    "amount above 1 000 000 000 000 (a typo?)": "beløb over 1 000 000 000 000 (en tastefejl?)",
    "row has more fields than the header": "rækken har flere felter end overskriften",
}


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


def reject_reason(reason: str, lang: str = DEFAULT_LANG) -> str:
    """Why a row was refused, in words (the rejects file keeps the English code).

    >>> reject_reason("no date"), reject_reason("no date", "en"), reject_reason("odd")
    ('ingen dato', 'no date', 'odd')
    """
    if lang != LANGS[0]:
        return reason
    return REJECT_REASONS.get(reason, reason)
