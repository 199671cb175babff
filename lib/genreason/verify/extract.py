"""Answer extraction: the student's final answer out of a full model response.

Stage: verify (first half of "parse, then judge"). Reads one response string, returns an
`Extraction` naming what was found and how. Grading is elsewhere (`genreason.verify.rules.verifier`).

What is read, after dropping `<think>` blocks and keeping only the tail of very long
responses (General-Reasoner, arXiv:2505.14652, section 3.2: the student answer is the last
`\\boxed{...}` else the last "Final Answer:"-style line):

1. the last `\\boxed{...}` / `\\fbox{...}` (nested braces; several boxes on that same line are
   joined with ", " so "x = \\boxed{2}, y = \\boxed{3}" keeps both values);
2. the last "Final Answer:" / "The answer is" / "Answer:" / "####" marker, also when it is
   the very end of the text with no newline ("Final Answer: The final answer is $B$. I hope
   it is correct." gives "B"; a short answer sentence is cut from what follows it, which is
   kept in `Extraction.rest`, and an answer of several sentences, as option texts are, is kept
   whole: `answer_line.closing_sentence` tells the two apart);
3. a multiple-choice letter in its usual written forms ("the correct option is (B)");
4. a final line written in an answer form: "(B)", "B)", "**B**", "Option B", "Choice_B",
   "(18)", a bold line.

Of these, the one that comes last in the text wins (a closing "Therefore, the answer is (F)."
beats an earlier "\\boxed{17}"; a box wins over the marker that introduces it). With none of
them, the last non-empty line, when it is short enough to be an answer. `answer_forms.answer_core` takes
a form's wrapping off (`\\text{B}`, `(B)`, `**B**`, `Option B` -> `B`).
bench/bench_extraction.py measures every form on real MMLU-Pro and GSM8K outputs.

`extract_answer` is total: any string (or non-string) gives an `Extraction`; no answer gives
`answer=None, method="none"`, never an empty string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from genreason.verify.answer_line import (
    clean_answer,
    closing_sentence,
    offers_another,
    split_sentences,
)

# Only this much of the end of a response is searched: answers sit at the end, and a bound
# keeps extraction linear and fast on pathological (100 KB of braces) inputs.
TAIL_CHARS = 8000
# A last line longer than this is prose, not an answer, when no marker says otherwise.
MAX_LAST_LINE_CHARS = 300
# A marker's answer longer than this (after runs of spaces are collapsed) is unreadable, not
# cut: cutting would drop whatever the answer says at its end ("18" + 2000 spaces + "19").
MAX_ANSWER_CHARS = 2000
# How much of the text after the chosen answer `Extraction.rest` keeps.
MAX_REST_CHARS = 500


@dataclass(frozen=True)
class Extraction:
    """What was extracted from a response and by which rule.

    answer: the answer text, stripped; None when nothing was found.
    method: "boxed", "boxed_multi", "boxed_empty" (answer None), "unreadable" (answer None:
        a very long response whose answer may lie outside the tail that is read),
        "final_answer_line", "answer_is", "answer_line", "choice_letter", "answer_form" (a
        final line such as "(C)" or "**18**"), "last_line" or "none".
    """

    answer: str | None
    method: str
    # What the response says after the answer: the rest of the marker's line after a short
    # answer sentence ("18. It could also be 19." gives answer "18", rest "It could also be
    # 19"), then any lines below the answer (up to MAX_REST_CHARS). A judge that must not be
    # gamed checks it for a second answer.
    rest: str = ""

    @property
    def found(self) -> bool:
        return self.answer is not None


NONE = Extraction(None, "none")
UNREADABLE = Extraction(None, "unreadable")

_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_BOX_START = re.compile(r"\\(?:boxed|fbox)\s*")

# Markers, most specific first. Each captures the rest of its line.
_FINAL_ANSWER = re.compile(
    r"(?:^|\n)[ \t>#*_]*(?:\*\*)?final\s+answer(?:\*\*)?\s*(?:is|:|：)?\s*(?:\*\*)?[:：]?[ \t]*(?P<ans>[^\n]*)",
    re.IGNORECASE,
)
_ANSWER_IS = re.compile(
    # not an instruction copied from the prompt ("Your answer should be a list of ...")
    r"(?<!\byour\s)(?<!\byour\sfinal\s)(?<!\byour\scorrect\s)(?<!\byour\sbest\s)"
    r"\b(?:the\s+)?(?:final\s+|correct\s+|best\s+)?answer\s+(?:is|would\s+be|will\s+be|should\s+be)\s*[:：]?[ \t]*(?P<ans>[^\n]*?)(?=\banswer\s+(?:is|would\s+be|will\s+be|should\s+be)\b|$)",
    re.IGNORECASE | re.MULTILINE,
)
_ANSWER_LINE = re.compile(
    r"(?:^|\n)[ \t>#*_]*(?:\*\*)?(?:answer|ans\.?|####|A)(?:\*\*)?\s*[:：]\s*(?:\*\*)?[ \t]*(?P<ans>[^\n]*)",
    re.IGNORECASE,
)
_HASHES = re.compile(r"(?<!#)####(?!#)[ \t]*(?P<ans>[^\n]*)")  # GSM8K's "#### 18", not a run of #s

# Choice letters written as a conclusion, e.g. "the correct option is (B)", "option B is correct".
_LETTER = r"\(?\[?(?P<letter>[A-J])\]?\)?"
_CHOICE_PATTERNS = (
    re.compile(
        r"\b(?:correct|right|best)\s+(?:option|choice|answer|response)\s*(?:is|would\s+be|:)\s*(?:option\s+|choice\s+)?"
        + _LETTER
        + r"(?![A-Za-z])"
    ),
    re.compile(r"\b(?:option|choice)\s+" + _LETTER + r"\s+is\s+(?:the\s+)?(?:correct|right|best)"),
    re.compile(r"\b(?:I\s+(?:choose|pick|select)|[Ss]o\s+the\s+answer\s*:?)\s*(?:option\s+)?" + _LETTER + r"(?![A-Za-z])"),
)


def extract_answer(response: str) -> Extraction:
    """The final answer in `response` and how it was found; never raises."""
    try:
        return _extract(response)
    except Exception:  # total over model output: a bug here must not crash a batch
        return NONE


_LONG_GAP = re.compile(r"[ \t]{40,}")


def break_long_gaps(text: str) -> str:
    """`text` with every run of 40 or more spaces or tabs made a line break."""
    return _LONG_GAP.sub("\n", text)


def _extract(response: str) -> Extraction:
    if not isinstance(response, str) or not response.strip():
        return NONE
    # A long run of spaces parts what stands on either side of it as a line break does
    # ("Final Answer: F" + 2000 spaces + "G"): the second piece is text after the answer, for
    # the judge to see, not one answer "F G".
    text = break_long_gaps(strip_thinking(response)).rstrip()
    cut = len(text) > TAIL_CHARS
    if cut:
        head, text = text[:-TAIL_CHARS], text[-TAIL_CHARS:]
    if not text.strip():
        return NONE
    found = _find_answer(text)
    if found is NONE and cut and ("\\boxed" in head[-200_000:] or text.count("{") + text.count("}") > TAIL_CHARS // 4):
        # An answer may exist beyond the part we read (a box opened long before the end,
        # or a flood of braces): say so, rather than "no answer".
        return UNREADABLE
    return found


def _find_answer(text: str) -> Extraction:
    """The final answer: of the last box, the last marker of each kind, a choice conclusion and
    a final line written in an answer form ("(C)", "**C**", "Option C"), the one that comes
    last in the text wins, so a model's closing statement beats an earlier mention ("the answer
    is not listed ... \n(C)", "\boxed{17}. Therefore, the answer is (F)."). A box wins ties
    with a marker that introduces it ("The final answer is \boxed{2}")."""
    found: list[tuple[int, int, Extraction]] = []  # (position, rank for ties, extraction)

    box_start = _last_box_start(text)
    if box_start is not None:
        boxed = _last_boxed(text)
        if boxed is not None:
            found.append((box_start, 2, boxed))

    for pattern, method in (
        (_FINAL_ANSWER, "final_answer_line"),
        (_ANSWER_IS, "answer_is"),
        (_HASHES, "answer_line"),
        (_ANSWER_LINE, "answer_line"),
    ):
        hit = _last_marker(pattern, text)
        if hit is not None:
            pos, line = hit
            if method in ("answer_is", "final_answer_line"):
                answer, rest = closing_sentence(line)
            else:
                answer, rest = clean_answer(line), ""
            if answer:
                found.append((pos, 1, Extraction(answer, method, rest)))

    tail_start = max(0, len(text) - 1500)
    tail = text[tail_start:]
    for pattern in _CHOICE_PATTERNS:
        matches = list(pattern.finditer(tail))
        if matches:
            found.append((tail_start + matches[-1].start(), 0, Extraction(matches[-1].group("letter"), "choice_letter")))

    form = _answer_form_line(text)
    if form is not None:
        found.append((form[0], 0, Extraction(form[1], "answer_form")))

    if found:
        pos, _, chosen = max(found, key=lambda f: (f[0], f[1]))
        if chosen.answer is not None and len(chosen.answer) > MAX_ANSWER_CHARS:
            return UNREADABLE
        return _with_trailing_text(chosen, text, pos)

    last = _last_line(text)
    if last is not None:
        return Extraction(last, "last_line")
    return NONE


# A final line that is an answer written in a form models use, not prose: "(C)", "C)", "**C**",
# "Option C", "Choice_C", "(18)", "**18**".
_FORM_LINE = re.compile(
    r"^\**\s*(?:(?:option|choice)\s*[_:]?\s*)?\(?\s*(?:[A-J]|-?\d[\d,]*(?:\.\d+)?)\s*\)?\s*\**\.?$",
    re.IGNORECASE,
)


# A final line in bold alone ("**$338.27**", "**Nitrogen fixation**") is a conclusion too.
_BOLD_LINE = re.compile(r"^\*\*[^*\n]{1,300}\*\*[.!]?$")


def _answer_form_line(text: str) -> tuple[int, str] | None:
    stripped = text.rstrip()
    start = stripped.rfind("\n") + 1
    line = stripped[start:].strip()
    if line and ((len(line) <= 40 and _FORM_LINE.match(line)) or _BOLD_LINE.match(line)):
        return start, clean_answer(line)
    return None


def _with_trailing_text(chosen: Extraction, text: str, pos: int) -> Extraction:
    """`chosen` with what the response says after the answer's line added to `rest` (a second
    answer lines below the first is for the judge to see, not for extraction to drop)."""
    if chosen.method in ("boxed", "boxed_multi", "boxed_empty"):
        boxes = _boxes(text)
        end = boxes[-1][1] if boxes else pos
        end_of_line = text.find("\n", end)
    else:
        # the line where the answer's text is (a marker can stand on the line above it)
        words = (chosen.answer or "").split()
        at = text.find(words[0], pos) if words else -1
        end_of_line = text.find("\n", at if at >= 0 else pos + 1)
    after = " ".join(text[end_of_line:].split()) if end_of_line >= 0 else ""
    after = re.sub(r"^(?:\\\]|\$\$|\\\)|\$)\s*", "", after)  # the closing of display math
    if not after:
        return chosen
    if chosen.answer is not None and len(after) <= 80 and _same_kind(chosen.answer, after):
        # "Final Answer: True" and, lines below, "False": the response ends with two answers,
        # and the judge is shown both (a reward must not pay for the first alone)
        return Extraction(f"{chosen.answer}, {after}", chosen.method, chosen.rest)
    rest = " ".join(x for x in (chosen.rest, after[:MAX_REST_CHARS]) if x)
    return Extraction(chosen.answer, chosen.method, rest)


_BOOLEAN = re.compile(r"\b(?:true|false|yes|no)\b", re.IGNORECASE)


def _same_kind(answer: str, other: str) -> bool:
    """Whether `other` holds a value of the answer's kind: a number, a yes/no, an option letter."""
    if re.search(r"\d", answer) and re.search(r"\d", other):
        return True
    if _BOOLEAN.fullmatch(answer.strip(" .*()")) and _BOOLEAN.search(other):
        return True
    return offers_another(answer, other)


def _last_box_start(text: str) -> int | None:
    boxes = _boxes(text)
    return boxes[-1][0] if boxes else None


def strip_thinking(text: str) -> str:
    """`text` without `<think>...</think>` blocks; after a lone `</think>`, only what follows."""
    text = _THINK_BLOCK.sub("\n", text)
    lowered = text.lower()
    end = lowered.rfind("</think>")
    if end >= 0:
        text = text[end + len("</think>") :]
    # An unclosed <think> (a truncated trace) is left as text: its tail may still hold a box.
    return text.replace("<think>", "\n")


def brace_matches(text: str) -> dict[int, int]:
    """Index of each unescaped "{" -> index of its closing "}", in one linear pass."""
    matches: dict[int, int] = {}
    stack: list[int] = []
    escaped = False
    for i, c in enumerate(text):
        if escaped:
            escaped = False
            continue
        if c == "\\":
            escaped = True
        elif c == "{":
            stack.append(i)
        elif c == "}" and stack:
            matches[stack.pop()] = i
    return matches


def _boxes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every complete box in `text`, in order."""
    found: list[tuple[int, int, str]] = []
    closing = brace_matches(text)
    for m in _BOX_START.finditer(text):
        j = m.end()
        if j < len(text) and text[j] == "{":
            end = closing.get(j)
            if end is not None:  # an unclosed (truncated) box is skipped
                found.append((m.start(), end + 1, text[j + 1 : end]))
        elif j < len(text) and text[j - 1].isspace():
            tok = re.match(r"[^\s$]+", text[j:])  # "\boxed 5": a single token
            if tok:
                found.append((m.start(), j + tok.end(), tok.group(0)))
    # Boxes nested in boxes: keep the outermost only.
    outer: list[tuple[int, int, str]] = []
    for box in found:
        if outer and box[0] < outer[-1][1]:
            continue
        outer.append(box)
    return outer


def _last_boxed(text: str) -> Extraction | None:
    boxes = _boxes(text)
    if not boxes:
        return None
    last_start, _, last = boxes[-1]
    line_start = text.rfind("\n", 0, last_start) + 1
    same_line = [_unbox(content) for start, _, content in boxes if start >= line_start]
    distinct = list(dict.fromkeys(same_line))
    distinct = [d for d in distinct if d]
    if len(distinct) > 1:
        return Extraction(", ".join(distinct), "boxed_multi")
    answer = _unbox(last)
    if not clean_answer(answer):
        return Extraction(None, "boxed_empty")  # an empty box is no answer, never ""
    return Extraction(answer, "boxed")


def _unbox(content: str) -> str:
    """A box's content with redundant inner boxes ("\\boxed{\\boxed{3}}") removed."""
    s = content.strip()
    for _ in range(10):
        inner = _boxes(s)
        if len(inner) == 1 and inner[0][0] == 0 and inner[0][1] == len(s):
            s = inner[0][2].strip()
        else:
            break
    return s


# "This answer is correct." is a model grading itself, not an answer.
_SELF_GRADE = re.compile(r"^(?:not\s+)?(?:correct|incorrect|wrong|right|true|false)$", re.IGNORECASE)


def _last_marker(pattern: re.Pattern[str], text: str) -> tuple[int, str] | None:
    """(position, answer line) of the last match of a marker that carries an answer. The line
    keeps its wrapping ("$...$", "**...**"): where a sentence of it ends depends on it."""
    matches = list(pattern.finditer(text))
    for m in reversed(matches):
        ans = clean_answer(m.group("ans"))
        before = text[max(0, m.start() - 6) : m.start()].lower()
        if ans and _SELF_GRADE.match(ans) and re.search(r"\b(?:this|that|my|your)\s*$", before):
            continue
        if ans:
            return m.start(), re.sub(r"[ \t]{2,}", " ", m.group("ans").strip())
        # "Final Answer:" on its own line: the answer is on the next non-empty line (and its
        # position is that line's, so what follows the answer is read from there)
        rest = text[m.end() :].lstrip("\n")
        nxt = rest.split("\n", 1)[0] if rest else ""
        ans = clean_answer(nxt)
        if ans:
            return len(text) - len(rest), re.sub(r"[ \t]{2,}", " ", nxt.strip())
    return None


_ANY_STOP = re.compile(r"(?<=[.!?])\s+")


def _last_line(text: str) -> str | None:
    for line in reversed(text.strip().split("\n")):
        ans = clean_answer(line)
        if ans and _BOX_START.search(ans):
            return None  # a box opened and never closed: a truncated answer is no answer
        if ans:
            if len(ans) <= MAX_LAST_LINE_CHARS:
                return ans
            # A long last paragraph: its last sentence is the best guess at a conclusion.
            # "Alexander E. Bogomolov" is one name, not the end of a sentence; where that leaves
            # the last sentence too long, any stop ends one
            for split in (split_sentences, _ANY_STOP.split):
                sentences = [x for x in split(ans) if x.strip()]
                last = clean_answer(sentences[-1]) if sentences else ""
                if 0 < len(last) <= MAX_LAST_LINE_CHARS:
                    return last
            return None
    return None
