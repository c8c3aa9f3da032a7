"""A command line kunde could not parse, said in the run's language.

Click (inside Typer) refuses an unknown option, a missing argument or a bad value before
any command runs, in English. :func:`usage_error` turns its refusal into kunde's own
error — a :class:`~kunde_cli.errors.KundeError` said by key — so it is printed as every
other error is (one ``Fejl:``/``Error:`` line and a hint), in the language of the run.
The language is read from the command line itself (``--lang``), as the command that
would have noted it never ran.

What click says inside a bad value (``'xyz' is not one of 'csv', 'json'.``) is matched
against the few shapes its types use; a shape not known here is shown as click wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from kunde_cli.errors import KundeError
from kunde_cli.words.said import Text, said

#: What click (and the pydantic-style checks of Typer's types) say inside a bad value:
#: the shape, and the key that says it in words with the shape's groups as values.
_REASONS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (re.compile(r"^'(.*)' is not one of (.*?)\.?$"), "usage_not_one_of", ("value", "choices")),
    (
        re.compile(r"^'(.*)' does not match the formats? (.*?)\.?$"),
        "usage_not_a_date",
        ("value", "formats"),
    ),
    (re.compile(r"^Input should be greater than or equal to (\S+?)\.?$"), "usage_at_least", ("n",)),
    (re.compile(r"^Input should be less than or equal to (\S+?)\.?$"), "usage_at_most", ("n",)),
    (re.compile(r"^Input should be greater than (\S+?)\.?$"), "usage_above", ("n",)),
    (re.compile(r"^Input should be less than (\S+?)\.?$"), "usage_below", ("n",)),
    (re.compile(r"^Input should be a valid integer"), "usage_not_an_integer", ()),
    (re.compile(r"^Input should be a valid (number|float)"), "usage_not_a_number", ()),
    (re.compile(r"^'?(.*?)'? is not a valid (integer|int)\.?$"), "usage_not_an_integer", ()),
    (re.compile(r"^'?(.*?)'? is not a valid (float|number)\.?$"), "usage_not_a_number", ()),
)


def reason_said(message: str) -> Text:
    """What click said inside a bad value, by key when its shape is known.

    >>> reason_said("Value error, 'xyz' is not one of 'csv', 'json'.").worded("da")
    "'xyz' er ikke en af 'csv', 'json'"
    >>> reason_said("Input should be greater than or equal to 1").worded("en")
    'must be at least 1'
    >>> reason_said("something new")
    'something new'
    """
    text = message.strip().removeprefix("Value error, ")
    for pattern, key, names in _REASONS:
        found = pattern.match(text)
        if found:
            groups = found.groups()
            return said(key, **{name: groups[i] for i, name in enumerate(names)})
    return text


def usage_error(err: Any, command: str | None) -> KundeError:
    """Click's refusal ``err`` (a UsageError) as kunde's error, by key where its kind is
    known; ``command`` (``kunde segment``) names the help to read."""
    kind = type(err).__name__
    message: Text
    if kind == "NoSuchOption":
        possible = sorted(getattr(err, "possibilities", None) or [])
        message = said(
            "usage_no_such_option" if possible else "usage_no_such_option_alone",
            name=getattr(err, "option_name", "?"),
            possible=", ".join(possible),
        )
    elif kind == "MissingParameter":
        message = said("usage_missing", name=_hint(err))
    elif kind == "BadParameter" or hasattr(err, "param_hint"):
        message = said("usage_bad_value", name=_hint(err), why=reason_said(str(err.message)))
    else:
        message = str(err.format_message())
    hint = said("usage_hint", command=command) if command else None
    return KundeError(message, hint=hint)


def _hint(err: Any) -> str:
    """The option or argument as click names it (``'--format' / '-f'``, ``'CUSTOMER'``)."""
    hint = getattr(err, "param_hint", None)
    if isinstance(hint, str):
        return hint
    if isinstance(hint, Sequence) and hint:
        return " / ".join(f"'{h}'" for h in hint)
    param = getattr(err, "param", None)
    # Typer's click asks no context of get_error_hint; click itself asks one.
    for args in ((), (getattr(err, "ctx", None),)):
        try:
            return str(param.get_error_hint(*args))  # type: ignore[union-attr]
        except Exception:  # the other signature, or no parameter
            continue
    return f"'{getattr(param, 'name', '?')}'"


def lang_in(args: Sequence[str]) -> str | None:
    """The ``--lang`` given on a command line that could not be parsed, if any.

    >>> lang_in(["segment", "--lang", "en", "--bogus"]), lang_in(["x", "--lang=da"])
    ('en', 'da')
    """
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


__all__ = ["lang_in", "reason_said", "usage_error"]
