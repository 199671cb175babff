"""The live reward audit: an always-yes reward audited by the rule verifier shows its disagreement."""

from __future__ import annotations

import pickle
from pathlib import Path

from genreason.llm.base import Generation
from genreason.rewards import VerifiedReward
from genreason.train.audit import RewardAudit
from genreason.train.runs import read_audit, read_metrics
from genreason.verify.model import ModelVerifier


class AlwaysYes:
    """TEST HELPER backend: the model verifier it serves accepts every answer (a hacked reward)."""

    name = model = "always-yes-test-backend"

    def generate(self, prompts, params, chat=False):  # noqa: ANN001, ANN201 -- the backend protocol
        return [Generation(texts=["Final Decision: Yes"]) for _ in prompts]


class Words:
    """TEST HELPER tokenizer: one token per word."""

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        return list(range(len(text.split())))


class Step:
    def __init__(self, global_step: int) -> None:
        self.global_step = global_step


def test_an_always_yes_reward_audited_by_the_rule_verifier_disagrees_on_every_wrong_answer(
    tmp_path: Path,
) -> None:
    audit = RewardAudit("rule", judge_options={"workers": 0}, fraction=1.0, log_path=tmp_path / "audit.jsonl")
    reward = VerifiedReward(ModelVerifier(backend=AlwaysYes()), tokenizer=Words(), audit=audit)
    logged: dict[str, float] = {}
    # Step 1: 3 of 4 answers are wrong, yet the hacked reward accepts all four.
    got = reward(["q"] * 4, ["\\boxed{12}", "\\boxed{13}", "\\boxed{banana}", "\\boxed{-12}"],
                 reference=["12"] * 4, question=["What is 3 * 4?"] * 4, id=["a", "b", "c", "d"],
                 trainer_state=Step(0), log_metric=logged.__setitem__)
    assert got == [1.0, 1.0, 1.0, 1.0]
    audit.wait()
    # Step 2: both right; the rate of step 1's finished audit is reported now.
    reward(["q"] * 2, ["\\boxed{12}", "so \\boxed{12}"], reference=["12"] * 2, id=["e", "f"],
           trainer_state=Step(1), log_metric=logged.__setitem__)
    assert logged["audit/disagreement_recent"] == 0.75
    reward.close()
    metrics = read_metrics(tmp_path)  # no metrics.jsonl here: the audit alone makes the rows
    assert [(m["step"], m["audit/disagreement"], m["audit/audited"]) for m in metrics] == [
        (1, 0.75, 4), (2, 0.0, 2)]
    behind = read_audit(tmp_path)
    assert sorted(r["id"] for r in behind) == ["b", "c", "d"]
    assert all(r["reward_verdict"] is True and r["audit_verdict"] is not True for r in behind)


def test_a_partial_audit_samples_the_same_completions_and_pickles(tmp_path: Path) -> None:
    picked = []
    for run in ("one", "two"):
        audit = RewardAudit("rule", judge_options={"workers": 0}, fraction=0.25,
                            log_path=tmp_path / run / "audit.jsonl")
        reward = VerifiedReward("rule", tokenizer=Words(), judge_options={"workers": 0},
                                audit=pickle.loads(pickle.dumps(audit)))
        reward(["q"] * 8, [f"\\boxed{{{i}}}" for i in range(8)], reference=["3"] * 8,
               id=[str(i) for i in range(8)], trainer_state=Step(4))
        reward.close()
        rows = read_audit(tmp_path / run, disagreeing_only=False)
        assert len(rows) == 2 and {r["step"] for r in rows} == {5}
        assert all(r["disagree"] is False for r in rows)  # the same judge agrees with itself
        picked.append(sorted(r["id"] for r in rows))
    assert picked[0] == picked[1]
