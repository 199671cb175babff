"""BIG-Bench Extra Hard's answer matching, as its paper's evaluation defines it.

Stage: evaluate (scoring, BBEH only). The rules follow BBEH's published evaluation
(google-deepmind/bbeh, bbeh/evaluate.py, Apache-2.0; Kazemi et al., 2025); this is our own
implementation of them, applied to the answer our extractor found (`genreason.verify.extract`:
the last \\boxed{}, else the last "answer is"-style marker):

- the prediction is lower-cased, ", " becomes ",", "**" is dropped, only its first line and no
  trailing period are kept, and a wrapping $...$, \\boxed{}, \\text{} or \\texttt{} is removed;
  the reference is stripped, lower-cased and ", " becomes ",";
- they match when equal; when one is "(x)" and the other "x"; when both are numbers with the
  same value; when equal without single quotes; when one is the other in [brackets]; or when
  the prediction is the reference followed by "?".
"""

from __future__ import annotations

_WRAPPERS = ("boxed{", "text{", "texttt{")


def strip_latex(text: str) -> str:
    """The text inside a wrapping $...$, then inside a trailing \\boxed{}/\\text{}/\\texttt{}."""
    if len(text) >= 2 and text.startswith("$") and text.endswith("$"):
        text = text[1:-1]
    for opener in _WRAPPERS:
        if opener in text and text.endswith("}"):
            text = text[:-1].split(opener, 1)[1]
    return text


def prepare_prediction(answer: str) -> str:
    """An extracted answer as BBEH compares it."""
    s = answer.strip()
    s = s[:-1] if s.endswith(".") else s
    s = strip_latex(s).lower().replace(", ", ",").replace("**", "")
    s = s.split("\n", 1)[0]
    return s[:-1] if s.endswith(".") else s


def prepare_reference(reference: str) -> str:
    return reference.strip().lower().replace(", ", ",")


def _is_option(text: str) -> bool:
    return len(text) == 3 and text[0] == "(" and text[-1] == ")"


def _same_number(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def fuzzy_match(prediction: str, reference: str) -> bool:
    """BBEH's match of a prepared prediction against a prepared reference."""
    if prediction == reference:
        return True
    if _is_option(prediction):
        return prediction[1] == reference
    if _is_option(reference):
        return reference[1] == prediction
    if _same_number(prediction, reference):
        return True
    if prediction.replace("'", "") == reference.replace("'", ""):
        return True
    if f"[{reference}]" == prediction or f"[{prediction}]" == reference:
        return True
    return prediction.endswith("?") and prediction[:-1] == reference


def bbeh_match(answer: str, reference: str) -> tuple[bool, str]:
    """(whether `answer` matches `reference` by BBEH's rules, the prediction as compared)."""
    prediction = prepare_prediction(answer)
    return fuzzy_match(prediction, prepare_reference(reference)), prediction
