"""`genreason judge`: judge responses with a verifier, from a JSONL file or the database.

    genreason judge --judge rule --in responses.jsonl --out judged.jsonl
    genreason judge --judge rule --db data/genreason.duckdb            # stored candidates
    genreason judge --judge rule --db data/genreason.duckdb --limit 500 --redo

File mode: each input line is a JSON object with `question`, `reference` and `response`,
optionally `answer_type` and `options` (a list of option texts, lettered A, B, ...) and `id`;
other fields pass through. Each output line adds `verdict` (true, false or null = undecided),
`extracted`, `reason` and `rule`. A malformed line stops the run with an error naming the
file and line, before anything is judged.

Database mode judges stored candidates (by default those this judge has not judged yet) in
batches, and stores each batch's judgments at once, so an interrupted run resumes.

The verifier is built by `build_verifier(args)` through the registry, so other judges
("model", "hybrid") plug in by adding their options to `add_verifier_arguments`.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from genreason.judging import Item, Judgment, Verifier
from genreason.store import JudgeConflictError, StoreError
from genreason.verify.registry import VERIFIERS, make_verifier

logger = logging.getLogger(__name__)

REQUIRED_FIELDS = ("question", "reference", "response")
ADDED_FIELDS = ("verdict", "extracted", "reason", "rule")


class InputError(ValueError):
    """A bad input row; the message names file and line."""


def finite_float(low: float, high: float, *, low_open: bool = True) -> Callable[[str], float]:
    """An argparse type: a finite number in (low, high] (or [low, high]); inf, nan, 1e300 and
    text get a message naming the allowed range instead of a traceback or a silent no-limit."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value) or value > high or (value <= low if low_open else value < low):
            bound = f"more than {low:g}" if low_open else f"at least {low:g}"
            raise argparse.ArgumentTypeError(f"must be a finite number, {bound} and at most {high:g}; got {text!r}")
        return value

    return parse


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number in [low, high], with a message naming the range."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low:,} and {high:,}; got {value:,}")
        return value

    return parse


# Bounds of the numeric options: generous, but finite (a day per item, 10**6 tokens, ...).
MAX_TIMEOUT_S = 86_400.0
MAX_WORKERS = 1024
MAX_NEW_TOKENS = 1_000_000
MAX_COUNT = 10**12


def add_verifier_arguments(parser: argparse.ArgumentParser) -> None:
    """Options that choose, name and configure the verifier (judge, probe)."""
    parser.add_argument("--judge", default="rule", choices=sorted(VERIFIERS), help="which verifier judges (default: rule)")
    parser.add_argument("--name", metavar="NAME",
                        help="the judge's name in the store (default: rule, model:<model>, hybrid:<model>); "
                             "a new name is needed to judge with another configuration")
    parser.add_argument("--timeout", type=finite_float(0.0, MAX_TIMEOUT_S), default=5.0, metavar="S",
                        help="rule verifier: seconds per item before it is undecided (default 5)")
    parser.add_argument("--workers", type=bounded_int(0, MAX_WORKERS), default=None, metavar="N",
                        help="rule verifier: worker processes (default: one per CPU core; 0: in this process)")
    add_model_arguments(parser)


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the model verifier, used by --judge model and --judge hybrid."""
    group = parser.add_argument_group("model verifier (--judge model / hybrid)")
    group.add_argument("--backend", choices=["hf", "vllm", "openai"], default="hf",
                       help="local transformers, local vLLM, or an OpenAI-compatible server (default hf)")
    group.add_argument("--model", metavar="PATH_OR_NAME",
                       help="verifier model: a local directory (hf, vllm) or the served model name (openai)")
    group.add_argument("--base-url", metavar="URL", help="OpenAI-compatible server, e.g. http://localhost:8000/v1")
    group.add_argument("--max-new-tokens", type=bounded_int(1, MAX_NEW_TOKENS), default=1024, metavar="N",
                       help="verifier decoding budget (default 1024; the paper used 1024-2048)")
    group.add_argument("--send-rejected", action="store_true",
                       help="hybrid: also send answers the rules rejected to the model")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_verifier_arguments(parser)
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--in", dest="input", type=Path, metavar="FILE", help="JSONL file of items to judge")
    src.add_argument("--db", nargs="?", const="", metavar="DB", help="judge stored candidates (default DB: $GENREASON_DB or data/genreason.duckdb)")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="JSONL output for --in (default: standard output); written beside and moved into place")
    parser.add_argument("--limit", type=bounded_int(0, MAX_COUNT), metavar="N", help="judge at most N items")
    parser.add_argument("--redo", action="store_true", help="--db: judge again candidates this judge already judged")
    parser.add_argument("--batch", type=bounded_int(1, 1_000_000), default=512, metavar="N", help="items per batch (default 512)")
    parser.add_argument("--detail", action="store_true", help="--in: also write `detail` (how each side was parsed)")


def judge_name(args: argparse.Namespace) -> str:
    """The name this run's judge is stored under: --name, else rule / model:<m> / hybrid:<m>."""
    from genreason.store.judges import default_judge_name

    if getattr(args, "name", None):
        name = args.name.strip()
        if not name:
            raise ValueError("--name must not be empty")
        return name
    return default_judge_name(args.judge, getattr(args, "model", None), served=getattr(args, "backend", None) == "openai")


def build_verifier(args: argparse.Namespace) -> Verifier:
    """The verifier named by --judge, configured from the parsed options and named by
    `judge_name` (so its judgments are stored under the judge's identity)."""
    if args.judge in ("model", "hybrid"):
        return build_model_judge(args)
    if args.judge == "rule":
        return make_verifier("rule", name=judge_name(args), timeout_s=args.timeout, workers=args.workers)
    return make_verifier(args.judge)


def build_model_judge(args: argparse.Namespace) -> Verifier:
    """The model or hybrid verifier from the model options; ValueError when --model is missing."""
    if not args.model:
        raise ValueError(f"--judge {args.judge} needs --model PATH_OR_NAME (and --base-url for --backend openai)")
    model_options = {"backend_name": args.backend, "model": args.model, "base_url": args.base_url,
                     "max_new_tokens": args.max_new_tokens}
    name = judge_name(args)
    if args.judge == "model":
        return make_verifier("model", name=name, **model_options)
    rule = make_verifier("rule", timeout_s=args.timeout, workers=args.workers)
    return make_verifier("hybrid", rule=rule, model_options=model_options, send_rejected=args.send_rejected, name=name)


def _options(value: Any, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(o, (str, int, float)) for o in value):
        raise InputError(f"{where}: 'options' must be a list of option texts")
    return tuple(str(o) for o in value) or None


def read_items(path: Path) -> list[tuple[dict[str, Any], Item]]:
    """Parse and validate every row of a JSONL file; InputError names the first bad line."""
    rows: list[tuple[dict[str, Any], Item]] = []
    try:
        raw_lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    for lineno, raw in enumerate(raw_lines, start=1):
        where = f"{path}:{lineno}"
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{where}: not valid UTF-8 (byte at column {exc.start + 1})") from exc
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise InputError(f"{where}: expected a JSON object")
        missing = [f for f in REQUIRED_FIELDS if f not in row]
        if missing:
            raise InputError(f"{where}: missing field(s) {', '.join(missing)}")
        for f in REQUIRED_FIELDS:
            if not isinstance(row[f], (str, int, float)) or isinstance(row[f], bool):
                raise InputError(f"{where}: field {f!r} must be text")
        if not str(row["reference"]).strip():
            raise InputError(f"{where}: empty 'reference'")
        answer_type = row.get("answer_type")
        if answer_type is not None and not isinstance(answer_type, str):
            raise InputError(f"{where}: 'answer_type' must be text")
        item_id = row.get("id")
        rows.append(
            (
                row,
                Item(
                    question=str(row["question"]),
                    reference=str(row["reference"]),
                    response=str(row["response"]),
                    answer_type=answer_type,
                    options=_options(row.get("options"), where),
                    item_id=str(item_id) if item_id is not None else f"line-{lineno}",
                ),
            )
        )
    return rows


def _batches(seq: list, size: int) -> Iterator[list]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def output_row(row: dict[str, Any], judgment: Judgment, with_detail: bool) -> dict[str, Any]:
    """The input row with the judgment's fields added (input fields kept unchanged)."""
    out = dict(row)
    out.update(verdict=judgment.verdict, extracted=judgment.extracted, reason=judgment.reason, rule=judgment.rule)
    if with_detail:
        out["detail"] = judgment.detail
    if judgment.rule and judgment.rule.startswith(("model", "hybrid")):
        # Model judges: the rendered verifier prompt and the model's raw output (None where the
        # rules decided or nothing was extracted).
        out["verifier_prompt"] = judgment.detail.get("prompt")
        out["verifier_output"] = judgment.detail.get("output")
    return out


def _summary(judgments: list[Judgment], seconds: float) -> str:
    counts = Counter({True: "true", False: "false", None: "undecided"}[j.verdict] for j in judgments)
    rate = len(judgments) / seconds if seconds > 0 else 0.0
    parts = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("true", "false", "undecided"))
    return f"judged {len(judgments)} items ({parts}) in {seconds:.1f}s, {rate:.0f}/s"


def judge_file(args: argparse.Namespace, verifier: Verifier) -> int:
    """Judge a JSONL file. With --out, rows go to a temporary file beside the output that
    replaces it only when every row is written: an interrupted run (Ctrl-C, kill, a full disk)
    leaves the old output whole, also when --out is the input file itself."""
    rows = read_items(args.input)
    if args.limit is not None:
        rows = rows[: args.limit]
    out_path: Path | None = args.out
    tmp_path: Path | None = None
    if out_path is not None:
        if out_path.is_dir():
            raise InputError(f"{out_path}: is a folder; give a file name for --out")
        tmp_path = out_path.with_name(f".{out_path.name}.{os.getpid()}.partial")
        try:
            out = open(tmp_path, "w", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{out_path}: cannot write ({exc.strerror})") from exc
    else:
        out = sys.stdout
    started = time.perf_counter()
    all_judgments: list[Judgment] = []
    finished = False
    try:
        for batch in _batches(rows, max(1, args.batch)):
            judgments = verifier.verify_batch([item for _, item in batch])
            all_judgments += judgments
            for (row, _), judgment in zip(batch, judgments, strict=True):
                out.write(json.dumps(output_row(row, judgment, args.detail), ensure_ascii=False, default=str) + "\n")
            out.flush()
        if tmp_path is not None:
            os.fsync(out.fileno())
        finished = True
    finally:
        if out is not sys.stdout:
            out.close()
        if tmp_path is not None:
            if finished:
                os.replace(tmp_path, out_path)  # atomic on one file system
            else:
                tmp_path.unlink(missing_ok=True)
    print(_summary(all_judgments, time.perf_counter() - started), file=sys.stderr)
    return 0


def judge_identity(verifier: Verifier) -> tuple[str, dict[str, Any]]:
    """(kind, config) recorded for this verifier in the `judges` table."""
    from genreason.verify.registry import judge_config

    return judge_config(verifier)


def judge_db(args: argparse.Namespace, verifier: Verifier) -> int:
    from genreason import store
    from genreason.config import resolve_db_path

    db = args.db or None
    kind, config = judge_identity(verifier)
    if not resolve_db_path(db).exists():
        raise StoreError(f"no database at {resolve_db_path(db)}: run `genreason demo` or `genreason ingest` first")
    # A writing connection (judge is a writing command: it migrates an older store), short.
    with store.connect(db) as con:
        # Refuse before any work when the name is taken by another configuration.
        store.check_judge(con, verifier.name, kind, config)
        total = store.candidate_count(con)
        items = store.candidate_items(con, limit=args.limit, judge_missing=None if args.redo else verifier.name)
        if items:
            store.register_judge(con, verifier.name, kind, config)
    if not items:
        if total == 0:
            print("nothing to judge: the store has no candidates; ingest responses first "
                  "(genreason ingest FILE with a `response` field, or a labelled set)", file=sys.stderr)
        else:
            print(f"nothing to judge: all {total:,} stored candidates have a {verifier.name!r} judgment "
                  "(use --redo to judge them again)", file=sys.stderr)
        return 0
    # The stage runner judges in batches into its run folder (an interrupted run resumes
    # from it) and stores judgments and the stage run in one short transaction at the end.
    from genreason.curate.judge import JudgeConfig, JudgeStage, item_row, judgments_of
    from genreason.curate.runner import read_outcomes, run_stage

    stage = JudgeStage(JudgeConfig(judge=args.judge, batch_size=max(1, args.batch), limit=args.limit,
                                   identity={"kind": kind, "verifier": config}), verifier=verifier)
    result = run_stage(stage, [item_row(i) for i in items], db=db, redo=args.redo, progress=False)
    judged = judgments_of(list(read_outcomes(result.run_dir / "outcomes.jsonl").values()))
    print(_summary(judged, result.seconds) + f"; stored as judge {verifier.name!r}, run {result.run_id}",
          file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        verifier = build_verifier(args)
    except (ValueError, TypeError) as exc:
        print(f"genreason judge: {exc}", file=sys.stderr)
        return 2
    try:
        if args.input is not None:
            return judge_file(args, verifier)
        return judge_db(args, verifier)
    except InputError as exc:
        print(f"genreason judge: {exc}", file=sys.stderr)
        return 2
    except JudgeConflictError as exc:
        print(f"genreason judge: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"genreason judge: {exc}", file=sys.stderr)
        return 1
    finally:
        close = getattr(verifier, "close", None)
        if callable(close):
            close()
