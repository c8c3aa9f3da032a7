"""One language per output (issue 16 point 2): every command, run in Danish and in
English, writes for a person in that language only — tables, notes, warnings, errors,
hints and the HTML report.

The shop here is deliberately language-neutral (names, products, cities and comments
are words of neither language), so a word of the other language in the output can
only come from kunde. Each output is split into words after what is not prose is
taken out: options (``--lang``), commands in backticks, quoted values ('Total'), file
paths and e-mail addresses. A Danish output must hold none of :data:`ENGLISH`, an
English one none of :data:`DANISH` and no æ, ø or å.

CSV, JSON and Parquet keep their snake_case keys for scripts: they are not prose and are
not checked here, except ``--csv-style da``, which is for a person opening the file in
Excel and so is worded.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kunde_cli import schema
from kunde_cli.cli.main import app

runner = CliRunner()


def _listed(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that are English and not Danish (nor a proper name kunde uses).
ENGLISH = _listed(
    """
    the and with not from file files error hint warning revenue rows row answers answer
    days value share found read skipped left counted purchases purchase amount which this
    that were was have has been into only are customers customer orders order all month
    months year years promoters detractors passives fitted converge converged
    likelihood first last returning loyal lost active cooling inactive champion champions
    risk new next ingested already same missing unknown cannot could should must
    written wrote write saved folder workspace none there their they when where why what
    who how per average total spend expected predicted actual period periods given
    chosen note notes used using use without between before after because see
    """
)

#: Words that are Danish and not English.
DANISH = _listed(
    """
    og ikke har med til af der som eller kunder ordrer ordre køb svar filen række rækker
    fejl tip dage dag værdi beløb omsætning andel alle ingen kan skal fundet læst mangler
    uden efter før hver ved på fra nye gennemsnit forventet faktisk periode indlæst
    allerede samme arbejdsmappe mappe skrevet gemt hvorfor hvornår hvad hvem hvordan
    kunderne ordrerne købt sidste første tabt aktiv kølnet inaktiv loyale
    """
)

#: Proper names and units that may appear in either language.
ALLOWED = _listed(
    """
    nps clv rfm aov bg nbd mbg gamma excel html csv json parquet gdpr xlsx kunde kr dkk
    eur usd sek nok ok id e mail p alive da en ja nej
    """
)

#: The canonical field names, which inspect shows beside their label ("Beløb (amount)")
#: because --map takes them: codes a person types, the same in both languages.
_FIELDS = "|".join(sorted({*schema.ORDERS, *schema.SURVEY, "date_order"}, key=len, reverse=True))

_NOT_PROSE = [
    re.compile(rf"\((?:{_FIELDS})\)"),  # a field's code beside its label
    re.compile(r"`[^`]*`"),  # a command to run
    re.compile(r"'[^']*'"),  # a value or column name quoted from the data
    re.compile(r"(?<![\w-])--?[a-z][\w-]*"),  # an option
    re.compile(r"\S+@\S+"),  # an e-mail address
    re.compile(r"\S*[/\\]\S*"),  # a path
    re.compile(r"\S+\.(csv|json|xlsx|html|toml|parquet|txt)\b"),  # a file name
    re.compile(r"\bhttps?://\S+"),
    re.compile(r"\b\w+-[0-9a-f]{8,}\b"),  # an id kunde made (svar-8c40…): the same in both
]


def words_of(text: str) -> set[str]:
    """The prose words of ``text``, lower-cased, with what is not prose taken out.

    >>> sorted(words_of("Fejl: ordrer.csv: kør `kunde inspect FIL` med --lang en 'Total'"))
    ['fejl', 'kør', 'med']
    """
    for pattern in _NOT_PROSE:
        text = pattern.sub(" ", text)
    return {w for w in re.findall(r"[a-zæøå]+", text.lower()) if w not in ALLOWED}


def other_language(text: str, lang: str) -> list[str]:
    """The words of ``text`` that belong to the other language than ``lang`` (the shop's
    own column names, which inspect shows, are data)."""
    found = words_of(text) - HEADER_WORDS
    if lang == "da":
        return sorted(found & ENGLISH)
    return sorted((found & DANISH) | {w for w in found if re.search("[æøå]", w)})


# --- a language-neutral shop ------------------------------------------------------------

HEADER = "Ordrenr;Dato;Kundenr;Navn;E-mail;Vare;Beløb;Status;By;Kanal"
HEADER_WORDS = frozenset(words_of(HEADER.replace(";", " ")))
NAMES = ["Anna Berg", "Bo Holm", "Ida Lund", "Ole Kim", "Eva Mos", "Lea Rask", "Max Vik"]
PRODUCTS = ["Mug", "Lamp", "Vase", "Kettle", "Tray"]


def neutral_shop(folder: Path) -> tuple[Path, Path]:
    """An orders export (semicolons, decimal commas, kr.) and an NPS survey whose data
    holds no word of either language."""
    start = date(2025, 1, 6)
    lines = [HEADER]
    order = 1000
    for c in range(42):
        name = NAMES[c % len(NAMES)]
        visits = 1 + (c * 7) % 6
        for v in range(visits):
            order += 1
            day = start + timedelta(days=(c * 13 + v * 61) % 640)
            amount = 100 + (c * 37 + v * 53) % 900
            product = PRODUCTS[(c + v) % len(PRODUCTS)]
            lines.append(
                f"{order};{day:%d-%m-%Y};C{c:03d};{name} {c};c{c}@example.com;{product};"
                f"{amount},50 kr.;paid;Aarhus;{('Web', 'Instagram')[c % 2]}"
            )
    orders = folder / "orders.csv"
    orders.write_text("\n".join(lines) + "\n", encoding="utf-8")
    answers = ["email,score,comment,submitted"]
    for c in range(0, 42, 2):
        answers.append(f"c{c}@example.com,{(c * 3) % 11},Super {c % 3},2026-0{1 + c % 8}-15")
    survey = folder / "survey.csv"
    survey.write_text("\n".join(answers) + "\n", encoding="utf-8")
    return orders, survey


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("one-language")
    orders, survey = neutral_shop(folder)
    return {"folder": folder, "orders": orders, "survey": survey}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    monkeypatch.chdir(tmp_path)
    return {
        "KUNDE_WORKSPACE": None,
        "KUNDE_LANG": None,
        "KUNDE_SALT": "one-language-one-language",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "COLUMNS": "200",
    }


def _run(args: list[str], env: dict[str, str | None]) -> tuple[int, str]:
    result = runner.invoke(app, args, env=env)
    return result.exit_code, result.stdout + "\n" + result.stderr


def _ingested(shop: dict[str, Path], tmp_path: Path, lang: str, env) -> Path:
    ws = tmp_path / "ws"
    code, text = _run(
        ["ingest", str(shop["orders"]), str(shop["survey"]), "-w", str(ws), "--lang", lang],
        env,
    )
    assert code == 0, text
    return ws


COMMANDS = {
    "segment": ["segment", "--format", "table"],
    "ladder": ["ladder", "--format", "table"],
    "churn": ["churn", "--format", "table", "--list"],
    "churn-model": ["churn", "--format", "table", "--model", "bgnbd"],
    "nps": ["nps", "--format", "table"],
    "retention": ["retention", "--format", "table"],
    "clv": ["clv", "--format", "table"],
    "clv-model": ["clv", "--format", "table", "--model", "bgnbd"],
    "profiles": ["profiles", "--format", "table"],
    "explain": ["explain", "C007", "--format", "table"],
    "segment-csv-da": ["segment", "--format", "csv", "--csv-style", "da"],
    "segment-by-customer": ["segment", "--format", "table", "--by", "customer"],
    "segment-compare": ["segment", "--format", "table", "--compare", "2026-03-01"],
    "ladder-compare": ["ladder", "--format", "table", "--compare", "2026-03-01"],
    "nps-by-segment": ["nps", "--format", "table", "--by", "segment"],
    "nps-detractors": ["nps", "--format", "table", "--list", "detractors"],
    "nps-comments": ["nps", "--format", "table", "--comments"],
    "nps-follow-up": ["nps", "--format", "table", "--follow-up", "cases.xlsx"],
    "retention-cohorts": ["retention", "--format", "table", "--cohorts"],
    "clv-holdout": ["clv", "--format", "table", "--holdout", "6m"],
    "backtest": ["backtest", "--format", "table"],
    "profiles-by-rung": ["profiles", "--format", "table", "--by", "rung"],
    "retention-trend": ["retention", "--format", "table", "--trend"],
    "churn-due": ["churn", "--format", "table", "--due"],
    "clv-new-by": ["clv", "--format", "table", "--new-by", "channel"],
    "clv-monthly": ["clv", "--format", "table", "--monthly"],
    "clv-monthly-segment": ["clv", "--format", "table", "--monthly", "--by", "segment"],
    "clv-profit": [
        *("clv", "--format", "table", "--model", "bgnbd", "--by", "segment", "--config"),
        str(Path(__file__).resolve().parents[1] / "data" / "profit" / "kunde.toml"),
    ],
    "status": ["status", "--format", "table"],
}


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_analysis_speaks_one_language(name, lang, shop, tmp_path, env) -> None:
    ws = _ingested(shop, tmp_path, lang, env)
    code, text = _run([*COMMANDS[name], "-w", str(ws), "--lang", lang], env)
    assert code == 0, text
    assert other_language(text, lang) == [], text


@pytest.mark.parametrize("lang", ["da", "en"])
def test_export_speaks_one_language(lang, shop, tmp_path, env) -> None:
    # The mailing list itself is data for a mail tool (snake_case keys); what kunde says
    # about it on stderr is for a person.
    ws = _ingested(shop, tmp_path, lang, env)
    args = ["export", "--segment", "champion,loyal", "-w", str(ws), "--lang", lang]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip()
    assert other_language(result.stderr, lang) == [], result.stderr


@pytest.mark.parametrize("lang", ["da", "en"])
def test_ingest_and_inspect_speak_one_language(lang, shop, tmp_path, env) -> None:
    ws = tmp_path / "ws"
    args = ["ingest", str(shop["orders"]), str(shop["survey"]), "-w", str(ws), "-f", "table"]
    for run in (args, args, ["inspect", str(shop["orders"])], ["inspect", str(shop["survey"])]):
        code, text = _run([*run, "--lang", lang], env)
        assert code == 0, text
        assert other_language(text, lang) == [], text


@pytest.mark.parametrize("lang", ["da", "en"])
def test_report_speaks_one_language(lang, shop, tmp_path, env) -> None:
    ws = _ingested(shop, tmp_path, lang, env)
    out = tmp_path / "out"
    code, text = _run(["report", "-w", str(ws), "-d", str(out), "--lang", lang], env)
    assert code == 0, text
    assert other_language(text, lang) == [], text
    (html,) = out.glob("*.html")
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html.read_text(encoding="utf-8"))
    prose = re.sub(r"<[^>]+>", " ", page)
    assert other_language(prose, lang) == [], sorted(other_language(prose, lang))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_forget_speaks_one_language(lang, shop, tmp_path, env) -> None:
    ws = _ingested(shop, tmp_path, lang, env)
    code, text = _run(["forget", "c3@example.com", "-w", str(ws), "--yes", "--lang", lang], env)
    assert code == 0, text
    assert other_language(text, lang) == [], text


#: name -> (command line, the codes it may list: values a person types, not prose).
ERRORS: dict[str, tuple[list[str], set[str]]] = {
    "missing-file": (["segment", "no-such-file.csv"], set()),
    "empty-workspace": (["segment", "-w", "empty-ws"], set()),
    "bad-tier": (
        ["churn", "--tier", "sleepy", "FILE"],
        {"active", "cooling", "inactive", "lost"},
    ),
    "bad-map": (["segment", "--map", "amount", "FILE"], {"amount", "total"}),
    "no-customer": (["explain", "Nobody Here", "FILE"], set()),
}


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_speak_one_language(name, lang, shop, env) -> None:
    command, codes = ERRORS[name]
    args = [str(shop["orders"]) if a == "FILE" else a for a in command]
    code, text = _run([*args, "--lang", lang], env)
    assert code == 2, text
    assert set(other_language(text, lang)) <= codes, text


@pytest.mark.parametrize("lang", ["da", "en"])
def test_language_from_the_environment_and_kunde_toml(lang, shop, tmp_path, env) -> None:
    # KUNDE_LANG chooses the language when --lang is not given …
    code, text = _run(["segment", "no-such-file.csv"], {**env, "KUNDE_LANG": lang})
    assert code == 2
    assert text.strip().startswith("Fejl:" if lang == "da" else "Error:"), text
    # … and lang in kunde.toml when neither is.
    (tmp_path / "kunde.toml").write_text(f'lang = "{lang}"\n', encoding="utf-8")
    code, text = _run(["segment", "no-such-file.csv"], env)
    assert text.strip().startswith("Fejl:" if lang == "da" else "Error:"), text


def test_the_check_sees_the_other_language(shop, tmp_path, env) -> None:
    """The word lists catch a whole output in the wrong language (so the tests above can
    fail), and a single leaked word."""
    ws = _ingested(shop, tmp_path, "da", env)
    for lang, other in (("da", "en"), ("en", "da")):
        code, text = _run(["segment", "--format", "table", "-w", str(ws), "--lang", lang], env)
        assert code == 0
        assert len(other_language(text, other)) >= 3, text
    assert other_language("Talt med: 3 køb from 2 kunder", "da") == ["from"]
    assert other_language("Counted: 3 purchases for 2 kunder", "en") == ["kunder"]
