"""Loading: orders (and survey answers) from exports read directly or from the
workspace, at one as-of date, in one currency, with the config and language.

Every analysis starts here. Nothing is printed: what a person should hear (rows that
could not be used, a workspace brought to a new format, orders dated after today) is
added to a :class:`~kunde_cli.app.notes.Notes` and returned with the data, and what
the numbers count is returned as a fact (``Loaded.counted``) for the caller to phrase.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kunde_cli.app.notes import Note, Notes
from kunde_cli.config import Config, load_config
from kunde_cli.errors import ConfigError, WorkspaceError
from kunde_cli.words.lang import DEFAULT_LANG, LANG_ENV, LANGS
from kunde_cli.words.said import said

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.analytics.orders import OrderBasis, Overview
    from kunde_cli.store import Workspace


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
    #: What loading said, in order (rows left out, a workspace upgraded, …).
    notes: tuple[Note, ...] = ()
    #: What the numbers count and leave out (None when not asked for: ``quiet``).
    counted: Overview | None = None
    #: True for a purchase log without money (every amount empty).
    no_amounts: bool = False

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
            raise ConfigError(said("loading_bad_map", item=item))
        mapping[field.strip()] = column.strip().strip('"')
    return mapping


def resolve_lang(lang: str | None, config: Config) -> str:
    """The run's language: ``--lang``, else ``$KUNDE_LANG``, else ``lang`` in kunde.toml,
    else da."""
    given, named = (lang, "--lang") if lang else (os.environ.get(LANG_ENV), LANG_ENV)
    chosen = (given or config.lang or DEFAULT_LANG).strip().lower()
    if chosen not in LANGS:
        raise ConfigError(said("lang_unknown", option=named, value=given))
    return chosen


def file_overview(
    result: Any,
    config: Config,
    identity: pl.DataFrame | None = None,
    *,
    notes: Notes | None = None,
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
    one, label = one_currency(lines, None, config.currency, notes=notes)
    if len(every.currencies) <= 1:
        return every, label
    return with_fields(order_overview(one), currencies=every.currencies), label


#: How money in each currency is labelled (the Danish shop's own: "kr.").
CURRENCY_LABELS = {"DKK": "kr.", "EUR": "€", "USD": "$", "GBP": "£"}


def currency_code(label: str) -> str:
    """kunde.toml's ``currency`` ("kr.", "€", "EUR") as an ISO code."""
    by_label = {v: k for k, v in CURRENCY_LABELS.items()}
    return by_label.get(label.strip(), label.strip().upper())


def one_currency(
    orders: pl.LazyFrame,
    requested: str | None,
    default_label: str,
    *,
    notes: Notes | None = None,
) -> tuple[pl.LazyFrame, str]:
    """The lines of one currency and its label: money in two currencies is never added.

    Lines without a currency are in the shop's own (kunde.toml ``currency``, kr.).
    With several currencies: ``requested``, else the one with the most lines, and a
    warning naming the others (added to ``notes``).
    """
    import polars as pl

    from kunde_cli import schema as s

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
            said("loading_currency_absent", given=requested, code=wanted),
            hint=said("loading_currency_absent_hint", counts=_currency_list(counts)),
        )
    if len(codes) <= 1 and wanted is None:
        chosen = codes[0] if codes else own
        return orders, CURRENCY_LABELS.get(chosen, chosen) if chosen != own else default_label
    chosen = wanted or codes[0]
    if wanted is None and notes is not None:
        notes.warn(
            said(
                "loading_several_currencies",
                counts=_currency_list(counts),
                chosen=chosen,
                choices=", ".join(f"--currency {c}" for c in codes if c != chosen),
            )
        )
    label = CURRENCY_LABELS.get(chosen, chosen) if chosen != own else default_label
    return orders.filter(code == chosen), label


def _has_amounts(orders: pl.LazyFrame) -> bool:
    """False for a purchase log without money (every amount empty)."""
    import polars as pl

    from kunde_cli import schema as s

    return bool(orders.select(pl.col(s.AMOUNT).is_not_null().any()).collect().item())


def _currency_list(counts: pl.DataFrame) -> str:
    """Lines per currency, most first: ``DKK 4, EUR 3``."""
    return ", ".join(f"{c} {n}" for c, n in counts.rows())


def _overlaid(orders: list[Any], surveys: list[Any], *, quiet: bool, notes: Notes) -> Any:
    """Exports read directly, laid over each other by the path ``kunde ingest`` takes
    (:class:`kunde_cli.store.overlap.Overlay`): a later file's version of an order
    wins, another system's order numbers are kept apart, an order number taken by
    another order is left out with a warning, an answer in two exports counts once (an
    edited one in its later version), and customers are resolved as the workspace
    resolves them."""
    from kunde_cli.store import export_time
    from kunde_cli.store.overlap import Overlay, source_name

    overlay = Overlay()
    for result in orders:
        source = source_name(None, result.details().get("preset"))
        overlap = overlay.add_orders(result.frame, source, export_time(result.path))
        if overlap.collision_orders and not quiet:
            notes.warn(said("loading_collisions", path=result.path, n=overlap.collision_orders))
    for result in surveys:
        overlay.add_answers(result.frame, result.details().get("layout"))
    return overlay


def open_workspace(path: Path) -> Workspace:
    """The workspace at ``path``, with the builder of its orders and customers tables
    (every write keeps them in step with the lines)."""
    from kunde_cli.analytics.tables import TABLE_RULES
    from kunde_cli.store import Workspace

    return Workspace(path, tables=TABLE_RULES)


def _upgrade(ws: Any, *, quiet: bool, notes: Notes) -> None:
    """Build the tables of a workspace written before they existed, once, and say so.
    When that cannot be done now (a read-only folder, another run writing), the
    analyses read the lines instead: the same answers, more slowly."""
    try:
        upgraded = ws.upgrade()
    except WorkspaceError as err:
        if not quiet:
            notes.note(said("loading_upgrade_failed", reason=err.said))
        return
    if upgraded == "format" and not quiet:
        notes.note(said("loading_upgraded", path=ws.path))
    elif upgraded and not quiet:
        notes.note(said("loading_tables_rebuilt", path=ws.path))


def load(
    files: list[Path] | None = None,
    workspace: Path = Path("kunde-data"),
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
    notes: Notes | None = None,
    date_from: datetime | date | None = None,
    date_to: datetime | date | None = None,
    today: date | None = None,
) -> Loaded:
    """Load orders from ``files`` (read directly) or else from the workspace.

    Lines read from files are collected once (the read is a long lazy pipeline); with
    ``read_once`` the workspace's lines are too when it has no stored tables, for
    commands that go back to the lines many times (report, profiles, export).
    ``quiet`` leaves out the notes on what was counted (and ``Loaded.counted``).
    ``date_from``/``date_to`` leave out orders (and survey answers) dated before/after
    them; ``date_to`` is the as-of date too (with ``as_of`` it must be the same day).
    A warning says when the newest order is more than kunde.toml's ``[data]
    stale_after_days`` before the as-of date given, or before ``today`` when none is
    (``today`` defaults to the computer's date).
    Notes are added to ``notes`` as they are said (pass one with a listener to hear
    them at once) and returned in ``Loaded.notes``.

    Raises WorkspaceError when there is neither, with the command that fixes it.
    """
    import polars as pl

    from kunde_cli import schema as s
    from kunde_cli.analytics.orders import OrderBasis, default_as_of
    from kunde_cli.ingest import ReadOptions, read_any

    told = notes if notes is not None else Notes()
    config = load_config(config_path)
    told.lang = resolve_lang(lang, config)
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
                told.note(said("loading_unusable_rows", path=path, n=result.rejects.height))
        overlay = _overlaid(order_frames, survey_frames, quiet=quiet, notes=told)
        orders = overlay.orders()
        survey = overlay.survey()
    else:
        ws = open_workspace(workspace)
        if not ws.exists():
            raise WorkspaceError(
                said("loading_no_workspace", path=workspace),
                hint=said("loading_no_workspace_hint"),
            )
        _upgrade(ws, quiet=quiet, notes=told)
        orders = ws.scan_orders()
        survey = ws.scan_survey()
        tables = ws.read_tables()
    from kunde_cli.ingest.statuses import with_status_classes

    if config.status:
        # kunde.toml reads some status words as another class: the stored tables
        # (built with the standard words) do not apply; the lines answer.
        tables = None
    orders = with_status_classes(orders, config.status)
    one, label = one_currency(orders, currency, config.currency, notes=told)
    if one is not orders:
        tables = None  # one currency of several: the lines of that currency answer
    orders = one
    config = replace(config, currency=label)
    today = today or date.today()
    start, end = _day(date_from), _day(date_to)
    given_as_of = _day(as_of)
    if end is not None and given_as_of is not None and end != given_as_of:
        raise ConfigError(
            said("options_to_as_of_differ", to=end.isoformat(), as_of=given_as_of.isoformat()),
            hint=said("options_to_as_of_differ_hint"),
        )
    given_as_of = given_as_of or end
    if start is not None:
        # A window's start: the analysis sees only what happened from it (the stored
        # tables hold every order: the lines answer).
        orders = orders.filter(pl.col(s.ORDER_DATE).cast(pl.Date) >= start)
        tables = None
        if survey is not None:
            survey = survey.filter(pl.col(s.RESPONDED_AT).cast(pl.Date) >= start)
    if end is not None and survey is not None:
        survey = survey.filter(pl.col(s.RESPONDED_AT).cast(pl.Date) <= end)
    _say_data_age(orders, given_as_of, today, config, notes=told)
    resolved_as_of: date | None
    if given_as_of is not None:
        resolved_as_of = given_as_of
    else:
        resolved_as_of = default_as_of(orders, today=today)
        if resolved_as_of == today and default_as_of(orders, today=date.max) != today:
            # Orders dated after today (--allow-future): never analyse as of a date
            # that has not come, as a mistyped 2099 would make everyone "lost".
            told.note(said("loading_future_orders", today=today))
        if resolved_as_of is None and survey is not None:
            latest = survey.select(pl.col(s.RESPONDED_AT).max()).collect().item()
            resolved_as_of = min(latest.date(), today) if latest is not None else None
    if resolved_as_of is None:
        if need_orders:
            raise WorkspaceError(said("loading_no_orders"), hint=said("loading_no_orders_hint"))
        resolved_as_of = date.today()
    language = told.lang
    # Every command asks for the orders and per-customer summary of these lines more
    # than once (segments, tiers, ladder, lists): the basis builds each once, from the
    # stored tables when there are any. Without them, lines that a command goes back to
    # many times are read once.
    if files or (read_once and tables is None):
        orders = orders.collect().lazy()
    shared = OrderBasis.of(orders, as_of=resolved_as_of, tables=tables)
    counted = None
    no_amounts = False
    if need_orders and not quiet:
        from kunde_cli.analytics.orders import order_overview

        # What the numbers below count and what they leave out.
        counted = order_overview(shared, as_of=resolved_as_of, by_document=False)
        # Only a shop with no money at all can be a log without amounts: look then.
        no_money = counted.revenue == 0 and not counted.credit_notes
        no_amounts = bool(counted.purchases and no_money and not _has_amounts(shared.lines))
    return Loaded(
        orders=shared,
        survey=survey,
        as_of=resolved_as_of,
        config=config,
        lang=language,
        workspace=ws,
        notes=told.as_tuple(),
        counted=counted,
        no_amounts=no_amounts,
    )


def _day(value: datetime | date | None) -> date | None:
    """A date option's day (None stays None)."""
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def _say_data_age(
    orders: pl.LazyFrame, as_of: date | None, today: date, config: Config, *, notes: Notes
) -> None:
    """Warn when the data ends well before the day analysed: more than kunde.toml's
    ``[data] stale_after_days`` (default 14; 0 never warns) before ``as_of`` when one
    is given (--as-of, --to: days since the last order count to it), else before
    ``today`` (an export no longer refreshed, read by cron day after day). Warnings
    show under --quiet too: they say the answer may be wrong."""
    import polars as pl

    from kunde_cli import schema as s

    limit = config.data.stale_after_days
    if not limit:
        return
    newest = _day(orders.select(pl.col(s.ORDER_DATE).max()).collect().item())
    if newest is None:
        return
    if as_of is not None:
        if (as_of - newest).days > limit:
            days = (as_of - newest).days
            notes.warn(said("loading_as_of_past_data", newest=newest, days=days, limit=limit))
    elif (today - newest).days > limit:
        days = (today - newest).days
        notes.warn(said("loading_stale_data", newest=newest, days=days, limit=limit))
