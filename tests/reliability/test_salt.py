"""Secrets fail closed (issue 14, point 9).

An empty salt makes keyed e-mail hashes plain SHA-256 that a dictionary reverses. So an
empty or short salt — the salt file, ``--salt`` or ``KUNDE_SALT`` — stops
``export --hash-emails`` and ``report --anonymise`` (exit 2, one line saying how to
fix it), and the salt file is written whole or not at all: a full disk never leaves an
empty one behind.
"""

from __future__ import annotations

import errno
import hashlib
import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from kunde_cli import synth
from kunde_cli.errors import ConfigError
from kunde_cli.store import salt as salt_module
from kunde_cli.store.salt import MIN_SALT_LENGTH, resolve_salt, salt_path
from reliability.conftest import no_traceback, quiet_env, runner

KUNDE = (sys.executable, "-m", "kunde_cli")


@pytest.fixture(autouse=True)
def english(monkeypatch) -> None:
    """These tests read the English messages; the Danish ones are checked at the end."""
    monkeypatch.setenv("KUNDE_LANG", "en")


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A config folder of the test's own, no KUNDE_SALT."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.delenv("KUNDE_SALT", raising=False)
    return config


@pytest.fixture(scope="module")
def export_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("salt") / "ordrer.csv"
    synth.write_danish_csv(synth.generate_orders(n_lines=120, seed=9), path)
    return path


def run(*args: str | Path, env: dict[str, str] | None = None):
    from kunde_cli.cli.main import app

    return runner.invoke(app, [str(a) for a in args], env=env)


def refused(result, *needles: str) -> tuple[str, str]:
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2, result.stderr
    error, hint = result.stderr.strip().splitlines()[-2:]
    assert error.startswith("Error: ") and hint.startswith("Hint: "), result.stderr
    for needle in needles:
        assert needle in error, error
    return error, hint


# --- the salt file -----------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "\n", "   \n", "short\n"])
def test_an_empty_or_short_salt_file_is_refused(home, export_csv, content, tmp_path):
    path = salt_path()
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    target = tmp_path / "liste.csv"
    result = run("export", export_csv, "--hash-emails", "-o", target)
    _, hint = refused(result, str(path), "is empty" if not content.strip() else "too short")
    assert f"delete {path}" in hint
    assert not target.exists()  # nothing hashed with a weak key
    result = run("report", export_csv, "--anonymise", "-d", tmp_path / "rep", "-q")
    refused(result, str(path))
    assert not (tmp_path / "rep").exists() or not any((tmp_path / "rep").iterdir())


def test_a_salt_file_that_is_not_text_is_refused(home):
    path = salt_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe" * 20)
    with pytest.raises(ConfigError, match="not text"):
        resolve_salt()


def test_the_salt_file_is_made_once_whole_and_owner_only(home):
    first = resolve_salt()
    path = salt_path()
    assert len(first) == 64 and int(first, 16) >= 0
    assert path.read_text(encoding="utf-8") == first + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert resolve_salt() == first
    assert [p.name for p in path.parent.iterdir()] == ["salt"]  # no temporary left


def test_a_salt_file_made_meanwhile_by_another_run_is_used(home, monkeypatch):
    path = salt_path()
    theirs = "t" * 64
    real_link = os.link

    def another_run_first(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        Path(dst).write_text(theirs + "\n", encoding="utf-8")
        return real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(salt_module.os, "link", another_run_first)
    assert resolve_salt() == theirs
    assert path.read_text(encoding="utf-8") == theirs + "\n"
    assert [p.name for p in path.parent.iterdir()] == ["salt"]


@pytest.mark.parametrize("failing", ["fsync", "write"])
def test_a_full_disk_leaves_no_salt_file(home, monkeypatch, failing):
    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        if failing == "fsync":
            patch.setattr(salt_module.os, "fsync", full)
        else:
            patch.setattr(salt_module.os, "fdopen", lambda *a, **k: _FullFile(*a))
        with pytest.raises(
            ConfigError, match="cannot write the salt file: the disk is full; nothing was written"
        ):
            resolve_salt()
    assert list(salt_path().parent.iterdir()) == []  # neither an empty salt nor a temp
    assert len(resolve_salt()) == 64  # with space again, a whole new one


class _FullFile:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, fd: int, *args: object) -> None:
        self.fd = fd

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)

    def fileno(self) -> int:
        return self.fd

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self) -> None:  # pragma: no cover - write fails first
        pass


def _tiny_file_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (10, 10))


def test_ulimit_during_the_first_hashed_export_leaves_no_empty_salt(tmp_path, export_csv):
    """The issue's case as a real process: the first `export --hash-emails` cannot write
    the salt file. It stops with one line, and no 0-byte salt is left for later runs."""
    config = tmp_path / "config"
    env = {**quiet_env(), "XDG_CONFIG_HOME": str(config)}
    env.pop("KUNDE_SALT", None)
    result = subprocess.run(
        [*KUNDE, "export", str(export_csv), "--hash-emails"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=_tiny_file_limit,
    )
    no_traceback(result.stdout, result.stderr)
    assert result.returncode == 2, result.stderr
    error = result.stderr.strip().splitlines()[-2]
    assert "cannot write the salt file" in error and "nothing was written" in error
    assert "@" not in result.stdout  # no list went out
    salt_file = config / "kunde" / "salt"
    assert not salt_file.exists()
    assert not any(p.is_file() for p in config.rglob("*"))
    # The next run, with room, makes a whole salt and hashes with it.
    again = subprocess.run(
        [*KUNDE, "export", str(export_csv), "--hash-emails"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert len(salt_file.read_text(encoding="utf-8").strip()) == 64


# --- --salt and KUNDE_SALT -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["", " ", "kort", "x" * (MIN_SALT_LENGTH - 1)])
def test_a_weak_salt_option_is_refused(home, export_csv, value):
    error, hint = refused(
        run("export", export_csv, "--hash-emails", "--salt", value), "the --salt value"
    )
    assert ("is empty" in error) == (not value.strip())
    assert "secrets.token_hex" in hint
    assert not salt_path().exists()  # refusing does not make a salt file either


@pytest.mark.parametrize("value", ["", "   ", "hemmelig"])
def test_a_weak_salt_in_the_environment_is_refused(home, export_csv, value, tmp_path):
    result = run("export", export_csv, "--hash-emails", env={"KUNDE_SALT": value})
    _, hint = refused(result, "$KUNDE_SALT")
    assert "KUNDE_SALT" in hint
    result = run(
        "report",
        export_csv,
        "--anonymise",
        "-d",
        tmp_path / "rep",
        "-q",
        env={"KUNDE_SALT": value},
    )
    refused(result, "$KUNDE_SALT")


def test_a_salt_of_the_minimum_length_is_accepted_and_keys_the_hashes(home, export_csv):
    key = "k" * MIN_SALT_LENGTH
    assert resolve_salt(key) == key
    a = run("export", export_csv, "--hash-emails", "--salt", key)
    b = run("export", export_csv, "--hash-emails", "--salt", key + "2")
    assert a.exit_code == 0 and b.exit_code == 0, a.stderr + b.stderr
    hashed_a = pl.read_csv(a.stdout.encode())["email"].to_list()
    hashed_b = pl.read_csv(b.stdout.encode())["email"].to_list()
    assert hashed_a and set(hashed_a).isdisjoint(hashed_b)  # the key changes every hash
    # ... and none is the unkeyed SHA-256 of an address (what an empty key gave).
    plain = pl.read_csv(run("export", export_csv).stdout.encode())["email"].to_list()
    unkeyed = {hashlib.sha256(e.encode()).hexdigest()[:16] for e in plain}
    assert unkeyed.isdisjoint(hashed_a)


def test_no_salt_is_needed_without_hashing(home, export_csv):
    path = salt_path()
    path.parent.mkdir(parents=True)
    path.write_text("", encoding="utf-8")
    assert run("export", export_csv).exit_code == 0  # plain lists need no key


# --- in Danish, the default language ----------------------------------------------------------


def test_a_weak_salt_is_refused_in_danish(home, monkeypatch):
    with pytest.raises(ConfigError) as err:
        resolve_salt("kort")
    assert err.value.one_line("da") == (
        f"værdien af --salt er for kort (4 tegn, mindst {MIN_SALT_LENGTH}): "
        "en kort nøgle kan gættes"
    )
    assert err.value.hint_in("da") == (
        "angiv en længere hemmelighed, fx fra "
        "`python -c 'import secrets; print(secrets.token_hex(32))'`"
    )
    monkeypatch.setenv("KUNDE_SALT", " ")
    with pytest.raises(ConfigError) as err:
        resolve_salt()
    assert err.value.one_line("da") == (
        "$KUNDE_SALT er tom: kunde hasher ikke uden en hemmelig nøgle"
    )
    assert err.value.message == "$KUNDE_SALT is empty: kunde will not hash without a secret key"
