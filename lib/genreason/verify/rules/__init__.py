"""Rule-based judging: extraction-free typed comparison of an answer with its reference.

`verifier` holds `RuleVerifier` and the judging flow, `pool` the worker processes with per-item
time limits, `dispatch` routes by answer kind; `numbers`, `numeric_answers`, `units`, `choice`,
`text` and `kinds` read and compare each kind, `math/` parses expressions, `guards/` refuses
negated, hedged and restated answers.
"""
