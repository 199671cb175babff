"""Typed rules one at a time: each row names the rule it guards (pytest id)."""

from __future__ import annotations

import pytest

from genreason.judging import Item
from genreason.verify.rules.math.fastparse import Unsupported, fast_parse
from genreason.verify.rules.numbers import numbers_match, parse_number
from genreason.verify.rules.verifier import judge_items

CASES = [
    # (question, reference, answer_type, options, response, expected verdict)
    # numbers and tolerance
    ("q", "3.14", "Float", None, "\\boxed{3.1416}", True, "float-answer-rounds-to-reference"),
    ("q", "3.14159", "Float", None, "\\boxed{3.14}", True, "float-reference-rounds-to-3sf-answer"),
    ("q", "3.14159", "Float", None, "\\boxed{3.1}", False, "float-2sf-answer-too-coarse"),
    ("q", "18", "Integer", None, "\\boxed{18.4}", False, "integer-needs-exact"),
    ("q", "18", "Integer", None, "\\boxed{18.0}", True, "integer-written-as-decimal"),
    ("q", "3.64e5", "Float", None, "\\boxed{3.64 \\times 10^5}", True, "scientific-notation-latex"),
    ("q", "364000", "Float", None, "\\boxed{3.64e5}", True, "scientific-notation-e"),
    ("q", "1234567", "Integer", None, "The answer is 1,234,567.", True, "thousands-separators"),
    ("q", "-5", "Integer", None, "\\boxed{5}", False, "sign-matters"),
    ("q", "0.7071", "Float", None, "\\boxed{\\frac{\\sqrt{2}}{2}}", True, "closed-form-against-decimal"),
    ("q", "\\frac{3}{4}", "Fraction", None, "\\boxed{0.75}", True, "fraction-against-decimal"),
    ("q", "\\frac{1}{3}", "Fraction", None, "\\boxed{0.3}", False, "fraction-against-coarse-decimal"),
    ("q", "\\frac{2}{6}", "Fraction", None, "\\boxed{1/3}", True, "unreduced-fraction"),
    ("q", "0.0", "float", None, "\\boxed{0.0123}", False, "zero-reference-means-zero"),
    ("q", "0.5", "Float", None, "\\boxed{0.46}", False, "one-sig-fig-reference-at-most-5pct"),
    ("q", "1.0", "float", None, "Final Answer: [1, 1]", False, "list-against-one-number"),
    # percent
    ("What is the rate of return?", "28%", "Percentage", None, "\\boxed{0.28}", True, "percent-as-fraction-of-one"),
    ("What is the rate?", "28%", "Percentage", None, "\\boxed{28}", True, "percent-value-without-sign"),
    ("Give the answer as a percentage.", "28%", "Percentage", None, "\\boxed{0.28}", False, "percent-form-asked-0.28-means-0.28pct"),
    ("q", "0.28", "Float", None, "\\boxed{28\\%}", True, "explicit-percent-sign-against-decimal"),
    ("q", "28%", "Percentage", None, "\\boxed{0.28\\%}", False, "0.28pct-is-not-28pct"),
    # units
    ("q", "2 m", "Float", None, "\\boxed{200 cm}", True, "units-cm-to-m"),
    ("q", "4.9 J", "Float", None, "\\boxed{4.9 \\text{ N} \\cdot \\text{m}}", True, "units-joule-is-newton-metre"),
    ("q", "5 kg", "Float", None, "\\boxed{5 g}", False, "units-kg-is-not-g"),
    ("q", "5 kg", "Float", None, "\\boxed{5 m}", False, "units-different-dimension"),
    ("q", "25 °C", "Float", None, "\\boxed{298.15 K}", True, "units-temperature-offset"),
    ("q", "9.8 m/s^2", "Float", None, "\\boxed{9.8 \\, \\mathrm{m\\,s^{-2}}}", True, "units-latex-negative-exponent"),
    ("q", "3.0 \\times 10^8 m/s", "Float", None, "\\boxed{300000 km/s}", True, "units-scientific-and-prefix"),
    # a bare number is right when the question says the unit, a guess when it does not
    ("What is the net force, in newtons?", "12 N", "Float", None, "\\boxed{12}", True, "units-omitted-question-names-them"),
    ("What is the net force (in N)?", "12 N", "Float", None, "\\boxed{12}", True, "units-omitted-question-names-symbol"),
    ("What is the net force?", "12 N", "Float", None, "\\boxed{12}", False, "units-omitted-question-silent"),
    # expressions
    ("q", "x^2+2x+1", "Expression", None, "\\boxed{(x+1)^2}", True, "expression-factored"),
    ("q", "(x+y)^{30}", "Expression", None, "\\boxed{(x+y)^{30} + 1}", False, "expression-huge-values-exact"),
    ("q", "x = 3", "Expression", None, "\\boxed{3}", True, "assignment-against-value"),
    ("q", "y = 2x + 1", "Expression", None, "\\boxed{2x - y + 1 = 0}", True, "equation-rearranged"),
    ("q", "y = 2x + 1", "Expression", None, "\\boxed{y = 2x - 1}", False, "equation-different"),
    ("q", "\\sin^2 x + \\cos^2 x", "Expression", None, "\\boxed{1}", True, "identity"),
    ("q", "\\frac{x-3}{2}", "Expression", None, "Final Answer: (x - 3)/2", True, "plain-text-expression"),
    ("q", "e^{-x}", "Expression", None, "\\boxed{exp(-x)}", True, "plain-function-names"),
    ("q", "\\frac{1}{s^2}", "Expression", None, "\\boxed{\\int_0^\\infty t e^{-st} dt}", False, "unevaluated-integral-is-junk"),
    # lists, sets, matrices
    ("Find all roots.", "[1, 2, 3]", "List", None, "\\boxed{3, 2, 1}", True, "set-order-ignored"),
    ("Give (x, y).", "[3, 2]", "List", None, "\\boxed{(2, 3)}", False, "tuple-order-kept"),
    ("Find all roots.", "[1, 2]", "List", None, "\\boxed{1}", False, "list-missing-item"),
    ("Find all solutions.", "[-2, 8]", "List", None, "\\boxed{x = 8 \\text{ or } x = -2}", True, "solutions-written-with-or"),
    ("Name them.", "[red, green, blue]", "List", None, "\\boxed{\\text{Blue, Green and Red}}", True, "list-of-words"),
    ("q", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "Matrix", None, "\\boxed{[[1, 2], [3, 4]]}", True, "matrix-bracket-notation"),
    ("q", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "Matrix", None, "\\boxed{[[1, 3], [2, 4]]}", False, "matrix-transposed"),
    ("q", "(1, 2, 3)", "Matrix", None, "\\boxed{\\begin{pmatrix}1\\\\2\\\\3\\end{pmatrix}}", True, "vector-as-column"),
    # booleans
    ("True or false?", "True", "Boolean", None, "\\boxed{\\text{Yes}}", True, "boolean-yes"),
    ("True or false?", "False", "Boolean", None, "Final Answer: No, it diverges.", True, "boolean-no-with-reason"),
    ("True or false?", "False", "Boolean", None, "\\boxed{True}", False, "boolean-wrong"),
    # multiple choice
    ("q", "B", "Multiple Choice", ("Oxygen", "Nitrogen", "Argon"), "The answer is (B).", True, "mc-letter-in-parens"),
    ("q", "B", "Multiple Choice", ("Oxygen", "Nitrogen", "Argon"), "\\boxed{B}", True, "mc-boxed-letter"),
    ("q", "B", "Multiple Choice", ("Oxygen", "Nitrogen", "Argon"), "Final Answer: nitrogen", True, "mc-option-text"),
    ("q", "B", "Multiple Choice", ("Oxygen", "Nitrogen", "Argon"), "The answer is B) Nitrogen", True, "mc-letter-and-text-agree"),
    ("q", "B", "Multiple Choice", ("Oxygen", "Nitrogen", "Argon"), "The answer is B) Oxygen", False, "mc-letter-and-text-disagree"),
    ("q", "B", "Multiple Choice", ("Oxygen", "Nitrogen", "Argon"), "so the correct option is B.", True, "mc-option-B-sentence"),
    ("q", "C", "Multiple Choice", ("1", "2", "3.0"), "\\boxed{3}", True, "mc-numeric-option-text"),
    ("Which gas?\nA) Oxygen\nB) Nitrogen\nC) Argon", "B", "Multiple Choice", None, "Final Answer: Nitrogen", True,
     "mc-options-read-from-the-question"),
    ("Which gas?\nA) Oxygen\nB) Nitrogen\nC) Argon", "B", "Multiple Choice", None, "Final Answer: Argon", False,
     "mc-options-from-question-wrong-text"),
    ("q", "(B) 42", "Multiple Choice", None, "\\boxed{42}", True, "mc-reference-with-text-no-options"),
    ("q", "(B) 42", "Multiple Choice", None, "\\boxed{C}", False, "mc-reference-with-text-other-letter"),
    # strings
    ("Who?", "Wilhelm Conrad Röntgen", "String", None, "Final Answer: Wilhelm Röntgen", True, "string-middle-name-dropped"),
    ("Where?", "Kanawha River/Kanawha", "String", None, "The answer is the Kanawha.", True, "string-slash-alternatives"),
    ("Who?", "Albert Einstein", "String", None, "\\boxed{Einstein}", True, "string-surname"),
    ("Who?", "Albert Einstein", "String", None, "\\boxed{Niels Bohr}", False, "string-other-name"),
    ("Who?", "Paris", "String", None, "It is not Paris but Lyon.", False, "string-negated-mention"),
    ("Which option?", "(a)", "option", None, "The answer is (a).", True, "theoremqa-lowercase-option"),
    ("Which option?", "(a)", "option", None, "The answer is (b).", False, "theoremqa-lowercase-option-wrong"),
    ("Which items?", "[]", None, None, "The answer is: []", True, "empty-list-answer-is-not-junk"),
    # junk and hedges
    ("q", "3", "Integer", None, "\\boxed{3 or 4}", False, "hedge-two-numbers"),
    ("q", "A", "Multiple Choice", ("x", "y", "z"), "\\boxed{A, B or C}", False, "hedge-letters"),
    ("q", "3", "Integer", None, "\\boxed{}", False, "empty-box"),
    ("q", "3", "Integer", None, "\\boxed{...}", False, "only-punctuation"),
    ("q", "3", "Integer", None, "Let's solve this step by step.", False, "start-of-solution"),
    ("What is the capital city of the country of France?", "Paris", "String", None,
     "Final Answer: What is the capital city of the country of France", False, "question-restated"),
]


@pytest.mark.parametrize(("question", "reference", "answer_type", "options", "response", "expected"),
                         [pytest.param(*c[:6], id=c[6]) for c in CASES])
def test_typed_rule(question, reference, answer_type, options, response, expected) -> None:
    j = judge_items([Item(question, reference, response, answer_type, options)])[0]
    assert (j.verdict is True) == expected, (j.verdict, j.rule, j.reason, j.extracted)
    if not expected:
        assert j.verdict is not True


@pytest.mark.parametrize(("question", "options"), [
    ("Which is largest? A. 12 B. 14 C. 16", ("12", "14", "16")),
    ("Pick one:\n(A) red\n(B) green", ("red", "green")),
    ("Plan B. is better than plan A. here", None),
], ids=["inline", "one-per-line", "stray-letters"])
def test_options_from_question(question: str, options) -> None:
    from genreason.verify.rules.choice import options_from_question

    assert options_from_question(question) == options


def test_declared_type_and_inferred_type_agree() -> None:
    for ref, response in [("2 m", "\\boxed{200 cm}"), ("[1, 2]", "\\boxed{2, 1}"), ("x^2", "\\boxed{x \\cdot x}")]:
        typed = judge_items([Item("Find all values.", ref, response, None)])[0]
        assert typed.verdict is True, (ref, typed.reason)


@pytest.mark.parametrize(("text", "value"), [("1,234.5", 1234.5), ("-\\frac{3}{4}", -0.75), ("1\\frac{1}{2}", 1.5),
                                              ("3.64 \\times 10^{-5}", 3.64e-5), ("five", 5), ("2.5 million", 2.5e6)])
def test_parse_number(text: str, value: float) -> None:
    n = parse_number(text)
    assert n is not None and float(n.value) == pytest.approx(value)


def test_tolerance_follows_reference_precision() -> None:
    assert numbers_match(parse_number("2.50"), parse_number("2.504"))[0]
    assert not numbers_match(parse_number("2.50"), parse_number("2.51"))[0]
    assert numbers_match(parse_number("2.5"), parse_number("2.54"))[0]


@pytest.mark.parametrize("text", ["x^2+2x+1", "\\frac{\\sqrt{3}}{2}", "2\\pi r^2", "e^{-x}", "1/2x", "\\log_2(8)",
                                  "|x-1|", "\\sqrt[3]{x}", "-x^2", "A+B", "C_1 e^{2x}", "\\ln(x) + \\log(x)",
                                  "\\sin 2x \\cos x", "\\sin x / 2", "\\sin^2 x", "\\ln|x| + C", "x(x+1)",
                                  "\\frac{v^2 \\sin 2\\theta}{g}", "x^x(\\ln x + 1)"])
def test_fast_parser_reads_like_latex2sympy(text: str) -> None:
    import sympy
    from latex2sympy2_extended import latex2sympy

    assert sympy.simplify(fast_parse(text) - latex2sympy(text)) == 0


@pytest.mark.parametrize("text", ["f(x)", "x(2)", "2 3", "\\text{a}", "x!", "\\{1,2\\}", "__import__('os')"])
def test_fast_parser_hands_over_what_it_does_not_know(text: str) -> None:
    with pytest.raises(Unsupported):
        fast_parse(text)
