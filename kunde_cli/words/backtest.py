"""Words of the back-test (``analytics/backtest.py``, ``kunde backtest`` and its report
section): the verdict sentence, the tables' labels, the P(alive) cut-off and the
one-time buyers' reason.

``WORDS`` maps a key to its (da, en) pair; :func:`kunde_cli.words.labels.label` reads it.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- errors ---
    "backtest_too_few": (
        "for lidt at efterprøve på: kun {customers} kunder havde købt før {day} (mindst {needed})",
        "too little to back-test: only {customers} customers had bought before {day} "
        "(at least {needed})",
    ),
    "backtest_too_few_hint": (
        "prøv en kortere periode, fx --holdout 8w, eller vent til der er mere historik",
        "try a shorter period, e.g. --holdout 8w, or wait for more history",
    ),
    "backtest_no_fit": (
        "ingen model kunne tilpasses på tiden før perioden: {why}",
        "no model could be fitted on the time before the holdout: {why}",
    ),
    # --- the split and the fits ---
    "backtest_split": (
        "Modellerne er tilpasset på købene til og med {calibration_end} og sammenlignet med "
        "de {period} til og med {as_of} for de {customers} kunder, der havde købt før; {buyers} "
        "af dem købte igen. Nye kunder i perioden er ikke med.",
        "The models were fitted on the purchases up to {calibration_end} and compared with "
        "the {period} up to {as_of} for the {customers} customers who had bought before; "
        "{buyers} of them bought again. Customers new in that time are not included.",
    ),
    "backtest_season_split": (
        "Det sidste kvartal rummer butikkens højsæson ({months}), som modellerne ikke kender; "
        "derfor efterprøves de over et helt år i stedet.",
        "The last quarter holds the shop's peak season ({months}), which the models do not "
        "know, so they are checked over a whole year instead.",
    ),
    "backtest_failed": (
        "{model} kunne ikke tilpasses på tiden før perioden: {why}",
        "{model} could not be fitted on the time before the holdout: {why}",
    ),
    "backtest_untrusted": (
        "{model} består ikke alle tillidstjek på tiden før perioden ({why}); tag dens tal med "
        "forbehold.",
        "{model} fails some trust checks on the time before the holdout ({why}); take its "
        "figures with care.",
    ),
    # --- the verdict ---
    "backtest_verdict": (
        "Modellen ({model}) forudsagde {predicted} køb i de {period} til og med {end}; der blev "
        "{actual} ({difference}).",
        "The model ({model}) predicted {predicted} purchases in the {period} up to {end}; "
        "there were {actual} ({difference}).",
    ),
    "backtest_use_both": (
        "God nok både til budgettet og til at rangere kunder.",
        "Good enough both for the budget and for ranking customers.",
    ),
    "backtest_use_rank": (
        "God nok til at rangere kunder; brug den ikke til budgettet.",
        "Good enough to rank customers; do not use it for the budget.",
    ),
    "backtest_use_budget": (
        "God nok til budgettet, men ikke til at rangere kunder.",
        "Good enough for the budget, but not for ranking customers.",
    ),
    "backtest_use_rank_few": (
        "God nok til at rangere kunder. Budgettet kan perioden ikke dømme: {n} forudsagte "
        "køb er for få til at skille en afvigelse på 10 % fra tilfældigheder (det kræver "
        "omkring {minimum}).",
        "Good enough to rank customers. The period cannot judge the budget: {n} predicted "
        "purchases are too few to tell a 10 % miss from chance (that takes about {minimum}).",
    ),
    "backtest_use_neither_few": (
        "Brug den ikke til at rangere kunder. Budgettet kan perioden ikke dømme: {n} "
        "forudsagte køb er for få til at skille en afvigelse på 10 % fra tilfældigheder (det "
        "kræver omkring {minimum}).",
        "Do not use it to rank customers. The period cannot judge the budget: {n} predicted "
        "purchases are too few to tell a 10 % miss from chance (that takes about {minimum}).",
    ),
    "backtest_use_neither": (
        "Brug den hverken til budgettet eller til at rangere kunder.",
        "Use it neither for the budget nor for ranking customers.",
    ),
    "backtest_revenue": (
        "Omsætningen fra de samme kunder blev {actual} mod forudsagt {predicted} ({difference}).",
        "Revenue from the same customers came to {actual} against {predicted} predicted "
        "({difference}).",
    ),
    "backtest_rule": (
        "Budget: afvigelsen fra prognosen må højst være {budget} (for køb og omsætning); "
        "rangering: rangkorrelationen mellem forudsagte og faktiske køb skal være mindst "
        "{minimum} (her {spearman}).",
        "Budget: the difference from the forecast may be at most {budget} (for purchases and "
        "revenue); ranking: the rank correlation of predicted and actual purchases must be "
        "at least {minimum} (here {spearman}).",
    ),
    "backtest_top_decile": (
        "De {tenth} kunder med den højeste forudsigelse stod for {top} af købene.",
        "The {tenth} of customers with the highest prediction made {top} of the purchases.",
    ),
    "backtest_best": (
        "Bedst for denne butik: {counts} til antallet af køb (mindste gennemsnitlige fejl pr. "
        "kunde: {mae}) og {buyers} til at se, hvem der køber igen (højeste AUC: {auc}).",
        "Best for this shop: {counts} for the number of purchases (smallest mean error per "
        "customer: {mae}) and {buyers} for telling who buys again (highest AUC: {auc}).",
    ),
    "backtest_row_tiers": ("Aktivitetstrin (regel)", "Activity tiers (rule)"),
    "backtest_tiers_lower": ("aktivitetstrinnene", "the activity tiers"),
    # --- the P(alive) cut-off and one-time buyers ---
    "backtest_cutoff": (
        "Skæringspunkt for P(stadig kunde) ({model}): {threshold}. Kunder på eller over det regnes "
        "stadig som kunder, dem under som gået; på perioden skilte det købere fra ikke-købere "
        "med en træfsikkerhed på {accuracy} (balanceret {balanced}; {above} over, {below} "
        "under).",
        "P(alive) cut-off ({model}): {threshold}. Customers at or above it count as still "
        "customers, those below as gone; in the holdout it told buyers from non-buyers with "
        "an accuracy of {accuracy} (balanced {balanced}; {above} above, {below} below).",
    ),
    "backtest_cutoff_rule": (
        "Grænsen er den, der gav den højeste Youdens J (følsomhed + specificitet − 1) på "
        "perioden; den er valgt og målt på samme periode, så træfsikkerheden er lidt for "
        "optimistisk.",
        "It is the threshold with the highest Youden's J (sensitivity + specificity − 1) in "
        "the holdout; chosen and scored on the same holdout, its accuracy is a little "
        "optimistic.",
    ),
    "backtest_cutoff_baseline_gone": (
        "Det er under de {baseline}, man ville ramme ved at kalde alle gået — men så fandt man "
        "ingen af dem, der kom igen; grænsen er valgt til at finde både købere og "
        "ikke-købere (den balancerede træfsikkerhed), ikke flest rigtige i alt.",
        "That is below the {baseline} one would get by calling everyone gone — but that "
        "finds none of those who came back; the cut-off is chosen to find both buyers and "
        "non-buyers (the balanced accuracy), not the most right in total.",
    ),
    "backtest_cutoff_baseline_alive": (
        "Det er under de {baseline}, man ville ramme ved at kalde alle stadig kunder — men så "
        "fandt man ingen af dem, der er gået; grænsen er valgt til at finde både købere og "
        "ikke-købere (den balancerede træfsikkerhed), ikke flest rigtige i alt.",
        "That is below the {baseline} one would get by calling everyone still a customer — "
        "but that finds none of those who left; the cut-off is chosen to find both buyers "
        "and non-buyers (the balanced accuracy), not the most right in total.",
    ),
    "backtest_cutoff_mbgnbd": (
        "Den tages fra MBG/NBD: BG/NBD giver alle engangskøbere P(stadig kunde) = 1, uanset hvor "
        "længe de har været væk.",
        "It is taken from MBG/NBD: BG/NBD gives every one-time buyer P(alive) = 1, however "
        "long she has been away.",
    ),
    "backtest_cutoff_bgnbd": (
        "BG/NBD giver alle engangskøbere P(stadig kunde) = 1, uanset hvor længe de har været "
        "væk, så "
        "grænsen kan ikke skille dem ad; brug --model mbgnbd til dem.",
        "BG/NBD gives every one-time buyer P(alive) = 1, however long she has been away, so "
        "the cut-off cannot tell them apart; use --model mbgnbd for them.",
    ),
    "backtest_no_cutoff": (
        "Intet skæringspunkt for P(stadig kunde): perioden havde ikke både købere og ikke-købere.",
        "No P(alive) cut-off: the holdout did not have both buyers and non-buyers.",
    ),
    "backtest_one_time": (
        "Engangskøbere: {share} af de kunder, der kom igen, gjorde det inden for {days} dage; "
        "{past} af {one_time} engangskøbere har ventet længere end det.",
        "One-time buyers: {share} of the customers who came back did so within {days} days; "
        "{past} of {one_time} one-time buyers have waited longer than that.",
    ),
    "backtest_one_time_held": (
        "På perioden købte {past_share} af de engangskøbere, der da havde ventet længere, igen, "
        "mod {within_share} af de øvrige.",
        "In the holdout {past_share} of the one-time buyers who had by then waited longer "
        "bought again, against {within_share} of the others.",
    ),
    "backtest_one_time_reason": (
        "ét køb for {days} dage siden; kunder som hende, der kom igen, gjorde det inden for "
        "{within} dage",
        "one purchase {days} days ago; customers like her who came back did so within "
        "{within} days",
    ),
    # --- tables, titles and the report section ---
    "backtest_title_models": (
        "Efterprøvning {start} – {as_of}: modeller mod virkeligheden",
        "Back-test {start} – {as_of}: models against what happened",
    ),
    "backtest_title_deciles": (
        "Kunder i ti grupper efter forudsagte køb ({model})",
        "Customers in ten groups by predicted purchases ({model})",
    ),
    "backtest_title_tracking": (
        "Køb uge for uge, lagt sammen",
        "Purchases week by week, added up",
    ),
    "backtest_section": ("Holder modellen?", "Does the model hold?"),
    "backtest_chart_title": ("Køb i alt i perioden", "Purchases in the holdout, added up"),
    "backtest_chart_actual": ("Faktisk", "Actual"),
    "backtest_chart_week": ("Uge", "Week"),
    # --- column labels ---
    "model": ("Model", "Model"),
    "trusted": ("Tillid", "Trusted"),
    "purchases_predicted": ("Forudsagte køb", "Predicted purchases"),
    "purchases_actual": ("Faktiske køb", "Actual purchases"),
    "difference": ("Afvigelse", "Difference"),
    "mae": ("Fejl pr. kunde (MAE)", "Error per customer (MAE)"),
    "bias": ("Skævhed pr. kunde", "Bias per customer"),
    "revenue_predicted": ("Forudsagt omsætning", "Predicted revenue"),
    "revenue_actual": ("Faktisk omsætning", "Actual revenue"),
    "revenue_difference": ("Afvigelse i omsætning", "Revenue difference"),
    "spearman": ("Rangkorrelation", "Rank correlation"),
    "top_decile_share": ("Øverste tiendedels andel", "Top tenth's share"),
    "auc": ("AUC", "AUC"),
    "accuracy": ("Træfsikkerhed", "Accuracy"),
    "balanced_accuracy": ("Balanceret træfsikkerhed", "Balanced accuracy"),
    "decile": ("Gruppe", "Group"),
    "predicted_mean": ("Forudsagt pr. kunde", "Predicted per customer"),
    "actual_mean": ("Faktisk pr. kunde", "Actual per customer"),
    "week": ("Uge", "Week"),
    "week_end": ("Til og med", "Up to"),
    "actual_cumulative": ("Faktiske køb i alt", "Actual purchases to date"),
    "predicted_bgnbd": ("BG/NBD forudsagt", "BG/NBD predicted"),
    "predicted_mbgnbd": ("MBG/NBD forudsagt", "MBG/NBD predicted"),
    "alive_by_cutoff": ("Stadig kunde (skæringspunkt)", "Still a customer (cut-off)"),
    "one_time_reason": ("Engangskøber: hvorfor", "One-time buyer: why"),
    "days_since_purchase": ("Dage siden købet", "Days since the purchase"),
    "came_back_within_days": ("Andre kom igen inden for (dage)", "Others came back within (days)"),
}
