"""Words of loading data for an analysis (app.loading): the notes and errors of reading
files directly or the workspace.

``WORDS`` maps a key to its (da, en) pair; a sentence's values are named in braces
(``{path}``) and are the same in both languages. :func:`kunde_cli.words.said.said`
names a key, :func:`kunde_cli.words.labels.say` words it.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- what was given ---
    "loading_bad_map": (
        "--map '{item}' skal se ud som felt=Kolonne, fx --map amount=Total",
        "--map '{item}' must look like field=Column, e.g. --map amount=Total",
    ),
    "loading_no_workspace": ("ingen arbejdsmappe i {path}", "no workspace at {path}"),
    "loading_no_workspace_hint": (
        "læs først en eksport ind: kunde ingest ordrer.csv (eller angiv filen: "
        "kunde segment ordrer.csv)",
        "read an export first: kunde ingest ordrer.csv (or give the file: "
        "kunde segment ordrer.csv)",
    ),
    "loading_no_orders": ("der er ingen ordrer at analysere", "there are no orders to analyse"),
    "loading_no_orders_hint": (
        "tjek eksporten med `kunde inspect FIL`",
        "check the export with `kunde inspect FILE`",
    ),
    # --- currencies ({counts}: "DKK 4, EUR 3", lines per currency) ---
    "loading_currency_absent": (
        "--currency {given}: data har ingen ordrer i {code}",
        "--currency {given}: the data holds no orders in {code}",
    ),
    "loading_currency_absent_hint": (
        "valutaer i data (linjer): {counts}",
        "currencies in the data (lines): {counts}",
    ),
    "loading_several_currencies": (
        "data har flere valutaer (linjer: {counts}); viser kun {chosen}, de lægges aldrig "
        "sammen: vælg med {choices}",
        "the data holds several currencies (lines: {counts}); showing {chosen} only, never "
        "added together: choose with {choices}",
    ),
    # --- files read directly ---
    "loading_unusable_rows": (
        "{path}: {n} rækker kunne ikke bruges (kør `kunde inspect {path}` for at se hvorfor)",
        "{path}: {n} rows could not be used (run `kunde inspect {path}` to see why)",
    ),
    "loading_collisions": (
        "{path}: {n} ordrenumre bruges allerede af andre ordrer (anden kunde eller dato) i "
        "filerne før den; de linjer er udeladt (indlæs filerne med --source NAVN for at "
        "holde dem adskilt)",
        "{path}: {n} order numbers are already used by other orders (another customer or "
        "date) in the files before it; those lines are left out (ingest the files with "
        "--source NAME to keep them apart)",
    ),
    # --- the workspace brought to the new format ---
    "loading_upgrade_failed": (
        "arbejdsmappen kunne ikke opdateres til det nye format ({reason}); svarene regnes "
        "fra ordrelinjerne, som før",
        "the workspace could not be brought to the new format ({reason}); the answers are "
        "computed from the order lines, as before",
    ),
    "loading_upgraded": (
        "Arbejdsområdet {path} er opdateret til kundes nye format (ordre- og kundetabeller "
        "ved siden af ordrelinjerne); det sker kun én gang",
        "the workspace {path} was brought to kunde's new format (orders and customers "
        "tables beside the order lines); this happens once",
    ),
    "loading_tables_rebuilt": (
        "Ordre- og kundetabellerne i {path} manglede, kunne ikke læses eller var lavet af "
        "en ældre kunde; de er bygget igen ud fra ordrelinjerne",
        "the orders and customers tables in {path} were missing, could not be read or were "
        "made by an older kunde; they were built again from the order lines",
    ),
    # --- the as-of date ---
    "loading_future_orders": (
        "Data har ordrer dateret efter i dag: analyseret pr. i dag ({today:%d-%m-%Y}); de "
        "senere ordrer tæller først, når deres dato er kommet",
        "the data holds orders dated after today: analysed as of today ({today:%Y-%m-%d}); "
        "the later orders count once their date has come",
    ),
    "loading_as_of_past_data": (
        "Den nyeste ordre er fra {newest:%d-%m-%Y}, {days} dage før analysedatoen (over "
        "{limit}): dage siden sidste køb tælles til den, så alle ser mindre aktive ud",
        "The newest order is from {newest:%Y-%m-%d}, {days} days before the as-of date (over "
        "{limit}): days since the last purchase count to it, so everyone looks less active",
    ),
    "loading_stale_data": (
        "Den nyeste ordre er fra {newest:%d-%m-%Y}, {days} dage siden (over {limit}): er "
        "eksporten opdateret? (`[data] stale_after_days` i kunde.toml)",
        "The newest order is from {newest:%Y-%m-%d}, {days} days ago (over {limit}): is the "
        "export up to date? (`[data] stale_after_days` in kunde.toml)",
    ),
}
