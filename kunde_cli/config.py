"""kunde.toml: column mappings, thresholds, language and currency.

Looked up in the current directory (or given with ``--config``). Every field has a
default, so the file is optional. Example::

    lang = "da"

    [mapping]
    amount = "Total inkl. moms"
    order_date = "Betalt"

    [status]                 # status words kunde does not know, and what they mean
    "afhentet i butik" = "completed"
    "venter lager" = "pending"

    [rfm]
    frequency_breaks = [1, 2, 3, 4, 6]   # lower bounds of F1..F5

    [ladder]
    loyal_min_orders = 4

    [churn]
    k = 2.0
    floor_days = 60

    [data]
    stale_after_days = 14    # warn when the newest order is older (0: never)

    [profit]                 # profit CLV: a line's cost, else its category's margin, else this
    margin = 0.35
    vat = 0.25               # the amounts include 25 % VAT (moms); costs never do
    [profit.margin_by_category]
    "Kaffe" = 0.40
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (pyproject.toml's tomli dependency)
    import tomli as tomllib

from kunde_cli.errors import ConfigError
from kunde_cli.words.lang import DEFAULT_LANG, LANGS
from kunde_cli.words.said import Said, Text, said

CONFIG_FILE = "kunde.toml"

#: The R×F grid (analytics/rfm.py): for each R score, the segment for F = 1..5.
DEFAULT_SEGMENT_GRID: dict[int, tuple[str, str, str, str, str]] = {
    5: ("new", "potential_loyalist", "potential_loyalist", "champion", "champion"),
    4: ("promising", "potential_loyalist", "potential_loyalist", "loyal", "loyal"),
    3: ("about_to_sleep", "about_to_sleep", "needs_attention", "loyal", "loyal"),
    2: ("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"),
    1: ("lost", "lost", "at_risk", "at_risk", "cant_lose"),
}


@dataclass(frozen=True)
class RfmConfig:
    """RFM scoring settings."""

    #: Lower bounds (orders) of F1..F5 when quintiles cannot split frequency.
    frequency_breaks: tuple[int, int, int, int, int] = (1, 2, 3, 4, 6)
    grid: dict[int, tuple[str, str, str, str, str]] = field(
        default_factory=lambda: dict(DEFAULT_SEGMENT_GRID)
    )


@dataclass(frozen=True)
class LadderConfig:
    """Loyalty ladder thresholds."""

    loyal_min_orders: int = 4
    returning_min_orders: int = 2
    ambassador_min_score: int = 9


@dataclass(frozen=True)
class ChurnConfig:
    """Rule-based inactivity tiers (the rules live in analytics/churn.py).

    threshold = max(floor_days, k × usual gap between orders). A customer is *active*
    while days since the last order ≤ cooling_factor × usual gap, *cooling* from
    then up to the threshold, *inactive* past the threshold and *lost* past
    lost_factor × threshold.
    """

    k: float = 2.0
    floor_days: int = 60
    #: Percentile of days-to-second-order used as the usual gap of one-order customers.
    one_order_quantile: float = 0.8
    #: Overdue (cooling) once days since last order exceed this × the usual gap.
    cooling_factor: float = 1.0
    #: Lost once days since last order exceed this × the threshold.
    lost_factor: float = 2.0


@dataclass(frozen=True)
class DataConfig:
    """How old the data may be before kunde says so."""

    #: A warning (stderr, also under --quiet) when the newest order is more than this many
    #: days before the as-of date given (--as-of, --to), else before today: an export
    #: that stopped being refreshed. 0 never warns.
    stale_after_days: int = 14


@dataclass(frozen=True)
class ProfitConfig:
    """Margins for profit CLV (kunde_cli.analytics.profit): a line with a cost uses it,
    else its category's margin, else the shop's. Nothing set: revenue only."""

    #: The shop's margin (0–1): profit = amount × margin for lines without a cost.
    margin: float | None = None
    #: Category (as written in the data, any case) → its margin (0–1).
    margin_by_category: dict[str, float] = field(default_factory=dict)
    #: The VAT rate the export's amounts include (0.25: Danish moms), taken off before
    #: the cost or the margin (costs and margins are without VAT). 0: amounts as they are.
    vat: float = 0.0

    @property
    def given(self) -> bool:
        """True when kunde.toml sets a margin."""
        return self.margin is not None or bool(self.margin_by_category)


@dataclass(frozen=True)
class Config:
    """Everything kunde.toml can set."""

    lang: str = DEFAULT_LANG
    currency: str = "kr."
    mapping: dict[str, str] = field(default_factory=dict)
    #: Status word (any case) → class (completed, pending, cancelled, failed, refunded,
    #: partially_refunded, credit_note); wins over kunde's own words.
    status: dict[str, str] = field(default_factory=dict)
    rfm: RfmConfig = field(default_factory=RfmConfig)
    ladder: LadderConfig = field(default_factory=LadderConfig)
    churn: ChurnConfig = field(default_factory=ChurnConfig)
    data: DataConfig = field(default_factory=DataConfig)
    profit: ProfitConfig = field(default_factory=ProfitConfig)
    source: str | None = None


#: The range each numeric setting must lie in: (low, low included, high, high included,
#: what it means). The same limits the analyses check (analytics/churn.py, ladder.py).
RANGES: dict[tuple[str, str], tuple[float | None, bool, float | None, bool]] = {
    ("churn", "k"): (0, False, None, False),
    ("churn", "floor_days"): (1, True, None, False),
    ("churn", "one_order_quantile"): (0, False, 1, True),
    ("churn", "cooling_factor"): (0, False, None, False),
    ("churn", "lost_factor"): (1, False, None, False),
    ("ladder", "loyal_min_orders"): (2, True, None, False),
    ("ladder", "returning_min_orders"): (2, True, None, False),
    ("ladder", "ambassador_min_score"): (0, True, 10, True),
    ("data", "stale_after_days"): (0, True, None, False),
}


def _shown(value: Any) -> str:
    """A value as it was written in kunde.toml: "abc", nan, true, [1, 2]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return str(value)


def _range_text(low: float | None, low_in: bool, high: float | None, high_in: bool) -> Said | None:
    """The range a setting must lie in, said (None when it has none)."""
    if low is not None and high is not None:
        if low_in and high_in:
            return said("config_range_from_to", low=f"{low:g}", high=f"{high:g}")
        key = "config_range_above_at_most" if high_in else "config_range_from_below"
        return said(key, low=f"{low:g}", high=f"{high:g}")
    if low is not None:
        key = "config_range_at_least" if low_in else "config_range_above"
        return said(key, low=f"{low:g}")
    return None


def _checked_value(name: str, key: str, value: Any, default: Any, path: Path) -> Any:
    """``value`` of ``[name] key`` when it has the type of ``default`` and lies in its range;
    else a ConfigError naming the key, the value and what it must be."""

    written = value

    def refuse(what: Said) -> ConfigError:
        return ConfigError(
            said("config_value_must_be", name=name, setting=key, shown=_shown(written), what=what),
            path=path,
            hint=said("config_default_is", setting=key, shown=_shown(default)),
        )

    def kind(plain: str, within: str) -> Said:
        """``plain`` (a number) or ``within`` its limits, when it has any."""
        return said(within, limits=limits) if limits is not None else said(plain)

    low, low_in, high, high_in = RANGES.get((name, key), (None, False, None, False))
    limits = _range_text(low, low_in, high, high_in)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise refuse(said("config_true_false"))
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise refuse(kind("config_whole_number", "config_whole_number_in"))
    elif isinstance(default, float):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise refuse(kind("config_number", "config_number_in"))
        value = float(value)
    elif isinstance(default, str):
        if not isinstance(value, str):
            raise refuse(said("config_text"))
        return value
    else:
        return value
    too_low = low is not None and (value < low if low_in else value <= low)
    too_high = high is not None and (value > high if high_in else value >= high)
    if too_low or too_high:
        whole = isinstance(default, int)
        raise refuse(said("config_whole_number_in" if whole else "config_number_in", limits=limits))
    return value


def _section(cls: type, data: Any, path: Path, name: str) -> Any:
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(said("config_not_a_table", name=name), path=path)
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            said("config_unknown_keys_in", name=name, keys=", ".join(unknown)),
            path=path,
            hint=said("config_known_keys", keys=", ".join(sorted(known))),
        )
    defaults = cls()
    values = dict(data)
    for key, value in values.items():
        if name == "rfm" and key == "frequency_breaks":
            values[key] = _frequency_breaks(value, path)
        elif not (name == "rfm" and key == "grid"):
            values[key] = _checked_value(name, key, value, getattr(defaults, key), path)
    if name == "rfm" and "grid" in values:
        values["grid"] = _parse_grid(data["grid"], path)
    section = cls(**values)
    if name == "ladder" and section.returning_min_orders > section.loyal_min_orders:
        raise ConfigError(
            said(
                "config_ladder_order",
                returning=section.returning_min_orders,
                loyal=section.loyal_min_orders,
            ),
            path=path,
            hint=said("config_ladder_order_hint"),
        )
    return section


def _profit(data: Any, path: Path) -> ProfitConfig:
    """``[profit]``: ``margin`` and ``[profit.margin_by_category]``, each a number 0–1."""
    if data is None:
        return ProfitConfig()
    if not isinstance(data, dict):
        raise ConfigError(said("config_not_a_table", name="profit"), path=path)
    known = {f.name for f in fields(ProfitConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            said("config_unknown_keys_in", name="profit", keys=", ".join(unknown)),
            path=path,
            hint=said("config_known_keys", keys=", ".join(sorted(known))),
        )

    def checked(setting: str, value: Any) -> float:
        ok = (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and math.isfinite(value)
            and 0 <= value <= 1
        )
        if not ok:
            raise ConfigError(
                said(
                    "config_value_must_be",
                    name="profit",
                    setting=setting,
                    shown=_shown(value),
                    what=said("config_number_in", limits=_range_text(0, True, 1, True)),
                ),
                path=path,
                hint=said("profit_config_margin_hint"),
            )
        return float(value)

    margin = checked("margin", data["margin"]) if "margin" in data else None
    vat = checked("vat", data["vat"]) if "vat" in data else 0.0
    by_category = data.get("margin_by_category", {})
    if not isinstance(by_category, dict):
        raise ConfigError(said("config_not_a_table", name="profit.margin_by_category"), path=path)
    categories = {
        str(name): checked(f"margin_by_category.{_shown(str(name))}", value)
        for name, value in by_category.items()
    }
    # Names are compared trimmed and in any case (analytics.profit): one category
    # spelled twice with two margins would leave one unused without a word.
    seen: dict[str, str] = {}
    for name, value in categories.items():
        key = name.strip().lower()
        if key in seen and categories[seen[key]] != value:
            raise ConfigError(
                said("profit_config_same_category", first=seen[key], second=name), path=path
            )
        seen.setdefault(key, name)
    return ProfitConfig(margin=margin, margin_by_category=categories, vat=vat)


def _frequency_breaks(value: Any, path: Path) -> tuple[int, ...]:
    """``[rfm] frequency_breaks``: five increasing whole numbers from 1."""
    ok = (
        isinstance(value, list)
        and len(value) == 5
        and all(isinstance(b, int) and not isinstance(b, bool) for b in value)
        and value[0] >= 1
        and all(b < c for b, c in itertools.pairwise(value))
    )
    if not ok:
        raise ConfigError(
            said("config_frequency_breaks", shown=_shown(value)),
            path=path,
            hint=said("config_frequency_breaks_hint"),
        )
    return tuple(value)


def _parse_grid(raw: Any, path: Path) -> dict[int, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise ConfigError(said("config_grid_shape"), path=path)
    grid: dict[int, tuple[str, ...]] = dict(DEFAULT_SEGMENT_GRID)
    for key, row in raw.items():
        digits = str(key).lstrip("rR")
        r = int(digits) if digits.isdigit() else 0
        if r not in range(1, 6) or not isinstance(row, list) or len(row) != 5:
            raise ConfigError(said("config_grid_row", setting=key), path=path)
        grid[r] = tuple(str(s) for s in row)
    return grid


def load_config(path: Path | None = None) -> Config:
    """Read kunde.toml (``path``, or ./kunde.toml when it exists) into a Config."""
    if path is None:
        path = Path(CONFIG_FILE)
        if not path.is_file():
            return Config()
    elif not path.is_file():
        raise ConfigError(said("config_not_found"), path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(said("config_not_toml", detail=str(exc)), path=path) from None
    try:
        return _read(data, path)
    except ConfigError as err:
        # The file's own language, when it names one, words its mistakes (after
        # --lang and $KUNDE_LANG, as for everything else: cli.main.run_lang).
        lang = data.get("lang")
        raise ConfigFileError(
            err.said,
            path=err.path,
            hint=err.hint,
            file_lang=lang if lang in LANGS else None,
        ) from None


class ConfigFileError(ConfigError):
    """A mistake in kunde.toml, with the language the file chose (None when it chose
    none, or that is the mistake)."""

    def __init__(
        self, message: Text, *, path: str | None, hint: Text | None, file_lang: str | None
    ) -> None:
        super().__init__(message, path=path, hint=hint)
        self.file_lang = file_lang


def _read(data: dict[str, Any], path: Path) -> Config:
    """The Config that kunde.toml's parsed ``data`` sets, or ConfigError."""
    known = {f.name for f in fields(Config)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(said("config_unknown_keys", keys=", ".join(unknown)), path=path)
    mapping = data.get("mapping", {})
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ConfigError(said("config_mapping_shape"), path=path)
    status = data.get("status", {})
    if not isinstance(status, dict) or not all(isinstance(v, str) for v in status.values()):
        raise ConfigError(said("config_status_shape"), path=path)
    from kunde_cli.schema import STATUS_CLASSES as CLASSES
    from kunde_cli.schema import UNKNOWN

    wrong = [
        f"{word} = {cls}" for word, cls in status.items() if cls not in CLASSES or cls == UNKNOWN
    ]
    if wrong:
        raise ConfigError(
            said("config_status_class", given=wrong[0]),
            path=path,
            hint=said(
                "config_status_classes", classes=", ".join(c for c in CLASSES if c != UNKNOWN)
            ),
        )
    lang = data.get("lang", DEFAULT_LANG)
    if lang not in LANGS:
        raise ConfigError(said("config_lang", shown=_shown(lang)), path=path)
    currency = data.get("currency", "kr.")
    if not isinstance(currency, str) or not currency.strip():
        raise ConfigError(said("config_currency", shown=_shown(currency)), path=path)
    return replace(
        Config(),
        lang=lang,
        currency=currency,
        mapping=dict(mapping),
        status={str(word).strip().lower(): cls for word, cls in status.items()},
        rfm=_section(RfmConfig, data.get("rfm"), path, "rfm"),
        ladder=_section(LadderConfig, data.get("ladder"), path, "ladder"),
        churn=_section(ChurnConfig, data.get("churn"), path, "churn"),
        data=_section(DataConfig, data.get("data"), path, "data"),
        profit=_profit(data.get("profit"), path),
        source=str(path),
    )
