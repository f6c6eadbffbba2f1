"""A sentiment SavedModel on both fixed test sets, beside TF-IDF baselines fitted here.

    python -m training.sentiment.evaluate [--model models/sentiment/<v>] [--out FILE]

The test sets: SEntFiN's sha256 split and TFNS's validation file, both never trained
on, and FinEntity's sentences whose annotated companies share one label (US and
European news from another source; no model here is trained, stopped or selected on
it), and the test part of the hand-labelled posts about the economy (economy_posts.py).
Each row gives accuracy, macro-F1 and expected calibration error (ECE, 15 bins) on
each; the baselines are the n-gram logistic regression of `baseline.py` fitted on
SEntFiN's training part alone and on it plus TFNS train, so a model trained on either
has its same-data peer in the table. Then each on the two fixed test sets' contrast sets
(their news headlines with one deciding word turned, training/sentiment/counterfactual.py),
how often each changes its label when a headline carries a news source's tag
(training/sentiment/source_tags.py), on headlines about the economy's indicators
(training/sentiment/economy.py), the model on the two test sets with their characters
as other sources encode them (training/sentiment/source_encodings.py), and the model's
CheckList pass rates.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from app.model_store import version_dir
from app.sentiment.service import model_text
from training.entity_sentiment import finentity
from training.metrics import calibrated_report
from training.sentiment import (
    baseline,
    checklist,
    counterfactual,
    economy,
    economy_posts,
    sentfin,
    source_encodings,
    source_tags,
    tfns,
)

ROOT = Path(__file__).resolve().parents[2]
LABELS = sentfin.LABELS
Predict = Callable[[Sequence[str]], np.ndarray]
CONTRAST = ("sentfin_test", "tfns_validation")


def scores(probabilities: np.ndarray, labels: Sequence[str]) -> dict[str, float]:
    y = np.array([LABELS.index(label) for label in labels])
    report = calibrated_report(y, probabilities, LABELS)
    return {k: report[k] for k in ("accuracy", "macro_f1", "ece")}  # type: ignore[misc]


def test_sets() -> dict[str, tuple[list[str], list[str]]]:
    _, sentfin_test = sentfin.split(sentfin.load(sentfin.COMMITTED))
    tfns_test = tfns.load(tfns.TEST)
    held_out = finentity.sentences()
    posts = economy_posts.test_part()
    return {
        "sentfin_test": ([h.title for h in sentfin_test], [h.label for h in sentfin_test]),
        "tfns_validation": ([h.text for h in tfns_test], [h.label for h in tfns_test]),
        "finentity_sentences": ([t for t, _ in held_out], [label for _, label in held_out]),
        "economy_posts": ([t for t, _ in posts], [label for _, label in posts]),
    }


def baselines() -> dict[str, Predict]:
    """The same-data peers: fitted on SEntFiN's training part, and on it plus TFNS train."""
    train, _ = sentfin.split(sentfin.load(sentfin.COMMITTED))
    texts = [h.title for h in train]
    labels = [LABELS.index(h.label) for h in train]
    extra = tfns.load(tfns.TRAIN)
    fitted = {
        "TF-IDF + LR, SEntFiN": baseline.fit(texts, labels),
        "TF-IDF + LR, SEntFiN + TFNS": baseline.fit(
            texts + [h.text for h in extra], labels + [LABELS.index(h.label) for h in extra]
        ),
    }
    return {name: (lambda xs, m=m: m.predict_proba(list(xs))) for name, m in fitted.items()}


def majority(labels: Sequence[str]) -> float:
    return round(max(labels.count(k) for k in LABELS) / len(labels), 4)


def contrast_sets(
    sets: dict[str, tuple[list[str], list[str]]], peers: dict[str, Predict]
) -> dict[str, dict[str, object]]:
    """Each peer on the two fixed test sets' contrast sets (training.sentiment.counterfactual):
    accuracy on the news headlines that have a counterfactual, on their counterfactuals,
    and on both of a pair. Printed as a table."""
    out: dict[str, dict[str, object]] = {}
    print("\ncontrast sets: each news headline with one deciding word turned, its label swapped")
    print(
        "| model | "
        + " | ".join(f"{s}: headlines / counterfactuals / both" for s in CONTRAST)
        + " |"
    )
    print("| --- " * (len(CONTRAST) + 1) + "|")
    pairs = {s: counterfactual.contrast_set(*sets[s]) for s in CONTRAST}
    for name, predict in peers.items():
        out[name] = {}
        for s, rows in pairs.items():
            # The headlines, then their counterfactuals, in one call.
            texts = [row[0] for row in rows] + [row[2] for row in rows]
            wanted = [LABELS.index(row[1]) for row in rows] + [LABELS.index(row[3]) for row in rows]
            right = np.asarray(predict(texts)).argmax(1) == wanted
            headline, turned = right[: len(rows)], right[len(rows) :]
            out[name][s] = {
                "n": len(rows),
                "headlines": round(float(headline.mean()), 4),
                "counterfactuals": round(float(turned.mean()), 4),
                "both": round(float((headline & turned).mean()), 4),
            }
        cells = [
            f"{r['headlines']:.3f} / {r['counterfactuals']:.3f} / {r['both']:.3f} (n={r['n']})"
            for r in out[name].values()
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return out


def tag_changes(
    sets: dict[str, tuple[list[str], list[str]]], peers: dict[str, Predict]
) -> dict[str, dict[str, dict[str, float]]]:
    """Each peer's share of label changes under news sources' tags on the two fixed test
    sets' texts (no labels read): the mean over the tags and the worst tag. Printed."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    print("\nsource tags: share of headlines whose label changes with a source's tag")
    print("| model | " + " | ".join(f"{s}: mean / worst tag" for s in CONTRAST) + " |")
    print("| --- " * (len(CONTRAST) + 1) + "|")
    for name, predict in peers.items():
        out[name] = {s: source_tags.label_changes(predict, sets[s][0]) for s in CONTRAST}
        cells = []
        for rates in out[name].values():
            worst = max((t for t in rates if t != "mean"), key=lambda t: rates[t])
            cells.append(f"{rates['mean']:.3f} / {rates[worst]:.3f} ({worst})")
        print(f"| {name} | " + " | ".join(cells) + " |")
    return out


def encoding_rates(
    sets: dict[str, tuple[list[str], list[str]]], model: Predict
) -> dict[str, dict[str, dict[str, float]]]:
    """The model's accuracy on the test sets as other sources encode their characters,
    read as sent and as the service reads them. Printed."""
    out = {s: source_encodings.accuracies(model, *sets[s], LABELS) for s in sets}
    print("\ncharacters as other sources encode them: accuracy read as sent / as the service reads")
    print("| rewrite | " + " | ".join(sets) + " |")
    print("| --- " * (len(sets) + 1) + "|")
    for rewrite in out[CONTRAST[0]]:
        cells = [f"{out[s][rewrite]['as sent']:.3f} / {out[s][rewrite]['read']:.3f}" for s in sets]
        print(f"| {rewrite} | " + " | ".join(cells) + " |")
    return out


def economy_rates(peers: dict[str, Predict]) -> dict[str, dict[str, dict[str, float]]]:
    """Each peer on the economy's indicators (training.sentiment.economy). Printed."""
    out = {name: economy.evaluate(predict) for name, predict in peers.items()}
    groups = (*economy.GROUPS, "all")
    print("\neconomy: accuracy / on indicators bad to have more of / those read by the verb")
    sizes = out[next(iter(out))]
    print("| model | " + " | ".join(f"{g} (n={sizes[g]['n']})" for g in groups) + " |")
    print("| --- " * (len(groups) + 1) + "|")
    for name, rates in out.items():
        cells = [
            f"{r['accuracy']:.3f} / {r['bad_indicators']:.3f} / {r['read_by_verb']:.3f}"
            for r in (rates[g] for g in groups)
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", type=Path, default=version_dir(ROOT / "models" / "sentiment"))
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    sets = test_sets()
    model = checklist.load_predict(args.model, batch_size=256)
    peers: dict[str, Predict] = {f"model {args.model.name}": model, **baselines()}
    table: dict[str, dict[str, dict[str, float]]] = {}
    for name, predict in peers.items():
        table[name] = {s: scores(predict(texts), labels) for s, (texts, labels) in sets.items()}
    # The same, each text as the service reads it (model_text: look-alike characters
    # folded, links, outlets' marks and exchange tags out), for the model and its
    # same-data peer.
    for name in (f"model {args.model.name}", "TF-IDF + LR, SEntFiN + TFNS"):
        predict = peers[name]
        table[f"{name}, as the service reads each text"] = {
            s: scores(predict([model_text(t) for t in texts]), labels)
            for s, (texts, labels) in sets.items()
        }
    table["majority class"] = {s: {"accuracy": majority(labels)} for s, (_, labels) in sets.items()}
    print("| model | " + " | ".join(f"{s}: acc / macro-F1 / ECE" for s in sets) + " |")
    print("| --- " * (len(sets) + 1) + "|")
    for name, row in table.items():
        cells = [" / ".join(f"{v:.3f}" for v in row[s].values()) for s in sets]
        print(f"| {name} | " + " | ".join(cells) + " |")
    contrast = contrast_sets(sets, peers)
    read = f"model {args.model.name}, as the service reads each text"
    tags = tag_changes(sets, {**peers, read: lambda xs: model([model_text(x) for x in xs])})
    indicators = economy_rates(peers)
    encodings = encoding_rates(sets, model)
    behaviour = checklist.evaluate(model)
    print()
    print(checklist.format_report(behaviour, failures=0))
    if args.out is not None:
        args.out.write_text(
            json.dumps(
                {
                    "model": str(args.model),
                    "test_sets": table,
                    "contrast_sets": contrast,
                    "source_tags": tags,
                    "economy": indicators,
                    "source_encodings": encodings,
                    "checklist": {k: v for k, v in behaviour.items() if k != "failures"},
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
