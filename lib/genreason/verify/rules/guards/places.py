"""Places that qualify a place: "Tulsa, Oklahoma", "Colby, Wisconsin", "Canberra, Australian
Capital Territory".

Stage: verify (used by `genreason.verify.rules.guards.second_answer`). Beside a reference that
names a place, a larger place after a comma qualifies it rather than giving a second answer,
where the question asks about a place. The evidence is general: the question's wording,
capitals, and word frequency (wordfreq Zipf; `genreason.verify.rules.text.common_words`).
"""

from __future__ import annotations

import re

from genreason.verify.rules.text.common_words import zipf

# A place named after another ("Tulsa, Oklahoma") is a larger one: a state or country, whose
# name is a frequent word (Zipf: "vermont" 3.8, "oklahoma" 4.3; "casella" 2.2).
PLACE_ZIPF = 3.5
# A state or country is named in one or two words ("Georgia", "South Africa"); three are a
# person's name as often ("George Washington Steele"), unless a place noun ends them
# ("Australian Capital Territory"), up to four.
MAX_PLACE_WORDS = 2
_PLACE_NOUN = re.compile(
    r"(?:territory|province|state|county|region|district|islands?|republic|kingdom|emirates|prefecture|"
    r"oblast|canton|department|parish|borough|valley|coast)$",
    re.IGNORECASE,
)
# A question about a place: a place named after a comma qualifies the one before it.
PLACE_QUESTION = re.compile(
    r"^\W*where\b|\b(?:which|what)\s+(?:[a-z]+\s+){0,2}(?:city|cities|town|country|countries|state|states|province|"
    r"county|region|place|capital|island|continent)\b|\b(?:located|location|situated|headquartered|filmed|held|"
    r"hosted|born|based)\b|\bin\s+(?:which|what)\b|\bwhere\s+(?:is|are|was|were|do|does|did)\b",
    re.IGNORECASE,
)


def place_qualifier(item: str, named: str, *, after: bool) -> bool:
    """Whether `item` may be a place beside the reference's `named` item: capitalised words;
    after it, a larger place ("Tbilisi, Georgia"), which is a frequent word in English text
    (states and countries are: "georgia" has Zipf 4.5), not a rare name ("Max Casella"), and
    no rarer than the place it qualifies ("Spanish, Pakistan" qualifies nothing)."""
    words = re.findall(r"[^\W\d_]+", item)
    if not words or len(words) > (4 if _PLACE_NOUN.match(words[-1]) else MAX_PLACE_WORDS) or not all(w[:1].isupper() for w in words if len(w) > 3) or re.search(r"\d", item):
        return False  # a place is capitalised words, with no numbers ("April 24, 2018" is none)
    named_words = [w for w in re.findall(r"[^\W\d_]+", named) if len(w) > 3]
    if not named_words or not all(w[:1].isupper() for w in named_words):
        return False  # only a place name is qualified by a place ("optic nerve, Jerry Rice" is not)
    if all(not zipf(w.lower()) for w in named_words):
        return False  # a place is a word of the lists ("tbilisi" 2.8); "Psychomachia" (0) is a title
    if not after:
        return True  # the more precise place first: "Colby, Wisconsin" for "Wisconsin"
    last = words[-1]
    # every word of a larger place's name is frequent ("dustin" 3.4 is not: "Dustin Johnson")
    frequencies = [zipf(w.lower()) or 0.0 for w in words if len(w) >= 3]
    frequency = min(frequencies) if frequencies else None
    # the qualified place's rarest word ("palm" in "West Palm Beach") stands for it
    named_frequencies = [f for f in (zipf(w.lower()) for w in re.findall(r"[^\W\d_]{3,}", named)) if f is not None]
    named_frequency = min(named_frequencies) if named_frequencies else None
    return (
        len(last) >= 3
        and frequency is not None
        and frequency >= PLACE_ZIPF
        and (named_frequency is None or frequency >= named_frequency)
    )
