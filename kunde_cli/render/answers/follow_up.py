"""The follow-up section's words and tables (facts: :mod:`kunde_cli.app.answers.follow_up`).

A sentence with the open, contacted and resolved cases, a small table of them per
group (detractors, passives, total: five columns, so it stays a table on a phone), and
the themes as one row per NPS group with its most common words and the share of the
group's comments that mention each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kunde_cli.app.answers.follow_up import FollowUpFacts
    from kunde_cli.app.report import ReportData
    from kunde_cli.render.excel import SheetSpec


def part(facts: FollowUpFacts, data: ReportData) -> dict[str, Any] | None:
    """The section: counts of cases by status, and the themes per group."""
    import polars as pl

    from kunde_cli.render.html import table
    from kunde_cli.words.labels import label, say
    from kunde_cli.words.numbers import format_number, format_percent

    lg = data.lang
    sentences: list[str] = []
    tables = []
    if facts.counts is not None:
        detractors, passives, total = facts.counts.to_dicts()
        sentences.append(
            say(
                "fu_counts",
                lg,
                cases=format_number(total["cases"], lg),
                detractors=format_number(detractors["cases"], lg),
                passives=format_number(passives["cases"], lg),
                open=format_number(total["open"], lg),
                contacted=format_number(total["contacted"], lg),
                resolved=format_number(total["resolved"], lg),
            )
        )
        if facts.new:
            sentences.append(say("fu_counts_new", lg, n=format_number(facts.new, lg)))
        shown = facts.counts.with_columns(
            pl.col("nps_category")
            .replace_strict(
                {"detractors": label("detractors", lg), "passives": label("passives", lg)},
                default=label("fu_head_total", lg),
                return_dtype=pl.String,
            )
            .fill_null(label("fu_head_total", lg))
        )
        tables.append(
            table(
                shown,
                lg,
                kinds={"open": "int", "contacted": "int", "resolved": "int", "cases": "int"},
                headers={
                    "open": label("fu_head_open", lg),
                    "contacted": label("fu_head_contacted", lg),
                    "resolved": label("fu_head_resolved", lg),
                    "cases": label("fu_head_cases", lg),
                },
            )
        )
    else:
        sentences.append(say("fu_no_statuses", lg))
    if facts.themes.height:
        sentences.append(say("fu_themes_lead", lg))
        rows: dict[str, list[str]] = {}
        for row in facts.themes.iter_rows(named=True):
            share = format_percent(row["share"], lg, 0)
            rows.setdefault(row["nps_category"], []).append(f"{row['term']} ({share})")
        themes = pl.DataFrame(
            {
                "nps_category": [label(group, lg) for group in rows],
                "terms": [", ".join(terms) for terms in rows.values()],
            }
        )
        tables.append(table(themes, lg, headers={"terms": label("fu_head_terms", lg)}))
    notes = [say("fu_themes_anonymised", lg)] if facts.anonymised else []
    return {
        "id": "follow-up",
        "title": label("fu_title", lg),
        "sentences": sentences,
        "tables": tables,
        "notes": notes,
    }


def sheets(facts: FollowUpFacts, data: ReportData) -> list[SheetSpec]:
    """The follow-up cases per group and status (none before a follow-up run)."""
    import polars as pl

    from kunde_cli.render.excel import SheetSpec
    from kunde_cli.words.labels import label

    if facts.counts is None:
        return []
    lg = data.lang
    frame = facts.counts.with_columns(
        pl.col("nps_category")
        .replace_strict(
            {"detractors": label("detractors", lg), "passives": label("passives", lg)},
            default=label("fu_head_total", lg),
            return_dtype=pl.String,
        )
        .fill_null(label("fu_head_total", lg))
    ).rename(
        {
            "open": label("fu_head_open", lg),
            "contacted": label("fu_head_contacted", lg),
            "resolved": label("fu_head_resolved", lg),
            "cases": label("fu_head_cases", lg),
        }
    )
    return [SheetSpec(label("fu_title", lg), frame)]
