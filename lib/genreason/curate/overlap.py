"""The dedup and decontaminate stages: the pure functions of `curate.dedup` and
`curate.decontaminate` run as stages, with a decision and evidence per question.

- dedup: exact (normalised) and near duplicates (MinHash LSH, confirmed by shingle Jaccard;
  see `curate.dedup` for the defaults and why). The representative is kept ("unique" or
  "representative"); every other copy is dropped as "duplicate", its evidence naming the kept
  question, the kind (exact/near) and the similarity. It sees all its input at once
  (batch_size 0), and a rerun with any new question decides all of them again, since a new
  question may duplicate an old one.
- decontaminate: word n-gram overlap with the benchmark files the user names (see
  `curate.decontaminate` for n = 8 and the 0.5 token-coverage threshold, against GPT-3's
  13-grams, open-r1's 8-grams and Cosmopedia's 10-grams plus a diff ratio). A match is
  dropped as "contaminated" with the benchmark, its item id and the overlap as evidence;
  a clean row keeps its closest item, if any, for inspection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from genreason.curate.decontaminate import (
    BenchmarkIndex,
    DecontaminateConfig,
    find_contamination_rows,
    load_benchmark,
)
from genreason.curate.dedup import DedupConfig, find_duplicate_rows
from genreason.curate.stage import BaseStage, Outcome, Row


@dataclass(frozen=True)
class DedupStageConfig:
    """Duplicate detection (the fields of curate.dedup.DedupConfig)."""

    dedup: DedupConfig = field(default_factory=DedupConfig)
    # A near duplicate whose reference answer differs from its representative's is another
    # question ("integral of sin^2 x" vs "of sec^2 x" share most shingles): kept, and said so.
    same_answer: bool = True


class DedupStage(BaseStage):
    """Keep one question of each duplicate group."""

    name = "dedup"
    batch_size = 0  # all rows at once: duplicates are found across the whole input

    def process(self, rows: Sequence[Row]) -> list[Outcome]:
        from genreason.curate.dedup import normalize_text

        decisions = {d.id: d for d in find_duplicate_rows(rows, self.config.dedup)}
        answers = {str(r["id"]): normalize_text(str(r.get("answer") or "")) for r in rows}
        representatives = {d.duplicate_of for d in decisions.values() if not d.kept}
        out = []
        for row in rows:
            d = decisions[str(row["id"])]
            if (not d.kept and d.kind == "near" and self.config.same_answer
                    and answers[d.id] != answers.get(str(d.duplicate_of))):
                out.append(Outcome(d.id, True, "similar text, different answer", {
                    "similar_to": d.duplicate_of, "similarity": d.similarity}))
            elif d.kept:
                out.append(Outcome(d.id, True, "representative" if d.id in representatives else "unique"))
            else:
                out.append(Outcome(d.id, False, "duplicate", {
                    "duplicate_of": d.duplicate_of, "kind": d.kind, "similarity": d.similarity}))
        return out


@dataclass(frozen=True)
class DecontaminateStageConfig:
    """Benchmark overlap: the benchmark files and the fields of DecontaminateConfig."""

    benchmarks: tuple[str, ...] = ()  # benchmark files (JSONL/JSON/CSV/Parquet with a question field)
    overlap: DecontaminateConfig = field(default_factory=DecontaminateConfig)
    batch_size: int = 50_000  # questions per check

    def __post_init__(self) -> None:
        if not self.benchmarks:
            raise ValueError("DecontaminateStageConfig.benchmarks: name at least one benchmark file "
                             "(CLI: --set decontaminate.benchmarks=path1,path2)")
        missing = [b for b in self.benchmarks if not Path(b).exists()]
        if missing:
            raise ValueError(f"DecontaminateStageConfig.benchmarks: no such file(s): {', '.join(missing)}")
        if self.batch_size < 1:
            raise ValueError(f"DecontaminateStageConfig.batch_size must be >= 1, got {self.batch_size}")


class DecontaminateStage(BaseStage):
    """Drop questions that overlap a benchmark item."""

    name = "decontaminate"

    def __init__(self, config: DecontaminateStageConfig) -> None:
        super().__init__(config)
        self.batch_size = config.batch_size
        self._index: BenchmarkIndex | None = None
        self._items: dict[tuple[str, str], str] = {}

    @property
    def index(self) -> BenchmarkIndex:
        if self._index is None:
            items = [it for path in self.config.benchmarks for it in load_benchmark(path)]
            self._index = BenchmarkIndex(items, self.config.overlap)
            self._items = {(it.benchmark, it.item_id): it.question for it in items}
        return self._index

    def process(self, rows: Sequence[Row]) -> list[Outcome]:
        decisions = {d.id: d for d in find_contamination_rows(rows, self.index)}
        out = []
        for row in rows:
            d = decisions[str(row["id"])]
            evidence = {"benchmark": d.benchmark, "item_id": d.item_id, "overlap": round(d.overlap, 4),
                        "shared_ngrams": d.shared_ngrams}
            if d.contaminated:
                evidence["item_question"] = self._items.get((d.benchmark, d.item_id), "")[:1000]
                out.append(Outcome(d.id, False, "contaminated", evidence))
            else:
                out.append(Outcome(d.id, True, "clean", evidence if d.benchmark else {}))
        return out
