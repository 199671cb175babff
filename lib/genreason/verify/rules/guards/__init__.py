"""Guards every comparison passes: negations, hedges (candidate lists) and restatements."""
