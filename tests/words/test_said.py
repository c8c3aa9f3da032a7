"""Sentences said as a key and values (kunde_cli.words.said) and the tables they come from.

Every part of kunde keeps its sentences in a ``WORDS`` table beside its subject
(words/ingest.py, words/store.py …); they are joined into ``LABELS``. These tests hold
the tables together: a key says one thing once, both languages fill the same values,
and every key the code says exists.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import string
from pathlib import Path

import pytest

import kunde_cli.words as words_package
from kunde_cli.errors import InputError, KundeError
from kunde_cli.words.labels import LABELS
from kunde_cli.words.said import Said, said, word

ROOT = Path(__file__).resolve().parents[2] / "kunde_cli"


def _word_tables() -> dict[str, dict[str, tuple[str, str]]]:
    """module name -> its WORDS table, for every words module that has one."""
    tables = {}
    for info in pkgutil.iter_modules(words_package.__path__):
        module = importlib.import_module(f"kunde_cli.words.{info.name}")
        table = getattr(module, "WORDS", None)
        if isinstance(table, dict):
            tables[info.name] = table
    return tables


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_a_key_says_one_thing_once() -> None:
    tables = _word_tables()
    assert {"errors", "ingest", "store", "config", "loading", "models", "output"} <= set(tables)
    owners: dict[str, list[str]] = {}
    for name, table in tables.items():
        for key in table:
            owners.setdefault(key, []).append(name)
    twice = {key: names for key, names in owners.items() if len(names) > 1}
    assert twice == {}
    # … and the joined table holds each one as its part says it.
    for table in tables.values():
        for key, pair in table.items():
            assert LABELS[key] == pair


@pytest.mark.parametrize("key", sorted(LABELS))
def test_both_languages_fill_the_same_values(key: str) -> None:
    da, en = LABELS[key]
    assert da.strip() and en.strip()
    assert _fields(da) == _fields(en), key


def _said_keys_in_code() -> dict[str, str]:
    """Every literal key passed to said(...) in kunde_cli -> where it is said."""
    found = {}
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "said"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found[node.args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_key_the_code_says_has_words() -> None:
    said_keys = _said_keys_in_code()
    assert len(said_keys) > 10  # the scan finds the calls
    missing = {key: where for key, where in said_keys.items() if key not in LABELS}
    assert missing == {}


def test_a_said_sentence_is_worded_in_the_language_asked() -> None:
    full = said("disk_stopped", reason=said("disk_full"))
    assert full.worded("da").startswith("kunde stoppede: disken er fuld;")
    assert full.worded("en").startswith("kunde stopped: the disk is full;")
    assert str(full) == full.worded("en")
    assert word("plain text", "da") == "plain text"
    assert full.value("reason") == Said("disk_full")


def test_an_error_is_worded_where_it_is_shown() -> None:
    err = InputError(said("file_not_found"), path="ordrer.csv", row=4, column="Beløb")
    assert err.one_line("da") == "ordrer.csv, række 4, kolonne 'Beløb': filen findes ikke"
    assert err.one_line("en") == "ordrer.csv, row 4, column 'Beløb': file not found"
    # Logs and Python callers read English; the key tells a program what happened.
    assert str(err) == err.one_line("en") and err.key == "file_not_found"
    # A message given as plain text is shown as it is, in either language.
    plain = KundeError("as given", hint="also as given")
    assert plain.one_line("da") == "as given" and plain.hint_in("da") == "also as given"
    assert plain.key is None
