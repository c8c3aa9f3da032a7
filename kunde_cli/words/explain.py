"""The rule sentences of ``kunde explain``, in da and en.

:func:`kunde_cli.analytics.explain.explain_customer` finds the facts (values, scores,
bands, thresholds, the rung and tier keys); these functions say them. Each sentence
ends in an arrow to what the rule gave: ``… → R=1``, ``… → førstegangskunde``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kunde_cli.words.actions import TIER_NAMES, rung_name, segment_action, segment_name
from kunde_cli.words.lang import DEFAULT_LANG, pick
from kunde_cli.words.numbers import format_money, format_number

__all__ = [
    "TEXTS",
    "activity_rule",
    "band_rule",
    "ladder_rule",
    "segment_rule",
    "worded_explanation",
]

_LETTER = {"recency_days": "R", "frequency": "F", "monetary": "M"}

#: The sentences of the rules: key -> (da, en), values in braces.
TEXTS: dict[str, tuple[str, str]] = {
    "unit_recency_days": ("dage", "days"),
    "unit_frequency": ("ordrer", "orders"),
    "what_recency_days": ("{n} dage siden sidste ordre", "{n} days since last order"),
    "what_frequency": ("{n} talte ordrer", "{n} counted orders"),
    "what_monetary": ("{n} omsætning", "{n} revenue"),
    "how_fixed": ("faste grænser: {score} = {band}", "fixed breaks: {score} = {band}"),
    "how_quintile": (
        "kvintiler: {score} dækker her {band}",
        "quintiles: {score} covers {band} here",
    ),
    "band": ("{what} → {letter}={n} ({how})", "{what} → {letter}={n} ({how})"),
    "no_segment": (
        "ingen talte ordrer, derfor intet RFM-segment",
        "no counted order, so no RFM segment",
    ),
    "segment": ("R={r} og F={f} → {name}", "R={r} and F={f} → {name}"),
    "orders": ("{n} talte ordrer", "{n} counted orders"),
    "rung_potential": (
        "kendt kontakt uden talt ordre → {name}",
        "known contact without a counted order → {name}",
    ),
    "rung_first_time": ("{orders} (< {returning}) → {name}", "{orders} (< {returning}) → {name}"),
    "rung_ambassador": (
        "{orders} (≥ {returning}) og seneste NPS-svar {latest} (≥ {score}) → {name}",
        "{orders} (≥ {returning}) and latest NPS answer {latest} (≥ {score}) → {name}",
    ),
    "rung_loyal": (
        "{orders} (≥ {loyal}) og ikke inaktiv → {name}",
        "{orders} (≥ {loyal}) and not inactive → {name}",
    ),
    "rung_inactive": (
        "{orders} (≥ {loyal}) men inaktiv ({tier}) → {name}, ikke loyal",
        "{orders} (≥ {loyal}) but inactive ({tier}) → {name}, not loyal",
    ),
    "rung_inactive_promoter": (
        "{orders} og seneste NPS-svar {latest} (≥ {score}), men inaktiv ({tier}) → {name}, "
        "ikke ambassadør",
        "{orders} and latest NPS answer {latest} (≥ {score}), but inactive ({tier}) → "
        "{name}, not ambassador",
    ),
    "rung_returning": (
        "{orders} (≥ {returning}, < {loyal}) → {name}",
        "{orders} (≥ {returning}, < {loyal}) → {name}",
    ),
    "recency": ("{n} dage siden sidste ordre", "{n} days since last order"),
    "usual_gap": (
        "plejer {n} dage mellem ordrer (median)",
        "usual gap {n} days between orders (median)",
    ),
    "gave": ("{text} → {tier}", "{text} → {tier}"),
}


def _say(key: str, lang: str, **values: object) -> str:
    return pick(TEXTS[key], lang).format(**values)


def _tier(tier: str | None, lang: str) -> str | None:
    """An activity tier's name in ``lang`` (a code kunde does not know stays as it is)."""
    if tier is None:
        return None
    names = TIER_NAMES.get(tier)
    return tier if names is None else pick(names, lang)


def band_rule(
    metric: str,
    value: float,
    score: int,
    lower: float | None,
    upper: float | None,
    method: str,
    lang: str = DEFAULT_LANG,
    currency: str = "kr.",
) -> str:
    """Why ``metric`` (recency_days | frequency | monetary) scored ``score``.

    ``method`` is ``fixed`` (fixed breaks) or ``quintile``; ``upper`` None is an open band.

    >>> band_rule("frequency", 1, 1, 1, 1, "fixed")
    '1 talte ordrer → F=1 (faste grænser: F1 = 1 ordrer)'
    >>> band_rule("recency_days", 1078, 1, 579, 1078, "quintile", "en")
    '1,078 days since last order → R=1 (quintiles: R1 covers 579–1,078 days here)'
    """
    letter = _LETTER[metric]

    def show(v: float) -> str:
        if metric == "monetary":
            return format_money(v, lang, currency, 2)
        return format_number(v, lang)

    unit = _say(f"unit_{metric}", lang) if metric != "monetary" else ""
    if upper is None:
        band = f"{show(lower or 0)}+ {unit}".strip()
    elif lower == upper:
        band = f"{show(upper)} {unit}".strip()
    else:
        band = f"{show(lower or 0)}–{show(upper)} {unit}".strip()
    shown = show(value) if metric == "monetary" else format_number(value, lang)
    what = _say(f"what_{metric}", lang, n=shown)
    how_key = "how_fixed" if method == "fixed" else "how_quintile"
    how = _say(how_key, lang, score=f"{letter}{score}", band=band)
    return _say("band", lang, what=what, letter=letter, n=score, how=how)


def segment_rule(
    r: int | None, f: int | None, segment: str | None, lang: str = DEFAULT_LANG
) -> str:
    """The grid cell that named the segment: ``R=1 og F=1 → tabt``.

    >>> segment_rule(2, 2, "hibernating", "en"), segment_rule(None, None, None)
    ('R=2 and F=2 → hibernating', 'ingen talte ordrer, derfor intet RFM-segment')
    """
    if segment is None or r is None or f is None:
        return _say("no_segment", lang)
    return _say("segment", lang, r=r, f=f, name=segment_name(segment, lang))


def ladder_rule(
    rung: str,
    orders: int,
    inactive: bool,
    tier: str | None,
    latest: int | None,
    *,
    returning_min_orders: int,
    loyal_min_orders: int,
    ambassador_min_score: int,
    lang: str = DEFAULT_LANG,
) -> str:
    """The ladder rule that placed ``rung``, with the thresholds of kunde.toml ``[ladder]``.

    >>> ladder_rule("first_time", 1, False, None, None, returning_min_orders=2,
    ...     loyal_min_orders=4, ambassador_min_score=9)
    '1 talte ordrer (< 2) → førstegangskunde'
    """
    if rung in ("potential", "first_time", "ambassador", "loyal"):
        key = f"rung_{rung}"
    elif inactive and latest is not None and latest >= ambassador_min_score:
        key = "rung_inactive_promoter"  # inactive rules out ambassador (analytics.ladder)
    elif orders >= loyal_min_orders and inactive:
        key = "rung_inactive"
    else:
        key = "rung_returning"
    return _say(
        key,
        lang,
        orders=_say("orders", lang, n=orders),
        returning=returning_min_orders,
        loyal=loyal_min_orders,
        latest=latest,
        score=ambassador_min_score,
        tier=_tier(tier, lang),
        name=rung_name(rung, lang),
    )


def activity_rule(
    recency: int | None, gap: float | None, tier: str | None, lang: str = DEFAULT_LANG
) -> str | None:
    """Days since the last order against the usual gap, and the activity tier they gave.

    >>> activity_rule(2, 13.0, "active")
    '2 dage siden sidste ordre; plejer 13 dage mellem ordrer (median) → aktiv'
    """
    if recency is None or (gap is None and tier is None):
        return None
    parts = [_say("recency", lang, n=recency)]
    if gap is not None:
        shown = format_number(gap, lang, 0 if float(gap).is_integer() else 1)
        parts.append(_say("usual_gap", lang, n=shown))
    text = "; ".join(parts)
    return _say("gave", lang, text=text, tier=_tier(tier, lang)) if tier else text


#: Facts of an explanation that only its rules use: said in the rule sentences, not shown.
_RULE_FACTS = frozenset(
    {"inactive", "returning_min_orders", "loyal_min_orders", "ambassador_min_score"}
)


def worded_explanation(
    facts: Mapping[str, Any], lang: str = DEFAULT_LANG, currency: str = "kr."
) -> dict[str, Any]:
    """An explanation's facts (``CustomerExplanation.to_dict()``) as ``kunde explain``
    shows them: each score band with its ``rule``, the segment with its ``segment_rule``
    and suggested ``action``, the rung with its ``ladder_rule`` and the usual gap with
    its ``activity_rule``, in ``lang``; the thresholds the rules name are said in them.

    >>> facts = {"orders": 1, "recency_days": 3, "scores": [], "segment": None,
    ...     "rung": "first_time", "latest_score": None, "tier": None, "usual_gap_days": None,
    ...     "inactive": False, "returning_min_orders": 2, "loyal_min_orders": 4,
    ...     "ambassador_min_score": 9}
    >>> shown = worded_explanation(facts, "en")
    >>> list(shown)
    ['orders', 'recency_days', 'scores', 'segment', 'segment_rule', 'action', 'rung', \
'ladder_rule', 'latest_score', 'tier', 'usual_gap_days', 'activity_rule']
    >>> shown["ladder_rule"]
    '1 counted orders (< 2) → first-time customer'
    """
    bands = list(facts["scores"])
    score = {band["metric"]: band["score"] for band in bands}
    segment = facts["segment"]
    tier = facts["tier"]
    rules: dict[str, dict[str, Any]] = {
        "segment": {
            "segment_rule": segment_rule(
                score.get("recency_days"), score.get("frequency"), segment, lang
            ),
            "action": segment_action(segment, lang) if segment else None,
        },
        "rung": {
            "ladder_rule": ladder_rule(
                facts["rung"],
                facts["orders"],
                bool(facts["inactive"]),
                tier,
                facts["latest_score"],
                returning_min_orders=facts["returning_min_orders"],
                loyal_min_orders=facts["loyal_min_orders"],
                ambassador_min_score=facts["ambassador_min_score"],
                lang=lang,
            )
        },
        "usual_gap_days": {
            "activity_rule": activity_rule(
                facts["recency_days"], facts["usual_gap_days"], tier, lang
            )
        },
    }
    shown: dict[str, Any] = {}
    for key, value in facts.items():
        if key in _RULE_FACTS:
            continue
        if key == "scores":
            value = [
                {
                    **band,
                    "rule": band_rule(
                        band["metric"],
                        band["value"],
                        band["score"],
                        band["lower"],
                        band["upper"],
                        band["method"],
                        lang,
                        currency,
                    ),
                }
                for band in bands
            ]
        shown[key] = value
        shown.update(rules.get(key, {}))
    return shown
