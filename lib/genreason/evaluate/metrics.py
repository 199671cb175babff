"""Scores from per-output verdicts: mean accuracy, pass@k, maj@k, overall and per category.

Stage: evaluate (aggregation). Pure functions over `Scored` rows; no randomness anywhere, so
the same verdicts always give the same numbers.

- mean accuracy: correct outputs / all outputs (one greedy sample: the usual accuracy).
- pass@k: the unbiased estimator of Chen et al. (2021, "Evaluating Large Language Models
  Trained on Code", eq. 1): with n samples of which c are correct,
  1 - C(n-c, k) / C(n, k), averaged over questions.
- maj@k: majority vote over the first k samples' answers (each answer's `vote_key`: the
  chosen letter for multiple choice, the normalised answer text otherwise); outputs with no
  answer do not vote; a tie goes to the answer that appeared first; the question counts as
  right when the winning answer was judged right. No answer at all is wrong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from genreason.evaluate.judges import Scored


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one question with n samples, c of them correct (Chen et al., 2021)."""
    if not 0 <= c <= n or k < 1:
        raise ValueError(f"need 0 <= c <= n and k >= 1, got n={n}, c={c}, k={k}")
    if k > n:
        raise ValueError(f"pass@{k} needs at least {k} samples per question, got {n}")
    if n - c < k:
        return 1.0
    prob_all_wrong = 1.0
    for i in range(n - c + 1, n + 1):  # C(n-c, k) / C(n, k) as a stable product
        prob_all_wrong *= 1.0 - k / i
    return 1.0 - prob_all_wrong


def majority_correct(samples: Sequence[Scored]) -> bool:
    """Whether the majority answer among `samples` (first-seen wins ties) was judged right."""
    counts: dict[str, int] = {}
    verdict: dict[str, bool] = {}
    for s in samples:
        if s.vote_key is None:
            continue
        counts[s.vote_key] = counts.get(s.vote_key, 0) + 1
        verdict.setdefault(s.vote_key, s.verdict)
    if not counts:
        return False
    best = max(counts.values())
    winner = next(key for key, n in counts.items() if n == best)  # dicts keep first-seen order
    return verdict[winner]


def _ks(samples: int) -> list[int]:
    ks = [k for k in (1, 2, 4, 8, 16, 32, 64) if k <= samples]
    return ks + ([samples] if samples not in ks else [])


def _score_group(by_question: dict[str, list[Scored]]) -> dict[str, Any]:
    outputs = [s for group in by_question.values() for s in group]
    n_q = len(by_question)
    samples = min((len(g) for g in by_question.values()), default=0)
    correct = sum(s.verdict for s in outputs)
    result: dict[str, Any] = {
        "questions": n_q,
        "outputs": len(outputs),
        "samples": samples,
        "correct": correct,
        "accuracy": correct / len(outputs) if outputs else 0.0,
        "no_answer": sum(s.status == "no_answer" for s in outputs),
        "undecided": sum(s.status == "undecided" for s in outputs),
    }
    if samples > 1:
        result["pass_at"] = {
            str(k): sum(pass_at_k(len(g), sum(s.verdict for s in g), k) for g in by_question.values()) / n_q
            for k in _ks(samples)
        }
        result["maj_at"] = {
            str(k): sum(majority_correct(g[:k]) for g in by_question.values()) / n_q for k in _ks(samples)
        }
    return result


def summarize(scored: Iterable[Scored], categories: dict[str, str | None]) -> dict[str, Any]:
    """Overall and per-category scores. categories: question id -> category."""
    by_question: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        by_question[s.question_id].append(s)
    for group in by_question.values():
        group.sort(key=lambda s: s.sample)
    per_category: dict[str, dict[str, list[Scored]]] = defaultdict(dict)
    for qid, group in by_question.items():
        per_category[categories.get(qid) or "(none)"][qid] = group
    summary = _score_group(by_question)
    summary["by_category"] = {cat: _score_group(groups) for cat, groups in sorted(per_category.items())}
    return summary
