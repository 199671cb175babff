"""`genreason curate` and `genreason snapshot` from the command line, on the sample."""

from __future__ import annotations

import json

import pyarrow.parquet as pq

from genreason.cli.main import main


def test_curate_run_status_and_snapshot_commands(sample_db, tmp_path, capsys):
    db = str(sample_db)
    assert main(["curate", "run", "--db", db, "--stages", "annotate,difficulty,pass_rate", "--no-progress",
                 "--set", "pass_rate.judge=reference", "--set", "pass_rate.low=0.4"]) == 0
    out = capsys.readouterr().out
    assert "difficulty" in out and "below kept difficulty 81" in out
    assert main(["curate", "status", "--db", db, "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert [s["stage"] for s in status["funnel"]] == ["annotate", "difficulty", "pass_rate"]
    assert status["funnel"][2]["drop_reasons"]
    assert main(["snapshot", "create", "v1", "--db", db, "--require-stage", "pass_rate"]) == 0
    assert main(["snapshot", "create", "v1", "--db", db]) == 2  # immutable: the name is taken
    assert "immutable" in capsys.readouterr().err
    assert main(["snapshot", "show", "v1", "--db", db, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["n_rows"] == status["funnel"][2]["kept"]
    assert main(["snapshot", "export", "v1", "--db", db, "--format", "verl", "--out", str(tmp_path / "verl")]) == 0
    assert pq.read_table(tmp_path / "verl" / "train.parquet").num_rows == shown["n_rows"]


def test_bad_settings_and_stages_are_named(sample_db, capsys):
    assert main(["curate", "run", "--db", str(sample_db), "--stages", "polish"]) == 2
    assert "unknown stage" in capsys.readouterr().err
    assert main(["curate", "run", "--db", str(sample_db), "--stages", "pass_rate", "--set", "pass_rate.low=2"]) == 2
    assert "0 <= low < high <= 1" in capsys.readouterr().err
    assert main(["curate", "run", "--db", str(sample_db), "--stages", "candidates"]) == 2
    assert "needs a model" in capsys.readouterr().err


def test_prompt_prints_the_shipped_file(capsys):
    assert main(["curate", "prompt", "extract"]) == 0
    captured = capsys.readouterr()
    assert "{document}" in captured.out and "extract.md" in captured.err
