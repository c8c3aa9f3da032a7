"""Word and two-word phrase frequencies in free-text survey comments.

What do promoters praise and what do detractors complain about? The answer is in
the words they use most. Comments are lower-cased and cut into words (letters and
digits, with an inner apostrophe kept: ``don't``); Danish and English stop-words,
bare numbers and one-letter words are dropped. A *phrase* is two neighbouring words
that both survive, so ``"hurtig levering og god service"`` gives the phrases
``hurtig levering`` and ``god service`` — never ``levering og``.

Each term is counted once per comment (the number of comments that mention it), so
one long comment repeating a word cannot dominate a small shop's twenty answers.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

#: Output columns.
KIND = "term_kind"
TERM = "term"
COMMENTS = "comments"

#: Values of :data:`KIND`.
WORD = "word"
PHRASE = "phrase"

#: A word: letters/digits, optionally joined by an apostrophe (``don't``, ``butik’s``).
TOKEN_PATTERN = r"[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*"

#: The Danish stop-word list (the common Snowball/NLTK list).
DANISH_STOP_WORDS = frozenset(
    """
    og i jeg det at en den til er som på de med han af for ikke der var mig sig men
    et har om vi min havde ham hun nu over da fra du ud sin dem os op man hans hvor
    eller hvad skal selv her alle vil blev kunne ind når være dog noget ville jo
    deres efter ned skulle denne end dette mit også under have dig anden hende mine
    alt meget sit sine vor mod disse hvis din nogle hos blive mange ad bliver hendes
    været thi jer sådan
    """.split()  # noqa: SIM905 - a word list reads best as text
)

#: Filler words that are common in Danish shop feedback and say nothing on their own.
DANISH_FILLER_WORDS = frozenset(["så", "kan", "bare", "lige", "synes", "jeres"])

#: The English stop-word list (the common NLTK list).
ENGLISH_STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you you're you've you'll you'd your yours
    yourself yourselves he him his himself she she's her hers herself it it's its
    itself they them their theirs themselves what which who whom this that that'll
    these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in
    out on off over under again further then once here there when where why how all
    any both each few more most other some such no nor not only own same so than too
    very s t can will just don don't should should've now d ll m o re ve y ain aren
    aren't couldn couldn't didn didn't doesn doesn't hadn hadn't hasn hasn't haven
    haven't isn isn't ma mightn mightn't mustn mustn't needn needn't shan shan't
    shouldn shouldn't wasn wasn't weren weren't won won't wouldn wouldn't
    """.split()  # noqa: SIM905 - a word list reads best as text
)

#: Everything :func:`term_counts` leaves out.
STOP_WORDS = DANISH_STOP_WORDS | DANISH_FILLER_WORDS | ENGLISH_STOP_WORDS

_DOC = "_doc"
_TOKEN = "_token"
_POS = "_pos"


def term_counts(frame: pl.LazyFrame, *, text: str, by: Sequence[str] = ()) -> pl.LazyFrame:
    """Count words and two-word phrases in the ``text`` column, per ``by`` group.

    Returns one row per ``(*by, term_kind, term)`` with ``comments`` = the number of
    comments (rows) in that group that contain the term at least once. ``term_kind`` is
    ``"word"`` or ``"phrase"``. Null and empty comments contribute nothing. The result
    is unsorted; :func:`top_terms` ranks it.

    Examples
    --------
    >>> frame = pl.LazyFrame({"c": ["God service", "god SERVICE og hurtig levering"]})
    >>> term_counts(frame, text="c").sort("term_kind", "term").collect().rows()
    [('phrase', 'god service', 2), ('phrase', 'hurtig levering', 1), ('word', 'god', 2), ('word', 'hurtig', 1), ('word', 'levering', 1), ('word', 'service', 2)]
    """
    by = list(by)
    # Positions are taken before stop-words are removed, so a phrase is formed only by
    # words that really stand next to each other in the comment.
    tokens = (
        frame.select(*by, text)
        .with_row_index(_DOC)
        .with_columns(
            pl.col(text)
            .str.replace_all("’", "'", literal=True)
            .str.to_lowercase()
            .str.extract_all(TOKEN_PATTERN)
            .alias(_TOKEN)
        )
        .with_columns(pl.int_ranges(0, pl.col(_TOKEN).list.len()).alias(_POS))
        .explode(_TOKEN, _POS)
        .drop_nulls(_TOKEN)
        .filter(
            ~pl.col(_TOKEN).is_in(list(STOP_WORDS))
            & (pl.col(_TOKEN).str.len_chars() > 1)
            & ~pl.col(_TOKEN).str.contains(r"^\d+$")
        )
        .select(*by, _DOC, _POS, _TOKEN)
    )
    words = tokens.select(*by, _DOC, pl.lit(WORD).alias(KIND), pl.col(_TOKEN).alias(TERM))
    following = tokens.select(_DOC, (pl.col(_POS) - 1).alias(_POS), pl.col(_TOKEN).alias("_next"))
    phrases = tokens.join(following, on=[_DOC, _POS], how="inner").select(
        *by,
        _DOC,
        pl.lit(PHRASE).alias(KIND),
        pl.concat_str(_TOKEN, "_next", separator=" ").alias(TERM),
    )
    return (
        pl.concat([words, phrases])
        .group_by(*by, KIND, TERM)
        .agg(pl.col(_DOC).n_unique().cast(pl.Int64).alias(COMMENTS))
    )


def rank_terms(
    counts: pl.LazyFrame, *, n: int = 10, min_count: int = 2, by: Sequence[str] = ()
) -> pl.LazyFrame:
    """Keep the ``n`` most frequent words and the ``n`` most frequent phrases per group.

    Terms found in fewer than ``min_count`` comments are dropped (with two answers in
    total, "a word mentioned once" is no pattern). Ties are broken alphabetically so
    the output is the same on every run.
    """
    by = list(by)
    return (
        counts.filter(pl.col(COMMENTS) >= min_count)
        .sort([*by, KIND, COMMENTS, TERM], descending=[*([False] * len(by)), True, True, False])
        .filter(pl.int_range(pl.len()).over([*by, KIND]) < n)
        .select(*by, KIND, TERM, COMMENTS)
    )


def top_terms(
    comments: pl.Series | Sequence[str | None], n: int = 10, *, min_count: int = 2
) -> pl.DataFrame:
    """The most frequent words and two-word phrases in ``comments``.

    Returns columns ``term_kind`` (``"word"`` rows first, then ``"phrase"``), ``term`` and
    ``comments`` (how many comments mention the term), at most ``n`` rows per kind,
    most frequent first, ties alphabetical. Terms in fewer than ``min_count``
    comments are left out. Stop-words: :data:`STOP_WORDS`.

    Examples
    --------
    >>> top_terms(["Hurtig levering!", "hurtig levering og god service", "God pris"])
    shape: (4, 3)
    ┌───────────┬─────────────────┬──────────┐
    │ term_kind ┆ term            ┆ comments │
    │ ---       ┆ ---             ┆ ---      │
    │ str       ┆ str             ┆ i64      │
    ╞═══════════╪═════════════════╪══════════╡
    │ word      ┆ god             ┆ 2        │
    │ word      ┆ hurtig          ┆ 2        │
    │ word      ┆ levering        ┆ 2        │
    │ phrase    ┆ hurtig levering ┆ 2        │
    └───────────┴─────────────────┴──────────┘
    """
    series = comments if isinstance(comments, pl.Series) else pl.Series(list(comments))
    frame = pl.LazyFrame({"_text": series.cast(pl.String)})
    ranked = rank_terms(term_counts(frame, text="_text"), n=n, min_count=min_count)
    # "word" sorts after "phrase"; words are the headline, so put them first.
    return ranked.sort(pl.col(KIND) != WORD, maintain_order=True).collect()
