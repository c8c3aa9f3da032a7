"""Words of kunde.toml and command-line options: what is wrong with a setting.

``WORDS`` maps a key to its (da, en) pair; a sentence's values are named in braces
(``{path}``) and are the same in both languages. :func:`kunde_cli.words.said.said`
names a key, :func:`kunde_cli.words.labels.say` words it.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    "lang_unknown": (
        "{option} må være da eller en, ikke '{value}'",
        "{option} must be da or en, not '{value}'",
    ),
    # --- kunde.toml (config.load_config) ---
    "config_not_found": ("konfigurationsfilen findes ikke", "config file not found"),
    "config_not_toml": ("ikke gyldig TOML: {detail}", "not valid TOML: {detail}"),
    "config_unknown_keys": ("ukendte nøgler: {keys}", "unknown key(s): {keys}"),
    "config_mapping_shape": (
        '[mapping] skal knytte kanoniske navne til kolonneoverskrifter, fx amount = "Total"',
        '[mapping] must map canonical names to column headers, e.g. amount = "Total"',
    ),
    "config_status_shape": (
        '[status] skal knytte statusord til klasser, fx "afhentet" = "completed"',
        '[status] must map status words to classes, e.g. "afhentet" = "completed"',
    ),
    "config_status_class": (
        "[status] {given}: ikke en statusklasse",
        "[status] {given}: not a status class",
    ),
    "config_status_classes": ("klasser: {classes}", "classes: {classes}"),
    "config_lang": (
        'lang = {shown}: skal være "da" eller "en"',
        'lang = {shown}: must be "da" or "en"',
    ),
    "config_currency": (
        'currency = {shown}: skal være en valuta i anførselstegn, fx "kr." eller "EUR"',
        'currency = {shown}: must be a currency in quotes, e.g. "kr." or "EUR"',
    ),
    # --- a section: [rfm], [ladder], [churn] ---
    "config_not_a_table": ("[{name}] skal være en tabel", "[{name}] must be a table"),
    "config_unknown_keys_in": (
        "ukendte nøgler i [{name}]: {keys}",
        "unknown key(s) in [{name}]: {keys}",
    ),
    "config_known_keys": ("kendte nøgler: {keys}", "known keys: {keys}"),
    "config_value_must_be": (
        "[{name}] {setting} = {shown}: skal være {what}",
        "[{name}] {setting} = {shown}: must be {what}",
    ),
    "config_default_is": (
        "standardværdien er {setting} = {shown}",
        "the default is {setting} = {shown}",
    ),
    "config_true_false": ("true eller false", "true or false"),
    "config_whole_number": ("et helt tal", "a whole number"),
    "config_whole_number_in": ("et helt tal {limits}", "a whole number {limits}"),
    "config_number": ("et tal", "a number"),
    "config_number_in": ("et tal {limits}", "a number {limits}"),
    "config_text": ("tekst i anførselstegn", "text in quotes"),
    "config_range_from_to": ("fra {low} til {high}", "from {low} to {high}"),
    "config_range_above_at_most": (
        "over {low} og højst {high}",
        "above {low} and at most {high}",
    ),
    "config_range_from_below": ("fra {low} og under {high}", "from {low} up to {high}"),
    "config_range_at_least": ("på mindst {low}", "at least {low}"),
    "config_range_above": ("større end {low}", "greater than {low}"),
    "config_ladder_order": (
        "[ladder] returning_min_orders = {returning} er over loyal_min_orders = {loyal}: "
        "loyale kunder skal være vendt tilbage først",
        "[ladder] returning_min_orders = {returning} is above loyal_min_orders = {loyal}: "
        "loyal customers must have returned first",
    ),
    "config_ladder_order_hint": (
        "standardværdierne er returning_min_orders = 2 og loyal_min_orders = 4",
        "the defaults are returning_min_orders = 2 and loyal_min_orders = 4",
    ),
    "config_frequency_breaks": (
        "[rfm] frequency_breaks = {shown}: skal være fem stigende hele tal fra 1",
        "[rfm] frequency_breaks = {shown}: must be five increasing whole numbers from 1",
    ),
    "config_frequency_breaks_hint": (
        "standardværdien er frequency_breaks = [1, 2, 3, 4, 6] (1, 2, 3, 4–5, 6+ ordrer)",
        "the default is frequency_breaks = [1, 2, 3, 4, 6] (1, 2, 3, 4–5, 6+ orders)",
    ),
    "config_grid_shape": (
        "[rfm.grid] skal knytte R-scorer til fem segmentnavne",
        "[rfm.grid] must map R scores to five segment names",
    ),
    "config_grid_row": (
        "[rfm.grid] {setting} skal være R1..R5 med fem segmentnavne (F1..F5)",
        "[rfm.grid] {setting} must be R1..R5 with five segment names (F1..F5)",
    ),
    # --- the demo shop's settings (synth.generate_orders, generate_survey) ---
    "synth_customers_or_lines": (
        "angiv enten et antal kunder eller et antal linjer, ikke begge",
        "give either a number of customers or a number of lines, not both",
    ),
    "synth_customers_min": (
        "antallet af kunder skal være mindst 1, ikke {n}",
        "the number of customers must be at least 1, got {n}",
    ),
    "synth_lines_min": (
        "antallet af linjer skal være mindst 1, ikke {n}",
        "the number of lines must be at least 1, got {n}",
    ),
    "synth_years": (
        "antal år skal være mellem 0 og 50, ikke {years}",
        "years must be between 0 and 50, got {years}",
    ),
    "synth_seed": (
        "seed skal være 0 eller mere, ikke {seed}",
        "the seed must be 0 or more, got {seed}",
    ),
    "synth_response_rate": (
        "svarandelen skal ligge i (0, 1], ikke {rate}",
        "response rate must be in (0, 1], got {rate}",
    ),
    # --- command-line options (cli/options.py) ---
    "options_not_a_date": (
        "{option} '{value}' er ikke en dato",
        "{option} '{value}' is not a date",
    ),
    "options_not_a_date_hint": (
        "skriv ÅÅÅÅ-MM-DD (2024-03-31), DD-MM-ÅÅÅÅ eller today",
        "write YYYY-MM-DD (2024-03-31), DD-MM-YYYY or today",
    ),
    "options_to_as_of_differ": (
        "--to {to} og --as-of {as_of} er to forskellige slutdatoer",
        "--to {to} and --as-of {as_of} are two different end dates",
    ),
    "options_to_as_of_differ_hint": (
        "--to er analysedatoen (som --as-of): angiv kun den ene",
        "--to is the as-of date (like --as-of): give only one of them",
    ),
    "options_from_after_to": (
        "--from {start} er efter slutdatoen {end}",
        "--from {start} is after the end date {end}",
    ),
    "options_unknown_value": (
        "{option} '{value}' er ukendt; vælg blandt {choices}",
        "{option} '{value}' is unknown; choose from {choices}",
    ),
    "options_window_too_short": (
        "--window {window} er kortere end perioden ({period}: {days} dage): en ny kunde, hvis "
        "eneste køb ligger mere end {window} dage før periodens slutning, tælles som ny, "
        "men ikke som aktiv, så fastholdelsen bliver for lav eller negativ",
        "--window {window} is shorter than the period ({period}: {days} days): a new customer whose "
        "only orders lie more than {window} days before the period's end counts as new but "
        "not as active, so the retention rate comes out too low or negative",
    ),
    "options_window_too_short_hint": (
        "brug --window {days} eller mere, eller en kortere --period",
        "use --window {days} or more, or a shorter --period",
    ),
}
