"""The README's screenshots: in the repository, linked from the README, and made by a
script in the repository from the sample shop (issue 17, "Done when")."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_the_readme_shows_the_report_and_a_terminal_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", readme)
    assert images == ["docs/report.png", "docs/terminal.png"]
    for image in images:
        path = ROOT / image
        assert path.exists(), image
        assert path.stat().st_size < 400_000, f"{image}: keep the README's pictures small"
    # The report's first screen is a 1280 px browser window.
    assert _png_size(ROOT / "docs" / "report.png") == (1280, 800)
    assert "python scripts/screenshots.py" in readme


@pytest.mark.browser
def test_the_script_makes_both_pictures(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(reason="Chromium is not installed at /usr/bin/chromium (CI installs it)")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshots.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert _png_size(tmp_path / "report.png") == (1280, 800)
    width, height = _png_size(tmp_path / "terminal.png")
    # A terminal window of 132 columns holding the segment table (11 segments).
    assert width > 1000 and height > 400
    assert done.stdout.count(".png") == 2 and "Segment" not in done.stdout
