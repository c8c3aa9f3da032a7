"""Generate a realistic order export of a given size for the benchmarks.

    python bench/generate.py --lines 1000000 --layout danish --out bench/data/
    python bench/generate.py --lines 10M --layout shopify --out bench/data/ --survey

The file is made by kunde's own generator (``kunde_cli.synth``) and is the same for
the same ``--lines``, ``--layout`` and ``--seed``. The script prints the path, the size
and how long generating and writing took. A Shopify file has slightly fewer rows than
``--lines``, because Shopify has no negative refund lines (see ``write_shopify_csv``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kunde_cli.synth import (
    DEFAULT_SEED,
    generate_orders,
    generate_survey,
    write_danish_csv,
    write_shopify_csv,
    write_survey_google_forms,
)

_SUFFIXES = {"k": 1_000, "m": 1_000_000}


def parse_count(text: str) -> int:
    """``1000000``, ``1_000_000``, ``100k`` or ``10M`` → an integer ≥ 1."""
    cleaned = text.strip().lower().replace("_", "")
    factor = _SUFFIXES.get(cleaned[-1:], 1)
    digits = cleaned[:-1] if factor > 1 else cleaned
    try:
        value = int(float(digits) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a line count: {text!r} (try 100k, 1M or 1000000)"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"the line count must be at least 1, got {text!r}")
    return value


def _label(n: int) -> str:
    for suffix, factor in (("M", 1_000_000), ("k", 1_000)):
        if n % factor == 0:
            return f"{n // factor}{suffix}"
    return str(n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lines", type=parse_count, default=1_000_000, help="order lines (100k, 1M, 10M, …)"
    )
    parser.add_argument("--layout", choices=("danish", "shopify"), default="danish")
    parser.add_argument("--out", type=Path, default=Path("bench/data"), help="folder for the file")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--bad-rows", action="store_true", help="add the 8 broken rows (danish only)"
    )
    parser.add_argument(
        "--survey", action="store_true", help="also write a Google Forms NPS survey"
    )
    args = parser.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"orders_{args.layout}_{_label(args.lines)}_seed{args.seed}.csv"

    started = time.perf_counter()
    orders = generate_orders(n_lines=args.lines, seed=args.seed)
    generated = time.perf_counter()
    if args.layout == "danish":
        write_danish_csv(orders, path, bad_rows=args.bad_rows, seed=args.seed)
        rows = orders.height + (8 if args.bad_rows else 0)
    else:
        write_shopify_csv(orders, path, seed=args.seed)
        rows = int((orders["amount"] >= 0).sum())  # refund lines become "Refunded Amount"
    written = time.perf_counter()
    size_mb = path.stat().st_size / 1e6
    print(
        f"{path}\t{size_mb:.1f} MB\t{rows:,} rows from {orders.height:,} order lines, "
        f"{orders['customer_id'].n_unique():,} customers\t"
        f"generate {generated - started:.1f} s, write {written - generated:.1f} s"
    )
    if args.survey:
        survey = generate_survey(orders, seed=args.seed)
        survey_path = args.out / f"nps_{_label(args.lines)}_seed{args.seed}.csv"
        write_survey_google_forms(survey, survey_path)
        print(
            f"{survey_path}\t{survey_path.stat().st_size / 1e6:.1f} MB\t{survey.height:,} answers\t"
            f"{time.perf_counter() - written:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
