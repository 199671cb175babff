"""Dedup stage: exact and near-duplicate questions, one representative kept per cluster.

Reads plain texts (with their ids), writes one `DedupDecision` per row: kept, or
`duplicate_of=<representative id>` with the similarity that justified it. The curation stage
(`genreason.curate`) wraps `find_duplicates`; `bench/bench_dedup.py` measures it on 1M rows.

How it decides
- *Exact*: texts equal after `normalize_text` (Unicode NFKC, case folding, LaTeX spacing
  commands and delimiters dropped, punctuation and whitespace removed, thousands separators
  removed). Similarity 1.0.
- *Near*: MinHash over word `shingle`-grams of the normalised tokens, LSH banding for candidate
  pairs, then the real Jaccard of the two shingle sets must reach `threshold` (LSH alone lets
  through pairs below it; the check keeps precision).
- *The math rule*: a near duplicate must also carry the same numbers and operators (the
  sequence of numeric, operator and LaTeX-command tokens). In mathematics one changed
  number is another question: "What is 2+3?" and "What is 2+4?" are never duplicates, however
  close the words are, while "Compute  2 + 3." and "what is 2+3" are (exact after
  normalisation, or near). The signature is folded into every LSH band key, so rows that differ
  in a number never even become candidates, which keeps large template families (thousands of
  questions that differ only in their numbers) from flooding the candidate list. The order
  counts: "plays 30 games, wins exactly 9" and "plays 9 games, wins exactly 30" are different
  problems (a sorted multiset merged such pairs in bench/bench_dedup.py). Costs: a rewording
  that moves a clause holding a number past another number, "two" for "2", or "1/2" for
  "0.5" is missed.
- *Representative*: clusters are grown greedily in preference order (`keep="first"`: input
  order, so callers put the row they prefer first, e.g. rows with better metadata;
  `keep="lowest_id"`: the smallest id). The first row of a cluster is its representative and
  every other member is directly similar to it (no chains A~B~C where A and C differ).

Why word sets (1-token shingles), a 0.7 threshold and 8 tokens. Questions are short (in
../shared/realdata, MATH-500 problems have a median of 26 words, GSM8K questions 43), so rewording two or three words of a 20-word
question leaves a word-set Jaccard of about 0.75-0.85 but a bigram Jaccard near 0.6, where
unrelated questions from one template already sit; word sets separate the two, and the math
rule removes the template siblings that differ only in numbers. Below 8 tokens one changed
word is a different question ("What is the capital of France?" / "... of Spain?" have a word
Jaccard of 5/7), so short texts are only exact duplicates. 64 permutations in 16 bands of 4
give a pair at Jaccard 0.7 a 0.99 chance to become a candidate, at 0.5 0.64, at 0.3 0.12
(1-(1-s^4)^16); bench/bench_dedup.py measures the recall this gives. Broder (1997) for
MinHash; Leskovec, Rajaraman and Ullman, *Mining of Massive Datasets*, ch. 3, for banding.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

# --- normalisation and tokens (shared with decontaminate) ---------------------------------

_LATEX_SPACING = re.compile(r"\\[,;:! ]|\\q?quad\b|\\(?:left|right|displaystyle|mathrm|text|mathbf)\b|~")
_LATEX_ALIASES = {"\\dfrac": "\\frac", "\\tfrac": "\\frac", "\\cdot": "*", "\\times": "*", "\\div": "/",
                  "\\le": "<=", "\\leq": "<=", "\\ge": ">=", "\\geq": ">="}
_LATEX_ALIAS = re.compile(r"\\(?:dfrac|tfrac|cdot|times|div|leq|le|geq|ge)(?![a-z])")
_SYMBOLS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u00d7": "*", "\u00f7": "/", "\u2264": "<=", "\u2265": ">="})
_THOUSANDS = re.compile(r"(?<=\d)(?:,|\{,\})(?=\d{3}(?!\d))")
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_TOKEN = re.compile(r"\\[a-z]+|\d+(?:\.\d+)?|[^\W\d_]+|<=|>=|[-+*/=^<>]")
_MATHY = re.compile(r"\\[a-z]+|\d+(?:\.\d+)?|<=|>=|[-+*/=^<>]")


def tokens(text: str) -> list[str]:
    """The normalised tokens of a text: words, numbers, operators and LaTeX commands.

    NFKC folds full-width digits and ligatures, case is folded, LaTeX spacing (`\\,`, `\\quad`,
    `\\left`) and wrappers (`\\text`) go, `\\dfrac` is `\\frac`, `\\cdot`/`\\times`/`×` are `*`, `−` is `-`,
    "1,000" is "1000", "well-known" is two words; punctuation, braces and `$` are dropped.
    """
    s = unicodedata.normalize("NFKC", text).casefold().translate(_SYMBOLS)
    s = _LATEX_SPACING.sub(" ", s)
    s = _LATEX_ALIAS.sub(lambda m: " " + _LATEX_ALIASES[m.group(0)] + " ", s)
    s = _THOUSANDS.sub("", s)
    s = _WORD_HYPHEN.sub(" ", s)
    return _TOKEN.findall(s)


def normalize_text(text: str) -> str:
    """The text an exact duplicate must share: `tokens(text)` joined by single spaces."""
    return " ".join(tokens(text))


def math_signature(toks: Sequence[str]) -> tuple[str, ...]:
    """Numbers, operators and LaTeX commands in order: what a near duplicate must keep."""
    return tuple(t for t in toks if _MATHY.fullmatch(t))


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process (Python's `hash` is salted)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, elementwise: spreads the bits of combined hashes."""
    x = x.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= _M1
        x ^= x >> np.uint64(27)
        x *= _M2
        x ^= x >> np.uint64(31)
    return x


class TokenHasher:
    """Maps tokens to stable 64-bit hashes, caching each distinct token once."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def hashes(self, toks: Sequence[str]) -> list[int]:
        cache = self._cache
        out = list(map(cache.get, toks))  # the common case, all cached, stays in C
        if None in out:
            for k, h in enumerate(out):
                if h is None:
                    out[k] = cache[toks[k]] = stable_hash(toks[k])
        return out


def ngram_hashes(flat: np.ndarray, starts: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every n-gram inside each segment of `flat` (token hashes, segments back to back).

    `starts` has one entry per segment plus the end. A segment shorter than `n` gives one gram
    (all its tokens), so every non-empty segment has at least one. Returns the gram hashes and,
    per segment, where its grams start (plus the end), in the same layout.
    """
    lengths = np.diff(starts)
    count = np.maximum(lengths - n + 1, (lengths > 0).astype(np.int64))
    gram_starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(count, out=gram_starts[1:])
    # position in `flat` of each gram's first token
    seg_of = np.repeat(np.arange(len(lengths)), count)
    first = starts[:-1][seg_of] + (np.arange(gram_starts[-1]) - gram_starts[:-1][seg_of])
    width = np.minimum(lengths[seg_of], n)
    acc = np.zeros(len(first), dtype=np.uint64)
    padded = np.concatenate([flat, np.zeros(n, dtype=np.uint64)])
    with np.errstate(over="ignore"):
        for k in range(n):
            term = padded[first + k] * np.uint64(2 * k + 1) + _GOLD * np.uint64(k + 1)
            acc = np.where(k < width, (acc * _M1) ^ mix64(term), acc)
    return mix64(acc ^ width.astype(np.uint64)), gram_starts


# --- the stage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DedupConfig:
    """How duplicates are found; see the module docstring for why these defaults."""

    threshold: float = 0.7  # Jaccard of word shingle sets a near duplicate must reach
    shingle: int = 1  # words per shingle (1: the set of words)
    min_tokens: int = 8  # shorter texts are only ever exact duplicates
    num_perm: int = 64  # MinHash permutations
    bands: int = 16  # LSH bands (num_perm must divide into them)
    near: bool = True  # False: exact (normalised) duplicates only
    match_numbers: bool = True  # near duplicates must have the same numbers and operators
    keep: str = "first"  # representative: "first" in input order, or "lowest_id"
    max_bucket_pairs: int = 16  # in an LSH bucket, pair each row with this many next members
    seed: int = 1  # MinHash permutations' seed
    chunk_rows: int = 50_000  # rows tokenised and hashed at a time (bounds memory)

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"DedupConfig.threshold must be in (0, 1], got {self.threshold}")
        if self.shingle < 1:
            raise ValueError(f"DedupConfig.shingle must be >= 1, got {self.shingle}")
        if self.num_perm < 1 or self.bands < 1 or self.num_perm % self.bands:
            raise ValueError(f"DedupConfig.num_perm ({self.num_perm}) must be a positive multiple of bands ({self.bands})")
        if self.keep not in ("first", "lowest_id"):
            raise ValueError(f"DedupConfig.keep must be 'first' or 'lowest_id', got {self.keep!r}")
        if self.max_bucket_pairs < 1 or self.chunk_rows < 1 or self.min_tokens < 1:
            raise ValueError("DedupConfig.max_bucket_pairs, chunk_rows and min_tokens must be >= 1")


@dataclass(frozen=True)
class DedupDecision:
    """One row's outcome: kept, or a duplicate of the kept representative."""

    id: str
    kept: bool
    duplicate_of: str | None = None
    similarity: float | None = None  # 1.0 for exact; the shingle Jaccard for near
    kind: str | None = None  # "exact" or "near" when a duplicate


@dataclass
class _Shingled:
    """Shingle hashes of the rows, back to back, and per-row math signature hashes."""

    grams: np.ndarray
    starts: np.ndarray
    signature: np.ndarray
    exact: np.ndarray
    length: np.ndarray  # tokens per row

    def row(self, i: int) -> np.ndarray:
        return self.grams[self.starts[i]:self.starts[i + 1]]


def _shingle(texts: Sequence[str], config: DedupConfig) -> _Shingled:
    hasher = TokenHasher()
    grams, starts, sigs, exact, length = [], [np.zeros(1, dtype=np.int64)], [], [], []
    offset = 0
    for lo in range(0, len(texts), config.chunk_rows):
        flat: list[int] = []
        tok_starts = [0]
        for text in texts[lo:lo + config.chunk_rows]:
            toks = tokens(text)
            exact.append(stable_hash(" ".join(toks)))
            length.append(len(toks))
            sigs.append(stable_hash(" ".join(math_signature(toks))) if config.match_numbers else 0)
            flat.extend(hasher.hashes(toks) if toks else [0])  # an empty text is one empty token
            tok_starts.append(len(flat))
        g, gs = ngram_hashes(np.array(flat, dtype=np.uint64), np.array(tok_starts, dtype=np.int64), config.shingle)
        grams.append(g)
        starts.append(gs[1:] + offset)
        offset += len(g)
    return _Shingled(np.concatenate(grams), np.concatenate(starts),
                     np.array(sigs, dtype=np.uint64), np.array(exact, dtype=np.uint64),
                     np.array(length, dtype=np.int64))


def minhash_signatures(grams: np.ndarray, starts: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """(rows, num_perm) uint32 MinHash signatures; permutation p is h -> (a_p*h + b_p) >> 32.

    Multiply-shift hashing over already mixed 64-bit shingle hashes; each row needs at least
    one shingle (`ngram_hashes` guarantees it).
    """
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    rows = len(starts) - 1
    out = np.empty((rows, num_perm), dtype=np.uint32)
    step = 20_000
    with np.errstate(over="ignore"):
        for lo in range(0, rows, step):
            hi = min(rows, lo + step)
            seg = grams[starts[lo]:starts[hi]]
            bounds = starts[lo:hi] - starts[lo]
            for p in range(num_perm):
                out[lo:hi, p] = np.minimum.reduceat(((seg * a[p] + b[p]) >> np.uint64(32)).astype(np.uint32), bounds)
    return out


def lsh_candidates(sigs: np.ndarray, salt: np.ndarray, bands: int, max_pairs: int) -> np.ndarray:
    """Candidate pairs (i < j) of rows that share a band key; `salt` is mixed into every key.

    Within a bucket, members (in row order) are paired with their next `max_pairs` members, so a
    bucket of k rows yields at most k*max_pairs pairs instead of k^2/2.
    """
    rows, perms = sigs.shape
    r = perms // bands
    found = []
    for band in range(bands):
        key = mix64(salt ^ np.uint64(band + 1))
        with np.errstate(over="ignore"):
            for j in range(r):
                key = mix64(key * _M1 + sigs[:, band * r + j].astype(np.uint64))
        order = np.lexsort((np.arange(rows), key))
        ks = key[order]
        for d in range(1, max_pairs + 1):
            same = np.nonzero(ks[d:] == ks[:-d])[0]
            if not len(same):
                break
            found.append(np.stack([order[same], order[same + d]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found), axis=1)
    code = np.unique(pairs[:, 0] * rows + pairs[:, 1])
    return np.stack([code // rows, code % rows], axis=1)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two arrays taken as sets."""
    ua, ub = np.unique(a), np.unique(b)
    inter = len(np.intersect1d(ua, ub, assume_unique=True))
    return inter / (len(ua) + len(ub) - inter)


def find_duplicates(ids: Sequence[str], texts: Sequence[str], config: DedupConfig | None = None) -> list[DedupDecision]:
    """One decision per row (same order): kept, or a duplicate of its cluster's representative.

    `texts` are the questions as compared (use `question_text` to add answer options).
    Raises ValueError on mismatched lengths or repeated ids.
    """
    config = config or DedupConfig()
    if len(ids) != len(texts):
        raise ValueError(f"find_duplicates: {len(ids)} ids but {len(texts)} texts")
    if len(set(ids)) != len(ids):
        raise ValueError("find_duplicates: ids must be unique")
    n = len(ids)
    if n == 0:
        return []
    rank = np.arange(n) if config.keep == "first" else np.argsort(np.argsort(np.array(ids, dtype=object), kind="stable"))
    sh = _shingle(texts, config)

    # exact groups: the best-ranked member of each normalised text represents it
    order = np.lexsort((rank, sh.exact))
    first_of_run = np.ones(n, dtype=bool)
    first_of_run[1:] = sh.exact[order][1:] != sh.exact[order][:-1]
    group_rep = np.empty(n, dtype=np.int64)
    group_rep[order] = order[np.maximum.accumulate(np.where(first_of_run, np.arange(n), 0))]
    parent = group_rep.copy()  # final representative of each row
    sim = np.where(parent == np.arange(n), np.nan, 1.0)
    kind = np.where(parent == np.arange(n), "", "exact").astype(object)

    if config.near:
        reps = np.nonzero((group_rep == np.arange(n)) & (sh.length >= config.min_tokens))[0]
        sigs = minhash_signatures(sh.grams, sh.starts, config.num_perm, config.seed)[reps]
        pairs = reps[lsh_candidates(sigs, sh.signature[reps], config.bands, config.max_bucket_pairs)]
        log.info("dedup: %d rows, %d exact groups, %d LSH candidate pairs", n, len(reps), len(pairs))
        # grow clusters greedily in preference order: a leader claims its unclaimed neighbours
        if len(pairs):
            swap = rank[pairs[:, 0]] > rank[pairs[:, 1]]
            pairs[swap] = pairs[swap][:, ::-1]
            pairs = pairs[np.lexsort((rank[pairs[:, 1]], rank[pairs[:, 0]]))]
        claimed = np.full(n, -1, dtype=np.int64)
        for i, j in pairs.tolist():
            if claimed[i] >= 0 or claimed[j] >= 0:
                continue
            s = jaccard(sh.row(i), sh.row(j))
            if s >= config.threshold:
                claimed[j] = i
                sim[j] = s
                kind[j] = "near"
        near = claimed >= 0
        parent[near] = claimed[near]
        # exact duplicates follow their group's representative to its cluster
        moved = near[group_rep] & (group_rep != np.arange(n))
        parent[moved] = claimed[group_rep[moved]]
        sim[moved] = sim[group_rep[moved]]
        kind[moved] = "near"

    out = []
    for i in range(n):
        p = int(parent[i])
        if p == i:
            out.append(DedupDecision(id=ids[i], kept=True))
        else:
            out.append(DedupDecision(id=ids[i], kept=False, duplicate_of=ids[p],
                                     similarity=round(float(sim[i]), 4), kind=str(kind[i])))
    return out


def question_text(question: str, options: Sequence[str] | None = None) -> str:
    """The text to compare: the question, then its options sorted (so their order does not matter)."""
    if not options:
        return question
    return question + "\n" + "\n".join(sorted(normalize_text(o) for o in options))


def find_duplicate_rows(rows: Sequence[Mapping[str, Any]], config: DedupConfig | None = None) -> list[DedupDecision]:
    """`find_duplicates` over stored question rows (keys `id`, `question`, optional `options`)."""
    for i, r in enumerate(rows):
        if not isinstance(r.get("question"), str) or r.get("id") is None:
            raise ValueError(f"find_duplicate_rows: row {i} needs an 'id' and a text 'question'")
    return find_duplicates([str(r["id"]) for r in rows],
                           [question_text(r["question"], r.get("options")) for r in rows], config)
