"""Make the README's screenshots from the bundled sample shop.

    python scripts/screenshots.py            # writes docs/report.png and docs/terminal.png
    python scripts/screenshots.py --lang da  # the Danish report and table instead

Steps: ingest ``sample_data/`` into a temporary workspace, write the report there, and
photograph (1) the report's first screen at 1280 × 800 px and (2) ``kunde segment``'s
table as a terminal shows it (Rich records the table's colours and exports an SVG,
which is then photographed). Both photographs are taken by headless Chromium
(``--chromium``, default ``/usr/bin/chromium``) with every network request refused,
so the pictures need nothing but this repository. Run it again after a change to the
report or the tables and commit the two PNGs.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
#: The report's first screen: a laptop's browser window.
SCREEN = (1280, 800)
#: The terminal the table is shown in, in columns.
TERMINAL_COLUMNS = 132


def kunde(*args: str, columns: int = TERMINAL_COLUMNS, colour: bool = False) -> str:
    """Run ``kunde`` (this checkout's) and return its stdout; stop on an error."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUNDE_")}
    env |= {"COLUMNS": str(columns), "LINES": "50", "PYTHONPATH": str(ROOT)}
    env.pop("NO_COLOR", None)
    if colour:
        env |= {"FORCE_COLOR": "1", "TERM": "xterm-256color"}
    done = subprocess.run(
        [sys.executable, "-m", "kunde_cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"kunde {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def photograph(chromium: str, page: Path, png: Path, size: tuple[int, int]) -> None:
    """A PNG of ``page`` in a ``size`` browser window (headless, no network)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0 or not png.exists():
        sys.exit(f"Chromium could not photograph {page}:\n{done.stderr}")


def terminal_svg(ansi: str, title: str, columns: int) -> tuple[str, tuple[int, int]]:
    """``ansi`` (a command's coloured output) as Rich's terminal-window SVG, and its size."""
    from rich.console import Console
    from rich.text import Text

    console = Console(
        record=True,
        width=columns,
        force_terminal=True,
        color_system="truecolor",
        file=io.StringIO(),  # recorded, not shown
    )
    console.print(Text.from_ansi(ansi.rstrip("\n")))
    svg = console.export_svg(title=title)
    # The SVG names a web font to fetch; the photograph uses the local monospace font.
    svg = re.sub(r"@font-face\s*\{[^}]*\}", "", svg)
    width, height = (
        round(float(v)) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups()
    )
    return svg, (width, height)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default="en", choices=["da", "en"])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kunde-screenshots-") as tmp:
        work = Path(tmp)
        ws = work / "ws"
        kunde("ingest", str(SAMPLE / "ordrer.csv"), str(SAMPLE / "nps_svar.csv"), "-w", str(ws))
        kunde("report", "-w", str(ws), "--output-dir", str(work / "report"), "--lang", args.lang)
        (page,) = (work / "report").glob("*.html")
        photograph(args.chromium, page, args.out / "report.png", SCREEN)

        table = kunde(
            "segment", "-w", str(ws), "--format", "table", "--lang", args.lang, colour=True
        )
        svg, size = terminal_svg(table, "kunde segment", TERMINAL_COLUMNS)
        holder = work / "terminal.html"
        holder.write_text(
            '<!doctype html><meta charset="utf-8">'
            f"<style>html,body{{margin:0;background:#fff}}</style>{svg}",
            encoding="utf-8",
        )
        photograph(args.chromium, holder, args.out / "terminal.png", size)
    for name in ("report.png", "terminal.png"):
        path = args.out / name
        print(
            f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
            f" ({path.stat().st_size // 1024} KB)"
        )


if __name__ == "__main__":
    main()
