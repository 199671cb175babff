"""The generated attack families, one function each: (question, reference) -> wrong answers.

The building blocks (spans, siblings, why a span is wrong, what is excluded and why) are in
`genreason.verify.assess.attacks`; `generate_attacks` runs every family on one question and
drops any answer equal to the reference or one of its alternatives.

    generated = generate_attacks("Which ocean is the largest?", "Pacific Ocean")
    [(a.family, a.answer) for a in generated.attacks]   # [("head_word", "Ocean"), ...]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from genreason.verify.assess.attacks import (
    _NUMBER,
    _PREFIXED,
    _PREFIXES,
    _WITH_UNIT,
    FAMILIES,
    LETTERS,
    GeneratedAttack,
    GeneratedSet,
    _rng,
    alternatives,
    norm,
    siblings,
    span_wrong_reason,
)
from genreason.verify.rules.kinds import declared_kind
from genreason.verify.rules.text.words import split_alternatives

MAX_SPAN_WORDS = 12  # references longer than this are sentences: their spans are not probed


def _bare_number(ref: str) -> str | None:
    text = ref.strip().replace("$", "")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    return text if _NUMBER.match(text) else None


def _spans(q: str, ref: str, out: GeneratedSet, accepted: Sequence[str] = ()) -> None:
    """accepted: every alternative the verifier accepts; a span holding one of them whole
    ("December 1968" of "17 December 1968" beside "1968") is not wrong."""
    whole = [a for a in accepted if a.strip()]
    for alt in alternatives(ref):
        tokens = alt.split()
        if not 2 <= len(tokens) <= MAX_SPAN_WORDS or re.search(r"[\\^=]", alt):
            continue  # single words have no proper span; formulas are not word sequences
        n = len(tokens)
        for start in range(n):
            for end in range(start + 1, n + 1):
                if end - start == n:
                    continue
                answer = " ".join(tokens[start:end]).strip(" ,;:")
                family = "head_word" if start == n - 1 and end == n else "sub_span"
                if any(
                    norm(a) != norm(alt) and re.search(rf"(?<!\w){re.escape(_bare(a))}(?!\w)", norm(answer)) for a in whole
                ):
                    out.excluded.append((family, answer, "holds another accepted alternative whole"))
                    continue
                if start == 0 and "," in alt and norm(answer) == norm(alt.split(",", 1)[0]):
                    # "Seattle" of "Seattle, Washington": the verifier accepts a place without its qualifier
                    out.excluded.append((family, answer, "the name before its qualifier"))
                    continue
                why = span_wrong_reason(tokens, start, end, q)
                if why is None:
                    out.excluded.append((family, answer, "may be right (not shown wrong by echo/numeral/function/given_name)"))
                else:
                    out.attacks.append(GeneratedAttack(family, why, answer))


def _is_right(answer: str, right: set[str]) -> bool:
    """Whether `answer` is an accepted alternative, or names only accepted ones ("L2 or L2")."""
    sides = [norm(side) for side in re.split(r"\s+or\s+", answer)]
    return norm(answer) in right or all(side in right for side in sides)


def _or_sides(accepted: Sequence[str]) -> list[str]:
    """The accepted alternatives, and each side of one that names a thing two ways ("physical
    layer or layer 1": the verifier accepts either name, `text.parts.judge_part`)."""
    out = list(accepted)
    for alt in accepted:
        sides = re.split(r"\s+or\s+", alt)
        if len(sides) == 2 and all(side.strip() for side in sides):
            out += [side.strip() for side in sides]
    return out


def _bare(text: str) -> str:
    """`norm(text)` without a leading article: "the president" is held by "President"."""
    return re.sub(r"^(?:the|a|an)\s+", "", norm(text))


def _first(ref: str) -> str:
    """The first of a reference's alternatives: a sibling of the whole "A/B/C" list would
    still hold the right alternatives."""
    return alternatives(ref)[0]


def _siblings(q: str, ref: str, options: Sequence[str] | None, out: GeneratedSet) -> None:
    for variant, answer in siblings(_first(ref), options):
        out.attacks.append(GeneratedAttack("sibling", variant, answer))


def _other_siblings(r: str, options: Sequence[str] | None, right: set[str]) -> list[tuple[str, str]]:
    """Siblings of `r` that are not themselves accepted ("1928" of "1927/1928" is right)."""
    return [(variant, answer) for variant, answer in siblings(r, options) if not _is_right(answer, right)]


def _plus_other(
    q: str, ref: str, options: Sequence[str] | None, others: Sequence[str], right: set[str], out: GeneratedSet
) -> None:
    r = _first(ref)
    sib = _other_siblings(r, options, right)
    rivals = [o for o in others if norm(o) != norm(ref)]
    other = sib[-1][1] if sib else (rivals[_rng(q, ref, "rival").randrange(len(rivals))] if rivals else "none of the above")
    out.attacks += [
        GeneratedAttack("plus_other", "and", f"{r} and {other}"),
        GeneratedAttack("plus_other", "comma", f"{r}, {other}"),
        GeneratedAttack("plus_other", "also", f"{r}. It could also be {other}."),
    ]


def _negated(q: str, ref: str, out: GeneratedSet) -> None:
    r = _first(ref)
    out.attacks += [
        GeneratedAttack("negation", "not", f"not {r}"),
        GeneratedAttack("negation", "it is not", f"It is not {r}."),
        GeneratedAttack("negation", "is incorrect", f"{r} is incorrect"),
        GeneratedAttack("negation", "anything but", f"anything but {r}"),
    ]


def _restated(q: str, ref: str, out: GeneratedSet) -> None:
    question = " ".join(q.split())
    if not question:
        return
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", question) if s.strip()]
    asking = next((s for s in reversed(sentences) if s.endswith("?")), sentences[-1])
    variants = {
        "whole": question[:1500],
        "asking sentence": asking[:600],
        "framed": f"Question: {question[:1500]}",
        "first 60%": question[: max(1, int(len(question) * 0.6))],
    }
    for variant, answer in variants.items():
        out.attacks.append(GeneratedAttack("restated", variant, answer))


def _values(q: str, ref: str, options: Sequence[str] | None, others: Sequence[str], n: int) -> list[str]:
    r = ref.strip()
    if len(r) == 1 and r.upper() in LETTERS:
        pool = [c for c in LETTERS[: max(len(options or ()), 4)] if c != r.upper()]
    else:
        number = _bare_number(r)
        rng = _rng(q, r, f"values{n}")
        pool = [s for _, s in siblings(r, options)]
        if number is not None:
            value = float(number)
            pool += [f"{value * k:g}" for k in (2, 3, 0.5, 10, -1)] + [str(rng.randint(-99, 999)) for _ in range(n)]
        pool += [o for o in others if norm(o) != norm(r)]
    pool = [p for p in dict.fromkeys(pool) if norm(p) != norm(r)]
    rng = _rng(q, r, f"pick{n}")
    picked = pool[: n - 1] if len(pool) <= n - 1 else rng.sample(pool, n - 1)
    picked.insert(rng.randrange(len(picked) + 1), r)
    return picked


def _many_values(q: str, ref: str, options: Sequence[str] | None, others: Sequence[str], out: GeneratedSet) -> None:
    for n in (6, 25):
        values = _values(q, ref, options, others, n)
        if len(values) >= 3:
            out.attacks.append(GeneratedAttack("many_values", f"{len(values)} values", ", ".join(values)))


def _unit_power(q: str, ref: str, out: GeneratedSet) -> None:
    r = ref.strip()
    number = _bare_number(r)
    percent = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*\\?%", r)
    if percent:
        v = float(percent[1])
        if v != 0:
            # 25% written as 2.5% or 250%; "0.25" (the same value as a fraction) is not an attack
            out.attacks += [GeneratedAttack("unit_power", "percent /10", f"{v / 10:g}%"),
                            GeneratedAttack("unit_power", "percent x10", f"{v * 10:g}%")]
        return
    m = _WITH_UNIT.match(r)
    if m:
        unit = m["unit"]
        for base in _PREFIXED:
            if unit == base:
                for p in _PREFIXES[:2]:
                    out.attacks.append(GeneratedAttack("unit_power", f"prefix {p}", f"{m['num']} {p}{unit}"))
                break
            if len(unit) == len(base) + 1 and unit.endswith(base) and unit[0] in _PREFIXES:
                out.attacks.append(GeneratedAttack("unit_power", "prefix dropped", f"{m['num']} {base}"))
                break
        number = m["num"]
    if number is None:
        return
    value = float(number)
    if value == 0:
        out.excluded.append(("unit_power", r, "zero: scaling does not change it"))
        return
    suffix = f" {m['unit']}" if m else ""
    for variant, k in (("x10", 10.0), ("/10", 0.1), ("x1000", 1000.0)):
        out.attacks.append(GeneratedAttack("unit_power", variant, f"{value * k:.6g}{suffix}"))
    out.attacks.append(GeneratedAttack("unit_power", "x 10^3 written", f"{number} \\times 10^{{3}}{suffix}"))


def _odd_notation(q: str, ref: str, out: GeneratedSet) -> None:
    r = ref.strip()
    number = _bare_number(r)
    if number is None:
        return
    value = float(number)
    digits = re.sub(r"\D", "", number) or "1"
    odd = {
        "1e500": "1e500", "-1e500": "-1e500", "inf": "inf", "infinity": "\\infty", "NaN": "NaN",
        "hex of its digits": f"0x{digits}",  # 0x31 is 49, not 31 (and 0x0 is 0: excluded below)
    }
    if value != 0:
        # These scale the value: for a zero reference they would be equal, not wrong.
        odd["400 digits"] = digits + "0" * 400
        odd["e-notation shifted"] = f"{number}e5"
        if abs(value) > 1e-300:
            odd["1e-500"] = "1e-500"
        if re.fullmatch(r"-?\d+", number):
            # 7_000 is 7000 (Python's reading), not 7; in a decimal's fraction part ("1.5_000")
            # an underscore would leave the value unchanged, so it is used on integers only
            odd["underscore thousands"] = f"{number}_000"
    else:
        out.excluded.append(("odd_notation", r, "zero: 400 digits, e5 and _000 leave it unchanged"))
    if int(digits, 16) == value:  # 0x7 is 7: a one-digit integer's hex is the same number
        out.excluded.append(("odd_notation", odd.pop("hex of its digits"), "the same value in hex"))
    for variant, answer in odd.items():
        out.attacks.append(GeneratedAttack("odd_notation", variant, answer))


def _padding(q: str, ref: str, options: Sequence[str] | None, right: set[str], out: GeneratedSet) -> None:
    r = _first(ref)
    rng = _rng(q, r, "padding")
    filler = " ".join(
        "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(1, 3)))
        for _ in range(120)
    )
    sib = _other_siblings(r, options, right)
    other = sib[0][1] if sib else "none"
    out.attacks += [
        GeneratedAttack("padding", "buried in filler", f"{filler[: len(filler) // 2]} {r} {filler[len(filler) // 2 :]}"),
        GeneratedAttack("padding", "another answer far below", f"{r}{' ' * 2000}{other}"),
        GeneratedAttack("padding", "another answer lines below", f"{r}" + "\n" * 40 + f"{other}"),
    ]


def generate_attacks(
    question: str,
    reference: str,
    *,
    options: Sequence[str] | None = None,
    others: Sequence[str] = (),
    families: Sequence[str] | None = None,
    answer_type: str | None = None,
) -> GeneratedSet:
    """Every generated family's attacks on one question (see the module docstring of
    `genreason.verify.assess.attacks` for what is excluded and why).

    others: references of other questions in the same set, used as distractor values.
    answer_type: the declared type; a declared String reference is read as the verifier reads
        it, every "/"-separated part an accepted alternative ("60/22": 60 or 22), so siblings
        and second answers are built from its first part.
    """
    out = GeneratedSet()
    declared_string = declared_kind(answer_type) == "string"
    base = split_alternatives(reference)[0] if declared_string else reference
    own = {norm(reference), *(norm(a) for a in alternatives(reference))}
    if declared_string:
        own |= {norm(a) for a in split_alternatives(reference)}
    others = [o for o in others if norm(o) not in own]  # another question with this same reference
    right = {norm(a) for a in alternatives(reference)} | {norm(reference)}
    if declared_string:
        right |= {norm(a) for a in split_alternatives(reference)}
    right |= {norm(a) for a in _or_sides(list(right))}  # "L2" of "L1 or L2" is right
    if options and len(reference.strip()) == 1 and reference.strip().upper() in LETTERS:
        k = LETTERS.index(reference.strip().upper())
        if k < len(options):
            right.add(norm(options[k]))  # the right option's text is right
    chosen = set(families or FAMILIES)
    unknown = chosen - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown attack families {sorted(unknown)}; choose from {', '.join(FAMILIES)}")
    runs: dict[str, Callable[[], None]] = {
        "sub_span": lambda: _spans(question, reference, out, _or_sides(split_alternatives(reference) if declared_string else alternatives(reference))),
        "sibling": lambda: _siblings(question, base, options, out),
        "plus_other": lambda: _plus_other(question, base, options, others, right, out),
        "negation": lambda: _negated(question, base, out),
        "restated": lambda: _restated(question, reference, out),
        "many_values": lambda: _many_values(question, reference, options, others, out),
        "unit_power": lambda: _unit_power(question, reference, out),
        "odd_notation": lambda: _odd_notation(question, reference, out),
        "padding": lambda: _padding(question, base, options, right, out),
    }
    if "head_word" in chosen and "sub_span" not in chosen:
        runs["sub_span"]()
    for name, run in runs.items():
        if name in chosen:
            run()
    kept, seen = [], set()
    for a in out.attacks:
        key = (a.family, a.answer)
        if a.family not in chosen or key in seen:
            continue
        seen.add(key)
        if _is_right(a.answer, right) or not a.answer.strip():
            out.excluded.append((a.family, a.answer, "equals the reference or one of its alternatives"))
            continue
        kept.append(a)
    out.attacks = kept
    return out
