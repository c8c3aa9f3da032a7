"""CDNOW given as an order export reproduces the published fits through the CLI.

CDNOW_sample.txt (see tests/data/cdnow/ATTRIBUTION.md) is the raw transaction log:
master id, customer id, YYYYMMDD date, CDs, dollar amount, whitespace-separated and
without a header. Fader, Hardie & Lee (2005) fit BG/NBD on the 39-week calibration
period (to 1997-09-30) of its 2,357 customers: r 0.2426, α 4.4136, a 0.7929,
b 2.4259, LL −9582.43; Fader, Hardie & Lee (2005b) fit Gamma-Gamma on the 946 repeat
buyers: p 6.25, q 3.74, γ 15.44. Eight customers whose only purchase cost $0 are in
the 2,357: a zero-amount order is a purchase.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kunde_cli.cli.main import app

CDNOW = Path(__file__).resolve().parents[1] / "data" / "cdnow" / "CDNOW_sample.txt"
runner = CliRunner()


def test_cdnow_order_export_gives_the_published_parameters() -> None:
    args = ["clv", str(CDNOW), "--columns", "-,id,date,qty,amount", "--model", "bgnbd"]
    result = runner.invoke(app, [*args, "--as-of", "1997-09-30", "-f", "json"])
    assert result.exit_code == 0, result.output
    model = json.loads(result.stdout)["model"]
    purchase, spend = model["purchase"], model["spend"]
    assert purchase["customers"] == 2357 and purchase["repeat_customers"] == 946
    got = {k: round(v, 4) for k, v in purchase["parameters"].items()}
    assert got == {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}
    assert round(purchase["log_likelihood"], 2) == -9582.43
    assert purchase["trusted"]
    assert spend["customers"] == 946
    got = {k: round(v, 2) for k, v in spend["parameters"].items()}
    assert got == {"p": 6.25, "q": 3.74, "gamma": 15.44}
    # The parameters are printed for a person too.
    assert "r = 0,2426 · α = 4,4136 · a = 0,7929 · b = 2,4259" in result.stderr
