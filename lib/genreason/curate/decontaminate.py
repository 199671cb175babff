"""Decontaminate stage: questions that overlap a benchmark the user names, with the item they match.

Reads benchmark files (MMLU-Pro, GPQA, SuperGPQA, TheoremQA, BBEH, MATH-500, GSM8K, or any
JSONL/JSON/CSV/Parquet file with a question field) through the ingest readers, and plain
question texts; writes one `ContaminationDecision` per row: contaminated or not, the benchmark,
the benchmark item id, the overlap and the number of shared n-grams. The curation stage wraps
`find_contamination`; `bench/bench_dedup.py` measures it on 1M rows.

How it decides
1. Texts are split into segments: the question body (line breaks are only whitespace), and
   each answer option (leading labels "A." / "(b)" removed), each tokenised by
   `genreason.curate.dedup.tokens` (case, Unicode, whitespace, punctuation and LaTeX spacing
   do not matter). N-grams never cross a segment, so reordered options change nothing; a
   segment shorter than n is one gram of its own.
2. Candidates: a row and a benchmark item that share a word 8-gram (or a whole segment of 4-7
   tokens: short MATH-500 problems), or the same set of at least `min_options` options. Grams
   found in more than `max_items_per_gram` benchmark items are boilerplate ("which of the
   following statements is true about the") and make no candidates.
3. Overlap: the share of tokens covered by shared grams, on the item's side and on the row's,
   whichever is higher (a row containing a whole item, or a row that is a piece of a long BBEH
   input). When the row carries the item's whole set of options (any order), the share of the
   item's question words found in the row's question counts too: a reworded multiple-choice
   question keeps its options. Contaminated when overlap >= `threshold` (0.5).

Why 8-grams and token coverage. GPT-3 (Brown et al. 2020, appendix C) flagged shared 13-grams;
open-r1's decontamination script uses 8-grams; Cosmopedia (Hugging Face, 2024) 10-grams, then a
difflib ratio > 0.5 against the benchmark text. MATH-500 problems have a median of 26 words (a
tenth under 9) and GSM8K questions 43 (../shared/realdata), so a 13-gram needs 13 untouched
words in a row and rewording one word in ten already breaks most of them. Shorter grams are
not safe either: on bench/bench_dedup.py's generated questions, 5- to 7-grams gave unrelated
questions overlaps up to 0.46 with benchmark items, 8-grams none. Counting covered *tokens*
instead of shared grams is what makes 8-grams robust to rewording: replacing 3 words in a
40-word item kills up to 24 of its 33 8-grams, but the surviving grams still cover most of the
item's tokens. The 0.5 threshold plays the part of Cosmopedia's diff ratio: at least half the
item (or the row) copied in runs of 8 or more words. Questions under 4 tokens are matched only
through a longer shared segment or their options.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from genreason.curate.dedup import TokenHasher, ngram_hashes, normalize_text, stable_hash, tokens
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
    min_options: int = 4  # a row with this many options, the same set as an item's, is its candidate
    max_candidates: int = 3  # benchmark items scored per row (those sharing the most grams)
    chunk_rows: int = 50_000  # rows tokenised at a time (bounds memory)

    def __post_init__(self) -> None:
        if self.n < 2:
            raise ValueError(f"DecontaminateConfig.n must be >= 2, got {self.n}")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"DecontaminateConfig.threshold must be in (0, 1], got {self.threshold}")
        if min(self.min_segment_tokens, self.max_items_per_gram, self.min_options, self.max_candidates, self.chunk_rows) < 1:
            raise ValueError("DecontaminateConfig: min_segment_tokens, max_items_per_gram, min_options, max_candidates and chunk_rows must be >= 1")


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


KNOWN_BENCHMARKS = ("supergpqa", "gpqa", "mmlu_pro", "theoremqa", "bbeh", "math500", "gsm8k")


def _benchmark_name(path: Path) -> str:
    """A known benchmark named in the path ("MMLU-Pro/test.jsonl" -> "mmlu_pro"), else the stem."""
    flat = [p.lower().replace("-", "").replace("_", "") for p in path.parts]
    for known in KNOWN_BENCHMARKS:
        if any(known.replace("_", "") in p for p in flat):
            return known
    return path.parent.name if path.stem in ("test", "train", "validation") else path.stem


def load_benchmark(path: str | Path, name: str | None = None) -> list[BenchmarkItem]:
    """The items of one benchmark file; `name` defaults to a known benchmark named in the path
    (supergpqa, gpqa, mmlu_pro, theoremqa, bbeh, math500, gsm8k), else the file's stem.

    Ids are the file's own (question_id, unique_id, id, uuid, GPQA's "Record ID"), else the
    line number. Raises ValueError naming the file and line of an unreadable record.
    """
    path = Path(path)
    name = name or _benchmark_name(path)
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
    """The question body (first, maybe empty), then each option, labels removed: the spans
    n-grams stay inside.

    Line breaks inside the body are only whitespace (web text is hard-wrapped anywhere); a line
    that starts with an option label ("A.", "(b)") or an inline "(C) " starts a new segment.
    """
    parts: list[str] = []
    body: list[str] = []
    in_options = False
    for line in text.splitlines():
        pieces = _INLINE_OPTION.split(line)
        for k, piece in enumerate(pieces):
            labelled = _OPTION_LABEL.match(piece) is not None
            if labelled and (k > 0 or in_options or not body or _OPTION_LABEL.match(line)):
                in_options = True
                parts.append(_OPTION_LABEL.sub("", piece).strip())
            elif in_options and k == 0 and parts:
                parts[-1] = f"{parts[-1]} {piece.strip()}"  # an option wrapped onto the next line
            else:
                body.append(piece.strip())
    segs = [" ".join(b for b in body if b)]  # always first, even when empty
    segs.extend(p for p in parts if p)
    segs.extend(o.strip() for o in options if o.strip())
    return segs


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
    set_owner, set_hash = [], []
    for i, segs in enumerate(texts):
        if len(segs) > config.min_options:  # the body plus this many options
            set_owner.append(i)
            set_hash.append(stable_hash("\x1f".join(sorted(normalize_text(o) for o in segs[1:]))))
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
    owner = np.array(seg_owner, dtype=np.int64)[seg_of]
    strong = seg_len >= min(config.min_segment_tokens, config.n)
    if set_owner:  # one extra gram per text for its set of options: it covers no tokens itself
        extra = len(set_owner)
        order = np.argsort(np.concatenate([owner, set_owner]), kind="stable")
        hashes = np.concatenate([hashes, np.array(set_hash, dtype=np.uint64)])[order]
        owner = np.concatenate([owner, set_owner])[order]
        first = np.concatenate([first, np.zeros(extra, dtype=np.int64)])[order]
        width = np.concatenate([width, np.zeros(extra, dtype=np.int64)])[order]
        strong = np.concatenate([strong, np.ones(extra, dtype=bool)])[order]
    return _Grams(hashes, owner, first, width, strong, tokens_of)


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
        segs = [segments(t) for t in texts]
        rows = _grams(segs, self._hasher, self.config)
        out = [ContaminationDecision(id=i, contaminated=False) for i in ids]
        if not len(rows.hashes) or not len(self._keys):
            return out
        lo = np.searchsorted(self._keys, rows.hashes, side="left")
        hit = (self._keys[np.minimum(lo, len(self._keys) - 1)] == rows.hashes) & rows.strong
        if not hit.any():
            return out
        # expand (row, item) candidate pairs of the hit grams and count grams shared per pair
        gi = np.nonzero(hit)[0]
        hi = np.searchsorted(self._keys, rows.hashes[gi], side="right")
        reps = hi - lo[gi]
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
            decision = self._score(ids[r], segs[r][0], rows, row_starts, r, item, int(counts[k]))
            best = out[r]
            if decision.overlap > best.overlap:
                out[r] = decision
        return out

    def _score(self, row_id: str, body: str, rows: _Grams, row_starts: np.ndarray, r: int, item: int,
               shared: int) -> ContaminationDecision:
        g = self.grams
        item_idx = np.arange(self._item_starts[item], self._item_starts[item + 1])
        row_idx = np.arange(row_starts[r], row_starts[r + 1])
        item_hashes, row_hashes = g.hashes[item_idx], rows.hashes[row_idx]
        item_hit = np.isin(item_hashes, row_hashes)
        item_cov = _coverage(g, item_idx, item_hit, int(g.tokens_of[item]))
        row_cov = _coverage(rows, row_idx, np.isin(row_hashes, item_hashes), int(rows.tokens_of[r]))
        overlap = max(item_cov, row_cov)
        it = self.items[item]
        if (item_hit & (g.width[item_idx] == 0)).any():
            # same option set: a reworded question with the item's options is the item when most
            # of the item's question words are still there (in any order)
            words = set(tokens(it.question))
            overlap = max(overlap, len(words & set(tokens(body))) / max(1, len(words)))
        overlap = round(overlap, 4)
        return ContaminationDecision(id=row_id, contaminated=overlap >= self.config.threshold,
                                     benchmark=it.benchmark, item_id=it.item_id, overlap=overlap,
                                     shared_ngrams=shared)


def find_contamination(ids: Sequence[str], texts: Sequence[str], benchmarks: Sequence[BenchmarkItem],
                       config: DecontaminateConfig | None = None) -> list[ContaminationDecision]:
    """Check rows against benchmark items in one call (builds a `BenchmarkIndex`)."""
    return BenchmarkIndex(benchmarks, config).check(ids, texts)


def question_segments_text(question: str, options: Sequence[str] | None = None) -> str:
    """A question and its options as one text for `check` (options on their own lines)."""
    return "\n".join([question, *(options or ())])


def find_contamination_rows(rows: Sequence[Mapping[str, Any]], index: BenchmarkIndex) -> list[ContaminationDecision]:
    """`index.check` over stored question rows (keys `id`, `question`, optional `options`)."""
    for i, r in enumerate(rows):
        if not isinstance(r.get("question"), str) or r.get("id") is None:
            raise ValueError(f"find_contamination_rows: row {i} needs an 'id' and a text 'question'")
    return index.check([str(r["id"]) for r in rows],
                       [question_segments_text(r["question"], r.get("options")) for r in rows])
