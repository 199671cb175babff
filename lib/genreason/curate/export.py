"""Export a snapshot: parquet, jsonl, a Hugging Face dataset folder, or verl's parquet.

    export_snapshot(rows, "verl", "out/", name="v1")   # -> out/train.parquet + out/README.md

- parquet / jsonl: the snapshot's rows (id, source, question, answer, answer_type, category,
  difficulty, options), one file `<name>.parquet` / `<name>.jsonl`.
- hf: `datasets.Dataset.save_to_disk(out/<name>)`, loadable with `datasets.load_from_disk`.
- verl: `train.parquet` in the layout General-Reasoner's own preprocessing writes for verl:
  `data_source`, `prompt` (chat messages: the question, lettered options when it has any,
  and the paper's suffix), `ability` (the subject), `reward_model {style, ground_truth}`,
  `extra_info {index, question, answer, answer_type, category, difficulty, options}`; and a
  README naming the reward function (genreason.curate.verl_reward.compute_score) to set as
  verl's `custom_reward_function`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from genreason.curate.candidates import PAPER_SUFFIX, solution_prompt

FORMATS = ("parquet", "jsonl", "hf", "verl")
ROW_FIELDS = ("id", "source", "question", "answer", "answer_type", "category", "difficulty", "options")


def verl_record(row: Mapping[str, Any], index: int, data_source: str, suffix: str = PAPER_SUFFIX) -> dict[str, Any]:
    """One snapshot row as a verl training record."""
    return {
        "data_source": data_source,
        "prompt": [{"role": "user", "content": solution_prompt(row, suffix)}],
        "ability": str(row.get("category") or "general"),
        "reward_model": {"style": "rule", "ground_truth": str(row["answer"])},
        "extra_info": {"index": index, "id": str(row["id"]), "question": row["question"],
                       "answer": row["answer"], "answer_type": row.get("answer_type"),
                       "category": row.get("category"), "difficulty": row.get("difficulty"),
                       "options": list(row["options"]) if row.get("options") else []},
    }


def _plain(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (list(r[k]) if k == "options" and r.get(k) is not None else r.get(k)) for k in ROW_FIELDS}
            for r in rows]


def export_snapshot(rows: Sequence[Mapping[str, Any]], fmt: str, out: str | Path, *, name: str) -> list[Path]:
    """Write `rows` in format `fmt` under folder `out`; returns the files/folders written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    plain = _plain(rows)
    if fmt == "parquet":
        path = out / f"{name}.parquet"
        pq.write_table(pa.Table.from_pylist(plain), path)
        return [path]
    if fmt == "jsonl":
        path = out / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for r in plain:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        return [path]
    if fmt == "hf":
        try:
            import datasets
        except ImportError as exc:
            raise ValueError("the hf format needs the `datasets` package: pip install 'genreason[train]'") from exc
        path = out / name
        datasets.Dataset.from_list(plain).save_to_disk(str(path))
        return [path]
    records = [verl_record(r, i, f"genreason/{name}") for i, r in enumerate(plain)]
    path = out / "train.parquet"
    pq.write_table(pa.Table.from_pylist(records), path)
    from genreason.curate import verl_reward

    readme = out / "README.md"
    readme.write_text(
        f"# {name}: {len(records)} questions for verl\n\n"
        "Train with verl's GRPO on `train.parquet` (and a validation split of your choice):\n\n"
        "```\n"
        f"data.train_files={path.resolve()}\n"
        f"custom_reward_function.path={Path(verl_reward.__file__).resolve()}\n"
        "custom_reward_function.name=compute_score\n"
        "```\n\n"
        "The reward is General-Reasoner's (-0.5 no answer; 1 - 0.05 * min(10, token length "
        "difference) when the judge accepts; else 0). Set GENREASON_REWARD_JUDGE and "
        "GENREASON_REWARD_TOKENIZER on the workers to choose the judge and the tokenizer.\n",
        encoding="utf-8")
    return [path, readme]
