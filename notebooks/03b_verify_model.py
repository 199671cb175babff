"""Stage 3b, verify with a model: the paper's generative verifier next to the rules and the labels.

Judges the stored candidates with the rule verifier, the model verifier (General-Reasoner's
prompt, greedy, "Final Decision: Yes") and the hybrid (rules first, the model on the rest),
then compares each against the reference labels and against each other, by answer type and
subject, lists where rule and model disagree, and probes each judge with answers that are wrong
by construction (false positives).

    marimo edit notebooks/03b_verify_model.py
    python notebooks/03b_verify_model.py --db data/genreason.duckdb --limit 50
    python notebooks/03b_verify_model.py --model path/to/general-verifier --backend hf
    python notebooks/03b_verify_model.py --backend openai --model general-verifier --base-url http://localhost:8000/v1

Without --model a tiny random-weight model is built locally: it exercises the whole path but
its verdicts are noise (mostly undecided). Judgments stay in memory unless you press "Save".
Build the demo database first: `genreason demo`.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")

with app.setup:
    import argparse

    import marimo as mo
    import pandas as pd
    import plotly.express as px

    from genreason import store
    from genreason.config import default_db_path
    from genreason.curate.judge import JudgeConfig, JudgeStage, item_row, judgments_of
    from genreason.curate.runner import store_outcomes
    from genreason.verify.assess.compare import (
        agreement_by,
        breakdown,
        candidate_tags,
        disagreements,
        metrics,
        pair_judgments,
    )
    from genreason.verify.assess.probe import questions_from_store, run_probe
    from genreason.verify.hybrid import HybridVerifier
    from genreason.verify.model import ModelVerifier
    from genreason.verify.rules.verifier import RuleVerifier


@app.cell
def parameters():
    # Command-line arguments (python notebooks/03b_verify_model.py --limit 50 ...) set the defaults.
    _parser = argparse.ArgumentParser(prog="python notebooks/03b_verify_model.py")
    # The repository's database whatever the current folder (genreason.config.default_db_path).
    _parser.add_argument("--db", default=str(default_db_path()))
    _parser.add_argument("--limit", type=int, default=60)
    _parser.add_argument("--backend", default="hf", choices=["hf", "vllm", "openai"])
    _parser.add_argument("--model", default="")
    _parser.add_argument("--base-url", default="")
    _parser.add_argument("--max-new-tokens", type=int, default=64)
    _parser.add_argument("--labels", default="reference", help="judge holding the labels")
    _parser.add_argument("--probe-questions", type=int, default=10)
    _parser.add_argument("--run", action="store_true",
                         help="judge without waiting for the button (marimo export html ... -- --run)")
    _args, _ = _parser.parse_known_args()
    run_now = _args.run or mo.app_meta().mode == "script"
    db_input = mo.ui.text(value=_args.db, label="database", full_width=True)
    limit_input = mo.ui.number(value=_args.limit, start=1, stop=100_000, label="candidates")
    backend_input = mo.ui.dropdown(["hf", "vllm", "openai"], value=_args.backend, label="backend")
    model_input = mo.ui.text(value=_args.model, label="verifier model (empty: tiny random model)", full_width=True)
    base_url_input = mo.ui.text(value=_args.base_url, label="base URL (openai backend)")
    tokens_input = mo.ui.number(value=_args.max_new_tokens, start=1, stop=4096, label="max new tokens")
    labels_input = mo.ui.text(value=_args.labels, label="label judge")
    probe_input = mo.ui.number(value=_args.probe_questions, start=1, stop=1000, label="probe questions")
    run = mo.ui.run_button(label="Judge")
    mo.vstack([db_input, mo.hstack([limit_input, backend_input, tokens_input, labels_input]),
               model_input, base_url_input, probe_input, run])
    return (backend_input, base_url_input, db_input, labels_input, limit_input, model_input,
            probe_input, run, run_now, tokens_input)


@app.cell
def verifiers(backend_input, base_url_input, model_input, tokens_input):
    if model_input.value.strip():
        model_path = model_input.value.strip()
    else:
        from genreason.llm.tiny import tiny_model_dir

        model_path = str(tiny_model_dir())  # random weights: verdicts are noise
    model_verifier = ModelVerifier(
        backend_name=backend_input.value,
        model=model_path,
        base_url=base_url_input.value.strip() or None,
        max_new_tokens=int(tokens_input.value),
    )
    rule_verifier = RuleVerifier()
    hybrid_verifier = HybridVerifier(rule_verifier, model_verifier)
    mo.md(f"Model verifier: `{model_verifier.describe()}`")
    return hybrid_verifier, model_verifier, rule_verifier


@app.cell
def judge(db_input, hybrid_verifier, limit_input, model_verifier, rule_verifier, run, run_now):
    # In the editor judging waits for the button; as a script (or exported with --run) it runs
    # straight away.
    mo.stop(not run.value and not run_now, mo.md("Press **Judge** to run the three judges."))
    with store.connect(db_input.value, read_only=True) as _con:
        items = store.candidate_items(_con, limit=int(limit_input.value))
        tags = candidate_tags(_con, [i.item_id for i in items])
    # The judge stage's own function, in memory; "Save" stores its outcomes as a stage run.
    judge_stages = {
        _name: JudgeStage(JudgeConfig(judge=_name), verifier=_v)
        for _name, _v in (("rule", rule_verifier), ("model", model_verifier), ("hybrid", hybrid_verifier))
    }
    _rows = [item_row(_i) for _i in items]
    outcomes = {_name: _stage.process(_rows) for _name, _stage in judge_stages.items()}
    judgments = {_name: judgments_of(_outs) for _name, _outs in outcomes.items()}
    _routes = hybrid_verifier.last_report.to_dict()
    print(f"hybrid routing: {_routes}")
    mo.md(
        f"Judged **{len(items)}** candidates. Hybrid: {_routes['rule_decided']} decided by rules, "
        f"{_routes['sent_to_model']} sent to the model ({_routes['model_tokens']:,} tokens, "
        f"{_routes['model_seconds']:.1f} s)."
    )
    return items, judge_stages, judgments, outcomes, tags


@app.cell
def against_labels(db_input, judgments, labels_input, tags):
    # Each judge scored against the stored labels (B = truth), and the judges against each other.
    with store.connect(db_input.value, read_only=True) as _con:
        labels = store.load_judgments(_con, labels_input.value)
    _rows = []
    for _name, _js in judgments.items():
        _m = metrics(pair_judgments(_js, labels, tags))
        _rows.append({"judge": _name, "vs": labels_input.value, **{k: _m[k] for k in (
            "n", "agreement", "kappa", "accuracy", "precision", "recall", "f1", "a_undecided")}})
    for _a, _b in (("rule", "model"), ("rule", "hybrid")):
        _m = metrics(pair_judgments(judgments[_a], judgments[_b], tags))
        _rows.append({"judge": _a, "vs": _b, **{k: _m[k] for k in (
            "n", "agreement", "kappa", "accuracy", "precision", "recall", "f1", "a_undecided")}})
    summary = pd.DataFrame(_rows)
    print(summary.round(3).to_string(index=False))  # shown when run as a script
    mo.vstack([mo.md("### Each judge against the labels, and rule against model / hybrid"),
               mo.ui.table(summary.round(3), selection=None)])
    return labels, summary


@app.cell
def charts(judgments, labels, labels_input, tags):
    # Where the judges part ways with the labels, by answer type and by subject.
    _figures = []
    for _name in ("rule", "model", "hybrid"):
        _pairs = pair_judgments(judgments[_name], labels, tags)
        for _by in ("answer_type", "category"):
            _data = pd.DataFrame(agreement_by(_pairs, _by))
            if _data.empty:
                continue
            _figures.append(px.bar(
                _data, x=_by, y="share", color="outcome", hover_data=["count", "n"],
                title=f"{_name} (A) vs {labels_input.value} (B) by {_by}",
                category_orders={"outcome": ["both true", "both false", "only A true", "only B true", "undecided"]},
            ))
    _kappa = pd.DataFrame([
        {"judge": _name, **_row}
        for _name in ("rule", "model", "hybrid")
        for _row in breakdown(pair_judgments(judgments[_name], labels, tags), "answer_type")
    ])
    if not _kappa.empty:
        _figures.append(px.bar(_kappa, x="answer_type", y="accuracy", color="judge", barmode="group",
                               title=f"accuracy against {labels_input.value} by answer type"))
    mo.vstack(_figures) if _figures else mo.md("No labelled candidates to chart.")
    return


@app.cell
def rule_vs_model(judgments, tags):
    # The rule and model records side by side where they disagree: prompt and raw output included.
    _pairs = pair_judgments(judgments["rule"], judgments["model"], tags)
    _model_detail = {j.item_id: j.detail for j in judgments["model"]}
    _rows = [
        {**{k: d[k] for k in ("item_id", "answer_type", "question", "reference", "extracted_a",
                               "verdict_a", "reason_a", "extracted_b", "verdict_b", "reason_b")},
         "model_output": (_model_detail.get(d["item_id"]) or {}).get("output")}
        for d in disagreements(_pairs)
    ]
    mo.vstack([mo.md(f"### Rule (A) vs model (B): {len(_rows)} disagreements"),
               mo.ui.table(pd.DataFrame(_rows), selection=None) if _rows else mo.md("None.")])
    return


@app.cell
def probe(db_input, hybrid_verifier, model_verifier, probe_input, rule_verifier):
    # False positives: every probe answer is wrong, so every True is the judge being fooled.
    # (The design notes report 5.9-28.5% for the paper's 1.5B verifier on such answers.)
    with store.connect(db_input.value, read_only=True) as _con:
        _questions = questions_from_store(_con, limit=int(probe_input.value))
    _rows = []
    for _verifier in (rule_verifier, model_verifier, hybrid_verifier):
        _report = run_probe(_verifier, _questions, renderings=["boxed"])
        _rows += [{"judge": _verifier.name, **_r} for _r in _report.by_attack]
    probe_rates = pd.DataFrame(_rows)
    print(probe_rates.pivot(index="attack", columns="judge", values="fp_rate").round(3).to_string())
    mo.vstack([
        mo.md(f"### False-positive probe ({len(_questions)} questions, boxed answers)"),
        px.bar(probe_rates, x="attack", y="fp_rate", color="judge", barmode="group",
               title="false-positive rate per attack", range_y=[0, 1]),
    ])
    return (probe_rates,)


@app.cell
def save(judgments):
    # Storing is explicit: a random tiny model's verdicts should not land in a real store unasked.
    save_button = mo.ui.run_button(label=f"Save the {len(judgments)} judges' verdicts to the store")
    mo.hstack([save_button])
    return (save_button,)


@app.cell
def do_save(db_input, judge_stages, outcomes, save_button):
    mo.stop(not save_button.value)
    # The stage runner's one write transaction per judge: judgments plus its stage run.
    _runs = [store_outcomes(_stage, outcomes[_name], db=db_input.value) for _name, _stage in judge_stages.items()]
    mo.md(f"Saved {sum(len(o) for o in outcomes.values())} judgments (stage runs {', '.join(_runs)}).")
    return


if __name__ == "__main__":
    app.run()
