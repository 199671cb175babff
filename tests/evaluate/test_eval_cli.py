"""`genreason eval`: rescore to JSON and the store, list, show, and errors that say what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genreason.cli.main import main


def _outputs(tmp_path: Path) -> Path:
    # Several samples per question, as a list: option texts, right whatever the shuffle.
    rows = [{"question_id": "recFix001", "outputs": ["\\boxed{Nitrogen}", "\\boxed{Oxygen}", "\\boxed{Nitrogen}"]},
            {"question_id": "recFix002", "outputs": ["\\boxed{Volt}", "no idea", "\\boxed{Ohm}"]},
            {"question_id": "recFix003", "outputs": ["\\boxed{23}", "\\boxed{23}", "\\boxed{46}"]}]
    path = tmp_path / "outputs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_rescore_json_store_list_and_show(tmp_path: Path, gpqa_csv: Path, capsys: pytest.CaptureFixture) -> None:
    db = str(tmp_path / "cli.duckdb")
    args = ["eval", "rescore", "--db", db, "--benchmark", "gpqa", "--data", str(gpqa_csv),
            "--in", str(_outputs(tmp_path)), "--model", "m1", "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    s = out["run"]["summary"]
    assert (s["questions"], s["samples"], s["correct"], s["no_answer"]) == (3, 3, 4, 1)
    assert s["pass_at"]["1"] == pytest.approx((2 / 3 + 1 / 3 + 1 / 3) / 3)
    assert s["pass_at"]["3"] == pytest.approx(1.0)
    assert s["maj_at"]["3"] == pytest.approx(1 / 3)  # Nitrogen wins; Volt ties first with Ohm; 23 wins
    assert out["run"]["protocol"] == "external" and out["run"]["judge"] == "choice"
    assert main(["eval", "list", "--db", db]) == 0
    listing = capsys.readouterr().out
    assert "gpqa" in listing and "model=m1" in listing
    run_id = listing.split()[0]
    assert main(["eval", "show", run_id, "--db", db]) == 0
    assert "pass@" in capsys.readouterr().out


def test_missing_benchmark_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(["eval", "rescore", "--db", str(tmp_path / "x.duckdb"), "--benchmark", "gpqa",
                 "--in", str(tmp_path / "none.jsonl")])
    assert code == 1
    assert "pass its file (--data PATH)" in capsys.readouterr().err
    assert not (tmp_path / "x.duckdb").exists()


def test_five_shot_without_the_validation_split_says_where_it_is_missing(
        tmp_path: Path, capsys: pytest.CaptureFixture, realdata: Path) -> None:
    code = main(["eval", "run", "--no-store", "--benchmark", "mmlu_pro", "--backend", "hf", "--model", str(tmp_path),
                 "--protocol", "5-shot-cot", "--limit", "1"])
    assert code == 1
    assert "not in shared/realdata" in capsys.readouterr().err


def test_rescoring_the_same_outputs_again_replaces_the_run(tmp_path: Path, gpqa_csv: Path,
                                                           capsys: pytest.CaptureFixture) -> None:
    db = str(tmp_path / "again.duckdb")
    args = ["eval", "rescore", "--db", db, "--benchmark", "gpqa", "--data", str(gpqa_csv),
            "--in", str(_outputs(tmp_path)), "--model", "m1"]
    assert main(args) == 0 and main(args) == 0
    assert main([*args, "--judge", "choice+harness"]) == 0  # another judge: another run
    capsys.readouterr()
    assert main(["eval", "list", "--db", db]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 2
