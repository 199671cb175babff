"""HybridVerifier: routing (rules first, the rest to the model in one batch), paths and report."""

from __future__ import annotations

import pytest
from scripted_backend import ScriptedBackend, ScriptedVerifier

from genreason.judging import Item, Verifier
from genreason.verify.hybrid import HybridVerifier
from genreason.verify.model import ModelVerifier
from genreason.verify.rules.verifier import RuleVerifier


def _items(n: int) -> list[Item]:
    return [Item(f"q{i}", str(i), f"\\boxed{{{i}}}", item_id=f"c{i}") for i in range(n)]


# The rule side is scripted so the routing counts are known: items 0-2 true, 3-5 false,
# 6-9 undecided.
def _rule_verdict(item: Item) -> bool | None:
    i = int(item.item_id[1:])
    return True if i < 3 else False if i < 6 else None


def test_undecided_items_go_to_the_model_in_one_batch():
    rule = ScriptedVerifier(_rule_verdict, name="rule")
    backend = ScriptedBackend(lambda prompt: "Final Decision: Yes")
    hybrid = HybridVerifier(rule, ModelVerifier(backend))
    judgments = hybrid.verify_batch(_items(10))

    assert len(backend.calls) == 1 and len(backend.calls[0][0]) == 4
    assert [j.rule for j in judgments] == ["hybrid:rule"] * 6 + ["hybrid:model"] * 4
    assert [j.verdict for j in judgments] == [True] * 3 + [False] * 3 + [True] * 4
    assert all(j.judge == "hybrid" for j in judgments)
    assert [j.item_id for j in judgments] == [f"c{i}" for i in range(10)]
    # the model path keeps the rule's record, and its prompt and output
    model_j = judgments[7]
    assert model_j.detail["rule_judgment"]["verdict"] is None
    assert model_j.detail["output"] == "Final Decision: Yes"
    assert model_j.detail["prompt"].startswith("User: ### Question: q7")

    r = hybrid.last_report
    assert (r.items, r.rule_decided, r.sent_to_model) == (10, 6, 4)
    assert (r.sent_undecided, r.sent_rejected, r.model_true, r.overturned) == (4, 0, 4, 0)
    assert r.model_calls == 1 and r.model_tokens > 0
    assert r.to_dict()["rule_decided"] == 6


def test_send_rejected_also_routes_rule_false_and_counts_overturns():
    rule = ScriptedVerifier(_rule_verdict, name="rule")
    # the model accepts even numbers only
    backend = ScriptedBackend(
        lambda p: "Final Decision: Yes" if int(p.split("### Student Answer: ")[1].split()[0]) % 2 == 0 else "Final Decision: No"
    )
    hybrid = HybridVerifier(rule, ModelVerifier(backend), send_rejected=True)
    judgments = hybrid.verify_batch(_items(10))

    assert len(backend.calls) == 1 and len(backend.calls[0][0]) == 7
    r = hybrid.last_report
    assert (r.rule_decided, r.sent_to_model, r.sent_undecided, r.sent_rejected) == (3, 7, 4, 3)
    assert r.overturned == 1  # item 4: rule false, model yes
    assert judgments[4].verdict is True and judgments[4].rule == "hybrid:model"
    assert judgments[4].detail["rule_judgment"]["verdict"] is False
    assert (r.model_true, r.model_false, r.model_undecided) == (3, 4, 0)


def test_nothing_for_the_model_means_no_call():
    backend = ScriptedBackend("Final Decision: Yes")
    hybrid = HybridVerifier(ScriptedVerifier(True), ModelVerifier(backend))
    judgments = hybrid.verify_batch(_items(3))
    assert backend.calls == []
    assert hybrid.last_report.model_calls == 0
    assert all(j.rule == "hybrid:rule" for j in judgments)


def test_with_the_real_rule_verifier_rejections_reach_the_model():
    backend = ScriptedBackend("Final Decision: No")
    hybrid = HybridVerifier(RuleVerifier(), ModelVerifier(backend), send_rejected=True)
    items = [
        Item("What is 2+2?", "4", "So the answer is \\boxed{4}.", item_id="right"),
        Item("What is 2+2?", "4", "So the answer is \\boxed{5}.", item_id="wrong"),
    ]
    judgments = hybrid.verify_batch(items)
    assert judgments[0].verdict is True and judgments[0].rule == "hybrid:rule"
    assert judgments[1].verdict is False and judgments[1].rule == "hybrid:model"
    assert hybrid.last_report.sent_rejected == 1


def test_needs_a_model_and_is_registered():
    with pytest.raises(ValueError, match="needs a model verifier"):
        HybridVerifier(ScriptedVerifier(None))
    from genreason.verify.registry import make_verifier

    hybrid = make_verifier("hybrid", model=ModelVerifier(ScriptedBackend("x")))
    assert isinstance(hybrid, Verifier) and isinstance(hybrid.rule, RuleVerifier)
