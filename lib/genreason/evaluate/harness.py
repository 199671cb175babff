"""How our verdicts compare with a benchmark harness's own extracted answers (MMLU-Pro).

Stage: evaluate (report for `rescore`). MMLU-Pro's result files record `pred`, the letter its
harness (TIGER-AI-Lab/MMLU-Pro, evaluate_from_local.py) extracted, in this order: the first
"answer is (X)"; else the last "Answer: X"; else the last standalone letter A-J anywhere; else
nothing, and then the harness scores a random letter (DESIGN.md section 4), so `pred` in a file
may be a letter no rule produced. Re-running those rules on each output says which rule gave
`pred`, so agreement is reported where the harness really extracted a letter, and the rest are
named: the random fills are the outputs we judge as having no answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # judges imports this module's extraction rules
    from genreason.evaluate.judges import Scored
    from genreason.evaluate.outputs import OutputRow

_PRIMARY = re.compile(r"answer is \(?([A-J])\)?")
# The harness searches ".*[aA]nswer:\s*([A-J])": the last match on the first line that has
# one. Read line by line here, since that backtracking pattern is quadratic on long lines.
_ANSWER_COLON = re.compile(r"[aA]nswer:\s*([A-J])")
_LAST_LETTER = re.compile(r"\b([A-J])\b")


def harness_extraction(output: str, *, fallbacks_only: bool = False) -> tuple[str | None, str]:
    """(letter, rule) as MMLU-Pro's harness extracts it: primary, answer_colon, last_letter or none.

    fallbacks_only: skip the primary rule (the "choice+harness" judge has already read the
    prompt's "the answer is (X)" its own way, refusing "(F) and (H)")."""
    m = None if fallbacks_only else _PRIMARY.search(output)
    if m:
        return m.group(1), "primary"
    for line in output.split("\n"):
        found = _ANSWER_COLON.findall(line)
        if found:
            return found[-1], "answer_colon"
    letters = _LAST_LETTER.findall(output)
    if letters:
        return letters[-1], "last_letter"
    return None, "none"


def harness_agreement(
    rows: Sequence[OutputRow], scored: Sequence[Scored], references: dict[str, str], max_examples: int = 50
) -> dict[str, Any]:
    """Agreement of our chosen letters with the file's `pred`, by the harness rule that gave it.

    Rows whose `pred` no harness rule reproduces are "random fill" rows: the harness found no
    letter there and stored a guess. `verdicts` scores our verdicts against the harness's
    (pred == reference) on the rows where it extracted a letter, with the project's one
    scorer (`genreason.verify.assess.metrics.score`). references: question id -> letter.
    """
    from genreason.verify.assess.metrics import score

    ours_v: list[bool] = []
    theirs_v: list[bool] = []
    by_rule: Counter[str] = Counter()
    agree_by_rule: Counter[str] = Counter()
    our_status_on_fill: Counter[str] = Counter()
    disagreements = []
    for row, s in zip(rows, scored, strict=True):
        if row.harness_pred is None:
            continue
        letter, rule = harness_extraction(row.output)
        if letter != row.harness_pred:
            rule = "random fill" if letter is None else "other"
        by_rule[rule] += 1
        ours = s.vote_key if s.status in ("correct", "wrong") else None
        if rule in ("random fill", "other"):
            our_status_on_fill[s.status] += 1
        if rule in ("primary", "answer_colon", "last_letter"):
            ours_v.append(s.verdict)
            theirs_v.append(row.harness_pred == references.get(row.question_id))
        if ours == row.harness_pred:
            agree_by_rule[rule] += 1
        elif rule not in ("random fill",) and len(disagreements) < max_examples:
            disagreements.append({"question_id": row.question_id, "harness_rule": rule, "pred": row.harness_pred,
                                  "ours": ours, "status": s.status, "extracted": s.extracted,
                                  "reason": s.reason, "output_tail": row.output[-300:]})
    extracted = sum(n for rule, n in by_rule.items() if rule in ("primary", "answer_colon", "last_letter"))
    agree = sum(n for rule, n in agree_by_rule.items() if rule in ("primary", "answer_colon", "last_letter"))
    return {
        "rows_with_pred": sum(by_rule.values()),
        "harness_extracted": extracted,
        "agree": agree,
        "agreement": agree / extracted if extracted else None,
        "by_harness_rule": {rule: {"rows": n, "agree": agree_by_rule[rule]} for rule, n in sorted(by_rule.items())},
        "random_fill_judged_as": dict(our_status_on_fill),
        "verdicts": {k: v for k, v in score(ours_v, theirs_v).to_dict().items()
                     if k in ("n", "agreement", "kappa", "precision", "recall", "fp", "fn")} if ours_v else None,
        "disagreements": disagreements,
    }

