"""Free-text answers: normalisation, alternatives, booleans, junk and hedges.

Stage: verify (comparison half for String and Boolean answers, and the junk guard every
answer passes first). Normalisation follows the SQuAD/NQ evaluation habit (lower case, no
punctuation, no articles, collapsed spaces; Rajpurkar et al. 2016) plus accent folding and
light plural stripping. A reference may list alternatives ("Kanawha River/Kanawha").

An answer buried in a sentence counts only when that is unambiguous: the reference appears
as whole words, is not negated, and the sentence does not offer a second candidate.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from genreason.verify.rules.guards.hedges import offers_several, restates_question, split_items

_ARTICLES = {"a", "an", "the"}
# Words that carry no content when deciding whether an answer names the reference.
STOPWORDS = _ARTICLES | {
    "of", "in", "on", "at", "to", "for", "by", "and", "or", "is", "was", "are", "were", "be",
    "it", "its", "as", "with", "from", "that", "this", "which", "who", "whom", "what", "when",
    "where", "than", "then", "has", "have", "had", "about", "around", "approximately", "s",
}
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "first": "1st", "second": "2nd",
    "third": "3rd", "fourth": "4th", "fifth": "5th",
}
_LATEX_TEXT = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname|emph)\s*\{([^{}]*)\}")

TRUE_WORDS = {"true", "yes", "correct", "right", "valid", "t", "y", "holds", "affirmative"}
FALSE_WORDS = {"false", "no", "incorrect", "wrong", "invalid", "f", "n", "not true", "negative"}


def fold(text: str) -> str:
    """Lower case without accents or LaTeX text wrappers."""
    s = _LATEX_TEXT.sub(r"\1", text)
    if not s.isascii():  # ASCII has no accents to fold (and most answers are ASCII)
        s = unicodedata.normalize("NFKD", s)
        s = "".join(c for c in s if not unicodedata.combining(c))
    return s.lower().replace("’", "'").replace("‘", "'")


def tokens(text: str, *, stem: bool = True) -> list[str]:
    """Normalised words: folded, punctuation split, articles dropped, number words as digits.

    Words glued together ("singerGladys", "Ledger1" with a citation mark) are split first.
    """
    return list(_tokens(text[:20000], stem))


@functools.lru_cache(maxsize=4096)
def _tokens(text: str, stem: bool) -> tuple[str, ...]:
    # one response is tokenised by several rules (answer, its sentences, the listed items)
    s = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", text)
    s = re.sub(r"(?<=[A-Za-z]{3})(?=\d{1,2}\b)", " ", s)
    s = re.sub(r"(?<=[A-Za-z])_\{?(\d+)\}?", r"\1", s)  # H_2SO_4 -> H2SO4
    s = fold(s)
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)  # 1,234 -> 1234
    s = re.sub(r"'s\b", "", s)
    words = re.findall(r"[a-z0-9]+(?:\.[0-9]+)?", s)
    out = []
    keep_articles = all(w in _ARTICLES for w in words)  # "(a)" is an option, not an article
    for w in words:
        if w in _ARTICLES and not keep_articles:
            continue
        w = _NUMBER_WORDS.get(w, w)
        if stem:
            w = _stem(w)
        out.append(w)
    return tuple(out)


def _stem(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and re.search(r"(?:ches|shes|sses|xes)$", w):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def normalize(text: str) -> str:
    """One canonical string for exact comparison."""
    return " ".join(tokens(text))


def split_alternatives(reference: str) -> list[str]:
    """A string reference's accepted alternatives ("lacteals/A lacteal" -> both)."""
    parts = [p.strip() for p in re.split(r"\s*(?:/|\|)\s*", reference) if p.strip()]
    return parts or [reference.strip()]


def parse_boolean(text: str) -> bool | None:
    """True/False for yes/true/correct and their negations; None when it is not a boolean."""
    s = fold(text).strip()
    s = re.sub(r"^[\s\W_]+|[\s\W_]+$", "", s)
    if not s:
        return None
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    first = re.split(r"[\s,.;:!()]+", s, maxsplit=1)[0]
    rest = s[len(first) :]
    # "Yes, because ..." / "No. The ..." / "False (the series diverges)"
    # "False and 17", "No, 3": a second answer joined on is not a reason given
    joined = re.match(r"\s*(?:(?:and|or|&|/)\b|,\s*[-+\d]|\\q?quad\b)", rest)
    if first in {"yes", "true", "correct"} and not joined and not re.search(r"\b(?:no|false|not)\b", rest[:40]):
        return True
    if first in {"no", "false", "incorrect"} and not joined and not re.search(r"\b(?:yes|true)\b", rest[:40]):
        return False
    # "The statement is not true", "it is false", "not false" (a negation inverts the value)
    m = re.fullmatch(
        r"(?:(?:the )?(?:final )?(?:statement|claim|answer|assertion|proposition)|it|this|that) (?:is|was) (.+)", s
    )
    if m:
        return parse_boolean(m.group(1))
    m = re.fullmatch(r"(?:not|isn't|is not)\s+(.+)", s)
    if m and not m.group(1).startswith(("not ", "isn't ")):
        inner = parse_boolean(m.group(1))
        return None if inner is None else not inner
    return None


_JUNK_PATTERNS = re.compile(
    r"^(?:let'?s (?:solve|think|start|begin|break|find|calculate|compute|work)|let us|"
    r"we (?:need|will|can|have) to|first,? (?:we|let|i)\b|to (?:solve|find|determine|calculate) (?:this|the)|"
    r"step \d|i (?:will|need to|cannot|can't|don't know|am not sure)|"
    r"(?:solution|thinking|reasoning|hmm+|okay|ok|sure)\s*[:.,!]?$|(?:the |final )?answer\s*[:.]?$|"
    r"n/?a$|none$|unknown$|not sure|cannot be determined|insufficient information|\?+$|\.+$|…$)",
    re.IGNORECASE,
)


def junk_reason(answer: str, question: str, reference: str) -> str | None:
    """Why `answer` is junk (no attempt at an answer), or None when it is a real attempt."""
    s = answer.strip()
    if not s:
        return "empty answer"
    if re.sub(r"\s+", "", s) == re.sub(r"\s+", "", reference):
        return None  # the reference itself ("[]", "\\emptyset"), however it looks
    if not re.search(r"[A-Za-z0-9\u0370-\u03ff\u0400-\u04ff\u4e00-\u9fff]", s):
        if not re.search(r"\\[A-Za-z]+|[∞π√∅]", s):
            return "only punctuation"
    low = fold(s).strip()
    ref_low = fold(reference).strip()
    if low != ref_low and _JUNK_PATTERNS.match(low) and not _JUNK_PATTERNS.match(ref_low):
        return "a placeholder or the start of a solution, not an answer"
    unevaluated = re.compile(r"\\(?:int|iint|oint|sum|prod|lim)(?![A-Za-z])|\\frac\{d\}\{d[a-z]\}|\\frac\{\\partial")
    if unevaluated.search(s) and not unevaluated.search(reference):
        return "an unevaluated integral, sum or limit (the problem restated)"
    if question and restates_question(s, question):
        return "restates the question"
    return None


_NEGATORS = {"not", "no", "never", "neither", "nor", "t", "instead", "rather", "than", "except", "unlike", "besides"}


def _find(seq: list[str], sub: list[str]) -> list[int]:
    n = len(sub)
    return [i for i in range(len(seq) - n + 1) if seq[i : i + n] == sub] if n else []


def _window_hit(a_tok: list[str], r_content: list[str]) -> int | None:
    """Start of a short stretch of the answer holding every content word of the reference
    ("Shinzo Abe, who was the Prime Minister" for "Prime Minister Shinzo Abe")."""
    need = set(r_content)
    if len(need) < 2:
        return None
    width = 2 * len(need) + 3
    for i, t in enumerate(a_tok):
        if t in need and need <= set(a_tok[i : i + width]):
            if not set(a_tok[max(0, i - 3) : i]) & _NEGATORS:
                return i
    return None


# Words that make a phrase negative: "not guilty" is never named by "guilty".
_POLARITY = {"not", "no", "never", "t", "cannot", "neither", "nor", "none", "non", "without"}


def names_reference(reference: str, item: str) -> bool:
    """Whether one listed item is the reference or one of its parts, give or take a word
    ("the pen" for "pen"), not a clause that mentions it ("Ukraine shares borders with")."""
    n = normalize(item)
    if not n:
        return False
    for alt in split_alternatives(reference):
        if n in {normalize(x) for x in [alt, *split_items(alt)]}:
            return True
    longest = max(len([t for t in tokens(alt) if t not in STOPWORDS]) for alt in split_alternatives(reference))
    if len([t for t in tokens(item) if t not in STOPWORDS]) > longest + 1:
        return False
    return compare_text(reference, item, guard=False)[0] is True


def may_hold(sentence: str, words: set[str]) -> bool:
    """A cheap test before tokenising: each word's text appears in the sentence (accents and
    number words aside, which only the full test reads)."""
    if not sentence.isascii():
        return True
    low = sentence.lower()
    # stems of "-ies" words end in "y"; digits may stand for number words ("seven" -> 7)
    return all(w in low or not w.isascii() or w.endswith("y") or w[:1].isdigit() for w in words)


def _offers_several(reference: str, answer: str, r_content: list[str]) -> tuple[bool | None, str] | None:
    """The reference found inside `answer`, but in a sentence that offers it among other
    candidates ("0, pen, none of the above", "It could be 3, pen or 7"): (verdict, why)."""
    need = set(r_content)
    several = offers_several(
        answer,
        lambda item: names_reference(reference, item),
        only_with=lambda sentence: may_hold(sentence, need) and need <= set(tokens(sentence)),
        accepts_each=len(split_alternatives(reference)) > 1,
    )
    if several is None:
        return None
    return several.verdict, several.reason


def compare_text(reference: str, answer: str, *, split_alts: bool = True, guard: bool = True) -> tuple[bool | None, str]:
    """Whether a free-text `answer` names the `reference`, and why.

    True: normalised equality with an alternative, the same content words in another order,
    or the reference appearing as whole words in the answer without negation, in a sentence
    that does not offer other candidates beside it (`guard=False` skips that check, for
    judging one listed item). False: the answer shares no content word with any alternative,
    or offers the reference among alternatives. None (undecided): partial overlap.
    """
    alts = split_alternatives(reference) if split_alts else [reference]
    squashed = re.sub(r"\s+", "", fold(answer))
    for alt in [reference, *alts]:
        if squashed and squashed == re.sub(r"\s+", "", fold(alt)):
            return True, f"identical to {alt!r}"  # also "[]", "∅", "-": answers without words
    a_tok = tokens(answer)
    a_content = [t for t in a_tok if t not in STOPWORDS]
    if not a_tok:
        return False, "answer has no words"
    best_overlap = 0.0
    for alt in alts:
        r_tok = tokens(alt)
        if not r_tok:
            continue
        if a_tok == r_tok:
            return True, f"normalised match with {alt!r}"
        r_content = [t for t in r_tok if t not in STOPWORDS] or r_tok
        if a_content and sorted(set(a_content)) == sorted(set(r_content)):
            return True, f"same words as {alt!r}"
        if set(r_tok) & _POLARITY and not set(a_tok) & _POLARITY:
            continue  # "guilty" does not name "not guilty"
        contained = _contained(alt, a_tok, r_tok, r_content)
        if contained is not None:
            if guard:
                several = _offers_several(reference, answer, r_content)
                if several is not None:
                    return several
            return True, contained
        found = sum(1 for t in set(r_content) if t in set(a_content))
        best_overlap = max(best_overlap, found / len(set(r_content)))
    if best_overlap == 0:
        return False, "no content word of the reference in the answer"
    return None, f"partial overlap ({best_overlap:.0%} of the reference's words)"


def _contained(alt: str, a_tok: list[str], r_tok: list[str], r_content: list[str]) -> str | None:
    """How the reference alternative `alt` appears inside a longer answer, or None."""
    a_content = [t for t in a_tok if t not in STOPWORDS]
    hits = _find(a_tok, [t for t in r_tok if t not in _ARTICLES])
    if not hits and r_content != r_tok:
        hits = _find(a_tok, r_content)
    if not hits and len(r_content) >= 3:
        # "Wilhelm Röntgen" for "Wilhelm Conrad Röntgen": first and last name, middle dropped
        hits = _find(a_tok, [r_content[0], r_content[-1]])
    for i in hits:
        before = set(a_tok[max(0, i - 3) : i])
        if before & _NEGATORS:
            continue
        return f"reference {alt!r} appears in the answer"
    window = _window_hit(a_tok, r_content)
    if window is not None:
        return f"all words of {alt!r} appear together in the answer"
    if 0 < len(a_content) <= 3 and len(r_content) >= 2 and set(a_content) <= set(r_content) and a_content[-1] == r_content[-1]:
        # A short answer naming the reference's head word ("Einstein", "The Chainsmokers")
        return f"short form of {alt!r}"
    return None
