"""Vernier's bridge to Weights & Biases: one W&B run per trial, grouped by the study.

Vernier starts it as `python3 wandb_bridge.py` and writes one JSON object per line on its standard input:

  {"event": "study_started", "study": S, "project": P, "entity": E, "group": G, "tags": [...], "metrics": [...]}
  {"event": "trial_started", "number": N, "name": ..., "group": ..., "tags": [...], "config": {...}}
  {"event": "intermediate_value", "number": N, "step": K, "metrics": {"val_loss": 0.4}}
  {"event": "trial_finished", "number": N, "state": "complete", "summary": {...}, "exit_code": 0}
  {"event": "study_finished", "status": "finished", "best_trial": N}

It answers once on standard output, `VERNIER_WANDB_BRIDGE ready` or `VERNIER_WANDB_BRIDGE error <reason>`, and
exits when its input ends. WANDB_MODE, WANDB_API_KEY and the rest of W&B's environment reach wandb unchanged.
Only the Python standard library and wandb are used.
"""

import json
import sys

MARKER = "VERNIER_WANDB_BRIDGE"


def say(text):
    sys.stdout.write(MARKER + " " + text + "\n")
    sys.stdout.flush()


def init_run(wandb, kwargs):
    # Parallel trials need several live runs: wandb >= 0.19.10 has reinit="create_new"; older ones take reinit=True.
    try:
        return wandb.init(reinit="create_new", **kwargs)
    except Exception:  # noqa: BLE001 - an older wandb refuses the value; the same call again reports any real error
        return wandb.init(reinit=True, **kwargs)


def main():
    try:
        import wandb  # noqa: PLC0415 - imported here so that its absence is one clear answer
    except Exception as error:  # noqa: BLE001
        say("error cannot import wandb: %s: %s" % (type(error).__name__, error))
        return 3

    say("ready")
    study = {}
    runs = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        message = json.loads(line)
        event = message.get("event")
        if event == "study_started":
            study = message
        elif event == "trial_started":
            number = message["number"]
            tags = list(study.get("tags") or []) + [t for t in message.get("tags") or [] if t not in (study.get("tags") or [])]
            kwargs = {
                "project": study.get("project"),
                "group": message.get("group") or study.get("group") or study.get("study"),
                "name": message.get("name") or "trial %d" % number,
                "tags": tags,
                "config": message.get("config") or {},
                "job_type": "trial",
            }
            if study.get("entity"):
                kwargs["entity"] = study["entity"]
            runs[number] = init_run(wandb, kwargs)
        elif event == "intermediate_value":
            run = runs.get(message["number"])
            if run is not None:
                run.log(message.get("metrics") or {}, step=message["step"])
        elif event == "trial_finished":
            run = runs.pop(message["number"], None)
            if run is not None:
                summary = message.get("summary") or {}
                for key, value in summary.items():
                    run.summary[key] = value
                run.finish(exit_code=message.get("exit_code", 0))
        elif event == "study_finished":
            for run in runs.values():
                run.finish(exit_code=1)
            runs.clear()
    for run in runs.values():
        run.finish(exit_code=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
