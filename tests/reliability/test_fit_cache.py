"""Re-runs for cron: fitted models kept in the workspace and reused on the same data.

A report (or ``kunde clv --model`` / ``kunde churn --model``) on an unchanged workspace
and date takes the fits from ``<workspace>/cache/`` and says so in one note; anything
that changes what a fit sees — another ingest, another --as-of, another model — fits
again. The cache is never required: a damaged entry, a link or a read-only disk only
means fitting again, silently.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from polars.testing import assert_frame_equal

from kunde_cli.analytics.clv import predict as predict_mod
from kunde_cli.analytics.clv.bgnbd import BgNbdParams
from kunde_cli.analytics.clv.gamma_gamma import GammaGammaParams
from kunde_cli.analytics.clv.predict import (
    PURCHASE_FIT,
    SPEND_FIT,
    fit_record,
    params_of_record,
    predict_clv,
)
from kunde_cli.analytics.orders import OrderBasis
from kunde_cli.store.cache import CACHE_DIR, FitCache
from reliability.conftest import kunde, no_traceback

AS_OF = "2025-12-31"
REUSED_DA = "Modellen er genbrugt fra en tidligere kørsel på de samme data og indstillinger."
REUSED_EN = "The model was reused from an earlier run on the same data and settings."
PARTLY_EN = "Part of the model was reused from an earlier run on the same data and settings"


def shop_rows(n: int = 600, seed: int = 3) -> list[str]:
    """``n`` customers buying as BG/NBD says (r=0.5, α=8 weeks, p ~ Beta(1, 2.5)),
    each with a Gamma-Gamma spend level: enough for both fits to be trusted."""
    rng = np.random.default_rng(seed)
    start = date(2024, 1, 1)
    rows, order = [], 1000
    for c in range(n):
        day = start + timedelta(days=int(rng.integers(0, 180)))
        lam = rng.gamma(0.5, 1 / 8) / 7
        drop = rng.beta(1.0, 2.5)
        nu = rng.gamma(4.0, 1 / 60)
        alive = True
        while alive and day <= date(2025, 12, 31):
            order += 1
            amount = round(float(rng.gamma(6, 1 / nu)), 2)
            rows.append(f"{order};{day:%d-%m-%Y};K{c};{str(amount).replace('.', ',')}")
            alive = rng.random() > drop
            day += timedelta(days=max(1, int(rng.exponential(1 / max(lam, 1e-4)))))
    return rows


def write_export(path: Path, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "Ordrenummer;Ordredato;Kundenummer;Beløb\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A workspace with the shop ingested (copied by each test)."""
    folder = tmp_path_factory.mktemp("fit-cache")
    export = write_export(folder / "exports" / "ordrer.csv", shop_rows())
    ws = folder / "kunde-data"
    result = kunde("ingest", export, "--workspace", ws)
    assert result.exit_code == 0, result.stderr
    return ws


@pytest.fixture
def ws(base, tmp_path) -> Path:
    copy = tmp_path / "kunde-data"
    shutil.copytree(base, copy)
    return copy


@pytest.fixture
def fitted(monkeypatch) -> dict[str, int]:
    """How often each model was actually fitted (not taken from the cache)."""
    counts = {PURCHASE_FIT: 0, SPEND_FIT: 0}
    real_purchase, real_spend = predict_mod.fit_purchase_model, predict_mod.fit_gamma_gamma

    def purchase(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts[PURCHASE_FIT] += 1
        return real_purchase(*args, **kwargs)

    def spend(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts[SPEND_FIT] += 1
        return real_spend(*args, **kwargs)

    monkeypatch.setattr(predict_mod, "fit_purchase_model", purchase)
    monkeypatch.setattr(predict_mod, "fit_gamma_gamma", spend)
    return counts


#: The fits one report makes: the shop's BG/NBD and Gamma-Gamma, and the back-test's
#: (the section "Holder modellen?", kunde_cli.analytics.backtest) BG/NBD, MBG/NBD and
#: Gamma-Gamma on the orders up to the last quarter. (The shop has no channel column,
#: so the new-customer value by channel fits nothing.)
REPORT_FITS = {PURCHASE_FIT: 3, SPEND_FIT: 2}
#: Of those, the back-test's: another ingest of orders newer than the last quarter's
#: start leaves them in the cache.
BACKTEST_FITS = {PURCHASE_FIT: 2, SPEND_FIT: 1}


def report(ws: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    result = kunde("report", "--workspace", ws, "--output-dir", out, "--as-of", AS_OF, *extra)
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    return result


def clv_model(ws: Path, *extra: str) -> tuple[dict, str]:
    result = kunde(
        "clv", "--workspace", ws, "--model", "bgnbd", "--format", "json", "--lang", "en",
        "--as-of", AS_OF, *extra,
    )  # fmt: skip
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["model"], result.stderr


def entries(ws: Path) -> list[Path]:
    folder = ws / CACHE_DIR
    return sorted(folder.glob("fit-*.json")) if folder.is_dir() else []


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


# --- the same workspace twice ------------------------------------------------------------


def test_a_second_report_reuses_the_fits_and_writes_the_same_bytes(ws, tmp_path, fitted):
    first = report(ws, tmp_path / "first")
    assert fitted == REPORT_FITS
    assert REUSED_DA not in first.stderr
    assert len(entries(ws)) == sum(REPORT_FITS.values())  # one entry per fit

    second = report(ws, tmp_path / "second")
    assert fitted == REPORT_FITS  # nothing fitted again
    assert second.stderr.count(REUSED_DA) == 1
    assert outputs(tmp_path / "second") == outputs(tmp_path / "first")
    assert len(entries(ws)) == sum(REPORT_FITS.values())


def test_reused_parameters_equal_a_new_fit_exactly(ws, fitted):
    fresh, _ = clv_model(ws)
    reused, notes = clv_model(ws)
    assert fitted == {PURCHASE_FIT: 1, SPEND_FIT: 1}
    assert REUSED_EN in notes
    assert reused == fresh
    assert fresh["purchase"]["trusted"] and fresh["spend"]["trusted"]
    # And the kept record is the fit itself, field by field (not a rounded copy).
    records = [json.loads(p.read_text(encoding="utf-8"))["record"] for p in entries(ws)]
    kept = {r["type"]: r for r in records}
    purchase = params_of_record(kept["BgNbdParams"], BgNbdParams)
    spend = params_of_record(kept["GammaGammaParams"], GammaGammaParams)
    assert purchase is not None and spend is not None
    assert fresh["purchase"]["parameters"]["r"] == pytest.approx(purchase.r, rel=1e-5)
    assert fresh["spend"]["parameters"]["q"] == pytest.approx(spend.q, rel=1e-5)


def test_churn_model_reuses_the_purchase_fit_of_a_report(ws, tmp_path, fitted):
    report(ws, tmp_path / "out")
    result = kunde("churn", "--workspace", ws, "--model", "bgnbd", "--as-of", AS_OF,
                   "--format", "csv", "--lang", "en")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # Its own fit and its cut-off's back-test (kunde churn --model) are the report's.
    assert fitted[PURCHASE_FIT] == REPORT_FITS[PURCHASE_FIT]
    assert result.stderr.count(REUSED_EN) == 1


def test_quiet_says_nothing(ws, tmp_path):
    report(ws, tmp_path / "first", "--quiet")
    again = report(ws, tmp_path / "second", "--quiet")
    assert again.stderr == ""
    assert again.stdout.splitlines() == [
        str(tmp_path / "second" / f"kunde-rapport-{AS_OF}.html"),
        str(tmp_path / "second" / f"kunde-rapport-{AS_OF}.xlsx"),
    ]


# --- anything the fit sees changes: fit again --------------------------------------------


def test_another_ingest_fits_again(ws, tmp_path, fitted):
    report(ws, tmp_path / "first")
    more = write_export(
        tmp_path / "exports" / "nye.csv",
        [f"{9000 + i};{20 + i:02d}-12-2025;NY{i % 4};{100 + i},00" for i in range(8)],
    )
    assert kunde("ingest", more, "--workspace", ws).exit_code == 0
    again = report(ws, tmp_path / "second")
    # The shop's models fit again; the back-test's calibration part did not change.
    assert fitted == {k: 2 * v - BACKTEST_FITS[k] for k, v in REPORT_FITS.items()}
    assert REUSED_DA not in again.stderr


def test_another_as_of_fits_again(ws, tmp_path, fitted):
    report(ws, tmp_path / "first")
    earlier = kunde("report", "--workspace", ws, "--output-dir", tmp_path / "second",
                    "--as-of", "2025-11-30")  # fmt: skip
    assert earlier.exit_code == 0, earlier.stderr
    assert fitted == {k: 2 * v for k, v in REPORT_FITS.items()}
    assert REUSED_DA not in earlier.stderr


def test_another_model_fits_the_purchase_model_again(ws, fitted):
    clv_model(ws)
    _, notes = clv_model(ws, "--model", "mbgnbd")
    # The spend model sees the same numbers whichever purchase model is chosen.
    assert fitted == {PURCHASE_FIT: 2, SPEND_FIT: 1}
    assert PARTLY_EN in notes and REUSED_EN not in notes
    result = kunde("churn", "--workspace", ws, "--model", "mbgnbd", "--as-of", AS_OF,
                   "--format", "csv", "--lang", "en")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # The MBG/NBD fit of clv --model mbgnbd, and the one of the cut-off's back-test.
    assert fitted[PURCHASE_FIT] == 3
    assert REUSED_EN in result.stderr


def test_no_model_keeps_no_fits(ws, tmp_path, fitted):
    report(ws, tmp_path / "out", "--no-model")
    assert entries(ws) == []
    assert fitted == {PURCHASE_FIT: 0, SPEND_FIT: 0}


def test_files_read_directly_get_no_cache(base, tmp_path, fitted):
    export = base.parent / "exports" / "ordrer.csv"
    for _ in range(2):
        result = kunde("clv", export, "--model", "bgnbd", "--format", "csv", "--lang", "en",
                       "--workspace", tmp_path / "none")  # fmt: skip
        assert result.exit_code == 0, result.stderr
        assert REUSED_EN not in result.stderr
    assert fitted[PURCHASE_FIT] == 2
    assert not (tmp_path / "none").exists()
    assert not (base.parent / "exports" / CACHE_DIR).exists()


# --- damaged, planted, read-only: never required ------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\x00\xff garbage",
        b"{not json",
        b"[]",
        b'{"format": 1, "key": "0000", "record": {}}',
        b'{"format": 99}',
    ],
)
def test_a_damaged_entry_is_ignored_and_refit(ws, damage, fitted):
    fresh, _ = clv_model(ws)
    for path in entries(ws):
        path.write_bytes(damage)
    again, notes = clv_model(ws)
    no_traceback(notes)
    assert fitted == {PURCHASE_FIT: 2, SPEND_FIT: 2}
    assert REUSED_EN not in notes and "cache" not in notes.lower()
    assert again == fresh
    # The refit replaced the damaged entries: the next run reuses them.
    _, notes = clv_model(ws)
    assert REUSED_EN in notes
    assert fitted == {PURCHASE_FIT: 2, SPEND_FIT: 2}


def test_an_entry_with_wrong_values_is_ignored(ws, fitted):
    clv_model(ws)
    for path in entries(ws):
        entry = json.loads(path.read_text(encoding="utf-8"))
        fields = entry["record"]["fields"]
        if "r" in fields:
            fields["r"] = "0.5"  # a string where a number belongs
        else:
            fields["n_customers"] += 1  # counts other customers than the data has
        path.write_text(json.dumps(entry), encoding="utf-8")
    _, notes = clv_model(ws)
    assert fitted == {PURCHASE_FIT: 2, SPEND_FIT: 2}
    assert REUSED_EN not in notes


def test_debug_says_why_an_entry_was_not_used(ws, monkeypatch):
    clv_model(ws)
    for path in entries(ws):
        path.write_bytes(b"{not json")
    monkeypatch.setenv("KUNDE_DEBUG", "1")
    _, notes = clv_model(ws)
    assert notes.count("not kunde's JSON") == 2


def test_a_link_in_place_of_an_entry_is_not_followed(ws, tmp_path, fitted):
    clv_model(ws)
    outside = tmp_path / "outside"
    outside.mkdir()
    for path in entries(ws):
        target = outside / path.name
        shutil.copyfile(path, target)  # a valid entry, but not where kunde keeps them
        path.unlink()
        path.symlink_to(target)
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    _, notes = clv_model(ws)
    assert fitted == {PURCHASE_FIT: 2, SPEND_FIT: 2}  # the links were not read
    assert REUSED_EN not in notes
    # Nor written through: the new entries replaced the links, the files outside are as they were.
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before
    assert all(not p.is_symlink() and p.is_file() for p in entries(ws))


def test_a_link_in_place_of_the_cache_folder_is_not_followed(ws, tmp_path, fitted):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (ws / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    clv_model(ws)
    _, notes = clv_model(ws)
    assert fitted == {PURCHASE_FIT: 2, SPEND_FIT: 2}
    assert REUSED_EN not in notes
    assert list(elsewhere.iterdir()) == []


def test_entries_are_owner_only_whatever_the_umask(ws):
    old = os.umask(0)
    try:
        clv_model(ws)
    finally:
        os.umask(old)
    assert stat.S_IMODE((ws / CACHE_DIR).stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in entries(ws)} == {0o600}


def test_a_read_only_workspace_still_answers(ws, monkeypatch, fitted):
    real_open, real_mkdir = os.open, Path.mkdir
    inside = str(ws.resolve())

    def open_(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        writes = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC)
        if writes and str(Path(path).resolve()).startswith(inside):
            raise OSError(30, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    def mkdir(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(self.resolve()).startswith(inside):
            raise OSError(30, "Read-only file system", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(Path, "mkdir", mkdir)
    first, notes = clv_model(ws)
    assert first["purchase"]["trusted"]
    assert "cache" not in notes.lower()
    assert not (ws / CACHE_DIR).exists()


# --- the store and the keys on their own --------------------------------------------------


def test_only_the_newest_entries_are_kept(tmp_path):
    cache = FitCache(tmp_path, keep=3, namespace="test")
    keys = [f"{i:016x}" for i in range(5)]
    for n, key in enumerate(keys):
        cache.put(key, {"n": n})
        path = cache.folder / cache.entry_name(key)
        os.utime(path, ns=(n * 10**9, n * 10**9))  # written in this order
    kept = sorted(p.name for p in cache.folder.iterdir())
    assert kept == sorted(cache.entry_name(k) for k in keys[2:])
    # A hit counts as use: the oldest entry, read, outlives a newer one.
    assert cache.get(keys[2]) == {"n": 2}
    cache.put("f" * 16, {"n": 9})
    kept = {p.name for p in cache.folder.iterdir()}
    assert cache.entry_name(keys[2]) in kept and cache.entry_name(keys[3]) not in kept


def test_another_namespace_finds_nothing(tmp_path):
    FitCache(tmp_path, namespace="kunde 1").put("a" * 16, {"x": 1})
    other = FitCache(tmp_path, namespace="kunde 2")
    assert other.get("a" * 16) is None
    assert FitCache(tmp_path, namespace="kunde 1").get("a" * 16) == {"x": 1}


class DictStore:
    """A FitStore in memory: what predict_clv asks for and keeps."""

    def __init__(self) -> None:
        self.records: dict[str, dict] = {}
        self.asked: list[str] = []

    def get(self, key: str) -> dict | None:
        self.asked.append(key)
        return self.records.get(key)

    def put(self, key: str, record: dict) -> None:
        self.records[key] = json.loads(json.dumps(record))  # as a file would give it back


@pytest.fixture(scope="module")
def basis(base) -> OrderBasis:
    from kunde_cli.store import Workspace

    return OrderBasis.of(Workspace(base).scan_orders().collect().lazy(), as_of=date(2025, 12, 31))


def test_predict_clv_keeps_and_reuses_fits(basis):
    store = DictStore()
    first = predict_clv(basis, as_of=date(2025, 12, 31), fits=store)
    assert first.reused == ()
    assert len(store.records) == 2
    second = predict_clv(basis, as_of=date(2025, 12, 31), fits=store)
    assert second.reused == (PURCHASE_FIT, SPEND_FIT)
    assert second.purchase_model == first.purchase_model  # every field, exactly
    assert second.spend_model == first.spend_model
    assert_frame_equal(first.customers.sort("customer_id"), second.customers.sort("customer_id"))
    # Another time unit is another fit; so is another model.
    days = predict_clv(basis, as_of=date(2025, 12, 31), fits=store, time_unit_days=1.0)
    assert days.reused == (SPEND_FIT,)
    assert len(store.records) == 3


def test_a_record_of_other_counts_is_not_reused(basis):
    store = DictStore()
    first = predict_clv(basis, as_of=date(2025, 12, 31), fits=store)
    for key, record in store.records.items():
        cls = BgNbdParams if record["type"] == "BgNbdParams" else GammaGammaParams
        params = params_of_record(record, cls)
        assert params is not None
        store.records[key] = fit_record(replace(params, n_customers=params.n_customers + 1))
    second = predict_clv(basis, as_of=date(2025, 12, 31), fits=store)
    assert second.reused == ()
    assert second.purchase_model == first.purchase_model


def test_records_read_back_only_as_what_they_are():
    params = BgNbdParams(r=0.24, alpha=4.4, a=0.79, b=2.4, loglik=-9582.4,
                         n_customers=2357, n_repeat=1, converged=True)  # fmt: skip
    record = json.loads(json.dumps(fit_record(params)))
    assert params_of_record(record, BgNbdParams) == params
    assert params_of_record(record, GammaGammaParams) is None
    extra = {**record, "fields": {**record["fields"], "name": "Åse"}}
    assert params_of_record(extra, BgNbdParams) is None
    missing = {**record, "fields": {k: v for k, v in record["fields"].items() if k != "b"}}
    assert params_of_record(missing, BgNbdParams) is None
    as_bool = {**record, "fields": {**record["fields"], "n_customers": True}}
    assert params_of_record(as_bool, BgNbdParams) is None
    assert params_of_record(None, BgNbdParams) is None


# --- the same report again: not made at all ------------------------------------------------

UNCHANGED_DA = "Rapporten er uændret"


def stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(out.iterdir())}


def test_the_same_report_again_is_not_made_and_says_so(ws, tmp_path, fitted):
    out = tmp_path / "out"
    first = report(ws, out)
    assert UNCHANGED_DA not in first.stderr
    before, written = stamps(out), outputs(out)
    again = report(ws, out)
    assert again.stderr.count(UNCHANGED_DA) == 1
    assert REUSED_DA not in again.stderr  # nothing was fitted or reused: nothing was made
    assert fitted == REPORT_FITS
    assert stamps(out) == before and outputs(out) == written
    # The notes are those of the report the files hold.
    first_notes = first.stderr.splitlines()
    assert again.stderr.splitlines() == [*first_notes, again.stderr.splitlines()[-1]]
    assert again.stdout == first.stdout
    quiet = report(ws, out, "--quiet")
    assert quiet.stderr == "" and quiet.stdout == first.stdout


@pytest.mark.parametrize("change", ["edit", "remove", "link"])
def test_a_file_changed_since_is_written_again(ws, tmp_path, change):
    out = tmp_path / "out"
    report(ws, out)
    written = outputs(out)
    html = out / f"kunde-rapport-{AS_OF}.html"
    if change == "edit":
        html.write_text(html.read_text(encoding="utf-8") + "<!-- mine -->", encoding="utf-8")
    elif change == "remove":
        (out / f"kunde-rapport-{AS_OF}.xlsx").unlink()
    elif change == "link":  # the same bytes, but behind a link kunde did not make
        copy = tmp_path / "copy.html"
        copy.write_bytes(html.read_bytes())
        html.unlink()
        html.symlink_to(copy)
    again = report(ws, out)
    assert UNCHANGED_DA not in again.stderr
    assert REUSED_DA in again.stderr  # made again, from the kept fits
    if change == "link":
        assert html.is_symlink()  # written through the link, as any output
        assert (tmp_path / "copy.html").read_bytes() == written[html.name]
    else:
        assert outputs(out) == written


def test_a_file_with_the_recorded_bytes_is_the_report(ws, tmp_path):
    out = tmp_path / "out"
    report(ws, out)
    html = out / f"kunde-rapport-{AS_OF}.html"
    data = html.read_bytes()
    html.unlink()
    html.write_bytes(data)  # copied back from a backup, say: what kunde would write
    assert UNCHANGED_DA in report(ws, out).stderr


def test_the_same_export_ingested_again_leaves_the_report_unchanged(ws, base, tmp_path):
    out = tmp_path / "out"
    report(ws, out)
    export = base.parent / "exports" / "ordrer.csv"
    assert kunde("ingest", export, "--workspace", ws).exit_code == 0  # cron, the next night
    assert UNCHANGED_DA in report(ws, out).stderr


@pytest.mark.parametrize(
    "option",
    [("--compare", "2025-06-30"), ("--lang", "en"), ("--no-model",), ("--as-of", "2025-12-30")],
)
def test_another_option_makes_the_report_again(ws, tmp_path, option):
    out = tmp_path / "out"
    report(ws, out)
    result = kunde("report", "--workspace", ws, "--output-dir", out, "--as-of", AS_OF, *option)
    assert result.exit_code == 0, result.stderr
    assert "uændret" not in result.stderr and "unchanged" not in result.stderr
    again = kunde("report", "--workspace", ws, "--output-dir", out, "--as-of", AS_OF, *option)
    assert "uændret" in again.stderr or "unchanged" in again.stderr


def test_new_data_makes_the_report_again(ws, tmp_path):
    out = tmp_path / "out"
    report(ws, out)
    more = write_export(tmp_path / "exports" / "nye.csv", ["9001;30-12-2025;NY1;250,00"])
    assert kunde("ingest", more, "--workspace", ws).exit_code == 0
    again = report(ws, out)
    assert UNCHANGED_DA not in again.stderr
    assert "601 kunder" in again.stderr


def test_other_code_makes_the_report_again(ws, tmp_path, monkeypatch):
    from kunde_cli.store import report_cache

    out = tmp_path / "out"
    report(ws, out)
    monkeypatch.setattr(report_cache, "package_digest", lambda: "another kunde")
    assert UNCHANGED_DA not in report(ws, out).stderr


def test_an_anonymised_report_is_never_recorded(ws, tmp_path):
    out = tmp_path / "out"
    salt = ("--anonymise", "--salt", "a-test-secret-of-some-length")
    report(ws, out, *salt)
    assert UNCHANGED_DA not in report(ws, out, *salt).stderr
    assert not list((ws / CACHE_DIR).glob("report-*.json"))


def test_a_damaged_record_makes_the_report_again(ws, tmp_path):
    out = tmp_path / "out"
    report(ws, out)
    (record,) = (ws / CACHE_DIR).glob("report-*.json")
    entry = json.loads(record.read_text(encoding="utf-8"))
    entry["record"]["files"] = "not a list"
    record.write_text(json.dumps(entry), encoding="utf-8")
    again = report(ws, out)
    assert UNCHANGED_DA not in again.stderr
    assert UNCHANGED_DA in report(ws, out).stderr  # recorded afresh


def test_a_workspace_changed_while_reporting_is_not_recorded(ws, tmp_path):
    from kunde_cli.store.report_cache import ReportCache, workspace_state

    out = tmp_path / "out"
    out.mkdir()
    paths = (out / "a.html", out / "b.xlsx")
    for path in paths:
        path.write_bytes(b"report")
    stale = ReportCache(ws, paths, {"as_of": AS_OF}, state="the state before an ingest")
    stale.record((b"report", b"report"), ["note"])
    assert not list((ws / CACHE_DIR).glob("report-*.json"))
    fresh = ReportCache(ws, paths, {"as_of": AS_OF}, state=workspace_state(ws))
    fresh.record((b"report", b"report"), ["note"])
    assert ReportCache(ws, paths, {"as_of": AS_OF}, state=workspace_state(ws)).unchanged() == [
        "note"
    ]
