"""The regular buyers section: who is due this week and who is overdue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kunde_cli.app.answers.due import DueFacts
    from kunde_cli.app.report import ReportData
    from kunde_cli.render.excel import SheetSpec


def part(facts: DueFacts, data: ReportData) -> dict[str, Any]:
    """The counts, the rule, and the most valuable due and overdue buyers."""
    from kunde_cli.analytics import regularity as reg
    from kunde_cli.render.html import table
    from kunde_cli.words.labels import label, say
    from kunde_cli.words.numbers import format_number

    lg = data.lang
    sentences = [
        say(
            "answer_due_sentence",
            lg,
            due=format_number(facts.due, lg),
            overdue=format_number(facts.overdue, lg),
            regular=format_number(facts.regular, lg),
        )
    ]
    notes = [say("due_define", lg, window=reg.DUE_WINDOW_DAYS)]
    if facts.consent_checked:
        notes.append(say("due_no_email_consent", lg))
    tables = []
    if facts.listed.height:
        shown = facts.due + facts.overdue
        caption = (
            say("answer_due_caption_top", lg, top=format_number(facts.listed.height, lg))
            if facts.listed.height < shown
            else None
        )
        tables.append(
            table(
                facts.listed,
                lg,
                currency=data.currency,
                kinds={reg.REVENUE: "money0", reg.USUAL_GAP: "int"},
                values={reg.STATUS: lambda v: label(f"due_status_{v}", lg)},
                caption=caption,
            )
        )
    return {
        "id": "due",
        "title": label("answer_due_title", lg),
        "sentences": sentences,
        "tables": tables,
        "notes": notes,
    }


def sheets(facts: DueFacts, data: ReportData) -> list[SheetSpec]:
    """The most valuable regular buyers due this week or overdue."""
    from kunde_cli.analytics import regularity as reg
    from kunde_cli.render.excel import SheetSpec
    from kunde_cli.render.i18n import label_values
    from kunde_cli.words.labels import label, say

    lg = data.lang
    frame = label_values(facts.listed, [reg.STATUS], lg, prefix="due_status_")
    return [
        SheetSpec(
            label("answer_due_title", lg),
            frame,
            kinds={reg.REVENUE: "money", reg.USUAL_GAP: "float"},
            note=say("answer_due_caption_top", lg, top=facts.listed.height),
        )
    ]
