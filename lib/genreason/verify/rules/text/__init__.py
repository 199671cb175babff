"""Free-text answers: `normalize` (folding, tokens, alternatives), `booleans` (yes/no),
`compare` (does an answer name the reference), `parts` (sub-spans and look-alikes of a
multi-word reference) and `common_words` (how common an English word is)."""
