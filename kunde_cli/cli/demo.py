"""`kunde demo`: write a realistic Danish sample shop export and NPS survey."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer()

ORDERS_FILE = "ordrer.csv"
SURVEY_FILE = "nps_svar.csv"


@app.command("demo")
def demo_command(
    out: Annotated[
        Path,
        typer.Option("--out", help="Folder to write the sample files to (created if missing)."),
    ] = Path("kunde-demo"),
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Random seed: the same seed gives the same files.")
    ] = 7,
    customers: Annotated[
        int, typer.Option("--customers", min=1, help="Number of customers in the sample shop.")
    ] = 2000,
) -> None:
    """Write a sample Danish web shop export (ordrer.csv) and NPS survey (nps_svar.csv).

    Three years of a small shop: one-time buyers, regulars, lapsed regulars, big
    spenders, refunds, cancellations and eight broken rows. The defaults give the
    files in sample_data/.

    Example: kunde demo --out demo && kunde ingest demo/ordrer.csv demo/nps_svar.csv
    """
    import io
    from typing import cast

    from kunde_cli.errors import InputError
    from kunde_cli.render.formats import write_outputs
    from kunde_cli.render.terminal import note
    from kunde_cli.synth import (
        generate_orders,
        generate_survey,
        write_danish_csv,
        write_survey_google_forms,
    )

    if out.exists() and not out.is_dir():
        raise InputError(
            "is not a folder", path=out, hint="give --out a folder name, e.g. --out demo"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot create the folder ({err.strerror})", path=out) from None
    orders = generate_orders(n_customers=customers, seed=seed)
    survey = generate_survey(orders, seed=seed)
    orders_path = out / ORDERS_FILE
    survey_path = out / SURVEY_FILE
    # Written to memory first, then to the folder by the one output writer: a full
    # disk is a one-line message and leaves earlier sample files whole.
    orders_csv, survey_csv = io.BytesIO(), io.BytesIO()
    write_danish_csv(orders, cast("Path", orders_csv), bad_rows=True, seed=seed)
    write_survey_google_forms(survey, cast("Path", survey_csv))
    write_outputs([(orders_path, orders_csv.getvalue()), (survey_path, survey_csv.getvalue())])
    typer.echo(str(orders_path))
    typer.echo(str(survey_path))
    note(f"Next: kunde ingest {orders_path} {survey_path}")
