"""What a new survey export adds to the stored answers: new answers, answers edited
since the last export, the same answers again, and answers whose tool id another stored
answer already has (a second sheet numbering its answers the same way).

The same idea as the order lines' overlap (:mod:`kunde_cli.store.overlap`), with the
survey tool's own ids or a key of the answer's content.

Pure functions on Polars frames; :class:`kunde_cli.store.Workspace` does the I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kunde_cli import schema as s
from kunde_cli.store.erase import ERASED_PREFIX


@dataclass(frozen=True)
class AnswerOverlap:
    """How an export's survey answers meet the stored ones."""

    fresh: pl.DataFrame  # answers to store: new ones, new versions, re-keyed clashes
    replaced: pl.DataFrame  # (response_id) of stored answers the new versions replace
    duplicates: int  # answers stored already, alike (or erased since: they stay erased)
    changed: int  # answers the survey tool lets people edit, changed since the last export
    clashes: int  # answers whose tool id another stored answer (other person/time) has


#: Layouts whose response ids are unique across every survey of the tool (SurveyMonkey's
#: Respondent ID, Typeform's token): the same id is always the same answer, edited or
#: not. Ids typed into a sheet (1, 2, 3 …) may start again in the next sheet.
UNIQUE_ID_LAYOUTS = ("surveymonkey", "typeform")

#: Prefix of a response id made from an answer's content (no id column in the export).
CONTENT_KEY_PREFIX = "svar-"


def content_key(score: pl.Expr | None = None) -> pl.Expr:
    """A response id from what an answer says: submitted time, customer (id, else
    e-mail), score and comment — the same in next month's export of the same form, under
    any file name, in any row order (Google Forms and plain sheets have no response id).

    Two identical answers in one export (same second, same person, same score and
    comment) are told apart by their occurrence number, so each counts once and a
    re-export holding both again adds neither. The key is a SHA-256 digest (stable across
    Polars versions, unlike ``Expr.hash``; holds no personal data in readable form).
    """
    import hashlib

    score = pl.col(s.SCORE) if score is None else score
    text = pl.concat_str(
        pl.col(s.RESPONDED_AT).dt.strftime("%Y-%m-%dT%H:%M:%S").fill_null(""),
        pl.coalesce(s.CUSTOMER_ID, pl.col(s.EMAIL).str.to_lowercase()).fill_null(""),
        score.cast(pl.String).fill_null(""),
        pl.col(s.COMMENT).str.strip_chars().fill_null(""),
        separator="\x1f",
    )
    nth = pl.int_range(pl.len()).over(text)
    # Survey exports are small (hundreds to thousands of answers): hashlib per answer is
    # fast enough, and the key must stay the same across Polars versions.
    return pl.format("{}\x1f{}", text, nth).map_elements(
        lambda value: CONTENT_KEY_PREFIX + hashlib.sha256(value.encode("utf-8")).hexdigest()[:24],
        return_dtype=pl.String,
    )


def _person() -> pl.Expr:
    return pl.coalesce(s.CUSTOMER_ID, s.EMAIL)


def compare_answers(
    batch: pl.DataFrame, stored: pl.LazyFrame, *, unique_ids: bool = False
) -> AnswerOverlap:
    """Split ``batch`` (schema.SURVEY, one export) against ``stored`` answers.

    An answer is known by its ``response_id``: the survey tool's own id (Respondent ID,
    ``#``, a typed Svarnummer), else a key of its content (:func:`content_key`).
    A tool id already stored is

    * the same answer when the tool's ids are unique (``unique_ids``: SurveyMonkey,
      Typeform), or it has the same person (customer id, else e-mail), or — with no
      person on either side, or a person erased since — the same time: alike →
      duplicate; edited since (another score, comment or time) → **changed**, the new
      version replaces the stored one (an erased person's answer stays as it is);
    * otherwise a **clash**: another survey numbering its answers the same way (a second
      sheet starting at 1 again). The answer is kept, keyed on its content instead, and
      counted, never dropped as a duplicate.

    The same tool id twice in ``batch`` is one answer when the rows are alike, else a
    clash too (a number typed twice).
    """
    said = pl.struct(s.RESPONDED_AT, _person(), s.SCORE, s.COMMENT)
    # Within the export: rows repeating an id and all it says are copies (one answer);
    # an id on rows that say different things was typed twice: every one of them is an
    # answer of its own, keyed on its content (whatever order the sheet is sorted in).
    distinct = batch.with_columns(said.alias("_said")).unique(
        [s.RESPONSE_ID, "_said"], keep="first", maintain_order=True
    )
    twice = pl.len().over(s.RESPONSE_ID) > 1
    typed_twice = distinct.filter(twice).drop("_said")
    firsts = distinct.filter(~twice).drop("_said")

    columns = [s.RESPONSE_ID, s.RESPONDED_AT, s.CUSTOMER_ID, s.EMAIL, s.SCORE, s.COMMENT]
    known = (
        stored.select(columns)
        .join(firsts.lazy().select(s.RESPONSE_ID), on=s.RESPONSE_ID, how="semi")
        .unique(s.RESPONSE_ID, keep="first", maintain_order=True)
        .collect()
    )
    old = {c: f"{c}_stored" for c in columns if c != s.RESPONSE_ID}
    joined = firsts.join(
        known.rename(old).with_columns(_hit=pl.lit(True)),
        on=s.RESPONSE_ID,
        how="left",
        maintain_order="left",
    )
    person_new = _person()
    person_old = pl.coalesce(old[s.CUSTOMER_ID], old[s.EMAIL])
    own = ~pl.col(s.RESPONSE_ID).str.starts_with(CONTENT_KEY_PREFIX)
    erased = person_old.str.starts_with(ERASED_PREFIX).fill_null(False)
    same_time = pl.col(s.RESPONDED_AT).eq_missing(pl.col(old[s.RESPONDED_AT]))
    no_person = person_new.is_null() | person_old.is_null() | erased
    # A number typed into a sheet is the same answer only at the same time (a corrected
    # typo); the same person under the same number another day answered again.
    same_answer = pl.lit(unique_ids) | (
        ((~erased & (person_new == person_old).fill_null(False)) | no_person) & same_time
    )
    alike = (
        same_time
        & pl.col(s.SCORE).eq_missing(pl.col(old[s.SCORE]))
        & pl.col(s.COMMENT).eq_missing(pl.col(old[s.COMMENT]))
    )
    # An edited answer is answered later: a version older than the stored one stays out.
    older = (pl.col(s.RESPONDED_AT) < pl.col(old[s.RESPONDED_AT])).fill_null(False)
    kind = (
        pl.when(pl.col("_hit").is_null())
        .then(pl.lit("new"))
        .when(~own | (same_answer & (alike | erased | older)))
        .then(pl.lit("duplicate"))
        .when(same_answer)
        .then(pl.lit("changed"))
        .otherwise(pl.lit("clash"))
    )
    # An answer numbered since it was stored (keyed on its content then) is known too.
    known_content = joined.select(
        content_key().is_in(
            stored.select(s.RESPONSE_ID).collect().get_column(s.RESPONSE_ID).implode()
        )
    ).to_series()
    kind = (
        pl.when(pl.col("_hit").is_null() & own & pl.col("_known_content"))
        .then(pl.lit("duplicate"))
        .otherwise(kind)
    )
    kinds = (
        joined.with_columns(_known_content=known_content)
        .select(kind.alias("_kind"))
        .get_column("_kind")
    )
    clashing = pl.concat([firsts.filter(kinds == "clash"), typed_twice])
    rekeyed = clashing.with_columns(content_key().alias(s.RESPONSE_ID))
    # A clash seen before (the second sheet exported again) is stored under its content.
    rekeyed = rekeyed.join(
        stored.select(s.RESPONSE_ID).collect(), on=s.RESPONSE_ID, how="anti", maintain_order="left"
    )
    fresh = pl.concat([firsts.filter(kinds.is_in(["new", "changed"])), rekeyed])
    changed = firsts.filter(kinds == "changed").select(s.RESPONSE_ID)
    return AnswerOverlap(
        fresh=fresh,
        replaced=changed,
        duplicates=batch.height - fresh.height,
        changed=changed.height,
        clashes=clashing.height,
    )
