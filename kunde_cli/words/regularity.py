"""Words of the regular buyers (``analytics/regularity.py``): the columns, statuses,
title and notes of ``kunde churn --due``.

``WORDS`` maps a key to its (da, en) pair; :func:`kunde_cli.words.labels.label` reads it.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- the table's columns (customer_id, email, name, status, last_order,
    # usual_gap_days and revenue have their labels in words/labels.py) ---
    "expected_next": ("Forventet næste køb", "Expected next order"),
    "days_late": ("Dage forsinket", "Days late"),
    "purchase_days": ("Købsdage", "Purchase days"),
    "m_spread": ("Uregelmæssighed (M)", "Irregularity (M)"),
    # --- the statuses (analytics.regularity.STATUSES) ---
    "due_status_due": ("Forfalden denne uge", "Due this week"),
    "due_status_overdue": ("Forsinket", "Overdue"),
    "due_status_late": ("Lidt forsinket", "Slightly late"),
    "due_status_later": ("Senere", "Later"),
    "due_status_lapsed": ("Faldet fra", "Lapsed"),
    "due_status_irregular": ("Uregelmæssig", "Irregular"),
    "due_status_too_few_gaps": ("For få køb", "Too few purchases"),
    # --- the command ---
    "due_title": (
        "Faste kunder, der skal købe denne uge eller er forsinkede, pr. {as_of}",
        "Regular buyers due this week or overdue, as of {as_of}",
    ),
    "due_define": (
        "En kunde er fast, når afstanden mellem købsdagene er jævn (Wheat–Morrison: M = "
        "t1 / (t1 + t2) for hver to på hinanden følgende afstande; gennemsnittet af "
        "(M − 0,5)² er højst 1/36). Det kræver mindst tre købsdage. Forventet næste køb = "
        "seneste køb + den typiske afstand (medianen). Forfalden denne uge: forventet i dag "
        "eller inden for {window} dage. Forsinket: forventet dato overskredet med mere end "
        "halvdelen af den typiske afstand, men højst tre typiske afstande (derefter er "
        "kunden faldet fra og hører til på reaktiveringslisten, kunde churn --list).",
        "A customer is regular when the gaps between their purchase days are even "
        "(Wheat–Morrison: M = t1 / (t1 + t2) for each two consecutive gaps; the mean of "
        "(M − 0.5)² is at most 1/36). That takes at least three purchase days. Expected "
        "next order = last purchase + the usual gap (the median). Due this week: expected "
        "today or within {window} days. Overdue: the expected date passed by more than half "
        "the usual gap, but by at most three usual gaps (after that the customer has "
        "lapsed and belongs on the reactivation list, kunde churn --list).",
    ),
    "due_summary": (
        "{due:,} faste kunder forfalder denne uge, {overdue:,} er forsinkede (af {regular:,} "
        "faste kunder).",
        "{due:,} regular buyers are due this week, {overdue:,} are overdue (of {regular:,} "
        "regular buyers).",
    ),
    "due_no_regular": (
        "Ingen faste kunder endnu: det kræver mindst tre købsdage med jævn afstand.",
        "No regular buyers yet: that takes at least three purchase days with even gaps.",
    ),
    "due_alone": (
        "--due er en liste for sig: brug den uden --list, --tier og --model",
        "--due is a list of its own: use it without --list, --tier and --model",
    ),
    "due_alone_hint": (
        "kør kunde churn --due og kunde churn --list hver for sig",
        "run kunde churn --due and kunde churn --list separately",
    ),
    "due_no_email_consent": (
        "E-mail vises kun for kunder, der har givet samtykke til markedsføring.",
        "E-mail is shown only for customers who gave marketing consent.",
    ),
}
