"""Rule-based judging: extraction-free typed comparison of an answer with its reference.

`verifier` holds `RuleVerifier`; `flow` the judging of one item (extract, refuse junk,
compare), which both the in-process path and the worker processes of `pool` (per-item time
limits) call. `kinds` parses references and tells their kind; `dispatch` refuses negated and
hedged answers and routes by kind to `numeric_answers` (one number, with `numbers` for
reading numbers and `units` for quantities), `choice`, `structures` (lists, matrices),
`math/` (`answers` compares expressions, `expression` and `fastparse` parse them) and `text/`
(`words`, `booleans`, `compare`, and `parts` for sub-spans and look-alikes of a reference,
with `common_words` for word frequency). `guards/` holds the refusals: `negation`, `hedges`,
`second_answer` (with `places` for qualifiers), `restatement`, `junk`; `items` cuts answers into
sentences and items, and `masking` stands the reference in while they read, and `text/dates`
reads dates. `latex.unwrap_text` is the one `\\text{}` unwrapper.
"""
