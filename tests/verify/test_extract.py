"""Answer extraction: the written forms of final answers, real model outputs, and totality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genreason.verify.answer_forms import answer_core
from genreason.verify.extract import TAIL_CHARS, Extraction, extract_answer

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"

FORMS = [
    # (response, answer, method)
    pytest.param("so $x = \\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}", "boxed", id="boxed-nested-braces"),
    pytest.param("\\boxed{1} first, then \\boxed{2}\nmore\n\\boxed{3}", "3", "boxed", id="last-box-wins"),
    pytest.param("x = \\boxed{2}, y = \\boxed{3}", "2, 3", "boxed_multi", id="several-boxes-on-the-final-line"),
    pytest.param("\\boxed{\\boxed{7}}", "7", "boxed", id="box-in-a-box"),
    pytest.param("\\fbox{42}", "42", "boxed", id="fbox"),
    pytest.param("The result is \\boxed 7", "7", "boxed", id="boxed-without-braces"),
    pytest.param("\\boxed{\\text{\\{a\\}}}", "\\text{\\{a\\}}", "boxed", id="escaped-braces-in-box"),
    pytest.param("work\nFinal Answer: 42", "42", "final_answer_line", id="final-answer-line-at-end-no-newline"),
    pytest.param("work\n**Final Answer:** $5$ m\n", "5$ m", "final_answer_line", id="final-answer-markdown"),
    pytest.param("Final Answer:\n$17$", "17", "final_answer_line", id="final-answer-on-next-line"),
    pytest.param("blah. The answer is (B).", "(B)", "answer_is", id="the-answer-is-letter"),
    pytest.param("The answer is (H). The stimulation of the brain", "(H)", "answer_is", id="answer-is-then-more-sentences"),
    pytest.param("The answer is 3.5 kg.", "3.5 kg", "answer_is", id="answer-is-decimal-not-split"),
    pytest.param("closest answer is (E). The answer is (E)", "(E)", "answer_is", id="last-answer-is-on-a-line"),
    pytest.param("step\nAnswer: 3.5 kg", "3.5 kg", "answer_line", id="answer-colon"),
    pytest.param("Janet sells 9 eggs.\n#### 18", "18", "answer_line", id="gsm8k-hashes"),
    pytest.param("She makes 9 * 2 = $18\nA: 18", "18", "answer_line", id="qa-style-A-colon"),
    pytest.param("Oxygen is reactive, so the correct option is C because", "C", "choice_letter", id="correct-option-is-C"),
    pytest.param("I think option B is correct here", "B", "choice_letter", id="option-B-is-correct"),
    pytest.param("<think>the answer is 3</think>The answer is 4", "4", "answer_is", id="think-block-skipped"),
    pytest.param("<think>\\boxed{3}</think>\n\\boxed{5}", "5", "boxed", id="box-inside-think-ignored"),
    pytest.param("reasoning...</think>\nFinal Answer: 9", "9", "final_answer_line", id="lone-closing-think"),
    pytest.param("The answer is 1.\nThis answer is correct.\nThis answer is wrong.", "1", "answer_is", id="self-grading-lines-skipped"),
    pytest.param("Paris", "Paris", "last_line", id="bare-short-answer"),
    pytest.param("Line one.\n\nWilhelm Röntgen.", "Wilhelm Röntgen", "last_line", id="last-line"),
]


@pytest.mark.parametrize(("response", "answer", "method"), FORMS)
def test_forms(response: str, answer: str, method: str) -> None:
    ex = extract_answer(response)
    assert (ex.answer, ex.method) == (answer, method)


NO_ANSWER = [
    pytest.param("", "none", id="empty"),
    pytest.param("   \n ", "none", id="whitespace"),
    pytest.param(None, "none", id="not-a-string"),
    pytest.param("so \\boxed{}", "boxed_empty", id="empty-box"),
    pytest.param("so \\boxed{ }.", "boxed_empty", id="blank-box"),
    pytest.param("and so \\boxed{3", "none", id="truncated-box"),
    pytest.param("x" * 100_000, "none", id="100KB-no-answer"),
    pytest.param("\\boxed{" + "{" * 50_000 + "1" + "}" * 50_000 + "}", "unreadable", id="100KB-nested-braces"),
    pytest.param("{" * 100_000, "unreadable", id="100KB-open-braces"),
]


@pytest.mark.parametrize(("response", "method"), NO_ANSWER)
def test_no_answer_is_explicit(response, method: str) -> None:
    ex = extract_answer(response)
    assert ex == Extraction(None, method)
    assert not ex.found


def test_only_the_tail_of_long_responses_is_read() -> None:
    response = "\\boxed{1}\n" + "word " * (TAIL_CHARS // 2) + "\nFinal Answer: 2"
    assert extract_answer(response).answer == "2"


@pytest.mark.parametrize(
    "response",
    ["\\boxed{" * 20_000, "}" * 50_000 + "\\boxed{", "\\" * 100_000, "\x00\ud800 \\boxed{\x00}", "Answer:" * 20_000],
    ids=["open-boxes", "close-braces", "backslashes", "odd-characters", "markers-only"],
)
def test_never_raises_and_is_fast(response: str) -> None:
    import time

    start = time.perf_counter()
    ex = extract_answer(response)
    assert isinstance(ex, Extraction)
    assert ex.answer is None or ex.answer != ""
    assert time.perf_counter() - start < 1.0


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        pytest.skip(f"real data not found at {path} (shared/realdata beside the repo)")
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def test_mmlu_pro_outputs_agree_with_the_harness_regex() -> None:
    """Llama-3.1-8B MMLU-Pro outputs: our letter equals the file's regex `pred` where it found one."""
    rows = _rows(REALDATA / "mmlu_pro" / "model_outputs_Meta-Llama-3_1-8B-Instruct_sample.jsonl")[:400]
    agree = total = 0
    for r in rows:
        if not r.get("pred"):
            continue
        ex = extract_answer(r["generated_text"])
        total += 1
        agree += ex.answer is not None and ex.answer.strip("()") == r["pred"]
    # The harness falls back to any capital letter of degenerate (looping) outputs; we do not.
    assert total > 300 and agree / total >= 0.95


def test_gsm8k_solutions_end_with_their_answer() -> None:
    rows = _rows(REALDATA / "gsm8k" / "model_solution_pairs.jsonl")[:300]
    checked = 0
    for r in rows:
        last = r["solution"].strip().splitlines()[-1]
        if not last.startswith("A:"):
            continue  # a runaway solution that never reached its answer line
        checked += 1
        ex = extract_answer(r["solution"])
        assert ex.answer is not None and last.endswith(ex.answer), (last, ex)
    assert checked > 250


def test_qwen_math_responses_give_their_boxed_answer() -> None:
    """Qwen2.5-Math sampled responses: our extraction equals the file's own `pred` mostly."""
    rows = _rows(REALDATA / "qwen25math_rm_maj_example" / "math_cot_100.jsonl")[:40]
    agree = total = 0
    for r in rows:
        for response, pred in zip(r["code"], r["pred"], strict=False):
            total += 1
            ex = extract_answer(response)
            agree += ex.answer is not None and ex.answer.replace(" ", "") == str(pred).replace(" ", "")
    assert agree / total >= 0.9


# The written forms of a final answer models use (issue: answer markers), each after a body of
# reasoning that mentions other answers, as real outputs do. Measured on real outputs in
# bench/bench_extraction.py; these are the named cases.
BODY = "Let us check each option. (A) is wrong. The answer is not listed, but the closest"
MARKER_STYLES = [
    ("\\boxed{B}", "B"),
    ("\\boxed{\\text{B}}", "B"),
    ("The final answer is $\\boxed{B}$.", "B"),
    ("(B)", "B"),
    ("B)", "B"),
    ("**B**", "B"),
    ("Answer: B", "B"),
    ("**Answer:** B", "B"),
    ("Therefore, the answer is (B).", "B"),
    ("So the answer is B", "B"),
    ("Choice_B", "B"),
    ("Option B", "B"),
    ("Final Answer: The final answer is B", "B"),
    ("Final Answer: The final answer is $B$. I hope it is correct.", "B"),
    ("The correct answer is: B", "B"),
    ("#### B", "B"),
    # numeric and text analogues
    ("\\boxed{\\text{18}}", "18"),
    ("(18)", "18"),
    ("**18**", "18"),
    ("Final Answer: The final answer is $18$. I hope it is correct.", "18"),
    ("**Nitrogen fixation**", "Nitrogen fixation"),
    ("\\boxed{\\text{11 $\\mu \\mathrm{T}$}}", "11 $\\mu \\mathrm{T}$"),
    ("So the answer is Nitrogen fixation.", "Nitrogen fixation"),
]


@pytest.mark.parametrize(("line", "answer"), MARKER_STYLES, ids=[s for s, _ in MARKER_STYLES])
def test_marker_styles_after_reasoning(line: str, answer: str) -> None:
    got = extract_answer(f"{BODY}\n\n{line}")
    assert got.answer is not None and answer_core(got.answer) == answer_core(answer), got


def test_the_last_statement_wins_over_an_earlier_box_or_marker() -> None:
    text = "so the answer is $\\boxed{17}$. Therefore, the answer is (F)."
    assert answer_core(extract_answer(text).answer) == "F"
    # a marker that introduces the box is the same statement: the box wins
    assert extract_answer("The final answer is \\boxed{2}.") == Extraction("2", "boxed")


def test_what_follows_the_answer_sentence_is_kept_aside() -> None:
    got = extract_answer("The answer is (H). The stimulation of the brain is the cause.")
    assert (got.answer, got.rest) == ("(H)", "The stimulation of the brain is the cause")
    # a second value of the same kind after the answer: the line is one answer, judged whole
    assert extract_answer("Final Answer: 18. It could also be 19.").answer == "18. It could also be 19"
    assert extract_answer("The answer is (B). But (C) is also possible.").rest == ""
    # a long first sentence is a statement, not an answer and its explanation
    long = "The answer is One afternoon, the defendant noticed the victim riding his racing bike in the park. Later he left."
    assert extract_answer(long).rest == ""


@pytest.mark.parametrize(
    ("text", "core"),
    [("\\text{B}", "B"), ("(B)", "B"), ("B)", "B"), ("**B**", "B"), ("Option B", "B"), ("Choice_B", "B"),
     ("$18$", "18"), ("(1, 2)", "(1, 2)"), ("[0, 1)", "[0, 1)"), ("3.5", "3.5"), ("Quantitative.", "Quantitative")],
)
def test_answer_core_takes_off_one_form_only(text: str, core: str) -> None:
    assert answer_core(text) == core


def test_a_second_answer_below_the_first_is_kept_for_the_judge() -> None:
    # padding: the answer, then far below (spaces or lines) another one
    assert extract_answer("Final Answer: True" + " " * 2000 + "False").answer == "True, False"
    # a value of the same kind lines below: the response ends with two answers, both shown,
    # apart ("\\frac{1}{2} \\frac{2}{2}" side by side would read as one product)
    assert extract_answer("Final Answer: True" + "\n" * 40 + "False").answer == "True, False"
    assert extract_answer("Final Answer: \\frac{1}{2}" + "\n" * 4 + "\\frac{2}{2}").answer == "\\frac{1}{2}, \\frac{2}{2}"
    # other text below is kept aside, and a display-math closing is no text
    below = extract_answer("Final Answer: D" + "\n" * 40 + "25.9 C")
    assert (below.answer, below.rest) == ("D", "25.9 C")
    assert extract_answer("so \\boxed{18}\n\nThis is it.").rest == "This is it."
    assert extract_answer("\\[\\boxed{6}\n\\]") == Extraction("6", "boxed")


def test_an_over_long_marker_answer_is_unreadable_not_cut() -> None:
    assert extract_answer("Final Answer: " + "x " * 1500 + "19") == Extraction(None, "unreadable")


# Where a marker's answer ends (answer_line.closing_sentence). Hand-made lines of the two
# shapes: an answer of several sentences, as option texts are, is kept whole; a short answer,
# or any answer followed by a sentence that opens as a remark on it, is cut as before.
ANSWER_SENTENCES = [
    # (line, answer, rest)
    pytest.param(
        "So the answer is Glaciers carve deep valleys as they move downhill. Rivers later fill them with silt.",
        "Glaciers carve deep valleys as they move downhill. Rivers later fill them with silt", "",
        id="statement-carried-on-by-another-sentence-kept-whole",
    ),
    pytest.param(
        "Final Answer: The final answer is Bees dance to show where food is. In contrast, ants leave scent trails.",
        "Bees dance to show where food is. In contrast, ants leave scent trails", "",
        id="statement-with-a-contrast-sentence-kept-whole",
    ),
    pytest.param(
        "The correct answer is: Salt lowers the freezing point of water. It is spread on roads in winter.",
        "Salt lowers the freezing point of water. It is spread on roads in winter", "",
        id="pronoun-after-a-statement-continues-it",
    ),
    pytest.param(
        "Final Answer: The final answer is $Valid. No counterexample exists$. I hope it is correct.",
        "Valid. No counterexample exists", "",
        id="one-math-span-around-the-line-is-one-answer",
    ),
    pytest.param(
        "The answer is Dr. Okafor. She ran the trial.", "Dr. Okafor", "She ran the trial",
        id="a-title-before-a-name-ends-no-sentence",
    ),
    pytest.param(
        "The answer is 42. This is because six sevens make forty-two.",
        "42", "This is because six sevens make forty-two", id="number-then-explanation-cut",
    ),
    pytest.param("The answer is (B). I hope it is correct.", "(B)", "", id="letter-then-minerva-closing-cut"),
    pytest.param(
        "So the answer is Nitrogen fixation. It turns nitrogen gas into ammonia.",
        "Nitrogen fixation", "It turns nitrogen gas into ammonia", id="short-name-then-remark-cut",
    ),
    pytest.param(
        "So the answer is Glaciers carve deep valleys as they move. This is because ice is heavy.",
        "Glaciers carve deep valleys as they move", "This is because ice is heavy",
        id="statement-then-explanation-opener-cut",
    ),
    pytest.param(
        "The answer is not among the listed options. However, the closest is (C).",
        "not among the listed options", "However, the closest is (C)", id="statement-then-reservation-cut",
    ),
    pytest.param(
        "The answer is $x = 3$. Then the area is nine square units.",
        "x = 3", "Then the area is nine square units", id="formula-is-a-value-not-a-statement",
    ),
]


@pytest.mark.parametrize(("line", "answer", "rest"), ANSWER_SENTENCES)
def test_where_the_answer_sentence_ends(line: str, answer: str, rest: str) -> None:
    got = extract_answer(f"{BODY}\n\n{line}")
    assert (got.answer, got.rest) == (answer, rest)
