"""kunde.toml: column mappings, thresholds, language and currency.

Looked up in the current directory (or given with ``--config``). Every field has a
default, so the file is optional. Example::

    lang = "da"

    [mapping]
    amount = "Total inkl. moms"
    order_date = "Betalt"

    [status]                 # status words kunde does not know, and what they mean
    "afhentet i butik" = "completed"
    "venter på lager" = "pending"

    [rfm]
    frequency_breaks = [1, 2, 3, 4, 6]   # lower bounds of F1..F5

    [ladder]
    loyal_min_orders = 4

    [churn]
    k = 2.0
    floor_days = 60
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from kunde_cli.errors import ConfigError

CONFIG_FILE = "kunde.toml"

#: R×F grid from DESIGN.md: for each R score, the segment for F = 1..5.
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
    """Rule-based inactivity tiers (DESIGN.md; the rules live in analytics/churn.py).

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
class Config:
    """Everything kunde.toml can set."""

    lang: str = "da"
    currency: str = "kr."
    mapping: dict[str, str] = field(default_factory=dict)
    #: Status word (any case) → class (completed, pending, cancelled, failed, refunded,
    #: partially_refunded, credit_note); wins over kunde's own words.
    status: dict[str, str] = field(default_factory=dict)
    rfm: RfmConfig = field(default_factory=RfmConfig)
    ladder: LadderConfig = field(default_factory=LadderConfig)
    churn: ChurnConfig = field(default_factory=ChurnConfig)
    source: str | None = None


def _section(cls: type, data: Any, path: Path, name: str) -> Any:
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(f"[{name}] must be a table", path=path)
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"unknown key(s) in [{name}]: {', '.join(unknown)}",
            path=path,
            hint=f"known keys: {', '.join(sorted(known))}",
        )
    values = dict(data)
    for key, value in values.items():
        if isinstance(value, list):
            values[key] = tuple(value)
    if name == "rfm" and "grid" in values:
        values["grid"] = _parse_grid(data["grid"], path)
    try:
        return cls(**values)
    except TypeError as exc:  # pragma: no cover - dataclass signature mismatch
        raise ConfigError(f"invalid [{name}]: {exc}", path=path) from None


def _parse_grid(raw: Any, path: Path) -> dict[int, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise ConfigError("[rfm.grid] must map R scores to five segment names", path=path)
    grid: dict[int, tuple[str, ...]] = dict(DEFAULT_SEGMENT_GRID)
    for key, row in raw.items():
        r = int(str(key).lstrip("rR"))
        if r not in range(1, 6) or not isinstance(row, list) or len(row) != 5:
            raise ConfigError(
                f"[rfm.grid] {key} must be R1..R5 with five segment names (F1..F5)", path=path
            )
        grid[r] = tuple(str(s) for s in row)
    return grid


def load_config(path: Path | None = None) -> Config:
    """Read kunde.toml (``path``, or ./kunde.toml when it exists) into a Config."""
    if path is None:
        path = Path(CONFIG_FILE)
        if not path.is_file():
            return Config()
    elif not path.is_file():
        raise ConfigError("config file not found", path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=path) from None
    known = {f.name for f in fields(Config)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown key(s): {', '.join(unknown)}", path=path)
    mapping = data.get("mapping", {})
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ConfigError(
            '[mapping] must map canonical names to column headers, e.g. amount = "Total"', path=path
        )
    status = data.get("status", {})
    if not isinstance(status, dict) or not all(isinstance(v, str) for v in status.values()):
        raise ConfigError(
            '[status] must map status words to classes, e.g. "afhentet" = "completed"', path=path
        )
    from kunde_cli.ingest.statuses import CLASSES, UNKNOWN

    wrong = [
        f"{word} = {cls}" for word, cls in status.items() if cls not in CLASSES or cls == UNKNOWN
    ]
    if wrong:
        raise ConfigError(
            f"[status] {wrong[0]}: not a status class",
            path=path,
            hint="classes: " + ", ".join(c for c in CLASSES if c != UNKNOWN),
        )
    lang = str(data.get("lang", "da"))
    if lang not in ("da", "en"):
        raise ConfigError(f"lang must be 'da' or 'en', not '{lang}'", path=path)
    return replace(
        Config(),
        lang=lang,
        currency=str(data.get("currency", "kr.")),
        mapping=dict(mapping),
        status={str(word).strip().lower(): cls for word, cls in status.items()},
        rfm=_section(RfmConfig, data.get("rfm"), path, "rfm"),
        ladder=_section(LadderConfig, data.get("ladder"), path, "ladder"),
        churn=_section(ChurnConfig, data.get("churn"), path, "churn"),
        source=str(path),
    )
