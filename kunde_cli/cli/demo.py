"""`kunde demo`: write a realistic Danish sample shop export and NPS survey."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kunde_cli.cli import options as opt

app = typer.Typer(add_completion=False)

ORDERS_FILE = "ordrer.csv"
SURVEY_FILE = "nps_svar.csv"


# --- the command's own options ----------------------------------------------------------

Out = Annotated[
    Path,
    typer.Option(
        "--output", "-o", help="Folder to write the sample files to (created if missing)."
    ),
]
#: The folder's old spelling (--out), kept working for scripts, out of --help.
OldOut = Annotated[Path | None, typer.Option("--out", hidden=True, show_default=False)]
Seed = Annotated[
    int, typer.Option("--seed", min=0, help="Random seed: the same seed gives the same files.")
]
Customers = Annotated[
    int, typer.Option("--customers", min=1, help="Number of customers in the sample shop.")
]


@app.command("demo")
@opt.reads_data(uses=("lang", "quiet"))
def demo_command(
    out: Out = Path("kunde-demo"),
    seed: Seed = 7,
    customers: Customers = 2000,
    data: opt.Source = opt.Source(),
    old_out: OldOut = None,
) -> None:
    """Write a sample Danish web shop export (ordrer.csv) and NPS survey (nps_svar.csv).

    Three years of a small shop: one-time buyers, regulars, lapsed regulars, big
    spenders, refunds, cancellations and eight broken rows. The defaults give the
    files in sample_data/.

    Example: kunde demo --output demo && kunde ingest demo/ordrer.csv demo/nps_svar.csv
    """
    import io
    from typing import cast

    from kunde_cli.app.loading import resolve_lang
    from kunde_cli.cli.options import record_lang
    from kunde_cli.config import load_config
    from kunde_cli.errors import InputError
    from kunde_cli.render.formats import write_outputs
    from kunde_cli.render.terminal import note
    from kunde_cli.store.files import os_reason
    from kunde_cli.synth import (
        generate_orders,
        generate_survey,
        write_danish_csv,
        write_survey_google_forms,
    )
    from kunde_cli.words.labels import say
    from kunde_cli.words.said import said

    # The language of the lines below: --lang, else $KUNDE_LANG, else kunde.toml here.
    lang = resolve_lang(data.lang, load_config())
    record_lang(lang)
    out = old_out if old_out is not None else out
    if out.exists() and not out.is_dir():
        raise InputError(said("store_not_a_folder"), path=out, hint=said("demo_out_hint"))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(said("demo_cannot_create", reason=os_reason(err)), path=out) from None
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
    note(say("demo_next", lang, orders=orders_path, survey=survey_path))
