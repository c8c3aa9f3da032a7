"""kunde runs on Python 3.10+ (pyproject's requires-python), whatever Python CI has.

.ci/run checks it statically: ruff with ``target-version = "py310"`` for syntax, and
vermin for standard library names that came later. These tests keep the two honest: the
settings say 3.10, and the vermin command .ci/run runs does refuse a 3.11 name.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, from PyPI, as kunde_cli.config reads kunde.toml
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def ci_vermin() -> list[str]:
    """The vermin command .ci/run runs, without the folders it checks."""
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("vermin "))
    argv = shlex.split(line)
    while argv and not argv[-1].startswith("-") and (ROOT / argv[-1]).is_dir():
        argv.pop()
    return argv


def test_the_settings_say_310() -> None:
    assert PYPROJECT["project"]["requires-python"] == ">=3.10"
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py310"
    assert "--target=3.10-" in ci_vermin()
    assert ci_vermin()[1:] != []
    deps = PYPROJECT["project"]["dependencies"]
    assert any(d.startswith("tomli") and 'python_version < "3.11"' in d for d in deps)


@pytest.mark.skipif(shutil.which("vermin") is None, reason="vermin is not installed")
@pytest.mark.parametrize(
    "code",
    [
        "import tomllib\n",
        "from datetime import UTC\n",
        "from enum import StrEnum\n",
        "import hashlib\nhashlib.file_digest\n",
        "from typing import Self\n",
    ],
)
def test_ci_refuses_a_name_newer_than_310(code: str, tmp_path: Path) -> None:
    (tmp_path / "new.py").write_text(code, encoding="utf-8")
    (tmp_path / "old.py").write_text("import tomli\nfrom enum import Enum\n", encoding="utf-8")
    refused = subprocess.run([*ci_vermin(), str(tmp_path / "new.py")], capture_output=True)
    accepted = subprocess.run([*ci_vermin(), str(tmp_path / "old.py")], capture_output=True)
    assert refused.returncode != 0
    assert accepted.returncode == 0, accepted.stdout
