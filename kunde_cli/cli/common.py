"""What every analysis command does first: load orders (and survey answers), pick the
as-of date, language and config. Thin glue over ingest/ and store; no analytics here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kunde_cli.config import Config, load_config
from kunde_cli.errors import ConfigError, WorkspaceError

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.analytics.orders import OrderBasis, Overview


@dataclass(frozen=True)
class Loaded:
    """Orders (and survey answers, when there are any) ready for analysis.

    ``orders`` is the order basis at ``as_of`` (kunde_cli.analytics.orders.OrderBasis):
    every analysis takes it, so the orders and per-customer summaries are built once.
    """

    orders: OrderBasis
    survey: pl.LazyFrame | None
    as_of: date
    config: Config
    lang: str
    #: The workspace read (None for files): while it lives, no writer deletes the files
    #: these lazy frames read (its readers' lock, see kunde_cli.store.files).
    workspace: object = None

    @property
    def lines(self) -> pl.LazyFrame:
        """The order lines (customer ids resolved)."""
        return self.orders.lines


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """``["amount=Total", "order_date=Paid at"]`` → ``{"amount": "Total", ...}``."""
    mapping: dict[str, str] = {}
    for item in items or []:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise ConfigError(
                f"--map '{item}' must look like field=Column, e.g. --map amount=Total"
            )
        mapping[field.strip()] = column.strip().strip('"')
    return mapping


def file_overview(
    result: Any, config: Config, identity: pl.DataFrame | None = None
) -> tuple[Overview | None, str]:
    """What one file read by ``read_any`` holds, by status class (None for a survey),
    in one currency, and that currency's label. ``currencies`` lists all of the file's.
    ``identity`` is the file's identity map when the caller made it already."""
    if result.kind == "survey":
        return None, config.currency
    from dataclasses import replace as with_fields

    from kunde_cli.analytics.orders import order_overview
    from kunde_cli.identity import apply_identity, identity_map
    from kunde_cli.ingest.statuses import with_status_classes

    frame = result.frame
    resolved = apply_identity(frame, identity if identity is not None else identity_map(frame))
    lines = with_status_classes(resolved, config.status)
    every = order_overview(lines)
    one, label = _one_currency(lines, None, config.currency)
    if len(every.currencies) <= 1:
        return every, label
    return with_fields(order_overview(one), currencies=every.currencies), label


#: How money in each currency is labelled (the Danish shop's own: "kr.").
CURRENCY_LABELS = {"DKK": "kr.", "EUR": "€", "USD": "$", "GBP": "£"}


def currency_code(label: str) -> str:
    """kunde.toml's ``currency`` ("kr.", "€", "EUR") as an ISO code."""
    by_label = {v: k for k, v in CURRENCY_LABELS.items()}
    return by_label.get(label.strip(), label.strip().upper())


def _one_currency(
    orders: pl.LazyFrame, requested: str | None, default_label: str
) -> tuple[pl.LazyFrame, str]:
    """The lines of one currency and its label: money in two currencies is never added.

    Lines without a currency are in the shop's own (kunde.toml ``currency``, kr.).
    With several currencies: ``requested``, else the one with the most lines, and a
    warning naming the others.
    """
    import polars as pl

    from kunde_cli import schema as s
    from kunde_cli.render.terminal import warn

    own = currency_code(default_label)
    code = pl.coalesce(pl.col(s.CURRENCY), pl.lit(own))
    counts = (
        orders.group_by(code.alias("code"))
        .agg(pl.len().alias("lines"))
        .sort(["lines", "code"], descending=[True, False])
        .collect()
    )
    codes = counts.get_column("code").to_list()
    wanted = requested.strip().upper() if requested else None
    if wanted is not None and codes and wanted not in codes:
        raise ConfigError(
            f"--currency {requested}: the data holds no orders in {wanted}",
            hint="currencies in the data: " + _currency_list(counts),
        )
    if len(codes) <= 1 and wanted is None:
        chosen = codes[0] if codes else own
        return orders, CURRENCY_LABELS.get(chosen, chosen) if chosen != own else default_label
    chosen = wanted or codes[0]
    if wanted is None:
        warn(
            f"the data holds several currencies ({_currency_list(counts)}); "
            f"showing {chosen} only, never added together: choose with --currency "
            + " or --currency ".join(c for c in codes if c != chosen)
        )
    label = CURRENCY_LABELS.get(chosen, chosen) if chosen != own else default_label
    return orders.filter(code == chosen), label


def _has_amounts(orders: pl.LazyFrame) -> bool:
    """False for a purchase log without money (every amount empty)."""
    import polars as pl

    from kunde_cli import schema as s

    return bool(orders.select(pl.col(s.AMOUNT).is_not_null().any()).collect().item())


def _currency_list(counts: pl.DataFrame) -> str:
    return ", ".join(f"{c} ({n} lines)" for c, n in counts.rows())


def _overlaid(results: list[Any], *, quiet: bool, lang: str) -> Any:
    """Order lines of exports read directly, laid over each other as ``kunde ingest``
    would store them (see :mod:`kunde_cli.store.overlap`): a later file's version of an
    order wins, another system's order numbers are kept apart, and an order number
    taken by another order is left out with a warning."""
    import polars as pl

    from kunde_cli import schema as s
    from kunde_cli.render.terminal import warn
    from kunde_cli.store import export_time
    from kunde_cli.store.overlap import (
        apart_by_source,
        compare_orders,
        first_of_each_line,
        source_name,
        without_orders,
    )

    combined = s.empty_orders()
    sources: list[str | None] = []
    for result in results:
        source = source_name(None, result.details().get("preset"))
        overlap = compare_orders(
            first_of_each_line(result.frame), combined.lazy(), source, export_time(result.path)
        )
        if overlap.collision_orders and not quiet:
            warn(
                f"{result.path}: {overlap.collision_orders} ordrenumre bruges allerede af andre "
                "ordrer (anden kunde eller dato) i filerne før den; de linjer er udeladt "
                "(indlæs filerne med --source NAVN for at holde dem adskilt)"
                if lang == "da"
                else f"{result.path}: {overlap.collision_orders} order numbers are already used "
                "by other orders (another customer or date) in the files before it; those "
                "lines are left out (ingest the files with --source NAME to keep them apart)"
            )
        combined = pl.concat(
            [without_orders(combined, overlap.replaced, source), overlap.fresh.cast(s.ORDERS)]
        )
        if overlap.fresh.height and source not in sources:
            sources.append(source)
    return apart_by_source(combined.lazy(), sources)


def _answers_overlaid(results: list[Any]) -> Any:
    """Survey answers of exports read directly, laid over each other as ``kunde
    ingest`` would store them: an answer in two exports counts once, an edited one in
    its later version (see :func:`kunde_cli.store.overlap.compare_answers`)."""
    import polars as pl

    from kunde_cli import schema as s
    from kunde_cli.ingest.survey import UNIQUE_ID_LAYOUTS
    from kunde_cli.store.overlap import compare_answers

    combined = pl.DataFrame(schema=s.SURVEY)
    for result in results:
        answers = compare_answers(
            result.frame,
            combined.lazy(),
            unique_ids=result.details().get("layout") in UNIQUE_ID_LAYOUTS,
        )
        gone = answers.replaced.get_column(s.RESPONSE_ID)
        combined = pl.concat(
            [combined.filter(~pl.col(s.RESPONSE_ID).is_in(gone.implode())), answers.fresh]
        )
    return combined.lazy()


def _record_outputs(workspace: Path) -> None:
    """Note every file the running command writes (``-o``, ``--calls``, a report) in
    the workspace's record of what it wrote, which ``kunde forget`` reads back
    (:mod:`kunde_cli.store.written`), under the command's name, until the command
    ends. stdout and files written from exports read directly are not recorded."""
    from kunde_cli.render.formats import on_files_written
    from kunde_cli.store.written import record

    ctx = _command_context()
    if ctx is None:  # not run as a command: nothing to record
        return
    command = ctx.info_name or "kunde"

    def hook(paths: list[Path]) -> None:
        if _command_context() is ctx:
            record(workspace, command, paths)

    ctx.call_on_close(on_files_written(hook))


def open_workspace(path: Path) -> Any:
    """The workspace at ``path``, with the builder of its orders and customers tables
    (every write keeps them in step with the lines)."""
    from kunde_cli.analytics.tables import TABLE_RULES
    from kunde_cli.store import Workspace

    return Workspace(path, tables=TABLE_RULES)


def _upgrade(ws: Any, language: str, *, quiet: bool) -> None:
    """Build the tables of a workspace written before they existed, once, and say so.
    When that cannot be done now (a read-only folder, another run writing), the
    analyses read the lines instead: the same answers, more slowly."""
    from kunde_cli.render.terminal import note

    try:
        upgraded = ws.upgrade()
    except WorkspaceError as err:
        if not quiet:
            note(
                f"arbejdsområdet kunne ikke opdateres til det nye format ({err.message}); "
                "svarene regnes fra ordrelinjerne, som før"
                if language == "da"
                else f"the workspace could not be brought to the new format ({err.message}); "
                "the answers are computed from the order lines, as before"
            )
        return
    if upgraded == "format" and not quiet:
        note(
            f"Arbejdsområdet {ws.path} er opdateret til kundes nye format (ordre- og "
            "kundetabeller ved siden af ordrelinjerne); det sker kun én gang"
            if language == "da"
            else f"the workspace {ws.path} was brought to kunde's new format (orders and "
            "customers tables beside the order lines); this happens once"
        )
    elif upgraded and not quiet:
        note(
            f"Ordre- og kundetabellerne i {ws.path} manglede eller kunne ikke læses; de er "
            "bygget igen ud fra ordrelinjerne"
            if language == "da"
            else f"the orders and customers tables in {ws.path} were missing or could not "
            "be read; they were built again from the order lines"
        )


def _command_context() -> Any:
    """The running command's click context, or None (Typer carries its own click)."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # Typer before it vendored click
        try:
            from click import get_current_context
        except ImportError:
            return None
    return get_current_context(silent=True)


def resolve_lang(lang: str | None, config: Config) -> str:
    """--lang wins over kunde.toml; da is the default."""
    chosen = (lang or config.lang or "da").lower()
    if chosen not in ("da", "en"):
        raise ConfigError(f"--lang must be da or en, not '{lang}'")
    return chosen


def load(
    files: list[Path] | None,
    workspace: Path,
    *,
    as_of: datetime | date | None = None,
    lang: str | None = None,
    config_path: Path | None = None,
    sheet: str | None = None,
    preset: str | None = None,
    mapping: list[str] | None = None,
    dayfirst: bool | None = None,
    columns: str | None = None,
    currency: str | None = None,
    need_orders: bool = True,
    quiet: bool = False,
    allow_future: bool = False,
    read_once: bool = False,
) -> Loaded:
    """Load orders from ``files`` (read directly) or else from the workspace.

    Lines read from files are collected once (the read is a long lazy pipeline); with
    ``read_once`` the workspace's lines are too when it has no stored tables, for
    commands that go back to the lines many times (report, profiles, export).

    Raises WorkspaceError when there is neither, with the command that fixes it.
    """
    import polars as pl

    from kunde_cli import schema as s
    from kunde_cli.analytics.orders import OrderBasis, default_as_of
    from kunde_cli.identity import resolve_customers
    from kunde_cli.ingest import ReadOptions, read_any
    from kunde_cli.store import Workspace

    config = load_config(config_path)
    options = ReadOptions(
        sheet=sheet,
        preset=preset,
        mapping={**config.mapping, **parse_mapping(mapping)},
        dayfirst=dayfirst,
        columns=columns,
        allow_future=allow_future,
    )
    survey: pl.LazyFrame | None = None
    ws: Workspace | None = None
    tables = None
    if files:
        order_frames, survey_frames = [], []
        for path in files:
            result = read_any(path, options)
            if result.kind == "survey":
                survey_frames.append(result)
            else:
                order_frames.append(result)
            if result.rejects.height:
                from kunde_cli.render.terminal import note

                note(
                    f"{path}: {result.rejects.height} rows could not be used (run `kunde inspect {path}` to see why)"
                )
        orders = resolve_customers(
            _overlaid(order_frames, quiet=quiet, lang=resolve_lang(lang, config))
        )
        if survey_frames:
            survey = _answers_overlaid(survey_frames)
    else:
        ws = open_workspace(workspace)
        if not ws.exists():
            raise WorkspaceError(
                f"no workspace at {workspace}",
                hint="read an export first: kunde ingest ordrer.csv (or give the file: kunde segment ordrer.csv)",
            )
        _upgrade(ws, resolve_lang(lang, config), quiet=quiet)
        orders = ws.scan_orders()
        survey = ws.scan_survey()
        tables = ws.read_tables()
        _record_outputs(workspace)
    from kunde_cli.ingest.statuses import with_status_classes

    if config.status:
        # kunde.toml reads some status words as another class: the stored tables
        # (built with the standard words) do not apply; the lines answer.
        tables = None
    orders = with_status_classes(orders, config.status)
    one, label = _one_currency(orders, currency, config.currency)
    if one is not orders:
        tables = None  # one currency of several: the lines of that currency answer
    orders = one
    config = replace(config, currency=label)
    resolved_as_of: date | None
    if as_of is not None:
        resolved_as_of = as_of.date() if isinstance(as_of, datetime) else as_of
    else:
        today = date.today()
        resolved_as_of = default_as_of(orders, today=today)
        if resolved_as_of == today and default_as_of(orders, today=date.max) != today:
            from kunde_cli.render.terminal import note

            # Orders dated after today (--allow-future): never analyse as of a date
            # that has not come, as a mistyped 2099 would make everyone "lost".
            note(
                f"Data har ordrer dateret efter i dag: analyseret pr. i dag ({today:%d-%m-%Y}); "
                "de senere ordrer tæller først, når deres dato er kommet"
                if resolve_lang(lang, config) == "da"
                else f"the data holds orders dated after today: analysed as of today "
                f"({today:%Y-%m-%d}); the later orders count once their date has come"
            )
        if resolved_as_of is None and survey is not None:
            latest = survey.select(pl.col(s.RESPONDED_AT).max()).collect().item()
            resolved_as_of = min(latest.date(), today) if latest is not None else None
    if resolved_as_of is None:
        if need_orders:
            raise WorkspaceError(
                "there are no orders to analyse",
                hint="check the export with `kunde inspect FILE`",
            )
        resolved_as_of = date.today()
    language = resolve_lang(lang, config)
    # Every command asks for the orders and per-customer summary of these lines more
    # than once (segments, tiers, ladder, lists): the basis builds each once, from the
    # stored tables when there are any. Without them, lines that a command goes back to
    # many times are read once.
    if files or (read_once and tables is None):
        orders = orders.collect().lazy()
    shared = OrderBasis.of(orders, as_of=resolved_as_of, tables=tables)
    if need_orders and not quiet:
        from kunde_cli.analytics.orders import order_overview
        from kunde_cli.render.counting import counted_sentence
        from kunde_cli.render.terminal import note

        # Say what the numbers below count and what they leave out.
        overview = order_overview(shared, as_of=resolved_as_of, by_document=False)
        note(counted_sentence(overview, language, config.currency))
        # Only a shop with no money at all can be a log without amounts: look then.
        no_money = overview.revenue == 0 and not overview.credit_notes
        if overview.purchases and no_money and not _has_amounts(shared.lines):
            from kunde_cli.render.terminal import warn

            warn(
                "dataene har ingen beløb (kun kunde og dato): køb, dage siden køb, stigen og "
                "churn virker; omsætning, ordreværdi og CLV er 0, fordi der ikke er noget at regne på"
                if language == "da"
                else "the data has no amounts (customer and date only): purchases, recency, "
                "the ladder and churn work; revenue, order value and CLV are 0, as there is "
                "nothing to compute them from"
            )
    return Loaded(
        orders=shared,
        survey=survey,
        as_of=resolved_as_of,
        config=config,
        lang=language,
        workspace=ws,
    )
