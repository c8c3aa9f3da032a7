"""The built wheel carries templates/ and sample_data/ and works outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("kunde-*.whl")
    return path


def test_wheel_contains_templates_and_sample_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kunde_cli/_data/templates/report.html.j2" in names
    assert "kunde_cli/_data/sample_data/ordrer.csv" in names
    assert "kunde_cli/_data/sample_data/nps_svar.csv" in names
    assert "kunde_cli/py.typed" in names


def test_installed_wheel_runs_demo_and_report_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "KUNDE_SALT": "test-salt-0123456789"}

    def kunde(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kunde_cli", *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )

    where = subprocess.run(
        [sys.executable, "-c", "import kunde_cli; print(kunde_cli.__file__)"],
        cwd=work, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.strip().startswith(str(site))
    demo = kunde("demo", "--out", "demo")
    assert demo.returncode == 0, demo.stderr
    report = kunde(
        "report", "demo/ordrer.csv", "demo/nps_svar.csv", "--output-dir", "out", "--quiet"
    )
    assert report.returncode == 0, report.stderr
    paths = report.stdout.split()
    assert [Path(p).suffix for p in paths] == [".html", ".xlsx"]
    html = (work / paths[0]).read_text(encoding="utf-8")
    assert "<svg" in html and "Segment" in html
