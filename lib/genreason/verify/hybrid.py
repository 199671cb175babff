"""The hybrid verifier: rules first, the model only on what the rules cannot decide.

Rule checks are free and exact where they apply (numbers, fractions, symbolic expressions);
the generative verifier is slow but understands lists, strings, option texts and units, where
the paper found rule-based matching weakest (arXiv:2505.14652, section 3.2). So the hybrid runs
the rule verifier on every item and sends the rest to the model verifier in one batch:
the items the rules left undecided, and with send_rejected=True also the ones they rejected
(rules miss correct answers far more often than they accept wrong ones).

Each judgment says which path decided it (`rule` is "hybrid:rule" or "hybrid:model") and keeps
the other path's record in its detail; `last_report` counts what each path decided and spent.

    hybrid = HybridVerifier(model=ModelVerifier(model="path/to/general-verifier"))
    judgments = hybrid.verify_batch(items)
    hybrid.last_report.to_dict()
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from genreason.judging import Item, Judgment, Verifier

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HybridReport:
    """What one `verify_batch` call of the hybrid did."""

    items: int  # items judged
    rule_decided: int  # verdicts that came from the rules
    sent_to_model: int  # items the model was asked about
    sent_undecided: int  # ... of which the rules had left undecided
    sent_rejected: int  # ... of which the rules had rejected (send_rejected=True)
    model_true: int  # model verdicts by value
    model_false: int
    model_undecided: int
    overturned: int  # rule rejections the model turned into a pass
    rule_seconds: float
    model_seconds: float
    model_calls: int  # backend calls (0 or 1: the model gets one batch)
    model_tokens: int  # prompt + completion tokens the model spent

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class HybridVerifier:
    """Rules first; undecided (and optionally rule-rejected) items go to the model in one batch.

    rule: the rule verifier (default: a fresh `RuleVerifier`).
    model: the model verifier; when None, a `ModelVerifier(**model_options)` is built
        (model_options must then name at least the model: {"model": PATH, "backend_name": ...}).
    send_rejected: also ask the model about items the rules judged False.
    name: the judge name written into each judgment.
    """

    def __init__(
        self,
        rule: Verifier | None = None,
        model: Verifier | None = None,
        *,
        send_rejected: bool = False,
        name: str = "hybrid",
        model_options: Mapping[str, Any] | None = None,
    ) -> None:
        if rule is None:
            from genreason.verify.rules.verifier import RuleVerifier

            rule = RuleVerifier()
        if model is None:
            if not model_options or not model_options.get("model"):
                raise ValueError(
                    "HybridVerifier needs a model verifier: pass model=ModelVerifier(...) or "
                    "model_options={'model': PATH_OR_NAME, 'backend_name': 'hf'|'vllm'|'openai'}"
                )
            from genreason.verify.model import ModelVerifier

            model = ModelVerifier(**dict(model_options))
        self.rule = rule
        self.model = model
        self.send_rejected = send_rejected
        self.name = name
        self.last_report: HybridReport | None = None

    def describe(self) -> dict[str, Any]:
        """What this judge is, for run records."""
        model_desc = getattr(self.model, "describe", None)
        return {
            "judge": self.name,
            "rule": self.rule.name,
            "model": model_desc() if callable(model_desc) else self.model.name,
            "send_rejected": self.send_rejected,
        }

    def close(self) -> None:
        """Release what the two verifiers hold (the rule verifier's worker processes, clients)."""
        for verifier in (self.rule, self.model):
            close = getattr(verifier, "close", None)
            if callable(close):
                close()

    def _goes_to_model(self, judgment: Judgment) -> bool:
        return judgment.verdict is None or (self.send_rejected and judgment.verdict is False)

    def verify_batch(self, items: Sequence[Item]) -> list[Judgment]:
        """Judge every item: rules on all, the model on the routed ones (one batch)."""
        started = time.perf_counter()
        by_rule = self.rule.verify_batch(items)
        rule_seconds = time.perf_counter() - started
        if len(by_rule) != len(items):
            raise RuntimeError(f"rule verifier returned {len(by_rule)} judgments for {len(items)} items")

        routed = [i for i, j in enumerate(by_rule) if self._goes_to_model(j)]
        by_model: dict[int, Judgment] = {}
        model_seconds = 0.0
        if routed:
            started = time.perf_counter()
            answers = self.model.verify_batch([items[i] for i in routed])
            model_seconds = time.perf_counter() - started
            by_model = dict(zip(routed, answers, strict=True))

        out: list[Judgment] = []
        for i, rule_j in enumerate(by_rule):
            model_j = by_model.get(i)
            out.append(self._merge(rule_j, model_j, items[i]))

        model_verdicts = [j.verdict for j in by_model.values()]
        report = HybridReport(
            items=len(items),
            rule_decided=len(items) - len(routed),
            sent_to_model=len(routed),
            sent_undecided=sum(by_rule[i].verdict is None for i in routed),
            sent_rejected=sum(by_rule[i].verdict is False for i in routed),
            model_true=sum(v is True for v in model_verdicts),
            model_false=sum(v is False for v in model_verdicts),
            model_undecided=sum(v is None for v in model_verdicts),
            overturned=sum(
                by_rule[i].verdict is False and by_model[i].verdict is True for i in routed
            ),
            rule_seconds=round(rule_seconds, 6),
            model_seconds=round(model_seconds, 6),
            model_calls=1 if routed else 0,
            model_tokens=int(sum(j.cost.get("tokens", 0) for j in by_model.values())),
        )
        self.last_report = report
        log.info(
            "hybrid: %d items, %d decided by rules, %d sent to the model",
            report.items,
            report.rule_decided,
            report.sent_to_model,
        )
        return out

    def _merge(self, rule_j: Judgment, model_j: Judgment | None, item: Item) -> Judgment:
        """One judgment naming the deciding path, with the other path's record in detail."""
        rule_record = {
            "verdict": rule_j.verdict,
            "extracted": rule_j.extracted,
            "reason": rule_j.reason,
            "rule": rule_j.rule,
        }
        if model_j is None:
            return Judgment(
                judge=self.name,
                verdict=rule_j.verdict,
                extracted=rule_j.extracted,
                reason=rule_j.reason,
                rule="hybrid:rule",
                detail={**rule_j.detail, "path": "rule", "rule_judgment": rule_record},
                cost=dict(rule_j.cost),
                item_id=rule_j.item_id or item.item_id,
            )
        cost = dict(model_j.cost)
        cost["seconds"] = float(cost.get("seconds", 0.0)) + float(rule_j.cost.get("seconds", 0.0))
        return Judgment(
            judge=self.name,
            verdict=model_j.verdict,
            extracted=model_j.extracted,
            reason=model_j.reason,
            rule="hybrid:model",
            detail={**model_j.detail, "path": "model", "rule_judgment": rule_record},
            cost=cost,
            item_id=model_j.item_id or rule_j.item_id or item.item_id,
        )
