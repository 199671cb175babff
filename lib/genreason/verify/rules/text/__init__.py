"""Free-text answers: `words` (folding, tokens, normalisation, alternatives), `booleans`
(yes/no), `compare` (does an answer name the reference), `parts` (sub-spans and look-alikes of
a multi-word reference) and `common_words` (how common an English word is).

`normalize` is re-exported here: code outside the rule verifier compares free text with it.
"""

from genreason.verify.rules.text.words import normalize

__all__ = ["normalize"]
