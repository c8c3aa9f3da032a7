"""Write the golden outputs of tests/cli/test_same_answers.py from a reference commit.

The goldens are what kunde answered BEFORE issue 15 changed how analyses get their data
(stored orders/customers tables, an explicit order basis). They are made by running the
OLD code, never the working tree's:

    git worktree add -f /tmp/golden-ref b062fcd
    .venv/bin/python tests/data/golden/make_golden.py --ref /tmp/golden-ref

For each input set below, the old code ingests the files into a fresh workspace, then
runs every command in ``commands()`` on it (at each as-of date) and keeps stdout as
``<input>/<as-of>/<name>.csv|json``. Each command also runs on the files directly (no
workspace); ``index.json`` records, per command, whether the old code's direct output
was the same bytes (then the test checks the direct path too). Every command runs twice
and must give the same bytes both times, and must exit 0; otherwise this script stops.

Do not run this on the current tree to "update" the goldens: a difference between the
goldens and the current code is what the test is there to find.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
LAYOUTS = "tests/data/layouts"

#: input name -> files (relative to the repo), extra ingest/read args, as-of dates (the
#: data's last date first; then one that falls between an order and its refund or credit
#: note), a date for --compare, customers to explain, whether it has survey answers.
INPUTS: dict[str, dict] = {
    "sample": {
        "files": ["sample_data/ordrer.csv", "sample_data/nps_svar.csv"],
        "args": [],
        # 2026-10-15: order 6596 (11-10, 65 kr.) is refunded in full on 23-10.
        "as_of": ["2026-10-31", "2026-10-15"],
        "compare": "2026-04-30",
        "explain": ["10001", "11729", "11931"],
        "survey": True,
        "models": True,
    },
    "woocommerce_guests": {
        "files": [f"{LAYOUTS}/woocommerce_guests.csv"],
        "args": [],
        # Refunds carry no date of their own in this export: one date only.
        "as_of": ["2024-03-30"],
        "compare": "2024-03-15",
        "explain": ["12", "anna.berg@example.com"],
        "survey": False,
        "models": False,
    },
    "shopify_refunds_usd": {
        "files": [f"{LAYOUTS}/shopify_refunds_usd.csv"],
        "args": [],
        "as_of": ["2024-05-25"],
        "compare": "2024-05-10",
        "explain": ["mike.chen@example.com"],
        "survey": False,
        "models": False,
    },
    "faktura_kreditnota": {
        "files": [f"{LAYOUTS}/faktura_kreditnota.csv"],
        "args": [],
        # 2024-04-25: invoice 10028 (16-04) is credited in full by 10034 on 29-04.
        "as_of": ["2024-04-29", "2024-04-25"],
        "compare": "2024-04-10",
        "explain": ["1003", "1001"],
        "survey": False,
        "models": False,
    },
}

ALL_TIERS = "active,cooling,inactive,lost"


def commands(spec: dict, as_of: str, last: bool) -> dict[str, list[str]]:
    """name -> arguments (without -w/--as-of) of every command kept for one date."""
    big = spec["survey"]  # the sample shop: thousands of customers, so fewer lists
    csv = ["-f", "csv"]
    cmds: dict[str, list[str]] = {
        "segment": ["segment", *csv],
        "segment_by_customer": ["segment", "--by", "customer", *csv],
        "ladder": ["ladder", *csv],
        "churn": ["churn", *csv],
        "churn_list": ["churn", "--list", *([] if big else ["--tier", ALL_TIERS]), *csv],
        "clv": ["clv", *csv],
        "clv_by_segment": ["clv", "--by", "segment", *csv],
        "retention": ["retention", *csv],
        "retention_cohorts": ["retention", "--cohorts", *csv],
        "retention_quarter": ["retention", "--period", "quarter", *csv],
        "profiles": ["profiles", *csv],
        "profiles_by_rung": ["profiles", "--by", "rung", *csv],
        # The sample shop's lists are narrower, to keep the goldens small.
        "export_at_risk_mailchimp": [
            "export",
            "--segment",
            "at-risk,can't-lose" if big else "at-risk,can't-lose,hibernating,lost",
            "--shape",
            "mailchimp",
        ],
        "export_tier_klaviyo": [
            "export",
            "--tier",
            "inactive" if big else "cooling,inactive,lost",
            "--ignore-consent",
            "--shape",
            "klaviyo",
        ],
    }
    if last or not big:
        cmds |= {
            "segment_compare": ["segment", "--compare", spec["compare"], *csv],
            "ladder_by_customer": ["ladder", "--by", "customer", *csv],
            "ladder_compare": ["ladder", "--compare", spec["compare"], *csv],
            "export_rung": ["export", "--rung", "loyal" if big else "returning,loyal,first-time"],
        }
        if not big:
            cmds["export"] = ["export"]
    if big and not last:
        # At the sample's cut date, keep only the per-customer lists that show the cut.
        del cmds["churn_list"], cmds["retention_quarter"]
    if spec["survey"]:
        cmds |= {
            "nps": ["nps", *csv],
            "nps_by_segment": ["nps", "--by", "segment", *csv],
            "nps_by_rung": ["nps", "--by", "rung", *csv],
        }
        if last:
            cmds |= {
                "nps_by_channel": ["nps", "--by", "channel", *csv],
                "nps_period_month": ["nps", "--period", "month", *csv],
                "nps_list_detractors": ["nps", "--list", "detractors", *csv],
                "nps_list_promoters": ["nps", "--list", "promoters", *csv],
                "nps_comments": ["nps", "--comments", *csv],
                "export_nps_detractors": ["export", "--nps", "detractors", "--ignore-consent"],
            }
    if spec["models"] and last:
        cmds |= {
            # Per customer as csv (json is indented: 0.7 MB); the fit's parameters and
            # trust checks as json, per segment.
            "clv_model_bgnbd": ["clv", "--model", "bgnbd", *csv],
            "clv_model_bgnbd_by_segment": [
                "clv",
                "--by",
                "segment",
                "--model",
                "bgnbd",
                "-f",
                "json",
            ],
            "clv_holdout": ["clv", "--holdout", "6m", *csv],
            "churn_model_bgnbd": ["churn", "--model", "bgnbd", "-f", "json"],
        }
    for who in spec["explain"]:
        cmds[f"explain_{who.split('@')[0].replace('.', '_')}"] = ["explain", who, "-f", "json"]
    return cmds


def env_for(ref: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUNDE_")}
    env |= {
        "PYTHONPATH": str(ref),
        "KUNDE_SALT": "same-answers-same-answers",
        "XDG_CONFIG_HOME": str(home / "config"),
        "PYTHONHASHSEED": "0",
    }
    return env


def run(args: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kunde_cli", *args], env=env, cwd=cwd, capture_output=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ref", type=Path, required=True, help="worktree of the reference")
    parser.add_argument("--out", type=Path, default=HERE)
    opts = parser.parse_args()
    ref = opts.ref.resolve()
    commit = subprocess.run(
        ["git", "-C", str(ref), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="golden-") as tmp:
        cwd = Path(tmp)
        env = env_for(ref, cwd)
        where = subprocess.run(
            [sys.executable, "-c", "import kunde_cli; print(kunde_cli.__file__)"],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not where.startswith(str(ref)):
            sys.exit(f"kunde_cli imported from {where}, not from {ref}")
        index: dict = {"commit": commit, "inputs": {}}
        for name, spec in INPUTS.items():
            files = [str(REPO / f) for f in spec["files"]]
            ws = cwd / f"ws-{name}"
            done = run(["ingest", *files, *spec["args"], "-w", str(ws)], env, cwd)
            if done.returncode != 0:
                sys.exit(f"{name}: ingest failed: {done.stderr.decode()}")
            entry = {
                "files": spec["files"],
                "sha256": {
                    f: hashlib.sha256((REPO / f).read_bytes()).hexdigest() for f in spec["files"]
                },
                "args": spec["args"],
                "commands": {},
            }
            shutil.rmtree(opts.out / name, ignore_errors=True)
            for i, as_of in enumerate(spec["as_of"]):
                for cname, args in commands(spec, as_of, last=i == 0).items():
                    full = [*args, *spec["args"], "--as-of", as_of]
                    outs = [run([*full, "-w", str(ws)], env, cwd) for _ in range(2)]
                    for out in outs:
                        if out.returncode != 0:
                            sys.exit(f"{name} {full}: exit {out.returncode}: {out.stderr.decode()}")
                    if outs[0].stdout != outs[1].stdout:
                        sys.exit(f"{name} {full}: two runs differ")
                    if not outs[0].stdout:
                        sys.exit(f"{name} {full}: wrote nothing")
                    # Options and files mix freely: the same command on the files.
                    direct = run([*full, *files], env, cwd)
                    same = direct.returncode == 0 and direct.stdout == outs[0].stdout
                    ext = "json" if "json" in args else "csv"
                    path = opts.out / name / as_of / f"{cname}.{ext}"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(outs[0].stdout)
                    entry["commands"][f"{as_of}/{cname}"] = {
                        "args": full,
                        "golden": str(path.relative_to(opts.out)),
                        "direct": same,
                    }
                    print(f"{name}/{as_of}/{cname}: {len(outs[0].stdout)} bytes, direct {same}")
            index["inputs"][name] = entry
        (opts.out / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
