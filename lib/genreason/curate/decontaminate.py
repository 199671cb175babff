"""Decontaminate stage: questions that overlap a benchmark the user names, with the item they match.

Reads benchmark files (MMLU-Pro, GPQA, SuperGPQA, TheoremQA, BBEH, MATH-500, GSM8K, or any
JSONL/JSON/CSV/Parquet file with a question field) through the ingest readers, and plain
question texts; writes one `ContaminationDecision` per row: contaminated or not, the benchmark,
the benchmark item id, the overlap and the number of shared n-grams. The curation stage wraps
`find_contamination`; `bench/bench_dedup.py` measures it on 1M rows.

How it decides
1. Texts are split into segments: lines, and answer options (leading labels "A." / "(b)"
   removed), each tokenised by `genreason.curate.dedup.tokens` (case, Unicode, whitespace,
   punctuation and LaTeX spacing do not matter). N-grams never cross a segment, so reordered
   options change nothing; a segment shorter than n is one gram of its own.
2. Candidates: a row and a benchmark item that share a word 8-gram (or a whole segment of 4-7
   tokens: short MATH-500 problems). Grams found in more than `max_items_per_gram` benchmark
   items are boilerplate ("which of the following is the") and do not make candidates.
3. Overlap: the share of tokens covered by shared grams, on the item's side and on the row's,
   whichever is higher (a row containing a whole item, or a row that is a piece of a long BBEH
   input). Contaminated when overlap >= `threshold` (0.5).

Why 8-grams and token coverage. GPT-3 (Brown et al. 2020, app. C) flagged any shared 13-gram;
open-r1's decontamination uses 8-grams; Cosmopedia (HF 2024) 10-grams, then a difflib ratio
> 0.5 against the benchmark text. Most MATH-500 and GSM8K questions are 20-60 words, so a
13-gram needs 13 untouched words in a row: rewording one word in four leaves none, while an
8-gram of ordinary words almost never repeats by chance outside boilerplate, which step 2
removes. Counting covered *tokens* instead of shared grams is what makes it robust: replacing
3 words in a 40-word item kills up to 24 of 33 8-grams (gram overlap 0.27) but the surviving
grams still cover about 80% of the item's tokens. The 0.5 threshold plays Cosmopedia's diff
ratio: at least half the item (or row) copied in runs of 8+ words. Short questions (under 4
tokens) cannot be matched robustly and are matched only through a longer shared segment.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from genreason.curate.dedup import TokenHasher, ngram_hashes, tokens
from genreason.ingest.formats import RowError, detect_format
from genreason.ingest.readers import read_records

log = logging.getLogger(__name__)

_OPTION_LABEL = re.compile(r"^\s*(?:\(?[A-Ja-j]\)|[A-Ja-j][.:)])\s+")
_INLINE_OPTION = re.compile(r"\s(?=\([A-Ja-j]\)\s)")
_QUESTION_FIELDS = ("question", "Question", "problem", "input", "prompt")
_ID_FIELDS = ("question_id", "unique_id", "id", "uuid", "Record ID", "idx")
_GPQA_OPTIONS = ("Correct Answer", "Incorrect Answer 1", "Incorrect Answer 2", "Incorrect Answer 3")


@dataclass(frozen=True)
class BenchmarkItem:
    """One benchmark question: its benchmark, its id there, its text and options."""

    benchmark: str
    item_id: str
    question: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecontaminateConfig:
    """How overlap with benchmarks is measured; see the module docstring for why."""

    n: int = 8  # words per n-gram
    threshold: float = 0.5  # share of tokens covered by shared grams (item's or row's side)
    min_segment_tokens: int = 4  # shorter segments (e.g. options "4", "True") make no candidates
    max_items_per_gram: int = 5  # grams in more benchmark items are boilerplate
    max_candidates: int = 3  # benchmark items scored per row (those sharing the most grams)
    chunk_rows: int = 50_000  # rows tokenised at a time (bounds memory)

    def __post_init__(self) -> None:
        if self.n < 2:
            raise ValueError(f"DecontaminateConfig.n must be >= 2, got {self.n}")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"DecontaminateConfig.threshold must be in (0, 1], got {self.threshold}")
        if min(self.min_segment_tokens, self.max_items_per_gram, self.max_candidates, self.chunk_rows) < 1:
            raise ValueError("DecontaminateConfig: min_segment_tokens, max_items_per_gram, max_candidates and chunk_rows must be >= 1")


@dataclass(frozen=True)
class ContaminationDecision:
    """One row's outcome; for a clean row the closest item below the threshold, if any."""

    id: str
    contaminated: bool
    benchmark: str | None = None
    item_id: str | None = None
    overlap: float = 0.0
    shared_ngrams: int = 0


# --- reading benchmarks ---------------------------------------------------------------------


def _item_from(record: Mapping[str, Any], line: int, benchmark: str, path: Path) -> BenchmarkItem:
    if all(k in record for k in _GPQA_OPTIONS):  # GPQA: answers in four columns
        options = tuple(str(record[k]) for k in _GPQA_OPTIONS)
    else:
        raw = record.get("options") or record.get("choices") or ()
        options = tuple(str(o) for o in raw) if isinstance(raw, list | tuple) else ()
    fmt = detect_format(record)
    question: Any = None
    if fmt is not None and fmt.kind == "questions":
        try:
            mapped = fmt.mapper(record).questions[0]
            question = mapped.question
            options = tuple(str(o) for o in mapped.options) if mapped.options else options
        except RowError:
            question = None
    if question is None:
        question = next((record[k] for k in _QUESTION_FIELDS if record.get(k)), None)
    if not isinstance(question, str) or not question.strip():
        raise ValueError(f"{path}, line {line}: no question text (looked for {', '.join(_QUESTION_FIELDS)})")
    item_id = next((str(record[k]) for k in _ID_FIELDS if record.get(k) not in (None, "")), str(line))
    return BenchmarkItem(benchmark, item_id, question, options)


def load_benchmark(path: str | Path, name: str | None = None) -> list[BenchmarkItem]:
    """The items of one benchmark file; `name` defaults to the file's folder or stem.

    Ids are the file's own (question_id, unique_id, id, uuid, GPQA's "Record ID"), else the
    line number. Raises ValueError naming the file and line of an unreadable record.
    """
    path = Path(path)
    name = name or (path.parent.name if path.stem in ("test", "train", "validation") else path.stem)
    items = []
    for line, record, _raw in read_records(path):
        if isinstance(record, RowError):
            raise ValueError(f"{path}, line {line}: {record}")
        items.append(_item_from(record, line, name, path))
    if not items:
        raise ValueError(f"{path}: no benchmark items")
    log.info("benchmark %s: %d items from %s", name, len(items), path)
    return items


# --- segments and grams -----------------------------------------------------------------------


def segments(text: str, options: Iterable[str] = ()) -> list[str]:
    """Lines and options, option labels removed: the spans n-grams stay inside."""
    parts = []
    for line in text.splitlines():
        for piece in _INLINE_OPTION.split(line):
            piece = _OPTION_LABEL.sub("", piece).strip()
            if piece:
                parts.append(piece)
    parts.extend(o.strip() for o in options if o.strip())
    return parts


@dataclass
class _Grams:
    """Grams of many texts back to back: hash, owner text, first token, width, candidate flag."""

    hashes: np.ndarray
    owner: np.ndarray
    first: np.ndarray
    width: np.ndarray
    strong: np.ndarray
    tokens_of: np.ndarray  # tokens per text


def _grams(texts: Sequence[Sequence[str]], hasher: TokenHasher, config: DecontaminateConfig) -> _Grams:
    flat: list[int] = []
    seg_starts = [0]
    seg_owner: list[int] = []
    seg_offset: list[int] = []  # token offset of the segment inside its text
    tokens_of = np.zeros(len(texts), dtype=np.int64)
    for i, segs in enumerate(texts):
        for seg in segs:
            toks = tokens(seg)
            if not toks:
                continue
            seg_owner.append(i)
            seg_offset.append(int(tokens_of[i]))
            tokens_of[i] += len(toks)
            flat.extend(hasher.hashes(toks))
            seg_starts.append(len(flat))
    starts = np.array(seg_starts, dtype=np.int64)
    hashes, gram_starts = ngram_hashes(np.array(flat, dtype=np.uint64), starts, config.n)
    per_seg = np.diff(gram_starts)
    seg_of = np.repeat(np.arange(len(per_seg)), per_seg)
    seg_len = np.diff(starts)[seg_of]
    first = np.arange(len(hashes)) - gram_starts[:-1][seg_of] + np.array(seg_offset, dtype=np.int64)[seg_of]
    width = np.minimum(seg_len, config.n)
    return _Grams(hashes, np.array(seg_owner, dtype=np.int64)[seg_of], first, width,
                  seg_len >= min(config.min_segment_tokens, config.n), tokens_of)


def _coverage(g: _Grams, idx: np.ndarray, matched: np.ndarray, total: int) -> float:
    """Share of a text's tokens covered by its grams `idx` whose `matched` flag is set."""
    if total == 0:
        return 0.0
    marks = np.zeros(total + 1, dtype=np.int64)
    sel = idx[matched]
    np.add.at(marks, g.first[sel], 1)
    np.add.at(marks, g.first[sel] + g.width[sel], -1)
    return float((np.cumsum(marks)[:total] > 0).sum() / total)


class BenchmarkIndex:
    """The grams of a set of benchmark items, ready to check many rows against."""

    def __init__(self, items: Sequence[BenchmarkItem], config: DecontaminateConfig | None = None) -> None:
        if not items:
            raise ValueError("BenchmarkIndex: no benchmark items")
        self.items = list(items)
        self.config = config or DecontaminateConfig()
        self._hasher = TokenHasher()
        self.grams = _grams([segments(it.question, it.options) for it in self.items], self._hasher, self.config)
        g = self.grams
        # candidate index: distinct (gram, item) pairs of strong grams, boilerplate removed
        h, owner = g.hashes[g.strong], g.owner[g.strong]
        order = np.lexsort((owner, h))
        h, owner = h[order], owner[order]
        distinct = np.ones(len(h), dtype=bool)
        distinct[1:] = (h[1:] != h[:-1]) | (owner[1:] != owner[:-1])
        h, owner = h[distinct], owner[distinct]
        uniq, counts = np.unique(h, return_counts=True)
        keep = np.repeat(counts <= self.config.max_items_per_gram, counts)
        self._keys, self._item = h[keep], owner[keep]
        # per item: its grams in `g` (sorted by owner already, since items were appended in order)
        self._item_starts = np.searchsorted(g.owner, np.arange(len(self.items) + 1))
        log.info("benchmark index: %d items, %d grams, %d boilerplate grams dropped",
                 len(self.items), len(uniq), int((counts > self.config.max_items_per_gram).sum()))

    def check(self, ids: Sequence[str], texts: Sequence[str]) -> list[ContaminationDecision]:
        """One decision per row, in order. `texts` may carry options as extra lines."""
        if len(ids) != len(texts):
            raise ValueError(f"BenchmarkIndex.check: {len(ids)} ids but {len(texts)} texts")
        out: list[ContaminationDecision] = []
        step = self.config.chunk_rows
        for lo in range(0, len(texts), step):
            out.extend(self._check_chunk(ids[lo:lo + step], texts[lo:lo + step]))
        return out

    def _check_chunk(self, ids: Sequence[str], texts: Sequence[str]) -> list[ContaminationDecision]:
        rows = _grams([segments(t) for t in texts], self._hasher, self.config)
        out = [ContaminationDecision(id=i, contaminated=False) for i in ids]
        if not len(rows.hashes) or not len(self._keys):
            return out
        lo = np.searchsorted(self._keys, rows.hashes, side="left")
        hi = np.searchsorted(self._keys, rows.hashes, side="right")
        hit = (hi > lo) & rows.strong
        if not hit.any():
            return out
        # expand (row, item) candidate pairs of the hit grams and count grams shared per pair
        gi = np.nonzero(hit)[0]
        reps = hi[gi] - lo[gi]
        slot = np.repeat(lo[gi], reps) + (np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps))
        pair_row, pair_item = np.repeat(rows.owner[gi], reps), self._item[slot]
        keys, counts = np.unique(pair_row * len(self.items) + pair_item, return_counts=True)
        order = np.lexsort((-counts, keys // len(self.items)))
        row_starts = np.searchsorted(rows.owner, np.arange(len(texts) + 1))
        seen: dict[int, int] = {}
        for k in order.tolist():
            r, item = divmod(int(keys[k]), len(self.items))
            if seen.get(r, 0) >= self.config.max_candidates:
                continue
            seen[r] = seen.get(r, 0) + 1
            decision = self._score(ids[r], rows, row_starts, r, item, int(counts[k]))
            best = out[r]
            if decision.overlap > best.overlap:
                out[r] = decision
        return out

    def _score(self, row_id: str, rows: _Grams, row_starts: np.ndarray, r: int, item: int, shared: int) -> ContaminationDecision:
        g = self.grams
        item_idx = np.arange(self._item_starts[item], self._item_starts[item + 1])
        row_idx = np.arange(row_starts[r], row_starts[r + 1])
        item_hashes, row_hashes = g.hashes[item_idx], rows.hashes[row_idx]
        item_cov = _coverage(g, item_idx, np.isin(item_hashes, row_hashes), int(g.tokens_of[item]))
        row_cov = _coverage(rows, row_idx, np.isin(row_hashes, item_hashes), int(rows.tokens_of[r]))
        overlap = round(max(item_cov, row_cov), 4)
        it = self.items[item]
        return ContaminationDecision(id=row_id, contaminated=overlap >= self.config.threshold,
                                     benchmark=it.benchmark, item_id=it.item_id, overlap=overlap,
                                     shared_ngrams=shared)


def find_contamination(ids: Sequence[str], texts: Sequence[str], benchmarks: Sequence[BenchmarkItem],
                       config: DecontaminateConfig | None = None) -> list[ContaminationDecision]:
    """Check rows against benchmark items in one call (builds a `BenchmarkIndex`)."""
    return BenchmarkIndex(benchmarks, config).check(ids, texts)
