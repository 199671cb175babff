"""Evaluation on the paper's benchmarks: loaders, protocols, deterministic judges, scores.

    from genreason.evaluate import EvalConfig, run_evaluation, rescore, save_result

Modules: `loaders` (each benchmark's file format), `protocols` (zero-shot boxed, MMLU-Pro
5-shot CoT), `judges` (+ `bbeh_match`), `metrics` (accuracy, pass@k, maj@k), `outputs`
(existing outputs in their own formats), `harness` (agreement with a harness's extracted
answers), `runner` (run, rescore, save). Results are stored by `genreason.store.evals`.
"""

from genreason.evaluate.loaders import BENCHMARKS, BenchQuestion, load_benchmark
from genreason.evaluate.runner import EvalConfig, EvalResult, rescore, run_evaluation, save_result

__all__ = ["BENCHMARKS", "BenchQuestion", "EvalConfig", "EvalResult", "load_benchmark", "rescore",
           "run_evaluation", "save_result"]
