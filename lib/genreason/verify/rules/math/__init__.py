"""Symbolic math answers: a fast parser for common forms and sympy equivalence."""
