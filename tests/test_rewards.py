"""genreason.rewards: the paper's reward, exactly, over real judges; pickling, threads, batching."""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from genreason.llm.base import Generation
from genreason.rewards import VerifiedReward, completion_text, paper_reward
from genreason.verify.model import ModelVerifier


class WhitespaceTokenizer:
    """TEST HELPER: one token per whitespace-separated word, so expected lengths are obvious."""

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        return list(range(len(text.split())))


class DecisionBackend:
    """TEST HELPER backend for the model verifier: says Yes when the student answer is in `yes`."""

    name, model = "decision-test-backend", "decision-test-backend"

    def __init__(self, yes: set[str], undecided: set[str] = frozenset()) -> None:
        self.yes, self.undecided, self.calls = yes, undecided, []

    def generate(self, prompts, params, chat=False):  # noqa: ANN001, ANN201 -- the backend protocol
        self.calls.append(list(prompts))
        out = []
        for p in prompts:
            student = p.split("### Student Answer: ")[1].split("\n\n")[0]
            text = ("thinking..." if student in self.undecided else
                    "Final Decision: Yes" if student in self.yes else "Final Decision: No")
            out.append(Generation(texts=[text]))
        return out


# A response with no final answer anywhere: one long line of prose (too long to be an answer).
PROSE = "I keep going around in circles with this problem and " * 8


def rule_reward(**kw) -> VerifiedReward:  # noqa: ANN003
    return VerifiedReward("rule", tokenizer=WhitespaceTokenizer(), judge_options={"workers": 0}, **kw)


def test_the_formula_at_its_corners() -> None:
    assert paper_reward(None, 3, accepted=True) == -0.5
    assert paper_reward(5, 3, accepted=False) == 0.0
    assert paper_reward(3, 3, accepted=True) == 1.0
    assert paper_reward(4, 3, accepted=True) == pytest.approx(0.95)
    assert paper_reward(1, 8, accepted=True) == pytest.approx(0.65)  # |1 - 8| = 7
    assert paper_reward(13, 3, accepted=True) == pytest.approx(0.5)  # capped at 10 tokens
    assert paper_reward(300, 3, accepted=True) == pytest.approx(0.5)


def test_rule_judge_cases_give_exact_values() -> None:
    reward = rule_reward()
    completions = [
        "6 times 7 is 42, so the answer is \\boxed{42}.",  # right, same length: 1.0
        "Adding gives \\boxed{41}.",  # wrong: 0
        PROSE,  # no answer: -0.5
        "So it is 41",  # a bare last line is no answer to the paper's reward: -0.5
        "",  # nothing at all: -0.5
    ]
    refs = ["42"] * 5
    got = reward(["q"] * 5, completions, reference=refs, question=["What is 6 * 7?"] * 5)
    assert got == [1.0, 0.0, -0.5, -0.5, -0.5]
    parts = reward.last_components
    assert got[0] == 1.0 and parts[0]["verdict"] is True and parts[0]["length_penalty"] == 0.0
    assert got[1] == 0.0 and parts[1]["verdict"] is False and parts[1]["extracted"] == "41"
    assert parts[2]["path"] == parts[4]["path"] == "no-answer" and parts[2]["extracted"] is None
    assert parts[3]["path"] == "no-answer" and "last_line reading" in parts[3]["reason"]
    assert parts[0]["extraction"] == "boxed" and parts[3]["extraction"] == "last_line"
    # The paper's answer lines count; the workbench's wider reading is there when asked for.
    assert reward(["q"] * 2, ["Final Answer: 42\n", "The answer is: 41\n"], reference=["42"] * 2) == [1.0, 0.0]
    wide = VerifiedReward("rule", tokenizer=WhitespaceTokenizer(), judge_options={"workers": 0},
                          paper_extraction=False)
    # 'So it is 42' is read and accepted: 4 words against 1, so 1 - 0.05 * 3.
    assert wide(["q"], ["So it is 42"], reference=["42"]) == [pytest.approx(0.85)]


def test_an_accepted_answer_longer_than_the_reference_loses_005_per_token_up_to_10() -> None:
    # (a bare 42 answers "42 m" where the question names the unit)
    got = rule_reward()(["q", "How far is it, in m?"], ["\\boxed{x = 42}", "\\boxed{42}"], reference=["42", "42 m"])
    assert got == [pytest.approx(0.9), pytest.approx(0.95)]  # 3 words vs 1; 1 vs 2
    padded = "42 " + "and also more words " * 5  # 21 words vs 1: the penalty stops at 10
    reward = VerifiedReward(ModelVerifier(backend=DecisionBackend(yes={padded.strip()})),
                            tokenizer=WhitespaceTokenizer())
    assert reward(["q"], [f"\\boxed{{{padded}}}"], reference=["42"]) == [pytest.approx(0.5)]
    assert reward.last_components[0]["length_diff"] == 20
    assert reward.last_components[0]["length_penalty"] == pytest.approx(0.5)


def test_model_judge_sees_the_whole_group_in_one_call_and_undecided_is_not_accepted() -> None:
    backend = DecisionBackend(yes={"0.5", "one half exactly here"}, undecided={"1/2"})
    reward = VerifiedReward(ModelVerifier(backend=backend), tokenizer=WhitespaceTokenizer())
    completions = ["so \\boxed{0.5}", "so \\boxed{one half exactly here}", "so \\boxed{1/2}",
                   "so \\boxed{0.25}", PROSE]
    got = reward(["p"] * 5, completions, reference=["1/2"] * 5, question=["Half of 1?"] * 5)
    assert len(backend.calls) == 1 and len(backend.calls[0]) == 4  # 'no idea' never reaches it
    assert got == [1.0, pytest.approx(0.85), 0.0, 0.0, -0.5]  # 4 words vs 1: penalty 0.15
    assert [c["verdict"] for c in reward.last_components] == [True, True, None, False, None]
    assert reward.last_components[1]["length_diff"] == 3
    assert reward.last_components[2]["path"] == "model"


def test_conversational_completions_read_the_last_assistant_message() -> None:
    conv = [{"role": "assistant", "content": "first try \\boxed{3}"},
            {"role": "assistant", "content": [{"type": "text", "text": "so \\boxed{4}"}]}]
    assert completion_text(conv) == "so \\boxed{4}"
    reward = rule_reward()
    prompt = [{"role": "user", "content": "What is 2 + 2? Please reason step by step"}]
    assert reward([prompt], [conv], reference=["4"]) == [1.0]
    assert reward([prompt], [[{"role": "assistant", "content": PROSE}]], reference=["4"]) == [-0.5]


def test_the_policy_tokenizer_counts_the_length_penalty(tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    from genreason.llm.tiny import tiny_model_dir

    path = tiny_model_dir()
    tok = AutoTokenizer.from_pretrained(path)
    answer, reference = "3.0 \\times 10^{8}", "3e8"
    diff = abs(len(tok.encode(answer, add_special_tokens=False)) - len(tok.encode(reference, add_special_tokens=False)))
    assert diff > 0
    backend = DecisionBackend(yes={answer})
    reward = VerifiedReward(ModelVerifier(backend=backend), tokenizer=str(path),
                            log_path=tmp_path / "reward.jsonl")
    [got] = reward(["p"], [f"\\boxed{{{answer}}}"], reference=[reference], question=["c?"])
    assert got == pytest.approx(1 - 0.05 * min(10, diff))
    logged = [json.loads(line) for line in (tmp_path / "reward.jsonl").read_text().splitlines()]
    assert logged[0]["reward"] == got and logged[0]["length_diff"] == diff


def test_it_pickles_and_runs_from_8_threads() -> None:
    reward = pickle.loads(pickle.dumps(rule_reward()))
    batches = [(["q"] * 4, [f"\\boxed{{{i}}}", f"\\boxed{{{i + 1}}}", PROSE, f"x \\boxed{{{i}}}"],
                [str(i)] * 4) for i in range(16)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda b: reward(b[0], b[1], reference=b[2]), batches))
    assert results == [[1.0, 0.0, -0.5, 1.0]] * 16
    assert reward.calls == 16


def test_trl_hooks_receive_the_components() -> None:
    extra, metrics = {}, {}
    reward = rule_reward()
    reward(["q", "q"], ["\\boxed{7}", ""], reference=["7", "7"],
           log_extra=lambda k, v: extra.setdefault(k, v), log_metric=lambda k, v: metrics.setdefault(k, v))
    assert extra["verdict"] == [True, None] and extra["path"][1] == "no-answer"
    assert metrics["reward_parts/no_answer"] == 0.5 and metrics["reward_parts/accepted"] == 0.5


def test_bad_inputs_say_what_is_missing() -> None:
    with pytest.raises(ValueError, match="`reference` column"):
        rule_reward()(["q"], ["\\boxed{1}"], answer=["1"])
    with pytest.raises(ValueError, match="unknown judge 'oracle'"):
        VerifiedReward("oracle", tokenizer=WhitespaceTokenizer())
    with pytest.raises(ValueError, match="tokenizer"):
        VerifiedReward("rule", tokenizer=None)
