"""Helpers for the reliability suite: the bad-input corpus, kunde in-process and as a
real process, and byte-for-byte snapshots of a workspace."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from kunde_cli.cli.main import app
from kunde_cli.store import LOCK_FILE
from kunde_cli.store.layout import READERS_FILE

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = DATA / "bad"
runner = CliRunner()


def load_corpus_script() -> ModuleType:
    """tests/data/make_bad_corpus.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("make_bad_corpus", DATA / "make_bad_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def corpus() -> ModuleType:
    return load_corpus_script()


def kunde(*args: str | Path) -> Result:
    """``kunde ARGS`` through CliRunner (stdout and stderr kept apart)."""
    return runner.invoke(app, [str(a) for a in args])


def kunde_process(
    *args: str | Path, timeout: float = 120, **popen: Any
) -> subprocess.CompletedProcess[str]:
    """``python -m kunde_cli ARGS`` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "kunde_cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=quiet_env(),
        **popen,
    )


def quiet_env() -> dict[str, str]:
    """The environment for a kunde subprocess: no colour, no KUNDE_DEBUG, wide stderr."""
    env = {k: v for k, v in os.environ.items() if k != "KUNDE_DEBUG"}
    env.update({"NO_COLOR": "1", "COLUMNS": "200"})
    return env


def ingest_json(result: Result | subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    """The per-file summary rows of ``kunde ingest --format json``."""
    return json.loads(result.stdout)


def snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (relative path → digest), except the locks.

    The lock file's content (who holds it) changes with every run by design, and the
    readers' lock file (always empty) is made by the first writer or reader; all other
    bytes must stay exactly as they were.
    """
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name not in (LOCK_FILE, READERS_FILE)
    }


def listed_files(ws: Path) -> set[str]:
    """Data files the workspace manifest lists (relative paths)."""
    manifest = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))
    files = {entry["file"] for kind in ("orders", "survey", "rejects") for entry in manifest[kind]}
    tables = manifest.get("tables") or {}
    files |= {tables[kind] for kind in ("orders", "customers") if kind in tables}
    return files | ({manifest["identity"]} if manifest.get("identity") else set())


def no_traceback(*texts: str | None) -> None:
    for text in texts:
        assert "Traceback" not in (text or ""), text
