"""A file named twice on one command line: the first naming stores it, the second is
the same file again (all its rows duplicates) — nothing lost, nothing counted twice."""

from __future__ import annotations

from pathlib import Path

import kunde_cli

SHOP = "Ordrenummer;Ordredato;Kundenummer;E-mail;Beløb;Status"


def test_a_file_named_twice_is_read_and_counted_for_each_naming(tmp_path: Path) -> None:
    path = tmp_path / "ordrer.csv"
    path.write_text(
        "\n".join(
            [
                SHOP,
                "1;01-03-2026;K1;anna@mail.dk;100,00;Betalt",
                "2;02-03-2026;K2;bo@mail.dk;50,00;Betalt",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    report = kunde_cli.ingest_files([path, path], tmp_path / "ws")
    rows = report.table.select("rows_read", "accepted", "duplicates", "rejected").rows()
    assert rows == [(2, 2, 0, 0), (2, 0, 2, 0)]
    assert kunde_cli.load(workspace=tmp_path / "ws").orders.lines.collect().height == 2
