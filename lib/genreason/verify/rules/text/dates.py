"""Calendar dates in free-text answers: a date that contradicts the reference's date.

Stage: verify (inside `genreason.verify.rules.text.compare`). Open-domain references often
list a date at several precisions ("1979/21 July 1979", "2003/March 2003"). Matching the year
alone would accept "released on July 10, 1979", which the fuller alternative says is wrong.
A date in the answer is compared with the most precise reference date of its year: a month or
day that differs makes the answer name another date (False). An answer made of nothing but
dates, one of them not the reference's ("May 5, 1992, May 5, 1993"), gives several answers
(undecided). Dates of years the reference does not mention are not read: prose often adds
other dates ("... premiered on September 21, 2016, and ended on May 24, 2017").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

Verdict = tuple[bool | None, str]

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>\d{3,4})(?!\d)"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
# Most precise first; a year alone only where no fuller date holds it.
_PATTERNS = (
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}", re.IGNORECASE),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    # "March 2003"; a month name needs its capital in prose ("it may 2017" is no date)
    re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}", re.IGNORECASE),
    re.compile(r"(?<![\w.,-])(?P<year>1\d{3}|20\d{2})(?![\w-]|[.,]\d)"),
)
# An answer of nothing but dates is short.
MAX_DATES_ANSWER_CHARS = 200
_HAS_MONTH = re.compile(r"\b(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b|\d{4}-\d{2}-\d{2}", re.IGNORECASE)
_LEADING = re.compile(r"^(?:in|on|circa|c\.|ca\.|around|about|since|by)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Date:
    """A calendar date at the precision written: a year, a month of a year, or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> int:
        return 1 + (self.month is not None) + (self.day is not None)

    def agrees(self, other: Date) -> bool:
        """Same year, and the same month and day where both say one."""
        return (
            self.year == other.year
            and (self.month is None or other.month is None or self.month == other.month)
            and (self.day is None or other.day is None or self.day == other.day)
        )

    def __str__(self) -> str:
        return "-".join(str(x) for x in (self.year, self.month, self.day) if x is not None)


def _date(m: re.Match[str]) -> Date | None:
    parts = m.groupdict()
    month_text = parts.get("month")
    month = None
    if month_text is not None:
        month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower().rstrip(".")]
        if not 1 <= month <= 12:
            return None
    day = int(parts["day"]) if parts.get("day") else None
    if day is not None and day > 39:
        return None  # "May 45, 2016" is no date; "January 0, 2016" is a wrong one, read as written
    return Date(int(parts["year"]), month, day)


@functools.lru_cache(maxsize=8192)
def dates_in(text: str) -> tuple[tuple[Date, int, int], ...]:
    """Every date written in `text`, with its span, the most precise reading of each stretch."""
    if not any(c.isdigit() for c in text):
        return ()
    text = text.replace("\xa0", " ")[:6000]
    taken: list[tuple[int, int]] = []
    found: list[tuple[Date, int, int]] = []
    for k, pattern in enumerate(_PATTERNS):
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if k == 3 and not m.group("month")[:1].isupper():
                continue
            date = _date(m)
            if date is not None:
                taken.append((m.start(), m.end()))
                found.append((date, m.start(), m.end()))
    return tuple(sorted(found, key=lambda x: x[1]))


@functools.lru_cache(maxsize=8192)
def date_of(alt: str) -> Date | None:
    """The date a reference alternative is, when it is nothing but a date ("in 1999",
    "21 July 1979", "March 2003"); None otherwise."""
    s = _LEADING.sub("", alt.replace("\xa0", " ").strip()).strip(" .")
    found = dates_in(s)
    if len(found) == 1 and found[0][1] == 0 and found[0][2] == len(s):
        return found[0][0]
    return None


def _consistent(answer_date: Date, refs: list[Date]) -> bool:
    same_year = [r for r in refs if r.year == answer_date.year]
    best = max(r.precision for r in same_year)
    return any(answer_date.agrees(r) for r in same_year if r.precision == best)


def conflicting_date(answer: str, alternatives: list[str]) -> Verdict | None:
    """False when every date the answer gives in a year the reference names contradicts the
    reference's most precise date of that year; None when the dates do not decide it."""
    refs = [d for d in (date_of(a) for a in alternatives) if d is not None]
    if not refs:
        return None
    years = {r.year for r in refs}
    if not any(str(y) in answer for y in years):
        return None  # no year of the reference written: nothing to contradict (cheap test)
    relevant = [d for d, _, _ in dates_in(answer) if d.year in years]
    if not relevant or any(_consistent(d, refs) for d in relevant):
        return None
    d = relevant[0]
    best = max((r for r in refs if r.year == d.year), key=lambda r: r.precision)
    return False, f"gives the date {d} where the reference says {best}"


_ONLY_JOINERS = re.compile(r"[\W_]*(?:(?:and|or|then|in|on|by|&)[\W_]*)*", re.IGNORECASE)


def several_dates(answer: str, alternatives: list[str]) -> Verdict | None:
    """None (undecided, with the reason) when the answer is nothing but two or more dates and
    one of them is not the reference's ("May 5, 1992, May 5, 1993"); else no opinion (returns
    None for the verdict holder: callers test the result for None first)."""
    refs = [d for d in (date_of(a) for a in alternatives) if d is not None]
    if not refs or len(" ".join(answer.split())) > MAX_DATES_ANSWER_CHARS:
        return None
    found = dates_in(answer)
    if len(found) < 2:
        return None
    rest, pos = [], 0
    for _, a, b in found:
        rest.append(answer[pos:a])
        pos = b
    rest.append(answer[pos:])
    if not all(_ONLY_JOINERS.fullmatch(r) for r in rest):
        return None
    dates = list(dict.fromkeys(d for d, _, _ in found))
    wrong = [d for d in dates if not any(d.agrees(r) for r in refs) or (d.year in {r.year for r in refs} and not _consistent(d, refs))]
    if len(dates) < 2 or not wrong:
        return None
    return None, f"gives {len(dates)} dates ({', '.join(str(d) for d in dates[:4])}): which one is meant is unclear"


def may_hold_month_date(text: str) -> bool:
    """A cheap test: whether `text` names a month (or an ISO date) at all."""
    return _HAS_MONTH.search(text) is not None
