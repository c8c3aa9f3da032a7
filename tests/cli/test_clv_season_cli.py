"""`kunde clv --holdout` warns, in the run's language, when the holdout straddles the
shop's peak months, and names the split to try instead."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

runner = CliRunner()


def _shop(path, *, december: float) -> None:
    """300 customers buying from 2023 to January 2026; in December each buys
    ``december`` times as often as in other months (orders of 100 kr)."""
    rng = np.random.default_rng(5)
    start, end = date(2023, 1, 1), date(2026, 1, 31)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    lift = np.array([december if d.month == 12 else 1.0 for d in days])
    rate = rng.gamma(1.0, 1 / 60, size=300)  # purchases per day outside December
    first = rng.integers(0, 365, size=300)
    life = first + rng.integers(200, len(days), size=300)
    index = np.arange(len(days))
    alive = (index >= first[:, None]) & (index <= life[:, None])
    bought = alive & (rng.random((300, len(days))) < rate[:, None] * lift[None, :])
    bought[np.arange(300), first] = True
    rows = [
        f"{n};{days[d]:%d-%m-%Y};K{c};100,00"
        for n, (c, d) in enumerate(zip(*np.nonzero(bought), strict=True), start=1)
    ]
    path.write_text("Ordrenummer;Ordredato;Kundenummer;Beløb\n" + "\n".join(rows) + "\n", "utf-8")


@pytest.fixture(scope="module")
def december_shop(tmp_path_factory):
    path = tmp_path_factory.mktemp("season") / "ordrer.csv"
    _shop(path, december=4.0)
    return path


ARGS = ["--holdout", "2m", "--as-of", "2026-01-31"]


def test_holdout_over_december_warns_in_danish(december_shop):
    result = runner.invoke(app, ["clv", str(december_shop), *ARGS])
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stderr.split())
    assert "rummer butikkens højsæson (december)" in said
    assert "kunde clv --as-of 2026-01-31 --holdout 12m" in said
    assert said.count("højsæson") == 1


def test_holdout_over_december_warns_in_english(december_shop):
    result = runner.invoke(app, ["clv", str(december_shop), *ARGS, "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stderr.split())
    assert "The holdout holds the shop's peak season (December)" in said
    assert "Compare over a whole year instead: kunde clv --as-of 2026-01-31 --holdout 12m" in said


def test_holdout_away_from_december_says_nothing(december_shop):
    result = runner.invoke(
        app, ["clv", str(december_shop), "--holdout", "2m", "--as-of", "2025-10-31", "--lang", "en"]
    )
    assert result.exit_code == 0, result.stderr
    assert "peak season" not in result.stderr


def test_flat_shop_says_nothing(tmp_path):
    path = tmp_path / "flat.csv"
    _shop(path, december=1.0)
    result = runner.invoke(app, ["clv", str(path), *ARGS, "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    assert "peak season" not in result.stderr
