"""`kunde demo`: write the bundled sample exports (made by a deterministic generator)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer()


@app.command("inspect")
def inspect_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the sample files to.")] = Path("kunde-demo"),
) -> None:
    """Write a realistic Danish sample shop export and NPS survey.

    Example: kunde demo --out demo && kunde ingest demo/ordrer.csv
    """
    raise NotImplementedError
