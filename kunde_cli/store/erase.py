"""Erasing one person (``kunde forget``): whom a query names, and rewriting each
part frame without their personal data."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from kunde_cli import schema as s
from kunde_cli.ingest import identity as ident

#: Prefix of the anonymous id that replaces an erased customer's id.
ERASED_PREFIX = "erased-"
#: Columns cleared by :meth:`Workspace.forget`.
ORDERS_ERASED_COLUMNS = (s.EMAIL, s.NAME, s.PHONE, s.POSTCODE, s.CITY)
SURVEY_ERASED_COLUMNS = (s.EMAIL, s.NAME, s.COMMENT)
# An eraser takes one part's frame and returns (new frame or None when untouched,
# rows erased, names seen on those rows).
Eraser = Callable[[pl.DataFrame], tuple[pl.DataFrame | None, int, set[str]]]


def normalised_email_values(values: list[str]) -> list[str]:
    return (
        pl.DataFrame({"v": values}, schema={"v": pl.String})
        .select(ident.normalise_email_expr("v"))
        .get_column("v")
        .drop_nulls()
        .to_list()
    )


def forget_targets(identity: pl.DataFrame, query: str) -> pl.Series:
    """Canonical ids of the customer named by ``query`` (e-mail or id, else phone)."""
    probe = pl.DataFrame({"q": [query]}).select(
        ident.normalise_email_expr("q").alias("email"),
        ident.normalise_phone_expr("q").alias("phone"),
    )
    email, phone = probe.row(0)
    match = (pl.col(ident.ID_KEY) == query) | (pl.col(ident.CANONICAL_ID) == query)
    if email is not None:
        match = match | (pl.col(ident.EMAIL_KEY) == email)
    hits = identity.filter(match.fill_null(False))
    if hits.height == 0 and phone is not None:
        hits = identity.filter(pl.col(ident.PHONE_KEY) == phone)
    return hits.get_column(ident.CANONICAL_ID).drop_nulls().unique()


def erase_orders(person: pl.DataFrame, pseudonym: str) -> Eraser:
    marks = person.select(*ident.RAW_COLUMNS).unique().with_columns(_erase=pl.lit(True))

    def erase(frame: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        hit = (
            frame.select(*ident.RAW_COLUMNS)
            .join(
                marks,
                on=list(ident.RAW_COLUMNS),
                how="left",
                nulls_equal=True,
                maintain_order="left",
            )
            .get_column("_erase")
            .fill_null(False)
        )
        count = int(hit.sum())
        if not count:
            return None, 0, set()
        names = set(frame.filter(hit).get_column(s.NAME).drop_nulls().to_list())
        erased = frame.with_columns(
            pl.when(hit)
            .then(pl.lit(pseudonym))
            .otherwise(pl.col(s.CUSTOMER_ID))
            .alias(s.CUSTOMER_ID),
            *(pl.when(hit).then(None).otherwise(pl.col(c)).alias(c) for c in ORDERS_ERASED_COLUMNS),
        )
        return erased, count, names

    return erase


def erase_survey(identity: pl.DataFrame, keys: list[str], pseudonym: str) -> Eraser:
    def erase(frame: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        resolved = ident.resolve_survey(frame, identity).collect().get_column(s.CUSTOMER_ID)
        hit = resolved.is_in(pl.Series(keys, dtype=pl.String).implode()).fill_null(False)
        count = int(hit.sum())
        if not count:
            return None, 0, set()
        names = set(frame.filter(hit).get_column(s.NAME).drop_nulls().to_list())
        erased = frame.with_columns(
            pl.when(hit)
            .then(pl.lit(pseudonym))
            .otherwise(pl.col(s.CUSTOMER_ID))
            .alias(s.CUSTOMER_ID),
            *(pl.when(hit).then(None).otherwise(pl.col(c)).alias(c) for c in SURVEY_ERASED_COLUMNS),
        )
        return erased, count, names

    return erase


def erase_rejects(personal: dict[str, list[str]]) -> Eraser:
    def erase(frame: pl.DataFrame) -> tuple[pl.DataFrame | None, int, set[str]]:
        value = pl.col(s.REJECT_VALUE)
        conditions = [
            ident.normalise_email_expr(value).is_in(
                pl.Series(personal["emails"], dtype=pl.String).implode()
            ),
            ident.normalise_phone_expr(value).is_in(
                pl.Series(personal["phones"], dtype=pl.String).implode()
            ),
            value.str.strip_chars()
            .str.to_lowercase()
            .is_in(pl.Series(personal["names"], dtype=pl.String).implode()),
            *(value.str.to_lowercase().str.contains(e, literal=True) for e in personal["emails"]),
        ]
        hit = frame.select(pl.any_horizontal(conditions).fill_null(False)).to_series()
        count = int(hit.sum())
        if not count:
            return None, 0, set()
        return frame.filter(~hit), count, set()

    return erase
