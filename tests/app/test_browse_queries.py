"""The read queries the app's pages call (genreason.store.browse), on a real seeded store."""

from __future__ import annotations

import itertools
from pathlib import Path

from genreason import store
from genreason.store import browse
from genreason.store.browse import QuestionFilter


def test_facet_summary_agrees_with_sql_counts_for_every_single_filter(sample_db: Path) -> None:
    with store.connect(sample_db, read_only=True) as con:
        table = browse.facet_table(con)
        everything = browse.facet_summary(table, QuestionFilter())
        assert everything.total == browse.count_questions(con, QuestionFilter())
        cases = [QuestionFilter(**{col: (value,)}) for col in browse.FACETS
                 for value in everything.values[col][:3]]
        pairs = itertools.islice(itertools.combinations(everything.values["category"], 2), 3)
        cases += [QuestionFilter(category=pair, difficulty=(everything.values["difficulty"][0],))
                  for pair in pairs]
        for filters in cases:
            summary = browse.facet_summary(table, filters)
            assert summary.total == browse.count_questions(con, filters), filters
            # A facet's own bars ignore its own filter; the others' bars add up to the total.
            assert sum(n for _, n in summary.counts["answer_type"]) == (
                summary.total if not filters.answer_type
                else browse.count_questions(con, filters.without("answer_type")))


def test_text_search_goes_through_the_facet_table(sample_db: Path) -> None:
    with store.connect(sample_db, read_only=True) as con:
        word = con.execute("SELECT split_part(question, ' ', 2) FROM questions LIMIT 1").fetchone()[0]
        table = browse.facet_table(con, word)
        summary = browse.facet_summary(table, QuestionFilter(text=word))
        assert summary.total == browse.count_questions(con, QuestionFilter(text=word)) > 0
        assert browse.facet_summary(browse.facet_table(con, "%_no such text_%"),
                                    QuestionFilter()).total == 0


def test_stage_status_comes_from_the_latest_decision_of_each_stage(sample_db: Path) -> None:
    with store.connect(sample_db, read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT id FROM questions ORDER BY id LIMIT 3").fetchall()]
    with store.connect(sample_db) as con, store.transaction(con):
        store.add_decisions(con, "r1", "difficulty", [(ids[0], True, None, None),
                                                      (ids[1], True, None, None),
                                                      (ids[2], False, "too easy", None)])
        store.add_decisions(con, "r2", "pass_rate", [(ids[1], False, "all 8 correct", None)])
    with store.connect(sample_db, read_only=True) as con:
        summary = browse.facet_summary(browse.facet_table(con), QuestionFilter())
        counts = dict(summary.counts["status"])
        total = browse.count_questions(con, QuestionFilter())
        assert counts == {"ingested": total - 3, "kept: difficulty": 1,
                          "dropped: pass_rate": 1, "dropped: difficulty": 1}
        for status, n in counts.items():
            filters = QuestionFilter(status=(status,))
            assert browse.count_questions(con, filters) == n
            assert browse.facet_summary(browse.facet_table(con), filters).total == n
        word = con.execute("SELECT split_part(question, ' ', 2) FROM questions WHERE id = ?",
                           [ids[2]]).fetchone()[0]
        searched = browse.facet_summary(browse.facet_table(con, word), QuestionFilter(text=word))
        for status, n in searched.counts["status"]:
            assert n == browse.count_questions(con, QuestionFilter(text=word, status=(status,)))
        assert "dropped: difficulty" in dict(searched.counts["status"])
        kept = browse.question_page(con, QuestionFilter(status=("kept: difficulty", "ingested")),
                                    limit=5)
        assert ids[0] in {r["id"] for r in kept} and ids[1] not in {r["id"] for r in kept}


def test_question_detail_holds_candidates_judgments_and_provenance(sample_db: Path) -> None:
    with store.connect(sample_db, read_only=True) as con:
        cid, qid = con.execute("SELECT candidate_id, question_id FROM judgments "
                               "WHERE judge = 'rule' ORDER BY 1 LIMIT 1").fetchone()
        q = browse.question_detail(con, qid)
        assert browse.question_detail(con, "no-such-id") is None
    assert q["id"] == qid and q["answer"] and isinstance(q["options"], list)
    assert q["ingest"]["stage"] == "ingest" and q["ingest"]["config"]["files"]
    candidate = next(c for c in q["candidates"] if c["id"] == cid)
    assert {j["judge"] for j in candidate["judgments"]} >= {"rule", "reference"}
    assert all(isinstance(j["detail"], dict) for j in candidate["judgments"])


def test_candidate_selection_follows_filters_and_skips_judged(sample_db: Path) -> None:
    with store.connect(sample_db, read_only=True) as con:
        subject = con.execute("SELECT category FROM questions q JOIN candidates c "
                              "ON c.question_id = q.id GROUP BY 1 ORDER BY count(*) DESC").fetchone()[0]
        filters = QuestionFilter(category=(subject,))
        ids = browse.candidate_ids(con, filters)
        assert len(ids) == browse.count_candidates(con, filters) > 0
        assert ids == sorted(ids)
        unjudged = browse.candidate_ids(con, QuestionFilter(), judge_missing="rule")
        judged = {r[0] for r in con.execute(
            "SELECT candidate_id FROM judgments WHERE judge = 'rule'").fetchall()}
        total = con.execute("SELECT count(*) FROM candidates").fetchone()[0]
        assert len(unjudged) == total - len(judged) and not judged & set(unjudged)
        assert browse.candidate_ids(con, filters, limit=2, seed=None) == ids[:2]  # first by id
        sample = browse.candidate_ids(con, filters, limit=2)  # a seeded, stratified sample
        assert len(sample) == 2 and set(sample) <= set(ids) and sample == sorted(sample)


def test_a_rerun_stage_counts_with_its_latest_decision(sample_db: Path) -> None:
    with store.connect(sample_db, read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT id FROM questions ORDER BY id LIMIT 2").fetchall()]
    with store.connect(sample_db) as con:
        with store.transaction(con):
            store.add_decisions(con, "run-1", "difficulty", [(ids[0], False, "too easy", None),
                                                             (ids[1], True, None, None)])
        with store.transaction(con):
            # A second run of the same stage with a new threshold keeps the first question.
            store.add_decisions(con, "run-2", "difficulty", [(ids[0], True, None, None)])
    with store.connect(sample_db, read_only=True) as con:
        assert "arg_max(kept" in browse.status_sql(con)  # two runs of one stage: the exact form
        summary = browse.facet_summary(browse.facet_table(con), QuestionFilter())
        assert dict(summary.counts["status"])["kept: difficulty"] == 2
        assert "dropped: difficulty" not in dict(summary.counts["status"])
        assert browse.count_questions(con, QuestionFilter(status=("kept: difficulty",))) == 2


def test_no_decisions_means_every_question_is_ingested(sample_db: Path) -> None:
    with store.connect(sample_db, read_only=True) as con:
        assert browse.status_sql(con) is None
        total = browse.count_questions(con, QuestionFilter())
        assert browse.count_questions(con, QuestionFilter(status=("ingested",))) == total
        assert browse.count_questions(con, QuestionFilter(status=("kept: x",))) == 0
