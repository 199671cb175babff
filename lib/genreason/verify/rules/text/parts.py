"""Sub-spans and look-alikes of a multi-word reference: does a part name the same thing?

Stage: verify (inside `genreason.verify.rules.text.compare`, when an answer's words are a proper
part of the reference's, or differ from them only in a numeral). A reward that accepts parts
is gamed at once: "Ocean" for "Pacific Ocean", "City" for "New York City", "John Adams" for
"John Quincy Adams", "World War I" for "World War II". A part is accepted only when the
evidence says it alone names the same thing; otherwise it is undecided (the hybrid asks the
model) or, where the answer plainly names something else, False. Evidence, tied to no data
set:

- numerals: a part that drops a numeral, ordinal or roman numeral ("Henry" for "Henry VIII")
  loses what tells the thing apart (undecided); an answer that changes one ("Henry VII") names
  a different one (False);
- the question: an answer made only of the question's own words ("Ocean" for "Which ocean
  ...?") names nothing the question did not (False); an answer that leaves out only the
  question's own words ("Nile" for "Nile River" asked "Which river ...?") names the same
  thing (True, when the part kept is capitalised in the reference);
- position and capitalisation: words left out from inside a name ("John Adams") may leave a
  different name (undecided); a capitalised name kept after a lowercase description or a
  title ("the British band Argent", "President John F. Kennedy") is the name itself (True);
- people: for a question about a person ("Who ...?"), the surname of a reference shaped like
  one personal name ("Adams" for "John Quincy Adams") names that person (True), unless it is a
  common English word (`genreason.verify.rules.text.common_words`), which may be generic.
  Middle names may be left out or added ("Keeley Hawes" for "Keeley Clare Julia Hawes") only
  when the surname is rare (Zipf below `RARE_ZIPF`): a first and last name that common
  ("John Adams", "George Bush") is shared by other people, often of the same family;
- places: a place qualified after a comma ("Paris, France") is named by its first part when
  the question asks where, or for a city or other place.

Everything else that is a proper part stays undecided: a rule never says yes on a guess.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from genreason.verify.rules.latex import unwrap_text
from genreason.verify.rules.text.common_words import is_common_word, zipf
from genreason.verify.rules.text.dates import date_of, dates_in, may_hold_month_date
from genreason.verify.rules.text.words import STOPWORDS, tokens

Verdict = tuple[bool | None, str]

# Zipf from which a kept capitalised word is an everyday word ("west" 5.3, "red" 5.3, "new"
# 6.3) rather than a name ("nile" 3.6, "pacific" 4.6, "amazon" 4.6; wordfreq 3.1 English).
GENERIC_ZIPF = 5.0
_ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
# Titles written before a name ("Sir Hugh Beaver", "President John F. Kennedy"): English
# honorifics and offices, not names themselves.
HONORIFICS = {
    "sir", "dame", "lord", "lady", "dr", "doctor", "mr", "mrs", "ms", "miss", "prof",
    "professor", "president", "general", "gen", "captain", "capt", "colonel", "admiral",
    "king", "queen", "prince", "princess", "emperor", "empress", "pope", "saint", "st", "rev",
    "reverend", "father", "judge", "justice", "senator", "governor", "chancellor", "minister",
    "sheikh", "rabbi", "imam", "chief", "duke", "duchess", "count", "countess", "baron",
}
# Lowercase particles inside personal names ("Leonardo da Vinci", "Ludwig van Beethoven").
NAME_PARTICLES = {"de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le", "al", "bin", "ibn", "y", "dos", "das"}
_JUNIOR = {"jr", "sr", "junior", "senior"}
_NEGATOR = re.compile(r"\b(?:not|no|never|nor|neither|isn't|wasn't|incorrect|wrong)\b", re.IGNORECASE)
# A number written with a scale or in another notation right after it ("16 \times 10^{3}",
# "16_000", "212.0e5", "16^2"): not the reference's number.
# A number alone, or the number of a quantity before its unit ("100 °C", "5 km").
_LEADING_NUMBER = re.compile(r"([-+]?\d[\d,]*(?:\.\d+)?)(?:[\s\xa0]*[^\W\d_][^\s]{0,7}|[\s\xa0]*°\s?[A-Za-z]?)?$")
_SCALED = re.compile(r"\s*(?:\\times|×|\*|x|\\cdot|·)\s*10\s*\^|_\d|[eE][-+]?\d|\s*\^|\s*(?:thousand|million|billion|trillion)\b", re.IGNORECASE)
# A surname below this Zipf value (about 10 per million words) with its given name is taken to
# name one person ("hawes" 2.8, "edison" 3.6); frequent surnames are shared by many notable
# people, often of one family ("adams" 4.25, "kennedy" 4.3, "bush" 4.5, "williams" 4.7).
RARE_ZIPF = 4.0
# A question about a person: "Who ...", "whose", or "which/what <person noun>".
_PERSON_NOUNS = (
    r"person|people|man|woman|boy|girl|king|queen|president|author|writer|poet|novelist|"
    r"composer|painter|artist|scientist|physicist|chemist|biologist|mathematician|philosopher|"
    r"inventor|explorer|actor|actress|singer|musician|rapper|player|leader|general|emperor|"
    r"pope|saint|prophet|politician|minister|chancellor|senator|founder|director|economist|"
    r"astronomer|engineer|architect|psychologist|historian|theologian|pharaoh|ruler|monarch"
)
_PERSON_QUESTION = re.compile(
    rf"\b(?:who|whom|whose)\b|\b(?:which|what|name\s+the)\s+(?:[a-z-]+\s+){{0,2}}?(?:{_PERSON_NOUNS})\b"
    rf"|^\W*(?:[a-z-]+\s+){{0,3}}?(?:{_PERSON_NOUNS})\b",  # "only player to ...", "first woman to ..."
    re.IGNORECASE,
)
_PLACE_QUESTION = re.compile(
    r"\bwhere\b|\b(?:which|what)\s+(?:[a-z-]+\s+){0,2}?(?:city|town|village|place|capital|location|county|province|region|state|country)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Word:
    """A content word: its normalised token, whether the text capitalised it, and the word as
    written (lower case, not stemmed: "adams", where the token is "adam")."""

    token: str
    capital: bool
    plain: str


def content_words(text: str) -> list[Word]:
    """The content words of `text` (stopwords and articles dropped), with capitalisation."""
    return list(_content_words(text[:2000]))


@functools.lru_cache(maxsize=4096)
def _content_words(text: str) -> tuple[Word, ...]:
    out: list[Word] = []
    for raw in re.findall(r"[^\W_]+", _fold_keep_case(unwrap_text(text, pad=True))):
        capital = raw[:1].isupper()
        stemmed, plain = tokens(raw), tokens(raw, stem=False)
        if len(plain) != len(stemmed):
            plain = stemmed
        for tok, word in zip(stemmed, plain, strict=True):
            if tok not in STOPWORDS:
                out.append(Word(tok, capital, word))
    return tuple(out)


def _fold_keep_case(text: str) -> str:
    """Accents removed, case kept ("Röntgen" -> "Rontgen")."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def is_numeral(token: str) -> bool:
    """Digits, an ordinal ("6th") or a roman numeral ("viii")."""
    return token.isdigit() or bool(_ORDINAL.match(token)) or bool(_ROMAN.match(token))


_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def numeral_value(token: str) -> int | None:
    """The value of a numeral token: "11" -> 11, "6th" -> 6, "viii" -> 8; None otherwise."""
    if token.isdigit():
        return int(token[:12])
    if _ORDINAL.match(token):
        return int(token[:-2][:12])
    if _ROMAN.match(token):
        total = 0
        for c, nxt in zip(token, token[1:] + " ", strict=True):
            v = _ROMAN_VALUES[c]
            total += -v if nxt != " " and _ROMAN_VALUES[nxt] > v else v
        return total
    return None


def different_numeral(answer: str, alt: str) -> Verdict | None:
    """False when the answer is the reference with a numeral changed ("World War I" for
    "World War II", "Henry VII" for "Henry VIII", "Apollo 12" for "Apollo 11"); True when the
    numeral is only written another way ("World War 2"); else None."""
    a = [w.token for w in content_words(answer)]
    r = [w.token for w in content_words(alt)]
    if len(a) != len(r) or len(r) < 2 or a == r:
        return None
    diffs = [(x, y) for x, y in zip(a, r, strict=True) if x != y]
    if all(is_numeral(x) and is_numeral(y) for x, y in diffs):
        if all(numeral_value(x) == numeral_value(y) for x, y in diffs):
            return True, f"the numeral of {alt!r} written another way"
        shown = ", ".join(f"{x.upper() if _ROMAN.match(x) else x} for {y.upper() if _ROMAN.match(y) else y}" for x, y in diffs)
        return False, f"names a different one than {alt!r} ({shown})"
    return None


def holds_sibling(text: str, alt: str) -> bool:
    """Whether `text` holds the reference alternative `alt` with a numeral changed somewhere
    ("August 14, 1971/1934" holds a sibling of "August 15, 1971")."""
    r = [w.token for w in content_words(alt)]
    if len(r) < 2 or not any(is_numeral(t) for t in r) or all(is_numeral(t) for t in r):
        return False  # a bare number ("30.4%") has no siblings in words: other numbers are not its
    date = date_of(alt)
    if date is not None:  # "March 27, 2018" is no sibling of "March 2018"; "March 2019" is
        if date.precision >= 2 and not may_hold_month_date(text):
            return False
        return any(not d.agrees(date) and d.precision >= date.precision for d, _, _ in dates_in(text))
    a = [w.token for w in content_words(text)]
    for i in range(len(a) - len(r) + 1):
        window = a[i : i + len(r)]
        diffs = [(x, y) for x, y in zip(window, r, strict=True) if x != y]
        if diffs and all(is_numeral(x) and is_numeral(y) and numeral_value(x) != numeral_value(y) for x, y in diffs):
            return True
    return False


@functools.lru_cache(maxsize=8192)  # asked for each answer to the same question
def middle_names_optional(alt: str, question: str) -> bool:
    """Whether middle names of the personal name `alt` may be left out or added: a question
    about a person and a rare surname (see module docstring)."""
    r = content_words(alt)
    if not _PERSON_QUESTION.search(question or "") or not _personal_name(alt, r) or not r[-1].capital:
        return False
    value = zipf(r[-1].plain)
    return value is not None and value < RARE_ZIPF


def extended_by_numeral(answer: str, alt: str) -> bool:
    """Whether the answer writes the reference followed by a numeral of its own ("World War"
    in "World War II", "Rocky II", "Apollo 11"): a different thing with the same start."""
    words = re.findall(r"[^\W_]+", _fold_keep_case(unwrap_text(alt)))
    if not words or re.search(r"(?:\d+|\b[IVXLCDM]+)\W*$", alt.strip()):
        return False
    text = _fold_keep_case(unwrap_text(answer))
    low, last = text.lower(), words[-1].lower()
    start = 0
    while (i := low.find(last, start)) >= 0:  # the reference's last word, then a numeral
        end = i + len(last)
        whole_word = (i == 0 or not low[i - 1].isalnum()) and (end == len(low) or not low[end].isalnum())
        if whole_word and _NUMERAL_AFTER.match(text, end):
            return True
        start = end
    return False


# A roman numeral ("II", not the pronoun "I" before a word) or a number that the phrase goes on
# after ("Apollo 11 mission"); not a citation mark ("John Hurt 1"), a score ("Titans 35-12")
# or a chapter and verse ("Exodus 20:1-17").
_NUMERAL_AFTER = re.compile(r"[ \t]+(?:(?:[IVXLCDM]{2,}|[VXLCDM])\b|I\b(?![ \t]+[a-z])|\d+(?=[ \t]+[a-z]))")


@functools.lru_cache(maxsize=4096)
def _written_number(form: str) -> re.Pattern[str]:
    """The number `form` written on its own: not inside another number or an exponent ("10^{3}"
    holds no plain "3")."""
    return re.compile(rf"(?<![\w.,^])(?<!\^{{){re.escape(form)}(?![\d]|,\d)")


def scaled_number(answer: str, alt: str) -> bool:
    """Whether the numeric reference `alt` appears in the answer only with a scale or notation
    of its own after it ("16 \\times 10^{3}", "16_000" for "16"); a quantity's number counts
    ("100 \\times 10^{3} °C" for "100 °C")."""
    number = re.sub(r"^[$€£¥]\s*", "", alt.strip())  # "$174,000" is written "174000" too
    quantity = _LEADING_NUMBER.match(number)
    if quantity is None or _SCALED.match(number, quantity.end(1)):
        return False  # not a number, or one with a scale of its own ("1 Million")
    number = quantity.group(1)
    found = False
    forms = {number, number.replace(",", "")}  # "900,000,000" is also written "900000000"
    for form in forms:
        for m in _written_number(form).finditer(answer):
            if not _SCALED.match(answer, m.end()):
                return False  # written plainly somewhere
            found = True
    return found


def inserted_name_word(answer: str, alt: str, question: str = "") -> str | None:
    """A capitalised word the answer puts inside the reference's personal name, its words
    otherwise in order ("John Quincy Adams" for "John Adams"): that word, or None. Not
    checked where middle names are optional (a rare surname)."""
    r = [w.token for w in content_words(alt)]
    if len(r) < 2 or not _PERSON_QUESTION.search(question or "") or not _personal_name(alt, content_words(alt)):
        return None
    if middle_names_optional(alt, question):
        return None
    # a nickname in quotes or brackets is not part of the name ('Dwayne "The Rock" Johnson')
    a = content_words(re.sub(r'"[^"]{1,40}"|“[^”]{1,40}”|\([^()]{1,40}\)', " ", answer))
    for start, w in enumerate(a):
        if w.token != r[0]:
            continue
        j, gap = 1, []
        for x in a[start + 1 :]:
            if j == len(r):
                break
            if x.token == r[j]:
                j += 1
                if any(g.capital for g in gap):
                    return next(g.token for g in gap if g.capital)
                gap = []
            else:
                gap.append(x)
                if len(gap) > 2:
                    break
    return None


def judge_part(answer: str, alt: str, question: str) -> Verdict | None:
    """The verdict on an answer whose content words are a proper part of the reference
    alternative `alt`'s, or None when it is not such a part (see module docstring)."""
    r = content_words(alt)
    a = {w.token for w in content_words(answer)}
    r_set = {w.token for w in r}
    if not a or not a < r_set:
        return None
    if _NEGATOR.search(answer) and not _NEGATOR.search(alt):
        return None, f"a part of {alt!r} in a negated answer"
    sides = re.split(r"\s+or\s+", alt)
    if len(sides) == 2 and any(a == {w.token for w in content_words(side)} for side in sides):
        # "hit points or health points": the reference names one thing two ways
        return True, f"one of the two names in {alt!r}"
    kept = [i for i, w in enumerate(r) if w.token in a]
    written = {w.token: w.plain for w in content_words(answer)}
    respelled = next((i for i in kept if r[i].capital and written.get(r[i].token) != r[i].plain), None)
    if respelled is not None:
        # stems meet, names do not: "Edward" is not "Edwards"
        return None, f"writes {written[r[respelled].token]!r} for {r[respelled].plain!r} of {alt!r}: may name another"
    dropped = [w for i, w in enumerate(r) if i not in kept]
    kept_text = " ".join(w.plain for w in r if w.token in a)
    q_words = {w.token for w in content_words(question)} if question else set()
    if a <= q_words:
        return False, f"only repeats the question's word(s) ({kept_text!r}), not {alt!r}"
    numerals = [w.plain for w in dropped if is_numeral(w.token) or w.token in _JUNIOR]
    if numerals:
        return None, f"leaves out {numerals[0]!r}, which tells {alt!r} apart: may name another"
    if kept == [0, len(r) - 1] and middle_names_optional(alt, question):
        return True, f"first and last name of {alt!r} (a rare surname) for a question about a person"
    if kept != list(range(kept[0], kept[-1] + 1)):
        inside = [r[i].plain for i in range(kept[0], kept[-1]) if i not in kept]
        return None, f"leaves out {' '.join(inside)!r} from inside {alt!r}: may name another"
    if (
        all(w.token in q_words for w in dropped)
        and all(r[i].capital for i in kept)
        and not all(is_common_word(r[i].token, GENERIC_ZIPF) for i in kept)
        and not re.search(rf"(?<!\w){re.escape(kept_text)}\s+of\b", alt, re.IGNORECASE)
        and not _PERSON_QUESTION.search(question or "")  # a given name is no person ("Jermaine" of "Jermaine Jackson")
    ):
        # "Nile" for "Nile River" asked "Which river ...?": the question supplies the rest. A
        # kept part that is an everyday word ("West" for "West Virginia", asked about the
        # University of Virginia) may name something else the question's word forms; so may a
        # head noun whose "of" phrase told it apart ("Empire" of "Empire of Japan").
        dropped_text = " ".join(w.plain for w in dropped)
        return True, f"{kept_text!r} and the question's own {dropped_text!r} name {alt!r}"
    if kept[-1] == len(r) - 1:
        return _kept_end(r, kept[0], alt, question)
    if kept[0] == 0:
        return _kept_start(r, len(kept), alt, question)
    return None, f"a middle part of {alt!r}: may name something else"


def _kept_end(r: list[Word], start: int, alt: str, question: str) -> Verdict:
    """The answer keeps the end of the reference (drops a leading description or given names)."""
    kept = r[start:]
    before = r[start - 1]
    if kept[0].capital and (not before.capital or before.token in HONORIFICS):
        # "the British band Argent", "Swedish botanist Carl Linnaeus", "Sir Hugh Beaver"
        return True, f"the name in {alt!r} without its description or title"
    if (
        _PERSON_QUESTION.search(question or "")
        and _personal_name(alt, r)
        and all(w.capital for w in kept)
        and not any(is_numeral(w.token) for w in kept)
        and (len(kept) >= 2 or (len(kept[0].token) >= 3 and not is_common_word(kept[0].plain)))
    ):
        return True, f"surname of {alt!r} for a question about a person"
    what = " ".join(w.plain for w in kept)
    if len(kept) == 1 and is_common_word(kept[0].plain):
        return None, f"{what!r} is a common word: a generic part of {alt!r}"
    return None, f"a part of {alt!r} ({what!r}) that may name something else"


def _kept_start(r: list[Word], n_kept: int, alt: str, question: str) -> Verdict:
    """The answer keeps the start of the reference ("Paris" of "Paris, France")."""
    head, qualifier = r[:n_kept], r[n_kept:]
    comma = re.match(r"^\s*[^,]+,", alt) is not None and len(content_words(alt.split(",", 1)[0])) == n_kept
    if (
        comma
        and all(w.capital for w in head + qualifier)
        and _PLACE_QUESTION.search(question or "")
    ):
        return True, f"the place of {alt!r} without its qualifier"
    what = " ".join(w.plain for w in head)
    if len(head) == 1 and is_common_word(head[0].plain):
        return None, f"{what!r} is a common word: a generic part of {alt!r}"
    return None, f"a part of {alt!r} ({what!r}) that may name something else"


def _personal_name(alt: str, r: list[Word]) -> bool:
    """Whether `alt` is shaped like one personal name: 2-5 capitalised words (particles such as
    "da" or "van" aside, a leading title allowed), no numerals, not a list ("X and Y")."""
    if re.search(r"\band\b|&|,|;|/", alt) or not 2 <= len(r) <= 6:
        return False
    words = r[1:] if r[0].token in HONORIFICS else r
    return len(words) >= 2 and all(
        (w.capital or w.token in NAME_PARTICLES) and not is_numeral(w.token) for w in words
    )
