"""`kunde backtest`: was the model right for this shop? A verdict, not a table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from kunde_cli.cli import options
from kunde_cli.cli.options import Destination, Source
from kunde_cli.render.formats import Choice
from kunde_cli.render.priority import Priority

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.analytics.backtest import Backtest
    from kunde_cli.cli.common import Loaded
    from kunde_cli.words.said import Said

app = typer.Typer(add_completion=False)

#: The comparison table's columns in a terminal (the totals of revenue are in the
#: sentences above it; files get every column).
TERMINAL_COLUMNS = (
    "model",
    "purchases_predicted",
    "purchases_actual",
    "difference",
    "mae",
    "bias",
    "revenue_difference",
    "spearman",
    "top_decile_share",
    "auc",
    "balanced_accuracy",
)
#: When the screen is too narrow: the row, its totals and its error per customer stay;
#: the finer scores go first.
COLUMNS = Priority(
    keep=("model", "purchases_predicted", "purchases_actual", "difference", "mae"),
    drop=(
        "top_decile_share",
        "balanced_accuracy",
        "bias",
        "revenue_difference",
        "spearman",
        "auc",
    ),
)
#: The tracking table in a terminal: at most this many weeks shown (every 4th week and
#: the last when the holdout is longer).
TERMINAL_WEEKS = 13


class Model(Choice):
    """Purchase models to back-test."""

    bgnbd = "bgnbd"
    mbgnbd = "mbgnbd"


class Part(Choice):
    """The table a file format writes."""

    models = "models"
    deciles = "deciles"
    tracking = "tracking"


# --- the command's own options ----------------------------------------------------------

Holdout = Annotated[
    str | None,
    typer.Option(
        "--holdout",
        help="The time to check the models on: the last PERIOD (e.g. 13w, 6m, 180d, 1y). "
        "Default: the last quarter (13 weeks), or the whole last year when the last "
        "quarter holds the shop's peak season.",
        show_default=False,
    ),
]
ModelOption = Annotated[
    Model | None,
    typer.Option(
        "--model",
        help="Back-test only this model (bgnbd or mbgnbd) beside the rule tiers; the "
        "verdict is about it. Default: both, the verdict about the one with the smallest "
        "error per customer.",
        show_default=False,
    ),
]
PartOption = Annotated[
    Part,
    typer.Option(
        "--table",
        help="Which table --format csv, xlsx or parquet writes: models (the comparison), "
        "deciles or tracking (weekly cumulative purchases). JSON holds every part; the "
        "terminal shows all three.",
    ),
]


@app.command("backtest")
@options.writes_output()
@options.reads_data
def backtest_command(
    data: Source,
    out: Destination,
    holdout: Holdout = None,
    model: ModelOption = None,
    table: PartOption = Part.models,
) -> None:
    """Check the purchase models on your own history: a verdict you can use.

    Splits the history at a date (default: 13 weeks before the as-of date, or a whole
    year when those weeks hold the shop's peak months), fits BG/NBD and MBG/NBD (and
    Gamma-Gamma for revenue) on what came before, predicts the rest for the same
    customers and compares with what they did: total purchases and revenue, error and
    bias per customer, a table of ten groups ranked by prediction, and the purchases
    week by week. The activity tiers of kunde churn are scored on the same split as a
    buy/no-buy prediction (active and cooling predicted to buy).

    The verdict: good enough for the budget when the totals landed within 10 % of the
    forecast; good enough to rank customers when the rank correlation of predicted and
    actual purchases is at least 0.3. Also the P(alive) cut-off that best told buyers
    from non-buyers (highest Youden's J), and how long returning customers took to
    come back (for one-time buyers).

    Example: kunde backtest --holdout 13w
    """
    from kunde_cli.analytics.backtest import backtest
    from kunde_cli.analytics.clv.bgnbd import MODELS
    from kunde_cli.cli import common
    from kunde_cli.cli.options import parse_period

    period: Said | None = None
    days: int | None = None
    if holdout is not None:
        days, period = parse_period(holdout)
    loaded = common.load_source(data)
    fits = common.workspace_fits(loaded)
    result = backtest(
        loaded.orders,
        as_of=loaded.as_of,
        holdout_days=days,
        models=(model.value,) if model is not None else MODELS,
        model=model.value if model is not None else None,
        config=loaded.config.churn,
        fits=fits,
    )
    common.say_reused(fits, loaded.lang)
    _notes(result, loaded, period)
    _emit(result, loaded, out, table, period)


def _notes(result: Backtest, loaded: Loaded, period: Said | None) -> None:
    """The split, the fits' warnings, the season, and the one-time buyers on stderr."""
    from kunde_cli.analytics.backtest import SPLIT_GIVEN
    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES
    from kunde_cli.analytics.clv.trust import model_trust
    from kunde_cli.render.answers import backtest as words
    from kunde_cli.render.fits import failed_checks_text
    from kunde_cli.render.terminal import note, warn
    from kunde_cli.words.labels import say
    from kunde_cli.words.said import word

    lg = loaded.lang
    note(words.split_sentence(result, lg, period))
    season = words.season_sentence(result, lg)
    if season:
        warn(season)
    if result.split.chosen == SPLIT_GIVEN and result.split.season is not None:
        _season_warning(result, lg)
    for name, why in result.failed.items():
        warn(say("backtest_failed", lg, model=MODEL_NAMES[name], why=word(why, lg)))
    for name, params in result.fits.items():
        if not model_trust(params)[0]:
            why = failed_checks_text(params, lg)
            warn(say("backtest_untrusted", lg, model=MODEL_NAMES[name], why=why))


def _season_warning(result: Backtest, lang: str) -> None:
    """A given holdout that straddles the peak: the clv warning, with this command."""
    from kunde_cli.render.answers.season import holdout_warning
    from kunde_cli.render.terminal import warn

    verdict = result.split.season
    assert verdict is not None
    warn(holdout_warning(verdict, lang, "kunde backtest"))


def _verdict(result: Backtest, loaded: Loaded, period: Said | None) -> list[str]:
    """The verdict, the rule, the best row, the cut-off and the one-time buyers."""
    from kunde_cli.render.answers import backtest as words

    lg, currency = loaded.lang, loaded.config.currency
    return [
        *words.verdict_sentences(result, lg, currency, period),
        *words.cutoff_sentences(result, lg),
        *words.one_time_sentences(result, lg),
    ]


def _tables(result: Backtest, loaded: Loaded, *, people: bool) -> dict[str, pl.DataFrame]:
    """The three tables by part, rows in words for people."""
    import polars as pl

    from kunde_cli.analytics.backtest import WEEK
    from kunde_cli.render.answers import backtest as words

    models = words.models_frame(result, loaded.lang, people=people)
    tracking = result.tracking
    if people:
        models = models.select(TERMINAL_COLUMNS)
        if tracking.height > TERMINAL_WEEKS:
            last = pl.col(WEEK) == pl.col(WEEK).max()
            tracking = tracking.filter((pl.col(WEEK) % 4 == 0) | last)
    return {
        Part.models.value: models,
        Part.deciles.value: result.deciles,
        Part.tracking.value: tracking,
    }


def _emit(
    result: Backtest, loaded: Loaded, out: Destination, part: Part, period: Said | None
) -> None:
    """The verdict on stderr (the answer: said under --quiet too) and the tables: all
    three in a terminal, every part in JSON, the ``--table`` part in other formats."""
    from datetime import timedelta

    from kunde_cli.analytics.clv.bgnbd import MODEL_NAMES
    from kunde_cli.cli.common import day_text, emit
    from kunde_cli.render.answers.backtest import KINDS
    from kunde_cli.render.formats import OutputFormat
    from kunde_cli.render.terminal import err_console
    from kunde_cli.words.labels import label

    lg = loaded.lang
    for sentence in _verdict(result, loaded, period):
        err_console.print(sentence, markup=False, highlight=False, soft_wrap=True)
    if out.format is OutputFormat.json:
        _write_json(result, out)
        return
    tables = _tables(result, loaded, people=out.is_table)
    split = result.split
    titles = {
        Part.models.value: label("backtest_title_models", lg).format(
            start=day_text(split.calibration_end + timedelta(days=1), lg),
            as_of=day_text(split.as_of, lg),
        ),
        Part.deciles.value: label("backtest_title_deciles", lg).format(
            model=MODEL_NAMES[result.verdict.model]
        ),
        Part.tracking.value: label("backtest_title_tracking", lg),
    }
    # Three tables to a terminal; to one file (-o, any format) only the --table part,
    # which would otherwise be written over by the next.
    shown = list(tables) if out.is_table and out.output is None else [part.value]
    for name in shown:
        priority = COLUMNS if name == Part.models.value else None
        emit(tables[name], out, loaded, title=titles[name], kinds=KINDS, priority=priority)


def _write_json(result: Backtest, out: Destination) -> None:
    """One object: the split, the verdict, the cut-off, the one-time buyers, the fits
    and the three tables (rows as ``--format json`` writes them, rounded the same way)."""
    import dataclasses
    import json
    import sys

    from kunde_cli.render.answers.backtest import KINDS
    from kunde_cli.render.formats import (
        atomic_write_bytes,
        frame_to_json,
        rounded,
        rounded_json,
        rounded_value,
    )

    def rows(frame: pl.DataFrame) -> object:
        return json.loads(frame_to_json(rounded(frame, KINDS)))

    split = result.split
    facts = {
        "split": {
            "calibration_end": split.calibration_end.isoformat(),
            "holdout_end": split.as_of.isoformat(),
            "holdout_days": split.holdout_days,
            "chosen": split.chosen,
            "peak_months": list(split.season.peak_months) if split.season else [],
            "customers": result.customers,
            "buyers": result.buyers,
        },
        "verdict": dataclasses.asdict(result.verdict),
        "cutoff": dataclasses.asdict(result.cutoff) if result.cutoff else None,
        "one_time": dataclasses.asdict(result.one_time),
        "fits": {
            name: {**params.as_dict(), "loglik": params.loglik, "customers": params.n_customers}
            for name, params in result.fits.items()
        },
        "failed": sorted(result.failed),
    }
    # The verdict's shares by their kinds (rounded_json would take "revenue_difference"
    # for money, by its name).
    verdict = facts.pop("verdict")
    assert isinstance(verdict, dict)
    body = {
        **rounded_json(facts),
        "verdict": {
            k: rounded_value(v, KINDS.get(k, "float")) if isinstance(v, float) else v
            for k, v in verdict.items()
        },
        "models": rows(result.models),
        "deciles": rows(result.deciles),
        "tracking": rows(result.tracking),
    }
    data = (json.dumps(body, ensure_ascii=False) + "\n").encode("utf-8")
    if out.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write_bytes(out.output, data)
