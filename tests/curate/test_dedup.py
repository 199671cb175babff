"""Dedup: exact and near duplicates, the math rule (a changed number is another question),
representatives, and no chained clusters. Rates on 1M rows are measured in bench/bench_dedup.py."""

from __future__ import annotations

import random

import pytest

from genreason.curate.dedup import (
    DedupConfig,
    find_duplicate_rows,
    find_duplicates,
    normalize_text,
    question_text,
    tokens,
)

TRAIN = ("A train leaves the station at 3 pm travelling at 60 km per hour towards a city that is "
         "240 km away along a straight track. At what time does it arrive at the city?")


def decide(texts: list[str], config: DedupConfig | None = None) -> dict[str, tuple[str | None, float | None, str | None]]:
    ids = [f"r{i}" for i in range(len(texts))]
    return {d.id: (d.duplicate_of, d.similarity, d.kind) for d in find_duplicates(ids, texts, config)}


def word_jaccard(a: str, b: str) -> float:
    sa, sb = set(tokens(a)), set(tokens(b))
    return len(sa & sb) / len(sa | sb)


@pytest.mark.parametrize("variant", [
    "what is   2 + 3 ?",  # case, spaces, punctuation
    "What is ２+３?",  # full-width digits (NFKC)
    "What is $2 \\, + \\, 3$?",  # LaTeX spacing and delimiters
    "WHAT\tIS\n2+3",  # tabs, newlines, no question mark
])
def test_exact_duplicates_after_normalisation(variant: str) -> None:
    got = decide(["What is 2+3?", variant])
    assert got["r0"] == (None, None, None)
    assert got["r1"] == ("r0", 1.0, "exact")


def test_latex_forms_normalise_alike() -> None:
    assert normalize_text(r"Compute $\dfrac{1}{2}\cdot 3{,}000$") == normalize_text(r"compute \frac{1}{2} * 3000")
    assert normalize_text(r"\left( x \right) \le 5") == normalize_text("(x) <= 5")
    assert normalize_text("1,000,000 well-known") == "1000000 well known"
    assert normalize_text("5 − 3 × 2 ≤ 7") == normalize_text("5 - 3 * 2 <= 7")  # Unicode operators


def test_one_changed_number_is_another_question() -> None:
    got = decide(["What is 2+3?", "What is 2+4?", "What is 2-3?"])
    assert all(dup is None for dup, _, _ in got.values())
    # even when every word is the same and the text is long
    changed = TRAIN.replace("60 km", "70 km")
    assert word_jaccard(TRAIN, changed) > 0.9
    assert decide([TRAIN, changed])["r1"][0] is None


def test_reworded_question_is_a_near_duplicate_with_its_jaccard() -> None:
    reworded = TRAIN.replace("travelling", "moving").replace("towards", "toward").replace("arrive at", "reach")
    got = decide([TRAIN, reworded])
    dup, sim, kind = got["r1"]
    assert (dup, kind) == ("r0", "near")
    assert sim == pytest.approx(word_jaccard(TRAIN, reworded), abs=1e-4)
    assert sim >= DedupConfig().threshold


def test_moved_clause_is_a_near_duplicate_but_swapped_numbers_are_not() -> None:
    a = "If a square garden has sides 12 m long, find the area of the garden in square metres, please."
    b = "Find the area of the garden in square metres, if a square garden has sides 12 m long."
    assert decide([a, b])["r1"][:1] == ("r0",)
    p = "The probability that Ann wins a game is 30%. If Ann plays 9 games, what is the probability of winning exactly 5 of them?"
    q = "The probability that Ann wins a game is 30%. If Ann plays 5 games, what is the probability of winning exactly 9 of them?"
    assert word_jaccard(p, q) == 1.0
    assert decide([p, q])["r1"][0] is None


def test_distinct_questions_are_not_merged() -> None:
    texts = [
        TRAIN,
        "A rectangle has a length of 12 cm and a width of 5 cm. What is the length of its diagonal?",
        "Which enzyme in human saliva begins the digestion of starch in the mouth before food is swallowed?",
        "In which year did the Berlin Wall fall, ending the division of the city into east and west parts?",
    ]
    assert all(dup is None for dup, _, _ in decide(texts).values())


def test_short_texts_are_only_exact_duplicates() -> None:
    # one word apart out of six: a near duplicate by Jaccard (5/7), but another question
    got = decide(["What is the capital of France?", "What is the capital of Spain?"])
    assert got["r1"][0] is None
    assert word_jaccard("What is the capital of France?", "What is the capital of Spain?") >= 0.7


def test_representative_is_first_or_lowest_id() -> None:
    reworded = TRAIN.replace("travelling", "moving")
    ids, texts = ["b", "a"], [TRAIN, reworded]
    first = {d.id: d.duplicate_of for d in find_duplicates(ids, texts)}
    assert first == {"b": None, "a": "b"}
    lowest = {d.id: d.duplicate_of for d in find_duplicates(ids, texts, DedupConfig(keep="lowest_id"))}
    assert lowest == {"a": None, "b": "a"}


def test_exact_copies_follow_their_group_into_a_near_cluster() -> None:
    reworded = TRAIN.replace("travelling", "moving")
    got = decide([TRAIN, reworded, reworded.upper()])
    assert got["r1"][:1] == got["r2"][:1] == ("r0",)
    assert got["r2"][1] == got["r1"][1] < 1.0  # similarity to the representative, not to its twin


def test_no_chains_every_duplicate_is_similar_to_its_representative() -> None:
    words = ("alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike "
             "november oscar papa quebec romeo sierra tango").split()
    a = " ".join(words)
    b = a.replace("delta", "dune").replace("hotel", "hill")
    c = b.replace("lima", "lake").replace("papa", "pond")
    assert word_jaccard(a, b) >= 0.7 and word_jaccard(b, c) >= 0.7 > word_jaccard(a, c)
    got = decide([a, b, c])
    assert got["r1"][0] == "r0"
    assert got["r2"][0] is None  # c is like b, but b is a duplicate, and c is not like a
    got = decide([b, a, c])
    assert got["r1"][0] == got["r2"][0] == "r0"


def test_option_order_does_not_matter() -> None:
    q = "Which gas makes up the largest share of Earth's atmosphere by volume?"
    a = question_text(q, ["Nitrogen", "Oxygen", "Argon", "Carbon dioxide"])
    b = question_text(q, ["Argon", "carbon  dioxide", "Nitrogen", "Oxygen"])
    assert decide([a, b])["r1"] == ("r0", 1.0, "exact")


def test_planted_duplicates_found_among_random_questions() -> None:
    rng = random.Random(3)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6)) for _ in range(3000)]
    base = [" ".join(rng.choice(vocab) for _ in range(rng.randint(12, 30))) + f" {rng.randint(1, 10**6)}" for _ in range(3000)]
    planted = {}
    texts = list(base)
    for src in rng.sample(range(len(base)), 100):
        words = base[src].split()
        words.insert(rng.randrange(1, len(words)), "please")  # one inserted word, numbers kept
        planted[len(texts)] = src
        texts.append(" ".join(words).upper())
    got = decide(texts)
    found = {int(k[1:]): int(v[0][1:]) for k, v in got.items() if v[0] is not None}
    assert found == planted


def test_rows_form_and_bad_input() -> None:
    rows = [{"id": 1, "question": "What is 2+3?"}, {"id": 2, "question": "what is 2 + 3", "options": None}]
    assert [d.duplicate_of for d in find_duplicate_rows(rows)] == [None, "1"]
    with pytest.raises(ValueError, match="row 0 needs"):
        find_duplicate_rows([{"id": 1}])
    with pytest.raises(ValueError, match="unique"):
        find_duplicates(["a", "a"], ["x", "y"])
    with pytest.raises(ValueError, match="2 ids but 1 texts"):
        find_duplicates(["a", "b"], ["x"])
    with pytest.raises(ValueError, match="threshold"):
        DedupConfig(threshold=0)
    with pytest.raises(ValueError, match="multiple of bands"):
        DedupConfig(num_perm=64, bands=10)
    assert find_duplicates([], []) == []


def test_deterministic() -> None:
    texts = [TRAIN, TRAIN.replace("travelling", "moving"), "What is 2+3?", "what is 2+3"]
    assert decide(texts) == decide(texts)
