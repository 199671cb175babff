"""Yes/no answers: "True", "No, because ...", "The statement is not true".

Stage: verify (comparison half for Boolean answers and references).
"""

from __future__ import annotations

import re

from genreason.verify.rules.text.words import fold

TRUE_WORDS = {"true", "yes", "correct", "right", "valid", "t", "y", "holds", "affirmative"}
FALSE_WORDS = {"false", "no", "incorrect", "wrong", "invalid", "f", "n", "not true", "negative"}


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
