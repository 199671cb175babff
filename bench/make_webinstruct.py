"""Write a synthetic WebInstruct-verified-format Parquet file of N rows (for benchmarks).

The answer-type and subject mixes follow the paper's reported shares (General-Reasoner,
arXiv:2505.14652, section 2); question texts are templated, so the file is for timing only.

    python bench/make_webinstruct.py --rows 1000000 --out data/bench/webinstruct_1m.parquet
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ANSWER_TYPES = {"Float": 29.4, "Expression": 21.4, "Multiple Choice": 13.4, "Integer": 10.0,
                "String": 7.0, "List": 5.7, "Boolean": 5.5, "Percentage": 3.1, "Fraction": 2.4,
                "Matrix": 2.1}
CATEGORIES = {"Mathematics": 33.9, "Physics": 23.7, "Chemistry": 10.4, "Business": 10.0,
              "Finance": 5.8, "Economics": 5.1, "History": 2.7, "Biology": 2.6, "Other": 6.0}
DIFFICULTIES = {"University": 60.0, "PhD": 10.0, "Senior High School": 20.0, "Junior High School": 10.0}
TOPICS = ["energy", "velocity", "interest rate", "equilibrium", "enzyme", "revenue", "integral",
          "matrix rank", "probability", "molar mass", "treaty", "elasticity", "torque", "entropy"]


def _pick(rng: np.random.Generator, table: dict[str, float], n: int) -> np.ndarray:
    names = list(table)
    weights = np.array([table[k] for k in names])
    return np.array(names, dtype=object)[rng.choice(len(names), size=n, p=weights / weights.sum())]


def make_table(rows: int, seed: int = 0) -> pa.Table:
    rng = np.random.default_rng(seed)
    a, b = rng.integers(1, 10_000, rows), rng.integers(1, 1_000, rows)
    topics = np.array(TOPICS, dtype=object)[rng.integers(0, len(TOPICS), rows)]
    questions = [f"A problem about {t}: given a = {x} and b = {y}, compute the {t} for case {i}."
                 for i, (t, x, y) in enumerate(zip(topics, a, b, strict=True))]
    answers = [str(x * y) for x, y in zip(a, b, strict=True)]
    return pa.table({
        "id": [f"wi-{i:08d}" for i in range(rows)],
        "question": questions,
        "answer": answers,
        "answer_type": _pick(rng, ANSWER_TYPES, rows).tolist(),
        "category": _pick(rng, CATEGORIES, rows).tolist(),
        "difficulty": _pick(rng, DIFFICULTIES, rows).tolist(),
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("data/bench/webinstruct_1m.parquet"))
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(make_table(args.rows), args.out)
    print(f"wrote {args.rows:,} rows to {args.out}")


if __name__ == "__main__":
    main()
