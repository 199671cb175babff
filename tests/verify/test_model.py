"""ModelVerifier: the paper's prompt byte for byte, brace safety, Final Decision parsing, batching.

Parsing and routing use ScriptedBackend (a test helper returning fixed texts); the end-to-end
path with a real transformers model is in test_model_tiny.py.
"""

from __future__ import annotations

import pytest
from scripted_backend import ScriptedBackend

from genreason.judging import NO_ANSWER, Item, Verifier
from genreason.verify.model import (
    VERIFIER_PROMPT_TEMPLATE,
    ModelVerifier,
    parse_decision,
    render_prompt,
)

# The paper's verifier prompt for one row, written out literally (raw string: the backslashes of
# the LaTeX are part of the text). It must equal the rendered prompt byte for byte.
EXPECTED_PROMPT = r"""User: ### Question: Compute $\frac{1}{4}+\frac{1}{4}$.

### Ground Truth Answer: \frac{1}{2}

### Student Answer: \frac{2}{4}

For the above question, please verify if the student's answer is equivalent to the ground truth answer.
Do not solve the question by yourself; just check if the student's answer is equivalent to the ground truth answer.
If the student's answer is correct, output "Final Decision: Yes". If the student's answer is incorrect, output "Final Decision: No". Assistant:"""

ROW = Item(
    question=r"Compute $\frac{1}{4}+\frac{1}{4}$.",
    reference=r"\frac{1}{2}",
    response=r"Adding the quarters gives $\frac{2}{4}$, so the answer is $\boxed{\frac{2}{4}}$.",
    item_id="c1",
)


def test_rendered_prompt_equals_the_papers_template_byte_for_byte():
    backend = ScriptedBackend("Final Decision: Yes")
    ModelVerifier(backend).verify_batch([ROW])
    sent = backend.calls[0][0][0]
    assert sent.encode("utf-8") == EXPECTED_PROMPT.encode("utf-8")
    assert not sent.endswith("\n")  # the prompt ends right after "Assistant:"


def test_template_has_exactly_the_three_fields():
    assert VERIFIER_PROMPT_TEMPLATE.count("{") == 3 == VERIFIER_PROMPT_TEMPLATE.count("}")


@pytest.mark.parametrize(
    "question, reference, answer",
    [
        # guards: a field holding another field's placeholder must stay literal
        ("Explain {ground_truth} and {student_answer}", "{question}", "{0}"),
        # guards: unbalanced and doubled braces, format specs
        ("set } of { items", "{{x}}", "{:>10}"),
        # guards: JSON and LaTeX
        ('Parse {"a": [1, {"b": 2}]}', r"\left\{1, 2\right\}", r"\{1,2\}"),
    ],
)
def test_formatting_is_safe_for_any_braces(question, reference, answer):
    prompt = render_prompt(question, reference, answer)
    assert f"### Question: {question}\n\n" in prompt
    assert f"### Ground Truth Answer: {reference}\n\n" in prompt
    assert f"### Student Answer: {answer}\n\n" in prompt
    # the template text around the fields is untouched
    assert prompt.startswith("User: ### Question: ")
    assert prompt.endswith('output "Final Decision: No". Assistant:')
    assert len(prompt) == len(VERIFIER_PROMPT_TEMPLATE) - len(
        "{question}{ground_truth}{student_answer}"
    ) + len(question + reference + answer)


@pytest.mark.parametrize(
    "output, verdict, decisions",
    [
        ("The answers match.\nFinal Decision: Yes", True, ["Yes"]),
        ("They differ: 4.9 J is not 5 J.\n\nFinal Decision: No", False, ["No"]),
        ("Final Decision: Yes\nUser: ### Question", True, ["Yes"]),
        ("the student's answer is equivalent to the", None, []),  # truncated
        ("", None, []),
        ("final decision: yes", None, []),  # case-sensitive, as in the paper's check
        ("Final Decision: No ... wait. Final Decision: Yes", False, ["No", "Yes"]),  # first counts
        ("Final Decision: Yes. Final Decision: No", True, ["Yes", "No"]),
        ("Final Decision: Yes Final Decision: Yes", True, ["Yes", "Yes"]),
    ],
)
def test_parse_decision(output, verdict, decisions):
    got, reason, found = parse_decision(output)
    assert got is verdict
    assert found == decisions
    if len(set(decisions)) > 1:
        assert "first decision counts" in reason


def test_batch_goes_to_the_backend_in_one_greedy_raw_call():
    items = [
        ROW,
        Item("What is 2+2?", "4", "I think the answer is \\boxed{5}.", item_id="c2"),
        Item("Capital of France?", "Paris", "Final Answer: Paris", item_id="c3"),
    ]
    backend = ScriptedBackend(["ok\nFinal Decision: Yes", "Final Decision: No", "hmm, maybe"])
    verifier = ModelVerifier(backend, max_new_tokens=77)
    judgments = verifier.verify_batch(items)

    assert len(backend.calls) == 1
    prompts, params, chat = backend.calls[0]
    assert len(prompts) == 3 and chat is False
    assert params.temperature == 0.0 and params.max_new_tokens == 77
    assert [j.verdict for j in judgments] == [True, False, None]
    assert [j.item_id for j in judgments] == ["c1", "c2", "c3"]
    assert [j.extracted for j in judgments] == [r"\frac{2}{4}", "5", "Paris"]
    for j, prompt, out in zip(judgments, prompts, ["ok\nFinal Decision: Yes", "Final Decision: No", "hmm, maybe"], strict=True):
        assert j.judge == "model" and j.rule == "model"
        assert j.detail["prompt"] == prompt
        assert j.detail["output"] == out
        assert j.detail["backend"] == "scripted"
        assert j.cost["prompt_tokens"] > 0 and "seconds" in j.cost
    assert "no Final Decision" in judgments[2].reason


def test_no_extracted_answer_is_false_without_a_model_call():
    backend = ScriptedBackend("Final Decision: Yes")
    item = Item("What is 2+2?", "4", "Let me think.\n\n\\boxed{}", item_id="c9")
    (j,) = ModelVerifier(backend).verify_batch([item])
    assert backend.calls == []
    assert j.verdict is False
    assert j.reason == "no answer extracted"
    assert j.extracted == NO_ANSWER
    assert j.detail["prompt"] is None


def test_mixed_batch_calls_the_model_only_for_extracted_answers():
    backend = ScriptedBackend("Final Decision: Yes")
    items = [
        Item("q1", "4", "\\boxed{}", item_id="a"),
        Item("q2", "4", "\\boxed{4}", item_id="b"),
    ]
    judgments = ModelVerifier(backend).verify_batch(items)
    assert len(backend.calls) == 1 and len(backend.calls[0][0]) == 1
    assert [j.verdict for j in judgments] == [False, True]
    assert [j.item_id for j in judgments] == ["a", "b"]


def test_truncated_output_names_the_token_budget():
    class Truncating(ScriptedBackend):
        def generate(self, prompts, params, *, chat=False):
            gens = super().generate(prompts, params, chat=chat)
            for g in gens:
                g.finish_reasons = ["length"]
            return gens

    (j,) = ModelVerifier(Truncating("The student"), max_new_tokens=5).verify_batch([ROW])
    assert j.verdict is None
    assert "max_new_tokens=5" in j.reason


def test_configuration_errors_raise_with_advice():
    with pytest.raises(ValueError, match="needs a model"):
        ModelVerifier()
    with pytest.raises(ValueError, match="unknown backend"):
        ModelVerifier(backend_name="nope", model="x")
    with pytest.raises(ValueError, match="empty reference"):
        ModelVerifier(ScriptedBackend("x")).verify_batch([Item("q", " ", "\\boxed{1}")])
    with pytest.raises(ValueError, match="max_new_tokens"):
        ModelVerifier(ScriptedBackend("x"), max_new_tokens=0)


def test_is_a_verifier_and_registered():
    from genreason.verify.registry import verifier_class

    assert isinstance(ModelVerifier(ScriptedBackend("x")), Verifier)
    assert verifier_class("model") is ModelVerifier
