"""The shipped sample (data/sample/): shape, coverage, and recomputation of its references.

The sample is hand-written; these tests keep it honest. Besides counts and field checks they
recompute every reference that carries a `check` field (arithmetic, derivatives, integrals,
matrix products) and re-apply the sample's labelling rules to the candidates whose final
answer can be read mechanically (numbers in the reference's own unit, booleans, letters).
"""

from __future__ import annotations

import builtins
import json
import math
import random
import re
import string
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

ANSWER_TYPES = {
    "Float",
    "Expression",
    "Multiple Choice",
    "Integer",
    "String",
    "List",
    "Boolean",
    "Percentage",
    "Fraction",
    "Matrix",
}
# Hard-case tags that must appear with both labels: each is a way of writing an answer, and a
# verifier must learn that the form alone decides nothing.
TWO_SIDED = {
    "plain",
    "units",
    "unit-conversion",
    "sci-notation",
    "percent-decimal",
    "mc-text",
    "mc-letter-text",
    "mc-letter-format",
    "list-order",
    "set-notation",
    "boolean-yesno",
    "matrix-notation",
    "buried",
    "fraction-decimal",
    "fraction-form",
    "equivalent-expression",
    "rounding",
    "string-alias",
    "symbolic-vs-decimal",
    "number-word",
}
# Tags that describe a wrong answer by construction.
FALSE_ONLY = {
    "hedged",
    "junk",
    "mc-letter-text-mismatch",
    "right-reasoning-wrong-answer",
    "wrong-reasoning",
    "sign",
    "partial",
    "matrix-transposed",
}
FLOAT_REL_TOL = 0.01  # the sample's rule for Float and Percentage labels (see README)

# Whitelisted names for the `check` expressions (our own data, but keep eval small).
_SAFE = {
    "math": math,
    "__builtins__": {
        name: getattr(builtins, name)
        for name in (
            "len",
            "range",
            "sum",
            "all",
            "any",
            "abs",
            "round",
            "int",
            "str",
            "pow",
            "min",
            "max",
        )
    },
}


def _read(name: str) -> list[dict]:
    path = SAMPLE / name
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    return _read("questions.jsonl")


@pytest.fixture(scope="module")
def candidates() -> list[dict]:
    return _read("candidates.jsonl")


@pytest.fixture(scope="module")
def by_id(questions: list[dict]) -> dict[str, dict]:
    return {q["id"]: q for q in questions}


# ---------------------------------------------------------------- shape and coverage


def test_question_fields_and_ids(questions: list[dict]) -> None:
    assert len(questions) >= 320
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"sample-\d{4}", i) for i in ids)
    for q in questions:
        for key in ("question", "answer", "answer_type", "category", "difficulty"):
            assert isinstance(q[key], str) and q[key].strip(), (q["id"], key)
        assert q["answer_type"] in ANSWER_TYPES, q["id"]
        assert set(q) <= {
            "id",
            "question",
            "answer",
            "answer_type",
            "category",
            "difficulty",
            "options",
            "check",
        }
    texts = [q["question"] for q in questions]
    assert len(texts) == len(set(texts)), "duplicate question text"


def test_answer_type_mix(questions: list[dict]) -> None:
    counts = Counter(q["answer_type"] for q in questions)
    assert set(counts) == ANSWER_TYPES
    assert min(counts.values()) >= 15
    # roughly the paper's order: Float and Expression lead, Multiple Choice next
    top = [t for t, _ in counts.most_common(3)]
    assert top[:2] == ["Float", "Expression"] and top[2] == "Multiple Choice"


def test_categories_and_difficulties(questions: list[dict]) -> None:
    cats = Counter(q["category"] for q in questions)
    assert len(cats) >= 10
    assert [c for c, _ in cats.most_common(2)] == ["Mathematics", "Physics"]
    assert len({q["difficulty"] for q in questions}) >= 4


def test_multiple_choice_answers_are_letters_within_options(questions: list[dict]) -> None:
    for q in questions:
        if q["answer_type"] == "Multiple Choice":
            opts = q["options"]
            assert (
                isinstance(opts, list)
                and 2 <= len(opts) <= 10
                and all(isinstance(o, str) and o for o in opts)
            )
            assert len(set(opts)) == len(opts), q["id"]
            assert re.fullmatch(r"[A-J]", q["answer"]), q["id"]
            assert ord(q["answer"]) - ord("A") < len(opts), q["id"]
        else:
            assert "options" not in q, q["id"]


def test_reference_formats_per_type(questions: list[dict]) -> None:
    for q in questions:
        a, t = q["answer"], q["answer_type"]
        if t == "Boolean":
            assert a in {"True", "False"}, q["id"]
        elif t == "Integer":
            assert re.fullmatch(r"-?\d+", a), q["id"]
        elif t == "Percentage":
            assert re.fullmatch(r"-?\d+(\.\d+)?%", a), q["id"]
        elif t == "Fraction":
            assert _fraction(a) is not None, q["id"]
        elif t == "List":
            assert a.startswith("[") and a.endswith("]"), q["id"]
        elif t == "Matrix":
            assert a.startswith("\\begin{pmatrix}") and a.endswith("\\end{pmatrix}"), q["id"]
        elif t == "String":
            assert len(a) <= 40, q["id"]


def test_candidates_shape_and_links(candidates: list[dict], by_id: dict[str, dict]) -> None:
    assert len(candidates) >= 650
    ids = [c["id"] for c in candidates]
    assert len(ids) == len(set(ids))
    for c in candidates:
        assert set(c) == {"id", "question_id", "model", "response", "label", "case"}
        assert c["question_id"] in by_id, c["id"]
        assert isinstance(c["label"], bool), c["id"]
        assert isinstance(c["response"], str) and c["case"] and c["model"] == "handwritten"
    covered = {c["question_id"] for c in candidates}
    assert covered == set(by_id), "every question has candidates"
    share_true = sum(c["label"] for c in candidates) / len(candidates)
    assert 0.4 <= share_true <= 0.6


def test_hard_case_tags_have_the_labels_they_claim(candidates: list[dict]) -> None:
    labels: dict[str, set[bool]] = {}
    for c in candidates:
        labels.setdefault(c["case"], set()).add(c["label"])
    assert set(labels) <= TWO_SIDED | FALSE_ONLY, set(labels) - TWO_SIDED - FALSE_ONLY
    for tag in TWO_SIDED:
        assert labels.get(tag) == {True, False}, tag
    for tag in FALSE_ONLY:
        assert labels.get(tag) == {False}, tag
    per_tag = Counter(c["case"] for c in candidates)
    for tag in (
        "units",
        "unit-conversion",
        "sci-notation",
        "percent-decimal",
        "mc-text",
        "list-order",
        "boolean-yesno",
        "matrix-notation",
        "buried",
        "hedged",
        "fraction-decimal",
        "equivalent-expression",
        "rounding",
        "junk",
        "right-reasoning-wrong-answer",
    ):
        assert per_tag[tag] >= 8, tag


# ---------------------------------------------------------------- recomputed references


def _fraction(text: str) -> Fraction | None:
    s = text.replace(" ", "")
    m = re.fullmatch(r"(-?)\\frac\{(\d+)\}\{(\d+)\}", s)
    if m:
        value = Fraction(int(m.group(2)), int(m.group(3)))
        return -value if m.group(1) else value
    m = re.fullmatch(r"-?\d+/\d+", s)
    return Fraction(s) if m else None


_LEAD = re.compile(
    r"^\s*(-?)\$?\s*(\d[\d,]*\.?\d*(?:[eE][-+]?\d+)?)(?:\s*\\times\s*10\^\{?(-?\d+)\}?)?"
)


def _lead_number(text: str) -> tuple[float, float]:
    """The leading number of a reference and half a unit in its last written digit."""
    m = _LEAD.match(text.replace("\\$", "$"))
    assert m, text
    digits = m.group(2).replace(",", "")
    mantissa = re.split(r"[eE]", digits)[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = (int(re.split(r"[eE]", digits)[1]) if re.search(r"[eE]", digits) else 0) + int(
        m.group(3) or 0
    )
    value = float(re.split(r"[eE]", digits)[0]) * 10.0**exponent * (-1 if m.group(1) else 1)
    return value, 0.5 * 10.0 ** (exponent - decimals)


def test_numeric_references_recompute(questions: list[dict]) -> None:
    checked = 0
    for q in questions:
        check = q.get("check", {})
        if "kind" in check or "expr" not in check:
            continue
        expr = check["expr"]
        want = eval(expr, dict(_SAFE))  # noqa: S307 - our own data, whitelisted names
        t, a = q["answer_type"], q["answer"]
        if t == "Boolean":
            assert (a == "True") == bool(want), q["id"]
        elif t == "Fraction":
            assert abs(float(_fraction(a)) - want) < 1e-12, q["id"]
        elif t == "Integer":
            assert int(a) == want, q["id"]
        else:
            value, half = _lead_number(a.rstrip("%"))
            assert abs(value - want) <= half * (1 + 1e-9), (q["id"], a, want)
        checked += 1
    assert checked >= 150


def _symbols(positive: bool = False) -> dict:
    """Single-letter sympy symbols (I is the imaginary unit) and the functions the checks use."""
    import sympy

    names = {ch: sympy.Symbol(ch, positive=positive) for ch in string.ascii_letters if ch != "I"}
    names.update(
        {"I": sympy.I, "Rational": sympy.Rational, "binomial": sympy.binomial, "diff": sympy.diff}
    )
    for fn in ("sin", "cos", "tan", "exp", "log", "sqrt", "atan"):
        names[fn] = getattr(sympy, fn)
    return names


def _numerically_equal(a, b) -> bool:
    """Equal at a few random points, matching symbols by name (robust where simplify() gives up)."""
    rng = random.Random(0)
    names = sorted({s.name for s in a.free_symbols | b.free_symbols})
    for _ in range(4):
        values = {n: rng.uniform(0.6, 1.9) for n in names}
        at = [complex(e.evalf(subs={s: values[s.name] for s in e.free_symbols})) for e in (a, b)]
        if abs(at[0] - at[1]) > 1e-9 * max(1.0, abs(at[0])):
            return False
    return True


def test_symbolic_references_recompute(questions: list[dict]) -> None:
    """Derivatives and antiderivatives are recomputed with sympy, then the shipped LaTeX reference
    (parsed by math-verify) must agree with the recomputed expression."""
    import sympy
    from math_verify import parse

    checked = 0
    for q in questions:
        check = q.get("check", {})
        kind = check.get("kind")
        if kind not in {"equal", "derivative", "derivative2", "antiderivative"}:
            continue
        names = _symbols(positive=check.get("positive", False))
        answer = sympy.sympify(check["answer"], locals=names)
        if kind == "equal":
            other = sympy.sympify(check["ref"], locals=names)
            assert sympy.simplify(answer - other) == 0, q["id"]
        elif kind in {"derivative", "derivative2"}:
            var = names[check["var"]]
            other = sympy.diff(
                sympy.sympify(check["f"], locals=names), var, 2 if kind == "derivative2" else 1
            )
            assert sympy.simplify(answer - other) == 0, q["id"]
        else:
            var = names[check["var"]]
            assert (
                sympy.simplify(sympy.diff(answer, var) - sympy.sympify(check["f"], locals=names))
                == 0
            ), q["id"]
        # the shipped reference says the same thing (math-verify lowercases names; "+ C" is a constant)
        parsed = parse("$" + q["answer"] + "$")
        assert parsed, q["id"]
        ref = parsed[0]
        rename = {s: sympy.Symbol(s.name.lower()) for s in answer.free_symbols}
        answer_lc = answer.subs(rename)
        ref_subs = {s: sympy.I for s in ref.free_symbols if s.name == "i"}
        ref_subs.update({s: sympy.Symbol("w") for s in ref.free_symbols if s.name == "omega"})
        if "+ C" in q["answer"]:
            ref_subs.update({s: 0 for s in ref.free_symbols if s.name == "c"})
        ref = ref.subs(ref_subs)
        assert _numerically_equal(answer_lc, ref), (q["id"], q["answer"], check["answer"])
        checked += 1
    assert checked >= 30


def _pmatrix(text: str):
    """Entries of a \\begin{pmatrix} reference as a sympy Matrix ("2y" reads as 2*y, "i" as I)."""
    import sympy
    from sympy.parsing.sympy_parser import (
        implicit_multiplication_application,
        parse_expr,
        standard_transformations,
    )

    body = re.fullmatch(r"\\begin\{pmatrix\}(.*)\\end\{pmatrix\}", text.strip()).group(1)
    rows = [[cell.strip() for cell in row.split("&")] for row in body.split("\\\\")]
    names = {"i": sympy.I, "x": sympy.Symbol("x"), "y": sympy.Symbol("y")}
    rules = standard_transformations + (implicit_multiplication_application,)
    return sympy.Matrix(
        [
            [sympy.nsimplify(parse_expr(c, local_dict=names, transformations=rules)) for c in row]
            for row in rows
        ]
    )


def test_matrix_references_recompute(questions: list[dict]) -> None:
    import sympy

    ns = {
        k: getattr(sympy, k)
        for k in ("Matrix", "Rational", "I", "pi", "cos", "sin", "eye", "diag", "hessian")
    }
    ns.update({"x": sympy.Symbol("x"), "y": sympy.Symbol("y")})
    checked = 0
    for q in questions:
        check = q.get("check", {})
        if check.get("kind") != "matrix":
            continue
        got = sympy.Matrix(eval(check["expr"], {"__builtins__": {"sorted": sorted}}, ns))  # noqa: S307
        shipped = _pmatrix(q["answer"])
        assert got.shape == shipped.shape, q["id"]
        assert (got - shipped).applyfunc(sympy.nsimplify).applyfunc(sympy.simplify) == sympy.zeros(
            *got.shape
        ), q["id"]
        checked += 1
    assert checked == sum(q["answer_type"] == "Matrix" for q in questions)


# ---------------------------------------------------------------- labels follow the stated rules


def _final_answer(response: str) -> str | None:
    """Last \\boxed{...} (nested braces), else the text after the last 'Final Answer:' or 'The answer is'."""
    start = response.rfind("\\boxed{")
    if start >= 0:
        depth, out = 1, []
        for ch in response[start + 7 :]:
            depth += ch == "{"
            depth -= ch == "}"
            if depth == 0:
                break
            out.append(ch)
        return "".join(out)
    for marker in ("Final Answer:", "The answer is"):
        if marker in response:
            return response.rsplit(marker, 1)[1].strip().rstrip(".")
    return None


def _plain(text: str) -> str:
    text = re.sub(r"\\text\{\s*(.*?)\}", r"\1", text)
    return (
        text.replace("\\,", " ")
        .replace("\\%", "%")
        .replace("\\$", "$")
        .replace("\\Omega", "Ω")
        .strip()
    )


def _number_and_unit(text: str) -> tuple[float, str] | None:
    m = re.fullmatch(
        r"(-?)\$?(\d[\d,]*\.?\d*)(?:\s*(?:\\times|×)\s*10\^\{?(-?\d+)\}?|e(-?\d+))?\s*(.*)",
        _plain(text).replace("{,}", ","),
    )
    if not m:
        return None
    value = float(m.group(2).replace(",", "")) * 10.0 ** int(m.group(3) or m.group(4) or 0)
    return (-value if m.group(1) else value), m.group(5).replace(" ", "")


def test_numeric_labels_follow_the_one_percent_rule(
    candidates: list[dict], by_id: dict[str, dict]
) -> None:
    """Where candidate and reference are numbers in the same written unit, the label is exactly
    'within 1% relative' (Float, Percentage) or 'equal' (Integer)."""
    checked = 0
    for c in candidates:
        q = by_id[c["question_id"]]
        if q["answer_type"] not in {"Float", "Percentage", "Integer"} or c["case"] in {
            "hedged",
            "junk",
        }:
            continue
        final = _final_answer(c["response"])
        if final is None:
            continue
        cand, ref = _number_and_unit(final), _number_and_unit(q["answer"])
        if cand is None or ref is None or cand[1] != ref[1]:
            continue
        if q["answer_type"] == "Integer":
            assert (cand[0] == ref[0]) == c["label"], c["id"]
        else:
            assert (abs(cand[0] - ref[0]) <= FLOAT_REL_TOL * abs(ref[0])) == c["label"], (
                c["id"],
                final,
            )
        checked += 1
    assert checked >= 250


def test_boolean_and_letter_labels(candidates: list[dict], by_id: dict[str, dict]) -> None:
    words = {"true": True, "yes": True, "false": False, "no": False}
    checked = 0
    for c in candidates:
        q = by_id[c["question_id"]]
        final = _final_answer(c["response"])
        if final is None:
            continue
        final = _plain(final).strip().rstrip(".")
        if q["answer_type"] == "Boolean" and final.lower() in words:
            assert (words[final.lower()] == (q["answer"] == "True")) == c["label"], c["id"]
            checked += 1
        elif q["answer_type"] == "Multiple Choice":
            m = re.fullmatch(r"\(?(?:[Oo]ption\s+)?([A-J])\)?", final)
            if m:
                assert (m.group(1) == q["answer"]) == c["label"], c["id"]
                checked += 1
            elif final in q["options"]:
                assert (q["options"].index(final) == ord(q["answer"]) - 65) == c["label"], c["id"]
                checked += 1
    assert checked >= 120


def test_readme_states_the_counts(questions: list[dict], candidates: list[dict]) -> None:
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert f"{len(questions)} questions" in readme
    assert f"{len(candidates)} candidate" in readme
    for tag in TWO_SIDED | FALSE_ONLY:
        assert f"`{tag}`" in readme, tag
