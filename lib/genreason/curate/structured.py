"""LLM output you can trust: JSON validated against a pydantic schema, retried, or a recorded failure.

    results = generate_structured(backend, prompts, Annotation, SamplingParams(max_new_tokens=512))
    for r in results:
        r.value      # a validated Annotation, or None
        r.error      # None, or "invalid JSON" / "unknown label" / "schema" / "truncated"
        r.raw        # every raw output, one per attempt (the evidence of a failure)

The JSON schema goes to the backend as `SamplingParams.json_schema` (the OpenAI-compatible
`response_format` / vLLM guided decoding, where the server supports it; a server that refuses
it is asked again without it); every output is
parsed and validated here anyway, since a server may ignore the schema and a truncated
reply is never valid. A failed attempt is retried with the failure told to the model (the
bad output as the assistant's turn, then "that was not valid: ..."), which changes the prompt
so a greedy or cached backend does not repeat itself. After the last retry the failure is
returned, never raised: the stage records it as a decision and the run goes on.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from genreason.llm.base import BackendError, ModelBackend, Prompt, SamplingParams, as_messages

log = logging.getLogger(__name__)

ERROR_KINDS = ("invalid JSON", "unknown label", "schema", "truncated")
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.S)


@dataclass
class StructuredResult:
    """One prompt's outcome: a validated value, or the failure with every raw output."""

    value: BaseModel | None
    raw: list[str] = field(default_factory=list)
    error: str | None = None  # one of ERROR_KINDS when value is None
    message: str = ""  # what was wrong with the last attempt
    attempts: int = 0

    def evidence(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, "attempts": self.attempts,
                "raw": [r[:4000] for r in self.raw]}


def json_text(text: str) -> str:
    """The JSON object in a reply: fences stripped, from the first '{' to the last '}'."""
    s = text.strip()
    fenced = _FENCE.match(s)
    if fenced:
        s = fenced.group(1)
    start, end = s.find("{"), s.rfind("}")
    return s[start:end + 1] if 0 <= start < end else s


def parse_reply(text: str, schema: type[BaseModel], finish_reason: str | None = None) -> tuple[BaseModel | None, str | None, str]:
    """(value, error kind, message) for one raw reply."""
    try:
        data = json.loads(json_text(text))
    except ValueError as exc:
        if finish_reason == "length":
            return None, "truncated", "the reply was cut off at the token limit before the JSON ended"
        return None, "invalid JSON", f"not valid JSON ({exc})"
    try:
        return schema.model_validate(data), None, ""
    except ValidationError as exc:
        errors = exc.errors()
        kind = "unknown label" if any(e.get("type") in ("literal_error", "enum") for e in errors) else "schema"
        first = errors[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "(top level)"
        return None, kind, f"{where}: {first.get('msg')} (got {str(first.get('input'))[:80]!r})"


def schema_params(params: SamplingParams, schema: type[BaseModel], use_schema: bool) -> SamplingParams:
    """`params` with the schema attached where SamplingParams supports it."""
    names = {f.name for f in dataclasses.fields(params)}
    if use_schema and "json_schema" in names:
        return dataclasses.replace(params, json_schema=schema.model_json_schema())
    return params


def _retry_prompt(prompt: Prompt, reply: str, message: str) -> Prompt:
    return as_messages(prompt) + [
        {"role": "assistant", "content": reply},
        {"role": "user", "content": f"That reply was not valid: {message}. Reply again with only "
                                    "the JSON object, following the schema and the allowed labels."},
    ]


def generate_structured(
    backend: ModelBackend,
    prompts: Sequence[Prompt],
    schema: type[BaseModel],
    params: SamplingParams,
    *,
    retries: int = 2,
    use_schema: bool = True,
) -> list[StructuredResult]:
    """Generate one validated `schema` object per prompt (see the module docstring)."""
    if retries < 0:
        raise ValueError(f"retries must be >= 0, got {retries}")
    params = schema_params(dataclasses.replace(params, n=1), schema, use_schema)
    results = [StructuredResult(value=None) for _ in prompts]
    pending = list(range(len(prompts)))
    current: list[Prompt] = list(prompts)
    for attempt in range(retries + 1):
        if not pending:
            break
        batch = [current[i] for i in pending]
        try:
            gens = backend.generate(batch, params, chat=True)
        except BackendError as exc:
            if getattr(params, "json_schema", None) is None:
                raise
            # "Where the server supports it": one that refuses response_format gets plain
            # requests; the replies are parsed and validated here either way.
            log.warning("the server refused the JSON schema (%s); asking without it", exc)
            params = dataclasses.replace(params, json_schema=None)
            gens = backend.generate(batch, params, chat=True)
        still = []
        for i, gen in zip(pending, gens, strict=True):
            text = gen.text
            reason = gen.finish_reasons[0] if gen.finish_reasons else None
            value, kind, message = parse_reply(text, schema, reason)
            r = results[i]
            r.raw.append(text)
            r.attempts = attempt + 1
            if value is not None:
                r.value, r.error, r.message = value, None, ""
                continue
            r.error, r.message = kind, message
            current[i] = _retry_prompt(current[i], text, message)
            still.append(i)
        pending = still
    for i in pending:
        log.info("structured output failed after %d attempts: %s (%s)",
                 results[i].attempts, results[i].error, results[i].message)
    return results
