"""Fit BG/NBD and Gamma-Gamma on simulated customers drawn from known parameters.

Prints the time of each step and the recovered parameters beside the true ones, so
anyone can check that fitting stays fast on big shops and still finds the truth.

    python bench/fit_models.py                       # 1,000,000 customers
    python bench/fit_models.py --customers 1300000   # issue 9's 10 M-line shop
    python bench/fit_models.py --lifetimes /tmp/ltvenv/bin/python

``--lifetimes PYTHON`` runs the same fits with the ``lifetimes`` package in its own
virtual environment (``python -m venv /tmp/ltvenv && /tmp/ltvenv/bin/pip install
lifetimes``) on the same customers and prints its times and parameters too.

Customers arrive uniformly over three years (ages 0–1095 days, in weeks), purchase
dates are whole days; see kunde_cli/analytics/clv/simulate.py for the draw.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from kunde_cli.analytics.clv.bgnbd import fit_bgnbd
from kunde_cli.analytics.clv.gamma_gamma import fit_gamma_gamma
from kunde_cli.analytics.clv.predict import predict_customers
from kunde_cli.analytics.clv.simulate import simulate_customers

TRUE_PURCHASE = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
TRUE_SPEND = {"p": 6.0, "q": 3.8, "gamma": 15.0}
HORIZON_MONTHS = 12
DISCOUNT_MONTHLY = 0.01

# Run inside the lifetimes virtual environment: same data, the usual lifetimes calls.
LIFETIMES_SCRIPT = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

df = pd.read_csv(sys.argv[1])
out = {}
t = time.perf_counter()
bgf = BetaGeoFitter().fit(df["x"], df["t_x"], df["T"])
out["fit_bgnbd"] = time.perf_counter() - t
rep = df[df["x"] > 0]
t = time.perf_counter()
ggf = GammaGammaFitter().fit(rep["x"], rep["m"])
out["fit_gamma_gamma"] = time.perf_counter() - t
t = time.perf_counter()
bgf.conditional_probability_alive(df["x"], df["t_x"], df["T"])
bgf.conditional_expected_number_of_purchases_up_to_time(52.18, df["x"], df["t_x"], df["T"])
ggf.customer_lifetime_value(bgf, df["x"], df["t_x"], df["T"], df["m"].fillna(0.0),
                            time=12, freq="W", discount_rate=0.01)
out["predict"] = time.perf_counter() - t
out["params_bgnbd"] = {k: float(v) for k, v in bgf.params_.items()}
out["params_gamma_gamma"] = {("gamma" if k == "v" else k): float(v) for k, v in ggf.params_.items()}
print(json.dumps(out))
"""


def simulate(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    ages = rng.integers(0, 1096, n) / 7.0
    sim = simulate_customers(ages, resolution=1 / 7, seed=seed + 1, **TRUE_PURCHASE, **TRUE_SPEND)
    return pl.DataFrame(
        {
            "repeat_purchases": sim.x,
            "t_x": sim.t_x,
            "age": sim.age,
            "mean_repeat_spend": sim.mean_spend,
        }
    ).with_columns(pl.col("mean_repeat_spend").fill_nan(None))


def timed(label: str, times: dict[str, float], fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    times[label] = time.perf_counter() - start
    return result


def run_lifetimes(python: str, frame: pl.DataFrame) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.csv"
        frame.select(
            pl.col("repeat_purchases").alias("x"),
            "t_x",
            pl.col("age").alias("T"),
            pl.col("mean_repeat_spend").alias("m"),
        ).write_csv(path)
        done = subprocess.run(
            [python, "-c", LIFETIMES_SCRIPT, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"lifetimes run failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--lifetimes",
        metavar="PYTHON",
        help="python of a virtual environment with lifetimes installed, to compare with",
    )
    args = parser.parse_args()

    print(f"# fit_models: {args.customers:,} simulated customers (seed {args.seed})")
    print(f"# {platform.platform()}, Python {platform.python_version()}, Polars {pl.__version__}")
    frame = simulate(args.customers, args.seed)
    repeat = int((frame["repeat_purchases"] > 0).sum())
    print(f"# {repeat:,} repeat customers, max x {frame['repeat_purchases'].max()}")

    times: dict[str, float] = {}
    bg = timed("fit_bgnbd", times, fit_bgnbd, frame)
    gg = timed("fit_gamma_gamma", times, fit_gamma_gamma, frame)
    timed(
        "predict",
        times,
        predict_customers,
        frame,
        bg,
        gg,
        horizon_months=HORIZON_MONTHS,
        discount_monthly=DISCOUNT_MONTHLY,
    )
    times["fits_total"] = times["fit_bgnbd"] + times["fit_gamma_gamma"]

    lt = run_lifetimes(args.lifetimes, frame) if args.lifetimes else None

    print("\nstep              kunde (s)" + ("   lifetimes (s)   ratio" if lt else ""))
    for step in ("fit_bgnbd", "fit_gamma_gamma", "fits_total", "predict"):
        line = f"{step:<17} {times[step]:>9.3f}"
        if lt:
            theirs = lt["fit_bgnbd"] + lt["fit_gamma_gamma"] if step == "fits_total" else lt[step]
            line += f"   {theirs:>13.3f}   {theirs / times[step]:>5.1f}×"
        print(line)

    print("\nparameter   true      kunde       error" + ("   lifetimes" if lt else ""))
    fitted = {**bg.as_dict(), **gg.as_dict()}
    theirs = {**lt["params_bgnbd"], **lt["params_gamma_gamma"]} if lt else {}
    for name, true in {**TRUE_PURCHASE, **TRUE_SPEND}.items():
        got = fitted[name]
        line = f"{name:<9} {true:>7.3f} {got:>10.4f} {100 * (got - true) / true:>+10.2f} %"
        if lt:
            line += f"   {theirs[name]:>9.4f}"
        print(line)
    print(
        f"\nBG/NBD LL {bg.loglik:,.1f} ({bg.n_customers:,} customers, converged {bg.converged}); "
        f"Gamma-Gamma LL {gg.loglik:,.1f}, spend-frequency correlation {gg.spend_frequency_corr:+.3f}"
    )


if __name__ == "__main__":
    main()
