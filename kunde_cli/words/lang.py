"""The languages kunde speaks and how a (da, en) pair is picked."""

from __future__ import annotations

#: Languages of everything kunde writes for a person.
LANGS = ("da", "en")
#: The default language (``--lang``, ``KUNDE_LANG`` and kunde.toml override it).
DEFAULT_LANG = LANGS[0]
#: The environment variable that chooses the language when ``--lang`` is not given (it
#: wins over ``lang`` in kunde.toml, as the command line wins over both).
LANG_ENV = "KUNDE_LANG"


def pick(pair: tuple[str, str], lang: str) -> str:
    """The Danish or English half of ``pair``; any language but Danish gets English.

    >>> pick(("ja", "yes"), "da"), pick(("ja", "yes"), "en")
    ('ja', 'yes')
    """
    return pair[0] if lang == LANGS[0] else pair[1]
