"""Who is who: one canonical customer id per real person across exports.

A web shop knows a customer as ``1001``, the till as ``P-77``; both have her e-mail or
her phone number. kunde matches customers on ``customer_id``, then the normalised
e-mail (trimmed, lower-case), then the normalised phone (Danish numbers as ``+45…``).

Rows are *linked* when they share a customer id, a normalised e-mail or a normalised
phone; the links are followed transitively (id A shares an e-mail with id B, which
shares a phone with id C: one customer). The customer's canonical id is the smallest
original ``customer_id`` of the group; a group with no customer id at all uses its
smallest normalised e-mail, else its smallest normalised phone.

Accepted imprecision, by design:

* Two people in one household may share a phone (or an e-mail) and then become one
  customer. Their purchases are one household's purchases; the shop owner mails one
  address either way.
* Customer ids from two shop systems may collide (``1001`` in the web shop and ``1001``
  at the till) and then merge two people. kunde cannot tell them apart; prefixing ids
  per source is the remedy if it matters.
* A key shared by many different customer ids is a placeholder a cashier typed to get
  past a required field (``kunde@butik.dk``, ``12345678``), not a person: a key shared
  by more than ``max_ids_per_key`` ids (default :data:`MAX_IDS_PER_KEY`) links nothing.

Only the distinct raw (id, e-mail, phone) triples are normalised and take part, so
10 M order lines of 1 M customers become a graph of about 2 M nodes. Nodes are numbered
ids first, then e-mails, then phones, each sorted, so the smallest node number of a
component *is* its canonical key. Components come from SciPy's linear-time
``connected_components`` (no Python loop over rows, and a long chain of links costs no
more than a star, which iterative label propagation cannot promise).
"""

from __future__ import annotations

from typing import cast

import numpy as np
import polars as pl

from kunde_cli import schema as s

#: A key (e-mail or phone) shared by more distinct customer ids than this links nothing.
MAX_IDS_PER_KEY = 20

#: The raw columns that identify a customer in an order line.
RAW_COLUMNS = (s.CUSTOMER_ID, s.EMAIL, s.PHONE)
#: Columns of :func:`identity_map` besides RAW_COLUMNS: normalised keys, canonical id.
ID_KEY = "id_key"
EMAIL_KEY = "email_key"
PHONE_KEY = "phone_key"
KEY_COLUMNS = (ID_KEY, EMAIL_KEY, PHONE_KEY)
CANONICAL_ID = "canonical_id"

#: Columns of :func:`merge_report`.
MEASURE = "measure"
COUNT = "count"
#: Measures of :func:`merge_report`, in this order.
SOURCE_IDS = "source_ids"  # distinct ids before matching (e-mail, else phone, when no id)
MERGED_SAME_EMAIL = "merged_same_email"  # ids absorbed because of a shared e-mail
MERGED_SAME_PHONE = "merged_same_phone"  # further ids absorbed because of a shared phone
CUSTOMERS = "customers"  # customers after matching
SHARED_KEYS_IGNORED = "shared_keys_ignored"  # placeholder e-mails/phones that link nothing

#: Columns of :func:`merged_customers`.
SOURCE_ID_LIST = "source_ids"
N_SOURCE_IDS = "n_source_ids"
LINKED_BY = "linked_by"  # "email", "phone" or "email+phone"

_HASH = "_identity_hash"
_HASH_SEED = 20240229
_ANCHOR = "_anchor"
_ID_NODE = "_id_node"
_EMAIL_NODE = "_email_node"
_PHONE_NODE = "_phone_node"
_EMAIL_LINK = "_email_link"
_PHONE_LINK = "_phone_link"

# Whitespace that survives copy-paste from web pages and Excel, beyond Unicode White_Space.
_INVISIBLE = r"[\s\u200b\u200c\u200d\u2060\ufeff]"
_EMAIL_SHAPE = r"^[^@]+@[^@]+\.[^@.]+$"
_NON_ASCII = r"[^\x00-\x7f]"
_DANISH_PLACEHOLDER = r"^\+45(?:1{8}|2{8}|3{8}|4{8}|5{8}|6{8}|7{8}|8{8}|9{8})$"
# +45 and 8 digits not starting with 0, or + and 7-15 digits of a country code other than 45.
_PHONE_SHAPE = r"^(\+45[1-9][0-9]{7}|\+(?:[1-35-9][0-9]{6,14}|4[0-46-9][0-9]{5,13}))$"


def _expr(col: str | pl.Expr) -> pl.Expr:
    return pl.col(col) if isinstance(col, str) else col


def normalise_email_expr(col: str | pl.Expr) -> pl.Expr:
    """Normalised e-mail: trimmed, lower-case, NFC; null when it is not an address.

    All whitespace is removed (an address cannot contain any, and exports carry stray
    and non-breaking spaces). Anything without the shape ``local@domain.tld`` — an
    empty cell, ``-``, ``n/a``, ``ingen`` — becomes null, so junk never links customers.

    Examples
    --------
    >>> pl.DataFrame({"e": [" Anna@Example.DK ", "anna @example.dk", "-", ""]}).select(
    ...     normalise_email_expr("e")
    ... )["e"].to_list()
    ['anna@example.dk', 'anna@example.dk', None, None]
    """
    # Written for speed on millions of lines: NFC only where there is a non-ASCII
    # character, and a shape test (a DFA match) instead of a capturing extract; this is
    # five times faster than one chain of the same steps. Used twice, the cleaned value
    # is computed once in a lazy query (common subexpression elimination).
    raw = _expr(col).cast(pl.String)
    nfc = pl.when(raw.str.contains(_NON_ASCII)).then(raw.str.normalize("NFC")).otherwise(raw)
    clean = nfc.str.replace_all(_INVISIBLE, "").str.to_lowercase()
    return pl.when(clean.str.contains(_EMAIL_SHAPE)).then(clean)


def normalise_phone_expr(col: str | pl.Expr) -> pl.Expr:
    """Normalised phone number in international form: ``+4512345678``, ``+46701234567``.

    Spaces, dashes, dots, brackets and words (``tlf.``) are dropped; then

    * 8 digits, or ``45``, ``+45`` or ``0045`` and 8 digits, is a Danish number →
      ``+45`` and the 8 digits;
    * ``+CC…`` or ``00CC…`` for another country is kept as ``+`` and 7-15 digits (E.164);
    * anything else is null: too short or too long, several numbers in one cell, a
      ``+`` inside the number, another country's national number without its code.

    A Danish number must not start with 0 or be one digit eight times (``00000000``,
    ``99999999``: placeholders typed to get past a required field). ``12345678.0`` (a
    number that went through Excel) is read as ``12345678``.

    Examples
    --------
    >>> pl.DataFrame({"p": ["+45 12 34 56 78", "0045 1234-5678", "46 70 123 45 67"]}).select(
    ...     normalise_phone_expr("p")
    ... )["p"].to_list()
    ['+4512345678', '+4512345678', None]
    """
    # One chain with a single reference to the input: Polars re-evaluates a
    # sub-expression used in several when/then branches, which costs seconds here.
    return (
        _expr(col)
        .cast(pl.String)
        .str.replace(r"^\s*(\+?[0-9]+)\.0\s*$", "${1}")
        .str.replace_all(r"[^0-9+]", "")
        .str.replace(r"^(?:(?:\+|00)45|45)?([1-9][0-9]{7})$", "+45${1}")
        .str.replace(r"^00", "+")
        .str.replace(_DANISH_PLACEHOLDER, "")
        .str.extract(_PHONE_SHAPE, 1)
    )


def _clean_id_expr(col: str | pl.Expr) -> pl.Expr:
    return _expr(col).cast(pl.String).str.strip_chars().replace("", None)


def _raw_columns(frame: pl.LazyFrame) -> list[pl.Expr]:
    """customer_id, email and phone as String; a missing column (a survey has no phone)
    counts as null."""
    schema = frame.collect_schema()
    return [
        (pl.col(name).cast(pl.String) if name in schema else pl.lit(None, dtype=pl.String)).alias(
            name
        )
        for name in RAW_COLUMNS
    ]


def _raw_triples(lines: pl.LazyFrame | pl.DataFrame) -> pl.DataFrame:
    """Distinct raw (customer_id, email, phone) triples with their normalised keys.

    Normalising only the distinct values keeps the regex work at the number of
    customers, not the number of order lines.
    """
    lazy = lines.lazy()
    return _with_keys(lazy.select(_raw_columns(lazy)).unique().collect())


def _with_keys(raw: pl.DataFrame) -> pl.DataFrame:
    # Lazy, so the three normalisations run in parallel.
    return (
        raw.lazy()
        .with_columns(
            _clean_id_expr(s.CUSTOMER_ID).alias(ID_KEY),
            normalise_email_expr(s.EMAIL).alias(EMAIL_KEY),
            normalise_phone_expr(s.PHONE).alias(PHONE_KEY),
        )
        .collect()
    )


def _shared_keys(triples: pl.DataFrame, key: str, max_ids: int | None) -> pl.Series:
    """Keys of column ``key`` shared by more than ``max_ids`` distinct customer ids."""
    if max_ids is None:
        return pl.Series(key, [], dtype=pl.String)
    return (
        triples.filter(pl.col(key).is_not_null() & pl.col(ID_KEY).is_not_null())
        .group_by(key)
        .agg(pl.col(ID_KEY).n_unique().alias("_n"))
        .filter(pl.col("_n") > max_ids)
        .get_column(key)
    )


def _components(a: np.ndarray, b: np.ndarray, n_nodes: int) -> np.ndarray:
    """Component number (0..k-1) of every node 0..n_nodes-1 given undirected edges a-b.

    SciPy's connected components are linear in nodes + edges, so a long chain of links
    costs no more than a star (iterative label propagation needs a round per link).
    """
    if n_nodes == 0:
        return np.zeros(0, dtype=np.int64)
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    graph = coo_array((np.ones(a.size, dtype=np.int8), (a, b)), shape=(n_nodes, n_nodes))
    _, component = connected_components(graph, directed=False)
    return component


def _identity(
    triples: pl.DataFrame, *, link_email: bool, link_phone: bool, max_ids_per_key: int | None
) -> pl.DataFrame:
    """``triples`` (raw columns and keys) with the canonical id of each (CANONICAL_ID)."""
    shared_email = _shared_keys(triples, EMAIL_KEY, max_ids_per_key)
    shared_phone = _shared_keys(triples, PHONE_KEY, max_ids_per_key)
    # Nodes: the distinct ids, then e-mails, then phones, each in sorted order, so the
    # smallest node number of a component is its canonical key (the smallest id,
    # else e-mail, else phone). Sorting only the distinct keys, then numbering rows by a
    # hash join, is several times faster than ranking every row.
    keys, offset = [], 0
    work = triples.lazy()
    for column, node in zip(KEY_COLUMNS, (_ID_NODE, _EMAIL_NODE, _PHONE_NODE), strict=True):
        distinct = triples.get_column(column).drop_nulls().unique().sort()
        keys.append(distinct)
        table = pl.DataFrame({column: distinct}).with_row_index(node, offset=offset)
        work = work.join(table.lazy(), on=column, how="left", maintain_order="left")
        offset += distinct.len()
    nodes = (
        work.select(
            pl.col(_ID_NODE, _EMAIL_NODE, _PHONE_NODE).cast(pl.Int64),
            pl.when(pl.lit(link_email) & ~pl.col(EMAIL_KEY).is_in(shared_email.implode()))
            .then(pl.col(_EMAIL_NODE).cast(pl.Int64))
            .alias(_EMAIL_LINK),
            pl.when(pl.lit(link_phone) & ~pl.col(PHONE_KEY).is_in(shared_phone.implode()))
            .then(pl.col(_PHONE_NODE).cast(pl.Int64))
            .alias(_PHONE_LINK),
        )
        .with_columns(
            # A row's anchor: its id, else a linking e-mail or phone, else its own
            # placeholder e-mail or phone, which stays an island.
            pl.coalesce(_ID_NODE, _EMAIL_LINK, _PHONE_LINK, _EMAIL_NODE, _PHONE_NODE).alias(_ANCHOR)
        )
        .collect()
    )
    edges = pl.concat(
        [
            nodes.select(pl.col(_ANCHOR).alias("a"), pl.col(link).alias("b"))
            for link in (_EMAIL_LINK, _PHONE_LINK)
        ]
    ).filter(pl.col("b").is_not_null() & (pl.col("a") != pl.col("b")))
    fanout = cast(
        "int | None",
        edges.group_by("b").agg(pl.col("a").n_unique().alias("_n")).get_column("_n").max(),
    )
    if fanout is None or fanout <= 1:
        # The usual shop: no e-mail or phone is shared by two anchors, so the groups are
        # trees whose root has the smallest node number (ids are numbered before
        # e-mails, e-mails before phones). No graph library needed.
        # Each linked node has one parent, with a smaller number (edges run from an id
        # to an e-mail or phone, or from an e-mail to a phone): follow the parents to
        # the root by pointer jumping; chains are at most a few links long.
        smallest_of = np.arange(offset, dtype=np.int64)
        smallest_of[edges.get_column("b").to_numpy()] = edges.get_column("a").to_numpy()
        while True:
            jumped = smallest_of[smallest_of]
            if np.array_equal(jumped, smallest_of):
                break
            smallest_of = jumped
        canonical = pl.concat(keys).gather(pl.Series(smallest_of))
        return triples.with_columns(canonical.gather(nodes.get_column(_ANCHOR)).alias(CANONICAL_ID))
    component = _components(
        edges.get_column("a").to_numpy(), edges.get_column("b").to_numpy(), offset
    )
    smallest = np.full(offset, offset, dtype=np.int64)
    np.minimum.at(smallest, component, np.arange(offset, dtype=np.int64))
    canonical = pl.concat(keys).gather(pl.Series(smallest[component]))
    return triples.with_columns(canonical.gather(nodes.get_column(_ANCHOR)).alias(CANONICAL_ID))


def identity_map(
    lines: pl.LazyFrame | pl.DataFrame,
    *,
    previous: pl.DataFrame | None = None,
    max_ids_per_key: int | None = MAX_IDS_PER_KEY,
) -> pl.DataFrame:
    """Canonical customer id for every distinct raw (customer_id, email, phone) triple.

    Columns: ``customer_id``, ``email``, ``phone`` as they appear in ``lines``; their
    normalised keys :data:`ID_KEY`, :data:`EMAIL_KEY`, :data:`PHONE_KEY` (null when
    absent or junk); and :data:`CANONICAL_ID` (null when all three keys are null).
    Apply it with :func:`apply_identity`; :func:`resolve_customers` does both.

    ``previous`` is an earlier identity map (of lines already stored): only the triples
    it lacks are normalised, and the groups are recomputed over both, so a new export
    can join customers seen before.
    """
    raw = lines.lazy()
    raw = raw.select(_raw_columns(raw)).unique()
    if previous is not None:
        known = previous.select(*RAW_COLUMNS, *KEY_COLUMNS)
        fresh = raw.join(known.lazy(), on=list(RAW_COLUMNS), how="anti", nulls_equal=True)
        triples = pl.concat([known, _with_keys(fresh.collect())])
    else:
        triples = _with_keys(raw.collect())
    return _identity(triples, link_email=True, link_phone=True, max_ids_per_key=max_ids_per_key)


def keeps_canonical(previous: pl.DataFrame, current: pl.DataFrame) -> bool:
    """True when every (customer_id, email, phone) triple of the identity map
    ``previous`` has the same canonical id in ``current`` (a new export added customers
    or lines, but merged no customers stored before): what was resolved stays resolved.

    >>> old = identity_map(pl.DataFrame({"customer_id": ["A", "B"], "email": ["a@x.dk", None],
    ...                                  "phone": [None, None]}))
    >>> same = identity_map(pl.DataFrame({"customer_id": ["A", "B", "C"],
    ...     "email": ["a@x.dk", None, "c@x.dk"], "phone": [None, None, None]}), previous=old)
    >>> merged = identity_map(pl.DataFrame({"customer_id": ["A", "B", "B"],
    ...     "email": ["a@x.dk", None, "a@x.dk"], "phone": [None, None, None]}), previous=old)
    >>> keeps_canonical(old, same), keeps_canonical(old, merged)
    (True, False)
    """
    now = current.select(*RAW_COLUMNS, pl.col(CANONICAL_ID).alias("_now"))
    joined = previous.select(*RAW_COLUMNS, CANONICAL_ID).join(
        now, on=list(RAW_COLUMNS), how="left", nulls_equal=True
    )
    return joined.height == previous.height and bool(
        joined.select(pl.col(CANONICAL_ID).eq_missing(pl.col("_now")).all()).item()
    )


def empty_identity() -> pl.DataFrame:
    """An identity map with no rows (the schema of :func:`identity_map`)."""
    return pl.DataFrame(
        schema={name: pl.String for name in (*RAW_COLUMNS, *KEY_COLUMNS, CANONICAL_ID)}
    )


def apply_identity(
    frame: pl.LazyFrame | pl.DataFrame, identity: pl.DataFrame, *, ids_complete: bool = False
) -> pl.LazyFrame:
    """Replace ``customer_id`` in ``frame`` by its canonical id from ``identity``.

    ``identity`` must cover every (customer_id, email, phone) triple of ``frame`` (it is
    :func:`identity_map` of ``frame`` or of a superset). Rows with no usable id, e-mail or
    phone get a null ``customer_id``. Columns and row order are kept.

    ``ids_complete=True`` says that (almost) every row has a customer_id, as stored
    order lines do (the validator falls back to the e-mail, then the phone). A non-null
    id is one node of the customer graph, so its canonical id depends on the id alone
    and only the ids that were merged need replacing: no per-line join. Rows without an
    id still go through the full join (and then follow the rows with one).
    """
    lazy = frame.lazy()
    names = lazy.collect_schema().names()
    if ids_complete:
        has_id = pl.col(s.CUSTOMER_ID).is_not_null()
        with_id = _replace_merged_ids(lazy.filter(has_id), identity)
        if with_id is not None:
            without = apply_identity(lazy.filter(~has_id), identity)
            return pl.concat([with_id, without])
    mapping = identity.select(*RAW_COLUMNS, CANONICAL_ID)
    hashed = mapping.select(_triple_hash(mapping.lazy()), CANONICAL_ID)
    if hashed.get_column(_HASH).is_unique().all():
        # Join on one 64-bit hash instead of three strings: several times faster on
        # millions of lines. Exact, because the hashes of the map's triples are distinct
        # and every triple of ``frame`` is in the map.
        joined = lazy.with_columns(_triple_hash(lazy)).join(
            hashed.lazy(), on=_HASH, how="left", maintain_order="left"
        )
    else:  # a 64-bit collision among the map's triples: join on the strings
        raw = [f"_raw_{name}" for name in RAW_COLUMNS]
        joined = lazy.with_columns(
            e.alias(alias) for e, alias in zip(_raw_columns(lazy), raw, strict=True)
        ).join(
            mapping.rename(dict(zip(RAW_COLUMNS, raw, strict=True))).lazy(),
            on=raw,
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
    return joined.with_columns(pl.col(CANONICAL_ID).alias(s.CUSTOMER_ID)).select(names)


def _replace_merged_ids(lazy: pl.LazyFrame, identity: pl.DataFrame) -> pl.LazyFrame | None:
    """Rows that all have an id, with merged ids replaced; None if the map disagrees."""
    with_id = identity.filter(pl.col(s.CUSTOMER_ID).is_not_null()).select(
        s.CUSTOMER_ID, CANONICAL_ID
    )
    # Comparing two columns is cheap; grouping 1.7 million ids is not. Only the few
    # ids whose canonical id differs are looked at further.
    differs = pl.col(CANONICAL_ID).is_not_null() & (pl.col(CANONICAL_ID) != pl.col(s.CUSTOMER_ID))
    changed = with_id.filter(differs).unique()
    if changed.is_empty():
        return lazy
    ids = changed.get_column(s.CUSTOMER_ID)
    if (
        ids.is_duplicated().any()
        or with_id.filter(~differs & pl.col(s.CUSTOMER_ID).is_in(ids.implode())).height
    ):
        return None  # one id with two canonical ids: not a map of ids alone
    return lazy.with_columns(pl.col(s.CUSTOMER_ID).replace(ids, changed.get_column(CANONICAL_ID)))


def _triple_hash(frame: pl.LazyFrame) -> pl.Expr:
    return pl.struct(_raw_columns(frame)).hash(seed=_HASH_SEED).alias(_HASH)


def resolve_customers(
    lines: pl.LazyFrame | pl.DataFrame, *, max_ids_per_key: int | None = MAX_IDS_PER_KEY
) -> pl.LazyFrame:
    """Order lines with ``customer_id`` replaced by one canonical id per real person.

    Rows sharing a customer id, normalised e-mail or normalised phone are one customer
    (transitively); the canonical id is the group's smallest original customer id, else
    its smallest normalised e-mail, else its smallest normalised phone. The e-mail and
    phone columns themselves are not changed. Rows with none of the three keep a null
    ``customer_id``.

    The three key columns are collected once to find the groups (the only eager step);
    the result is a lazy join on ``lines``.

    Examples
    --------
    >>> lines = pl.LazyFrame(
    ...     {
    ...         "customer_id": ["B", "A", "C", None],
    ...         "email": ["x@shop.dk", "X@Shop.dk ", None, None],
    ...         "phone": ["22 33 44 55", None, "+4522334455", "99887766"],
    ...     }
    ... )
    >>> resolve_customers(lines).collect()["customer_id"].to_list()
    ['A', 'A', 'A', '+4599887766']
    """
    return apply_identity(lines, identity_map(lines, max_ids_per_key=max_ids_per_key))


def resolve_survey(
    survey: pl.LazyFrame | pl.DataFrame, identity: pl.DataFrame | None
) -> pl.LazyFrame:
    """Survey answers with ``customer_id`` mapped onto the orders' canonical ids.

    ``identity`` is :func:`identity_map` of the order lines (None: no orders). An
    answer's id is looked up among the orders' ids, else its normalised e-mail among the
    orders' e-mails; an answer that matches no order keeps its own id, else its
    normalised e-mail.
    """
    if identity is None:
        identity = empty_identity()
    lazy = survey.lazy()
    schema = lazy.collect_schema()
    email = pl.col(s.EMAIL) if s.EMAIL in schema else pl.lit(None, dtype=pl.String)
    by_id = (
        identity.lazy()
        .filter(pl.col(ID_KEY).is_not_null() & pl.col(CANONICAL_ID).is_not_null())
        .group_by(ID_KEY)
        .agg(pl.col(CANONICAL_ID).min().alias("_by_id"))
    )
    by_email = (
        identity.lazy()
        .filter(pl.col(EMAIL_KEY).is_not_null() & pl.col(CANONICAL_ID).is_not_null())
        .group_by(EMAIL_KEY)
        .agg(pl.col(CANONICAL_ID).min().alias("_by_email"))
    )
    return (
        lazy.with_columns(
            _clean_id_expr(s.CUSTOMER_ID).alias(ID_KEY),
            normalise_email_expr(email).alias(EMAIL_KEY),
        )
        .join(by_id, on=ID_KEY, how="left", maintain_order="left")
        .join(by_email, on=EMAIL_KEY, how="left", maintain_order="left")
        .with_columns(pl.coalesce("_by_id", "_by_email", ID_KEY, EMAIL_KEY).alias(s.CUSTOMER_ID))
        .select(schema.names())
    )


def merge_report(
    lines: pl.LazyFrame | pl.DataFrame, *, max_ids_per_key: int | None = MAX_IDS_PER_KEY
) -> pl.DataFrame:
    """How many customer ids were merged, and why — for ``kunde inspect --customers``.

    Columns :data:`MEASURE` and :data:`COUNT`, one row per measure in this order:

    * ``source_ids``: distinct ids before matching (a row without an id counts as its
      normalised e-mail, else its normalised phone);
    * ``merged_same_email``: ids absorbed into another customer by a shared e-mail;
    * ``merged_same_phone``: ids absorbed further by a shared phone (matching's order:
      id, then e-mail, then phone — a group linked both ways counts under e-mail first);
    * ``customers``: customers after matching = source_ids − the two merged counts;
    * ``shared_keys_ignored``: e-mails and phones shared by more than
      ``max_ids_per_key`` ids, taken for placeholders and not used for matching.

    Examples
    --------
    >>> lines = pl.DataFrame(
    ...     {
    ...         "customer_id": ["A", "B", "C", "D"],
    ...         "email": ["x@shop.dk", "x@shop.dk", None, None],
    ...         "phone": [None, "22334455", "22 33 44 55", None],
    ...     }
    ... )
    >>> dict(merge_report(lines).iter_rows())  # doctest: +NORMALIZE_WHITESPACE
    {'source_ids': 4, 'merged_same_email': 1, 'merged_same_phone': 1, 'customers': 2,
     'shared_keys_ignored': 0}
    """
    triples = _raw_triples(lines)
    with_any = triples.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in KEY_COLUMNS))
    source_ids = with_any.select(pl.coalesce(KEY_COLUMNS).n_unique()).item()
    after = []
    for link_phone in (False, True):
        ident = _identity(
            with_any, link_email=True, link_phone=link_phone, max_ids_per_key=max_ids_per_key
        )
        after.append(ident.get_column(CANONICAL_ID).n_unique())
    after_email, after_phone = after
    ignored = sum(
        _shared_keys(with_any, key, max_ids_per_key).len() for key in (EMAIL_KEY, PHONE_KEY)
    )
    return pl.DataFrame(
        {
            MEASURE: [
                SOURCE_IDS,
                MERGED_SAME_EMAIL,
                MERGED_SAME_PHONE,
                CUSTOMERS,
                SHARED_KEYS_IGNORED,
            ],
            COUNT: [
                source_ids,
                source_ids - after_email,
                after_email - after_phone,
                after_phone,
                ignored,
            ],
        },
        schema={MEASURE: pl.String, COUNT: pl.Int64},
    )


def merged_customers(
    lines: pl.LazyFrame | pl.DataFrame, *, max_ids_per_key: int | None = MAX_IDS_PER_KEY
) -> pl.DataFrame:
    """The customers merged from several source ids, one row each.

    Columns ``customer_id`` (canonical), :data:`SOURCE_ID_LIST` (sorted list of the ids
    merged; a row without an id counts as its normalised e-mail, else phone),
    :data:`N_SOURCE_IDS` and :data:`LINKED_BY`: ``"email"`` when shared e-mails alone
    join them, ``"phone"`` when no two of them share an e-mail, ``"email+phone"`` when
    both were needed. Largest groups first, then by id.
    """
    triples = _raw_triples(lines).filter(
        pl.any_horizontal(pl.col(c).is_not_null() for c in KEY_COLUMNS)
    )
    by_email = _identity(
        triples, link_email=True, link_phone=False, max_ids_per_key=max_ids_per_key
    ).get_column(CANONICAL_ID)
    final = _identity(triples, link_email=True, link_phone=True, max_ids_per_key=max_ids_per_key)
    return (
        final.with_columns(
            by_email.alias("_email_group"), pl.coalesce(KEY_COLUMNS).alias("_source_id")
        )
        .group_by(CANONICAL_ID)
        .agg(
            pl.col("_source_id").unique().sort().alias(SOURCE_ID_LIST),
            pl.col("_email_group").n_unique().alias("_n_email_groups"),
        )
        .with_columns(pl.col(SOURCE_ID_LIST).list.len().cast(pl.Int64).alias(N_SOURCE_IDS))
        .filter(pl.col(N_SOURCE_IDS) > 1)
        .with_columns(
            pl.when(pl.col("_n_email_groups") == 1)
            .then(pl.lit("email"))
            .when(pl.col("_n_email_groups") == pl.col(N_SOURCE_IDS))
            .then(pl.lit("phone"))
            .otherwise(pl.lit("email+phone"))
            .alias(LINKED_BY)
        )
        .select(pl.col(CANONICAL_ID).alias(s.CUSTOMER_ID), SOURCE_ID_LIST, N_SOURCE_IDS, LINKED_BY)
        .sort([N_SOURCE_IDS, s.CUSTOMER_ID], descending=[True, False])
    )
