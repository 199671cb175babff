"""Input formats: how a source record becomes question and candidate rows.

Detected from a record's field names. Question formats give questions; label formats also
give candidate responses, and their labels become judgments of a named judge, so they can be
compared with verifiers later. Every mapper takes one decoded record and returns `Mapped`, or
raises `RowError` with a reason that ends up in quarantine.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


class RowError(ValueError):
    """A record that cannot be used; the message is the quarantine reason."""


@dataclass
class QuestionRow:
    question: Any
    answer: Any
    id: Any = None
    answer_type: Any = None
    category: Any = None
    difficulty: Any = None
    options: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class CandidateRow:
    response: Any
    model: Any = None
    id: Any = None
    label: Any = None  # True / False / None (unlabelled)
    question_id: Any = None  # refers to a stored question instead of carrying one


@dataclass
class Mapped:
    questions: list[QuestionRow]
    candidates: list[tuple[int, CandidateRow]] = field(default_factory=list)  # (index into questions or -1, row)


@dataclass(frozen=True)
class Format:
    name: str
    kind: str  # "questions" or "labels"
    required: frozenset[str]  # field names that identify it
    mapper: Callable[[Mapping[str, Any]], Mapped]
    default_judge: str | None = None
    help: str = ""


def _rest(record: Mapping[str, Any], used: set[str]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in used}


def _source_id(prefix: str, value: Any, field: str) -> str:
    """'<prefix>:<the source's own id>'; a missing id is the row's fault, not a new id 'None'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowError(f"missing {field}")
    return f"{prefix}:{value}"


def _letter_options(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):  # some exports store the list as its Python repr
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            raise RowError("options is a string that is not a list") from None
    if not isinstance(value, list | tuple):
        raise RowError(f"options must be a list of texts, got {type(value).__name__}")
    return [str(v) for v in value]


# --- question formats -------------------------------------------------------------------


def map_webinstruct(r: Mapping[str, Any]) -> Mapped:
    """WebInstruct-verified: id, question, answer, answer_type, category, difficulty."""
    used = {"id", "question", "answer", "answer_type", "category", "difficulty", "options"}
    return Mapped([QuestionRow(
        question=r.get("question"), answer=r.get("answer"), id=r.get("id"),
        answer_type=r.get("answer_type"), category=r.get("category"),
        difficulty=r.get("difficulty"), options=_letter_options(r.get("options")),
        extra=_rest(r, used),
    )])


def map_mmlu_pro(r: Mapping[str, Any]) -> Mapped:
    """MMLU-Pro: the answer is a letter over up to 10 options."""
    used = {"question_id", "question", "options", "answer", "category"}
    return Mapped([QuestionRow(
        question=r.get("question"), answer=r.get("answer"), id=_source_id("mmlu_pro", r.get("question_id"), "question_id"),
        answer_type="Multiple Choice", category=r.get("category"),
        options=_letter_options(r.get("options")), extra=_rest(r, used),
    )])


_THEOREMQA_TYPES = {
    "integer": "Integer", "float": "Float", "bool": "Boolean", "option": "Multiple Choice",
    "list of integer": "List", "list of float": "List",
}


def map_theoremqa(r: Mapping[str, Any]) -> Mapped:
    """TheoremQA: typed answers (numbers, booleans, lists, "(a)"-style options)."""
    used = {"Question", "Answer", "Answer_type", "id", "field"}
    kind = r.get("Answer_type")
    return Mapped([QuestionRow(
        question=r.get("Question"), answer=r.get("Answer"), id=_source_id("theoremqa", r.get("id"), "id"),
        answer_type=_THEOREMQA_TYPES.get(str(kind), kind), category=r.get("field"),
        extra=_rest(r, used),
    )])


def map_math500(r: Mapping[str, Any]) -> Mapped:
    """MATH-500: LaTeX answers, difficulty as "Level 1".."Level 5"."""
    used = {"problem", "answer", "unique_id", "level"}
    level = r.get("level")
    return Mapped([QuestionRow(
        question=r.get("problem"), answer=r.get("answer"), id=_source_id("math500", r.get("unique_id"), "unique_id"),
        category="Mathematics", difficulty=None if level is None else f"Level {level}",
        extra=_rest(r, used),
    )])


_GSM8K_FINAL = re.compile(r"(?:####|^A:)\s*(.+?)\s*$", re.MULTILINE)


def _gsm8k_final(solution: Any) -> str:
    if not isinstance(solution, str):
        raise RowError("GSM8K answer must be text ending in '#### <number>'")
    found = _GSM8K_FINAL.findall(solution)
    if not found:
        raise RowError("GSM8K answer has no final '#### <number>' line")
    return found[-1].replace(",", "")


def map_gsm8k(r: Mapping[str, Any]) -> Mapped:
    """GSM8K: the reference is the number after '####'; the worked solution goes to extra."""
    final = _gsm8k_final(r.get("answer"))
    kind = "Integer" if re.fullmatch(r"-?\d+", final) else None
    return Mapped([QuestionRow(
        question=r.get("question"), answer=final, answer_type=kind, category="Mathematics",
        difficulty="Grade School", extra={"solution": r.get("answer")},
    )])


def map_bbeh(r: Mapping[str, Any]) -> Mapped:
    """BIG-Bench Extra Hard: input/target, with the task name when present."""
    task = r.get("task")
    return Mapped([QuestionRow(
        question=r.get("input"), answer=r.get("target"),
        category=str(task).removeprefix("bbeh_") if task else "bbeh", extra=_rest(r, {"input", "target"}),
    )])


# --- label formats ----------------------------------------------------------------------


def map_candidates(r: Mapping[str, Any]) -> Mapped:
    """Responses to stored questions: question_id, response, optional id, model, label."""
    return Mapped([], [(-1, CandidateRow(
        response=r.get("response"), model=r.get("model"), id=r.get("id"),
        label=r.get("label"), question_id=r.get("question_id"),
    ))])


REFERENCE_FIELDS = ("reference", "answer", "ground_truth", "gold", "golden_answer", "target")
LABEL_FIELDS = ("label", "is_correct", "correct", "human_label")


def _first(r: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    return next((r[n] for n in names if n in r), None)


def map_labels(r: Mapping[str, Any]) -> Mapped:
    """Generic labelled responses: question, a reference (reference/answer/ground_truth/gold/...),
    response, and a label (label/is_correct/correct/...), with optional answer_type and options."""
    reference = _first(r, REFERENCE_FIELDS)
    q = QuestionRow(
        question=r.get("question"), answer=reference, answer_type=r.get("answer_type"),
        category=r.get("category"), difficulty=r.get("difficulty"),
        options=_letter_options(r.get("options")),
    )
    return Mapped([q], [(0, CandidateRow(response=r.get("response"), model=r.get("model"),
                                         label=_first(r, LABEL_FIELDS)))])


def map_evouna_pairs(r: Mapping[str, Any]) -> Mapped:
    """EVOUNA pairs: a system's answer to an open-domain question with a human judgment."""
    q = QuestionRow(question=r.get("question"), answer=r.get("golden_answer"), answer_type="String",
                    category=r.get("dataset"), extra={"improper": r.get("improper")})
    return Mapped([q], [(0, CandidateRow(response=r.get("answer"), model=r.get("model"), label=r.get("judge")))])


def map_evouna(r: Mapping[str, Any]) -> Mapped:
    """EVOUNA per-question records: answer_<system> and judge_<system> for each system."""
    q = QuestionRow(question=r.get("question"), answer=r.get("golden_answer"), answer_type="String",
                    extra={"improper": r.get("improper")})
    cands = [
        (0, CandidateRow(response=r[key], model=key.removeprefix("answer_"), label=r.get("judge_" + key.removeprefix("answer_"))))
        for key in r if key.startswith("answer_")
    ]
    return Mapped([q], cands)


def map_gsm8k_pairs(r: Mapping[str, Any]) -> Mapped:
    """OpenAI's GSM8K model solutions with is_correct from their final-answer check."""
    q = QuestionRow(question=r.get("question"), answer=_gsm8k_final(r.get("ground_truth")),
                    answer_type="Integer", category="Mathematics", difficulty="Grade School")
    return Mapped([q], [(0, CandidateRow(response=r.get("solution"), model=r.get("system"), label=r.get("is_correct")))])


def map_mmlu_pro_outputs(r: Mapping[str, Any]) -> Mapped:
    """MMLU-Pro model outputs: label = the regex-extracted letter equals the answer."""
    mapped = map_mmlu_pro(r)
    mapped.questions[0].extra = {}
    pred, answer = r.get("pred"), r.get("answer")
    label = None if pred is None else pred == answer
    return Mapped(mapped.questions, [(0, CandidateRow(response=r.get("generated_text"), model=r.get("model"), label=label))])


def map_theoremqa_outputs(r: Mapping[str, Any]) -> Mapped:
    """TheoremQA model outputs (unlabelled): the first `correct` value is the reference."""
    correct = r.get("correct")
    answer = correct[0] if isinstance(correct, list) and correct else correct
    q = QuestionRow(question=r.get("question"), answer=answer)
    return Mapped([q], [(0, CandidateRow(response=r.get("solution"), model="internlm2-math-20b"))])


def map_sampled_math(r: Mapping[str, Any]) -> Mapped:
    """Several sampled responses per question with per-response rule scores."""
    responses, scores = r.get("code"), r.get("score") or []
    if not isinstance(responses, list):
        raise RowError("code must be a list of responses")
    q = QuestionRow(question=r.get("question"), answer=r.get("gt"), category="Mathematics",
                    difficulty=r.get("level"))
    return Mapped([q], [
        (0, CandidateRow(response=text, model="sample", label=scores[i] if i < len(scores) else None))
        for i, text in enumerate(responses)
    ])


# Most specific first: detection takes the first format whose fields are all present.
FORMATS: dict[str, Format] = {f.name: f for f in [
    Format("mmlu_pro_outputs", "labels", frozenset({"question_id", "options", "answer", "pred", "generated_text"}), map_mmlu_pro_outputs, "mmlu_pro_regex", "MMLU-Pro model outputs"),
    Format("mmlu_pro", "questions", frozenset({"question_id", "question", "options", "answer"}), map_mmlu_pro, help="MMLU-Pro questions"),
    Format("theoremqa", "questions", frozenset({"Question", "Answer", "Answer_type"}), map_theoremqa, help="TheoremQA"),
    Format("theoremqa_outputs", "labels", frozenset({"question", "correct", "solution", "pred"}), map_theoremqa_outputs, None, "TheoremQA model outputs (unlabelled)"),
    Format("math500", "questions", frozenset({"problem", "answer", "unique_id"}), map_math500, help="MATH-500"),
    Format("gsm8k_pairs", "labels", frozenset({"question", "ground_truth", "solution", "is_correct"}), map_gsm8k_pairs, "gsm8k_label", "GSM8K model solutions with is_correct"),
    Format("sampled_math", "labels", frozenset({"question", "gt", "code", "score"}), map_sampled_math, "sample_score", "k sampled responses per question with scores"),
    Format("evouna_pairs", "labels", frozenset({"question", "golden_answer", "answer", "judge"}), map_evouna_pairs, "human", "EVOUNA (question, system) pairs, human labels"),
    Format("labels", "labels", frozenset({"question", "response"}), map_labels, "imported", "labelled responses (question, reference, response, label)"),
    Format("evouna", "labels", frozenset({"question", "golden_answer"}), map_evouna, "human", "EVOUNA per-question records"),
    Format("webinstruct", "questions", frozenset({"question", "answer", "answer_type", "category", "difficulty"}), map_webinstruct, help="WebInstruct-verified"),
    Format("candidates", "labels", frozenset({"question_id", "response"}), map_candidates, "imported", "responses to stored questions (question_id, response, label)"),
    Format("gsm8k", "questions", frozenset({"question", "answer"}), map_gsm8k, help="GSM8K (answer ends in '#### n')"),
    Format("bbeh", "questions", frozenset({"input", "target"}), map_bbeh, help="BIG-Bench Extra Hard"),
]}


def detect_format(first_record: Mapping[str, Any]) -> Format | None:
    """The first format whose identifying fields the record has (GSM8K also needs '####')."""
    fields = set(first_record)
    for fmt in FORMATS.values():
        if fmt.required <= fields:
            if fmt.name == "gsm8k" and "####" not in str(first_record.get("answer", "")):
                continue
            return fmt
    return None


def generic_format(mapping: Mapping[str, str]) -> Format:
    """Any record with a column mapping: our field -> the source's field name."""
    unknown = set(mapping) - {"id", "question", "answer", "answer_type", "category", "difficulty", "options"}
    if unknown:
        raise ValueError(f"--map names unknown target fields {sorted(unknown)}")

    def mapper(r: Mapping[str, Any]) -> Mapped:
        renamed = {ours: r.get(theirs) for ours, theirs in mapping.items()}
        used = set(mapping.values())
        row = QuestionRow(
            question=renamed.get("question"), answer=renamed.get("answer"), id=renamed.get("id"),
            answer_type=renamed.get("answer_type"), category=renamed.get("category"),
            difficulty=renamed.get("difficulty"), options=_letter_options(renamed.get("options")),
            extra=_rest(r, used),
        )
        return Mapped([row])

    return Format("generic", "questions", frozenset(mapping.values()), mapper, help="generic with --map")


def parse_mapping(text: str) -> dict[str, str]:
    """'question=problem,answer=final' -> {'question': 'problem', 'answer': 'final'}."""
    mapping = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        ours, sep, theirs = part.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise ValueError(f"--map entry {part!r} is not of the form field=column")
        mapping[ours.strip()] = theirs.strip()
    if "question" not in mapping or "answer" not in mapping:
        raise ValueError("--map must name at least question=<column> and answer=<column>")
    return mapping


def json_default(value: Any) -> Any:
    """Encode values JSON does not know (dates, numpy scalars) as text."""
    return str(value)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=json_default)
