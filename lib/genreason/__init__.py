"""genreason: a workbench for general-domain reasoning data, verifiers and RL training.

After General-Reasoner (Ma et al., 2025, arXiv:2505.14652). The library does all the work;
`notebooks/` and `app/` only call it. Importing `genreason` needs no UI or GPU library.
"""

__version__ = "0.1.0"
