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
