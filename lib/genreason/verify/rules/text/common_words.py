"""How common an English word is: evidence that a word is generic rather than a name.

Stage: verify (used by `genreason.verify.rules.text.parts`). A part of a multi-word reference
identifies the same thing only when it is distinctive: "Einstein" names the physicist,
"Ocean" or "River" name a category. Word frequency is the general evidence: the Zipf value of
the `wordfreq` package (Speer et al., wordfreq 3, English lists from Wikipedia, subtitles,
news, books, web text and more; Zipf = log10 of occurrences per billion words, so 4.5 is about
30 per million). Frequencies are case-folded, so they tell generic words from rare names, not
from frequent names ("Washington"): callers combine them with capitalisation and the
question's wording, and a frequent word is treated as possibly generic (undecided, never
accepted).

If `wordfreq` cannot be imported, every word counts as common, which only makes the callers
more cautious (undecided instead of accepted).
"""

from __future__ import annotations

import functools
import logging

logger = logging.getLogger(__name__)

# Zipf value from which a word is treated as common: ~30 occurrences per million words.
# "ocean" 4.7, "city" 5.6, "river" 5.0, "war" 5.5 lie above; "einstein" 3.7, "stallone" and
# most surnames below (wordfreq 3.1 English).
COMMON_ZIPF = 4.5


@functools.lru_cache(maxsize=1)
def _zipf_function():
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # optional at run time: without it every word is treated as common
        logger.warning("wordfreq is not installed: every word counts as common (more undecided)")
        return None
    return zipf_frequency


@functools.lru_cache(maxsize=8192)
def zipf(word: str) -> float | None:
    """The word's Zipf frequency in English (0 for unseen words), or None without wordfreq."""
    fn = _zipf_function()
    if fn is None:
        return None
    return float(fn(word.lower(), "en"))


def is_common_word(word: str, threshold: float = COMMON_ZIPF) -> bool:
    """Whether `word` is frequent enough in English to be a generic word (True when unknown)."""
    value = zipf(word)
    return value is None or value >= threshold
