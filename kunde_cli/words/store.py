"""Words of the workspace: its errors, forget (GDPR erase) and the store's notes, and
what `kunde demo` says.

``WORDS`` maps a key to its (da, en) pair; a sentence's values are named in braces
(``{path}``) and are the same in both languages. :func:`kunde_cli.words.said.said`
names a key, :func:`kunde_cli.words.labels.say` words it.
"""

from __future__ import annotations

_RESTORE = (
    "gendan mappen fra en sikkerhedskopi, eller start en ny arbejdsmappe og indlæs igen",
    "restore the folder from a backup, or start a new workspace and ingest again",
)

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- the workspace folder (store.files) ---
    "store_no_workspace": ("ingen arbejdsmappe i {path}", "no workspace at {path}"),
    "store_no_workspace_hint": (
        "læs først en eksport ind: kunde ingest ordrer.csv",
        "read an export first: kunde ingest ordrer.csv",
    ),
    "store_not_a_folder": ("er ikke en mappe", "is not a folder"),
    "store_give_another": ("angiv en anden --workspace", "give another --workspace"),
    "store_folder_other_user": (
        "arbejdsmappen tilhører en anden bruger (uid {uid}); kunde bruger kun en mappe, "
        "du selv ejer",
        "the workspace folder belongs to another user (uid {uid}); kunde only uses a "
        "folder of your own",
    ),
    "store_folder_other_user_hint": (
        "angiv en mappe, du selv ejer, med --workspace",
        "give a folder of your own with --workspace",
    ),
    "store_folder_open": (
        "andre brugere kan ændre arbejdsmappen (rettigheder {mode}); kunde bruger kun en privat mappe",
        "other users can change the workspace folder (mode {mode}); kunde only uses a private one",
    ),
    "store_folder_open_hint": (
        "gør den privat med `chmod 700 {path}`, eller angiv en anden --workspace",
        "make it private with `chmod 700 {path}`, or give another --workspace",
    ),
    "store_not_workspace": (
        "er ikke en kunde-arbejdsmappe (den indeholder {name})",
        "is not a kunde workspace (it holds {name})",
    ),
    "store_not_workspace_more": (
        "er ikke en kunde-arbejdsmappe (den indeholder {name} og andre filer)",
        "is not a kunde workspace (it holds {name} and more)",
    ),
    "store_not_workspace_hint": (
        "angiv en tom eller ny mappe med --workspace",
        "give an empty or new folder with --workspace",
    ),
    "store_path_not_folder": (
        "kan ikke oprette arbejdsmappen: en del af stien er ikke en mappe",
        "cannot make the workspace folder: part of its path is not a folder",
    ),
    "store_missing_files": (
        "arbejdsmappen mangler {n} datafil(er), fx {name}",
        "the workspace is missing {n} data file(s), e.g. {name}",
    ),
    "store_restore_hint": _RESTORE,
    "store_file_other_user": (
        "{name} i arbejdsmappen tilhører en anden bruger (uid {uid}); kunde bruger den ikke",
        "{name} in the workspace belongs to another user (uid {uid}); kunde does not use it",
    ),
    "store_file_other_user_hint": (
        "fjern den, hvis du ikke selv har lagt den der, og hold mappen privat",
        "remove it if you did not put it there, and keep the folder private",
    ),
    "store_link": (
        "{name} i arbejdsmappen er et symbolsk link; kunde følger ikke links i en arbejdsmappe",
        "{name} in the workspace is a symbolic link; kunde does not follow links inside "
        "a workspace",
    ),
    "store_link_hint": (
        "fjern linket ({path}), hvis du ikke selv har lavet det, og hold mappen privat",
        "remove the link ({path}) if you did not make it, and keep the folder private",
    ),
    "store_not_a_file": (
        "{name} i arbejdsmappen er ikke en fil",
        "{name} in the workspace is not a file",
    ),
    # --- what the operating system said (store.files.os_reason) ---
    "os_permission_denied": ("adgang nægtet", "permission denied"),
    "os_no_locks": (
        "dette filsystem kan ikke låse filer (brug en lokal mappe)",
        "this file system cannot lock files (use a local folder)",
    ),
    "os_not_a_dir": (
        "en del af stien er en fil, ikke en mappe",
        "part of its path is a file, not a folder",
    ),
    "os_is_a_dir": (
        "der ligger en mappe, hvor kunde har en fil",
        "a folder is where kunde keeps a file",
    ),
    "os_link_loop": (
        "stien har en løkke af symbolske links",
        "its path has a loop of symbolic links",
    ),
    "os_name_too_long": ("stien er for lang", "its path is too long"),
    "store_cannot_read": (
        "kan ikke læse arbejdsmappen: {reason}",
        "cannot read the workspace: {reason}",
    ),
    "store_cannot_read_hint": (
        "ret mappens rettigheder, eller angiv en anden --workspace",
        "fix the folder's permissions, or give another --workspace",
    ),
    "store_cannot_write": (
        "kan ikke skrive i arbejdsmappen: {reason}; den er uændret",
        "cannot write to the workspace: {reason}; it is unchanged",
    ),
    "store_cannot_write_space_hint": (
        "frigør plads (eller hæv grænsen for filstørrelse), og kør så kommandoen igen",
        "free some space (or raise the file-size limit), then run the command again",
    ),
    "store_cannot_write_access_hint": (
        "ret mappens rettigheder, eller angiv en anden --workspace, og kør så kommandoen igen",
        "fix the folder's permissions or give another --workspace, then run the command again",
    ),
    "store_cannot_write_path_hint": (
        "tjek arbejdsmappens sti, og kør så kommandoen igen",
        "check the workspace path, then run the command again",
    ),
    # --- the lock (store.lock) ---
    "store_busy_by": (
        "arbejdsmappen er optaget: {who} (pid {pid}) har kørt siden {since}",
        "workspace is busy: {who} (pid {pid}) has been running since {since}",
    ),
    "store_busy_by_on": (
        "arbejdsmappen er optaget: {who} (pid {pid} på {host}) har kørt siden {since}",
        "workspace is busy: {who} (pid {pid} on {host}) has been running since {since}",
    ),
    "store_busy_who": ("en anden kørsel af {purpose}", "another {purpose}"),
    "store_busy_who_any": ("en anden kunde-kørsel", "another kunde run"),
    "store_busy": (
        "arbejdsmappen er optaget: en anden kunde-kørsel skriver i den",
        "workspace is busy: another kunde run is writing to it",
    ),
    "store_busy_hint": (
        "lad den køre færdig, eller vent på den med --wait SEKUNDER",
        "let it finish, or wait for it with --wait SECONDS",
    ),
    # --- the manifest (store.manifest) ---
    "store_format": (
        "denne arbejdsmappe har format {version}; denne version af kunde læser format {current} "
        "(og opgraderer format 1)",
        "this workspace has format {version}; this kunde reads format {current} "
        "(and upgrades format 1)",
    ),
    "store_format_hint": (
        "brug den kunde-version, der lavede den, eller start en ny arbejdsmappe",
        "use the kunde version that made it, or start a new workspace",
    ),
    "store_manifest_damaged": (
        "arbejdsmappens manifest er beskadiget ({detail})",
        "the workspace manifest is damaged ({detail})",
    ),
    "store_manifest_damaged_hint": (
        "gendan det fra en sikkerhedskopi, eller start en ny arbejdsmappe og indlæs "
        "eksporterne igen",
        "restore it from a backup, or start a new workspace and ingest the exports again",
    ),
    "store_damaged_key": (
        "{entry} mangler eller er ikke en {type}",
        "{entry} is missing or not a {type}",
    ),
    "store_damaged_entry": (
        "en post i {kind} nævner ingen fil",
        "an entry of {kind} names no file",
    ),
    "store_damaged_source": (
        "en kildepost har ingen kind eller SHA-256",
        "a source entry has no kind or SHA-256",
    ),
    "store_damaged_erasure": (
        "en sletningspost er ikke et objekt",
        "an erasure entry is not an object",
    ),
    "store_damaged_tables": (
        "tables-posten nævner ikke orders, customers eller lines",
        "the tables entry names no orders, customers or lines",
    ),
    # --- --source (store.overlap) ---
    "store_source_name": (
        "--source '{given}' kan ikke bruges som navn",
        "--source '{given}' is not a usable name",
    ),
    "store_source_name_hint": (
        "brug et kort navn af bogstaver og tal, fx --source kasse",
        "use a short name of letters and digits, e.g. --source kasse",
    ),
    # --- the salt (store.salt) ---
    "salt_option": ("værdien af --salt", "the --salt value"),
    "salt_env": ("${env}", "${env}"),
    "salt_file_named": ("saltfilen {path}", "the salt file {path}"),
    "salt_empty": (
        "{what} er tom: kunde hasher ikke uden en hemmelig nøgle",
        "{what} is empty: kunde will not hash without a secret key",
    ),
    "salt_short": (
        "{what} er for kort ({n} tegn, mindst {least}): en kort nøgle kan gættes",
        "{what} is too short ({n} characters, at least {least}): a short key can be guessed",
    ),
    "salt_option_hint": (
        "angiv en længere hemmelighed, fx fra `{make}`",
        "give a longer secret, e.g. from `{make}`",
    ),
    "salt_env_hint": (
        "sæt {env} til en længere hemmelighed, fx fra `{make}`, eller fjern den for at "
        "bruge {path}",
        "set {env} to a longer secret, e.g. from `{make}`, or unset it to use {path}",
    ),
    "salt_file_hint": (
        "slet {path} for at få lavet en ny (pseudonymer og e-mail-hashes ændrer sig så), "
        "eller sæt {env}",
        "delete {path} to have a new one made (pseudonyms and e-mail hashes then change), "
        "or set {env}",
    ),
    "salt_unreadable": (
        "kan ikke læse saltfilen ({reason})",
        "cannot read the salt file ({reason})",
    ),
    "salt_not_text": ("saltfilen er ikke tekst", "the salt file is not text"),
    "salt_unwritable": (
        "kan ikke skrive saltfilen: {reason}; intet blev skrevet",
        "cannot write the salt file: {reason}; nothing was written",
    ),
    "salt_unwritable_hint": (
        "frigør plads eller ret mappens rettigheder, eller sæt {env}",
        "free some space or fix the folder's permissions, or set {env}",
    ),
    # --- whom forget erases (store.scope) ---
    "scope_listed_more": ("{shown} og {more} til", "{shown} and {more} more"),
    "scope_shared_email": ("en delt e-mail", "a shared e-mail"),
    "scope_shared_phone": ("et delt telefonnummer", "a shared phone"),
    "scope_shared_either": (
        "en delt e-mail eller et delt telefonnummer",
        "a shared e-mail or phone",
    ),
    "scope_no_match": (
        "ingen kunde i arbejdsmappen har '{query}'; intet blev ændret",
        "no customer in the workspace has '{query}'; nothing was changed",
    ),
    "scope_no_match_hint": (
        "tjek stavningen, eller angiv kundenummeret alene: kunde forget ID",
        "check the spelling, or give the customer id alone: kunde forget ID",
    ),
    "scope_not_reached": (
        "--customer {id} er ikke blandt de kunder, '{query}' fører til ({ids}); intet blev ændret",
        "--customer {id} is not among the customers '{query}' reaches ({ids}); nothing was changed",
    ),
    "scope_not_reached_hint": (
        "angiv et af de kundenumre med --customer",
        "name one of those ids with --customer",
    ),
    "scope_name_whom_hint": (
        "angiv, hvem der skal slettes: kunde forget '{query}' --customer {example}, "
        "eller angiv kundenummeret alene: kunde forget {example}",
        "name whom to erase: kunde forget '{query}' --customer {example}, "
        "or give the id alone: kunde forget {example}",
    ),
    "scope_placeholder": (
        "'{query}' står på ordrelinjerne for {n} forskellige kunder ({ids}): {shared} "
        "(en pladsholder), som kunde forget aldrig sletter ud fra; intet blev ændret",
        "'{query}' is on the lines of {n} different customers ({ids}): {shared} "
        "(a placeholder), which kunde forget never erases by; nothing was changed",
    ),
    "scope_phone_shared": (
        "'{query}' er telefonnummer for {n} kunder ({ids}); intet blev ændret",
        "'{query}' is the phone of {n} customers ({ids}); nothing was changed",
    ),
    "scope_phone_shared_hint": (
        "angiv, hvem der skal slettes: kunde forget '{query}' --customer {first} "
        "(eller dem alle: --customer {all})",
        "name whom to erase: kunde forget '{query}' --customer {first} "
        "(or all of them: --customer {all})",
    ),
    "scope_many_customers": (
        "'{query}' hører til {n} kunder ({ids}); intet blev ændret",
        "'{query}' belongs to {n} customers ({ids}); nothing was changed",
    ),
    "scope_linked": (
        "'{query}' er kunde {mine}, men kunde tæller {everyone} som én kunde ({shared}); "
        "intet blev ændret",
        "'{query}' is customer {mine}, but kunde counts {everyone} as one customer "
        "({shared}); nothing was changed",
    ),
    "scope_linked_hint": (
        "slet kun {mine}: --customer {mine_ids} (de andre tæller så for sig selv), eller dem "
        "alle: --customer {all}",
        "erase only {mine}: --customer {mine_ids} (the others then count on their own), "
        "or all of them: --customer {all}",
    ),
    # --- the forget key (store.tombstones) ---
    "forget_key_unreadable": (
        "kan ikke læse slettenøglen {file} ({reason})",
        "cannot read the forget key {file} ({reason})",
    ),
    "forget_key_unreadable_hint": (
        "den skal være en almindelig fil, som du ejer; fjern den, hvis den er et link",
        "it must be a plain file owned by you; remove it if it is a link",
    ),
    "forget_key_damaged": (
        "slettenøglen {file} er beskadiget (ikke {n} bytes i hex)",
        "the forget key {file} is damaged (not {n} bytes of hex)",
    ),
    "forget_key_damaged_hint": (
        "gendan den fra en sikkerhedskopi; uden den kan kunde ikke se, at slettede personer "
        "kommer igen",
        "restore it from a backup; without it kunde cannot tell erased people coming back",
    ),
    # --- kunde forget (cli.forget) ---
    "forget_need_who": (
        "angiv kundens e-mail, kundenummer eller telefonnummer",
        "give the customer's e-mail, customer number or phone number",
    ),
    "forget_need_who_hint": (
        "fx kunde forget soren@example.dk",
        "e.g. kunde forget soren@example.dk",
    ),
    "forget_customer_empty": (
        "--customer skal have et kundenummer",
        "--customer needs a customer id",
    ),
    "forget_customer_empty_hint": ("fx --customer K-1042", "e.g. --customer K-1042"),
    "forget_needs_confirmation": (
        "kunde forget sletter data og skal bekræftes",
        "kunde forget erases data and needs confirmation",
    ),
    "forget_needs_confirmation_hint": (
        "tilføj --yes for at bekræfte, når kunde kører fra et script eller cron",
        "add --yes to confirm when running from a script or cron",
    ),
    "forget_question": (
        "Slet alle personoplysninger om '{who}'{ids} i {workspace}? Det kan ikke fortrydes.",
        "Erase all personal data of '{who}'{ids} from {workspace}? This cannot be undone.",
    ),
    "forget_nothing_erased": ("Intet blev slettet.", "Nothing was erased."),
    "forget_no_match": (
        "Ingen kunde i {workspace} passer til '{query}'; intet blev ændret.",
        "No customer in {workspace} matches '{query}'; nothing was changed.",
    ),
    "forget_headline": (
        "Slettede personoplysninger om '{query}':",
        "Erased the personal data of '{query}':",
    ),
    "forget_headline_ids": (
        "Slettede personoplysninger om '{query}' (kundenummer {ids}):",
        "Erased the personal data of '{query}' (customer id {ids}):",
    ),
    "forget_order_lines": (
        "  {n} ordrelinje(r): {cleared} fjernet; beløb bevaret under det anonyme id {pseudonym}",
        "  {n} order line(s): {cleared} cleared; amounts kept under the anonymous id {pseudonym}",
    ),
    "forget_survey_answers": (
        "  {n} svar: {cleared} fjernet; karakteren tæller stadig i NPS",
        "  {n} survey answer(s): {cleared} cleared; the score still counts in the NPS",
    ),
    "forget_shared_answers_kept": (
        "  {n} svar fra en e-mail, som en anden kunde også har, er ikke slettet: de tæller "
        "for den kunde",
        "  {n} survey answer(s) from an e-mail another customer also has were not erased: "
        "they count for that customer",
    ),
    "forget_rejects_removed": (
        "  {n} afvist(e) række(r) fjernet fra rejects.csv",
        "  {n} refused row(s) removed from rejects.csv",
    ),
    "forget_kept_apart": (
        "  Ikke slettet: {kept}, som kunde talte som samme kunde; urørt, tæller nu for sig "
        "(én kunde mere, så scoregrænserne i segmenterne kan flytte sig)",
        "  Not erased: {kept}, which kunde counted as the same customer; untouched, it now "
        "counts on its own (one customer more, so segment score limits may move)",
    ),
    "forget_outputs": (
        "Rapporter og lister skrevet fra arbejdsmappen, som stadig kan indeholde personen "
        "(slet eller lav dem igen):",
        "Reports and lists written from the workspace that may still hold the person "
        "(delete them or make them again):",
    ),
    "forget_old_files_left": (
        "  {n} gamle filer i arbejdsmappen har stadig oplysningerne, fordi en anden "
        "kunde-kørsel læser dem lige nu; de slettes ved næste kunde ingest eller forget",
        "  {n} old files in the workspace still hold the data because another kunde run "
        "is reading them now; the next kunde ingest or forget removes them",
    ),
    "forget_exports": (
        "De oprindelige eksportfiler ligger uden for arbejdsmappen og indeholder stadig "
        "oplysningerne",
        "The original export files are outside the workspace and still hold the data",
    ),
    "forget_exports_listed": (
        "De oprindelige eksportfiler ligger uden for arbejdsmappen og indeholder stadig "
        "oplysningerne: {exports}",
        "The original export files are outside the workspace and still hold the data: {exports}",
    ),
    # --- kunde status and kunde remove (store.remove, app.workspace_files) ---
    "status_title": ("Indlæst i {workspace}", "Ingested into {workspace}"),
    "status_empty": (
        "Intet er indlæst i {workspace} endnu",
        "Nothing has been ingested into {workspace} yet",
    ),
    "status_totals": (
        "I alt: {lines} ordrelinjer fra {first} til {last}, {customers} kunder, {answers} svar",
        "In all: {lines} order lines from {first} to {last}, {customers} customers, "
        "{answers} answers",
    ),
    "status_totals_no_orders": (
        "I alt: ingen ordrer, {answers} svar",
        "In all: no orders, {answers} answers",
    ),
    "status_removals": (
        "Fjernet tidligere med kunde remove: {n} filer (se manifest.json)",
        "Removed earlier with kunde remove: {n} files (see manifest.json)",
    ),
    "status_kind_orders": ("Ordrer", "Orders"),
    "status_kind_survey": ("Spørgeskema", "Survey"),
    "source_system": ("Kildesystem", "Source system"),
    "ingested_at": ("Indlæst den", "Ingested"),
    "stored_lines": ("Gemt nu", "Stored now"),
    "first_order_date": ("Første ordre", "First order"),
    "last_order_date": ("Seneste ordre", "Last order"),
    "remove_unknown": (
        "{given} er ikke indlæst i {workspace}; den har: {files}",
        "{given} was not ingested into {workspace}; it holds: {files}",
    ),
    "remove_unknown_empty": (
        "{given} er ikke indlæst i {workspace}; intet er indlæst endnu",
        "{given} was not ingested into {workspace}; nothing has been ingested yet",
    ),
    "remove_ambiguous": (
        "{given} passer til flere indlæste filer: {files}",
        "{given} matches several ingested files: {files}",
    ),
    "remove_pick_hint": (
        "angiv filen, som kunde status viser den",
        "name the file as kunde status shows it",
    ),
    "remove_gone": (
        "{name} er ikke længere i arbejdsmappen (en anden kørsel fjernede den)",
        "{name} is no longer in the workspace (another run removed it)",
    ),
    "remove_needs_confirmation": (
        "kunde remove fjerner data og skal bekræftes",
        "kunde remove takes data out and needs confirmation",
    ),
    "remove_needs_confirmation_hint": (
        "tilføj --yes for at bekræfte, når kunde kører fra et script eller cron",
        "add --yes to confirm when running from a script or cron",
    ),
    "remove_question_orders": (
        "Fjern {name} ({lines} ordrelinjer, {rejects} afviste rækker) fra {workspace}?",
        "Take {name} ({lines} order lines, {rejects} refused rows) out of {workspace}?",
    ),
    "remove_question_survey": (
        "Fjern {name} ({lines} svar, {rejects} afviste rækker) fra {workspace}?",
        "Take {name} ({lines} answers, {rejects} refused rows) out of {workspace}?",
    ),
    "remove_nothing_removed": ("Intet blev fjernet.", "Nothing was removed."),
    "remove_done_orders": (
        "Fjernede {name} fra {workspace}: {lines} ordrelinjer og {rejects} afviste rækker",
        "Took {name} out of {workspace}: {lines} order lines and {rejects} refused rows",
    ),
    "remove_done_survey": (
        "Fjernede {name} fra {workspace}: {lines} svar og {rejects} afviste rækker",
        "Took {name} out of {workspace}: {lines} answers and {rejects} refused rows",
    ),
    "remove_replaced_before": (
        "{name} havde ændret {n} tidligere gemte ordrer eller svar; den tidligere version "
        "gemmes ikke, så de er også væk; vil du have dem: kunde remove og kunde ingest igen "
        "den fil, der gemte dem",
        "{name} had changed {n} orders or answers stored before; their earlier version is "
        "not kept, so they are gone too; to have them: kunde remove, then kunde ingest "
        "again the file that stored them",
    ),
    "remove_later_overlap": (
        "Senere indlæste filer bar linjer, der var gemt fra {name}, og som nu er væk: "
        "{files}; vil du beholde dem: kunde remove FIL og kunde ingest FIL igen",
        "Files ingested later carried lines stored from {name}, now gone: {files}; to keep "
        "them: kunde remove FILE, then kunde ingest FILE again",
    ),
    "remove_later_collisions": (
        "Senere indlæste filer fik ordrer afvist, fordi {name} brugte deres ordrenumre: "
        "{files}; vil du gemme dem nu: kunde remove FIL og kunde ingest FIL igen",
        "Files ingested later had orders refused because {name} used their numbers: "
        "{files}; to store them now: kunde remove FILE, then kunde ingest FILE again",
    ),
    "remove_reingest": (
        "Filen kan læses ind igen med kunde ingest",
        "The file can be read in again with kunde ingest",
    ),
    # --- kunde demo (cli.demo) ---
    "demo_out_hint": (
        "giv --output et mappenavn, fx --output demo",
        "give --output a folder name, e.g. --output demo",
    ),
    "demo_cannot_create": (
        "kan ikke oprette mappen ({reason})",
        "cannot create the folder ({reason})",
    ),
    "demo_next": (
        "Næste skridt: kunde ingest {orders} {survey}",
        "Next: kunde ingest {orders} {survey}",
    ),
}
