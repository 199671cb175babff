"""Training: GRPO on TRL with the paper's reward, and supervised training of a compact verifier.

    config.py        GRPORunConfig, the paper's presets, to_grpo_config (our config -> TRL's)
    data.py          questions from a snapshot or a file, as chat prompts with the paper's suffix
    callbacks.py     metrics.jsonl per step, progress, graceful stop with a checkpoint
    grpo.py          train_grpo(cfg, should_stop=..., progress=...)
    verifier_sft.py  the paper's verifier prompt -> "<reasoning> Final Decision: Yes|No" (SFT)

Nothing here imports torch or TRL at import time; the functions that train do.
"""
