"""Words of errors in general: how an error line and its hint are introduced, where in a
file it is, and the machine's own failures (a full disk).

``WORDS`` maps a key to its (da, en) pair; values are named in braces and are the same
in both languages.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    "error_prefix": ("Fejl", "Error"),
    "hint_prefix": ("Tip", "Hint"),
    "warning_prefix": ("Advarsel", "Warning"),
    "where_row": ("række {row}", "row {row}"),
    "where_column": ("kolonne '{column}'", "column '{column}'"),
    "file_not_found": ("filen findes ikke", "file not found"),
    "no_column_for": ("ingen kolonne fundet til {names}", "no column found for {names}"),
    "no_column_for_hint": (
        "angiv kolonnen med --map, fx --map amount=Total (se `kunde inspect FIL`)",
        "name the column with --map, e.g. --map amount=Total (see `kunde inspect FILE`)",
    ),
    # --- a command line that could not be parsed (cli.usage) ---
    "usage_no_such_option": (
        "ukendt tilvalg: {name} (mulige: {possible})",
        "no such option: {name} (possible options: {possible})",
    ),
    "usage_no_such_option_alone": ("ukendt tilvalg: {name}", "no such option: {name}"),
    "usage_missing": ("{name} mangler", "{name} is missing"),
    "usage_bad_value": ("ugyldig værdi for {name}: {why}", "invalid value for {name}: {why}"),
    "usage_hint": ("se '{command} -h'", "see '{command} -h'"),
    "usage_not_one_of": ("'{value}' er ikke en af {choices}", "'{value}' is not one of {choices}"),
    "usage_not_a_date": (
        "'{value}' passer ikke til formaterne {formats}",
        "'{value}' does not match the formats {formats}",
    ),
    "usage_at_least": ("skal være mindst {n}", "must be at least {n}"),
    "usage_at_most": ("må højst være {n}", "must be at most {n}"),
    "usage_above": ("skal være over {n}", "must be above {n}"),
    "usage_below": ("skal være under {n}", "must be below {n}"),
    "usage_not_an_integer": ("skal være et helt tal", "must be a whole number"),
    "usage_not_a_number": ("skal være et tal", "must be a number"),
    # --- the machine's state, met anywhere (errors.disk_error) ---
    "disk_full": ("disken er fuld", "the disk is full"),
    "disk_quota": ("diskkvoten er brugt op", "the disk quota is used up"),
    "disk_file_too_large": (
        "en fil ville blive større end systemet tillader (ulimit -f)",
        "a file would be larger than this system allows (ulimit -f)",
    ),
    "disk_read_only": ("disken er skrivebeskyttet", "the disk is read-only"),
    "disk_stopped": (
        "kunde stoppede: {reason}; filer som kunde skriver, erstatter tidligere filer først "
        "når de er færdige, så de er uændrede",
        "kunde stopped: {reason}; files kunde writes replace earlier ones only when "
        "complete, so those are unchanged",
    ),
    "disk_stopped_hint": (
        "frigør plads (eller hæv grænsen) og kør kommandoen igen",
        "free some space (or raise the limit) and run the command again",
    ),
}
