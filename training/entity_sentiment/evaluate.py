"""Entity-level sentiment on SEntFiN's fixed split: the floor and the marked baseline.

    python -m training.entity_sentiment.evaluate [--model models/sentiment/<v>]
        [--entity-model models/entity_sentiment/<v>]

Rows (accuracy / macro-F1, on every test pair and on the pairs of headlines whose
entities disagree):

- the entity model;
- the floor: the headline-level model's label given to every entity of the headline;
- TF-IDF + logistic regression on the title with the target mention marked (and the
  other entities' mentions marked as others), trained here on the training pairs.

Then the accuracy of the same three on the pairs of each kind of headline: one entity
annotated (where an entity's label is the headline's), several with one label, several
that disagree; and what mixing the headline model's probabilities into the entity
model's would give at a few weights (an upper bound: scored on the test pairs).

Then the same rows, beside the entity model itself and the majority class, on FinEntity
(data/finentity/): passages of US and European financial news from another source,
held out from every choice the project makes (training.entity_sentiment.finentity);
and on headlines from anywhere written for the project (training.entity_sentiment.
written), each text as the service reads it.

Then the entity model on TFNS's validation file, the headline model's second test set,
which no entity model trains on: each headline's label given to its subject, the first
company the export's gazetteer finds that is not a bank or broker making a call (as
`make train-entities` marks TFNS train), the headlines where it finds none read bare;
and how many of the analysts named beside a subject it reads neutral. Then the
behavioural cases (training.entity_sentiment.behaviour).

Then each pair asked about as a caller who lists its company alone: as the service
reads such a request (the gazetteer's finds marked as other entities), beside the same
with no other entity marked, and beside every annotated entity listed (the rows above).

Last, how much of the annotation the entity model's gazetteer (`"auto"`) finds on the
test titles (training.entity_sentiment.gazetteer.reach) and how right the answers to an
`"auto"` request are on the annotated mentions it finds; how many of the companies named
in the sets written for the project (training.entity_sentiment.written.NAMED_SETS) it
finds, and what else; and how often two pairs that read alike once marked share a
label: a measure of the annotation's own consistency.
"""

from __future__ import annotations

import argparse
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from app.model_store import version_dir
from app.sentiment.entities import Gazetteer, Span, gazetteer_path
from app.sentiment.mention_tagger import MentionTagger, tagger_path
from app.sentiment.plain_text import Reading, reading
from app.sentiment.schemas import EntityHeadline
from app.sentiment.service import (
    EntityItem,
    Item,
    best_labels,
    check_limits,
    model_text,
    to_tag,
)
from app.settings import Settings
from training.entity_sentiment import (
    behaviour,
    exchange_tags,
    finentity,
    gazetteer,
    source_encodings,
    written,
)
from training.entity_sentiment.behaviour import Predict
from training.entity_sentiment.pairs import Pair, marked, pairs, tfns_pairs
from training.metrics import classification_report
from training.sentiment import baseline, sentfin, tfns
from training.sentiment.checklist import load_predict
from training.sentiment.sentfin import Headline
from training.sentiment.source_encodings import REWRITES

ROOT = Path(__file__).resolve().parents[2]
LABELS = sentfin.LABELS


def report(test: list[Pair], predicted: list[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for subset, keep in (("all", [True] * len(test)), ("disagree", [p.disagree for p in test])):
        if not any(keep):  # a set with no headline whose entities disagree (TFNS's)
            continue
        y = [LABELS.index(p.label) for p, k in zip(test, keep, strict=True) if k]
        yhat = [LABELS.index(q) for q, k in zip(predicted, keep, strict=True) if k]
        r = classification_report(y, yhat, LABELS)
        out[subset] = {k: r[k] for k in ("n", "accuracy", "macro_f1")}
    return out


def served_labels(model: Path | Predict, texts: list[str]) -> list[str]:
    """The label the service gives each text (ties to neutral, as it answers), from a
    SavedModel's folder or its loaded `load_predict`."""
    predict = load_predict(model, batch_size=256) if isinstance(model, Path) else model
    return labels_of(predict(texts))


def labels_of(probabilities: np.ndarray) -> list[str]:
    return [LABELS[i] for i in best_labels(probabilities, list(LABELS))]


def floor(model_dir: Path, *tests: list[Pair]) -> list[dict[str, object]]:
    """The headline model's label given to every entity of the headline, on each test set
    (the model loaded once)."""
    return [
        {"model": f"{model_dir.parent.name}/{model_dir.name}", **report(test, labels)}
        for test, labels in zip(tests, headline_labels(model_dir, *tests), strict=True)
    ]


def headline_labels(
    model: Path | Predict, *tests: list[Pair], read: Callable[[str], str] = str
) -> list[list[str]]:
    return [labels_of(p) for p in headline_probabilities(model, *tests, read=read)]


def headline_probabilities(
    model: Path | Predict, *tests: list[Pair], read: Callable[[str], str] = str
) -> list[np.ndarray]:
    """The headline model's answer (a SavedModel's folder or its loaded `load_predict`) on
    each pair's title, each title read once, through `read`."""
    titles = sorted({q.title for test in tests for q in test})
    predict = load_predict(model, batch_size=256) if isinstance(model, Path) else model
    answers = predict([read(t) for t in titles])
    row = {title: i for i, title in enumerate(titles)}
    return [answers[[row[q.title] for q in test]] for test in tests]


def marked_baseline(train: list[Pair], *tests: list[Pair]) -> list[dict[str, object]]:
    """TF-IDF + logistic regression fitted on the marked training pairs, scored on each
    test set."""
    return [
        report(test, labels)
        for test, labels in zip(tests, baseline_labels(train, *tests), strict=True)
    ]


def baseline_labels(train: list[Pair], *tests: list[Pair]) -> list[list[str]]:
    tfidf = marked_tfidf(train)
    return [tfidf([marked(q) for q in t]) for t in tests]


def marked_tfidf(train: list[Pair]) -> Callable[[list[str]], list[str]]:
    """The marked-mention TF-IDF model fitted on `train`: marked texts -> labels."""
    tfidf = baseline.fit([marked(q) for q in train], [LABELS.index(q.label) for q in train])
    return lambda texts: [LABELS[i] for i in np.asarray(tfidf.predict(texts))]


KINDS = ("one entity", "several that agree", "several that disagree")


def kinds(headlines: Iterable[Headline]) -> list[str]:
    """The kind of headline of each pair `pairs(headlines)` makes, in its order: one
    entity annotated, or several with one label, or several that disagree."""
    return [
        KINDS[0]
        if len(h.entities) == 1
        else KINDS[2]
        if len(set(h.entities.values())) > 1
        else KINDS[1]
        for h in headlines
        for _ in h.entities
    ]


def by_kind(
    test: list[Pair], kind: list[str], rows: dict[str, list[str]]
) -> dict[str, dict[str, float]]:
    """Accuracy of each row's labels on the pairs of each kind of headline."""
    right = {
        name: [a == q.label for a, q in zip(labels, test, strict=True)]
        for name, labels in rows.items()
    }
    return {
        name: {
            k: round(float(np.mean([r for r, j in zip(ok, kind, strict=True) if j == k])), 4)
            for k in KINDS
        }
        for name, ok in right.items()
    }


MIX_WEIGHTS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.0)


def mixed_accuracy(
    test: list[Pair], kind: list[str], p_entity: np.ndarray, p_headline: np.ndarray
) -> dict[str, list[float]]:
    """Accuracy at each w of MIX_WEIGHTS of w times the entity model's probabilities plus
    (1 - w) times the headline model's: mixed on every pair (all pairs, and where entities
    disagree), or only on one-entity headlines, where an entity's label is the headline's."""
    y = np.array([LABELS.index(q.label) for q in test])
    one = np.array([k == KINDS[0] for k in kind])[:, None]
    disagree = np.array([q.disagree for q in test])
    rows: dict[str, list[float]] = {
        "every pair: all": [],
        "every pair: disagree": [],
        "one-entity headlines only: all": [],
    }

    def right(p: np.ndarray) -> np.ndarray:
        return np.array(best_labels(p, list(LABELS))) == y

    for w in MIX_WEIGHTS:
        mixed = w * p_entity + (1 - w) * p_headline
        every = right(mixed)
        rows["every pair: all"].append(round(float(every.mean()), 4))
        rows["every pair: disagree"].append(round(float(every[disagree].mean()), 4))
        one_only = right(np.where(one, mixed, p_entity))
        rows["one-entity headlines only: all"].append(round(float(one_only.mean()), 4))
    return rows


def alike(every: Iterable[Pair]) -> tuple[int, int, int, float]:
    """(pairs whose marked text another pair also has, groups of them, comparisons of two
    pairs of one group, the share of those that find one label). Names are marked away,
    so two such pairs ask the same question; their labels differ only where the
    annotation does."""
    groups: dict[str, list[str]] = {}
    for q in every:
        groups.setdefault(marked(q).lower(), []).append(q.label)
    shared = [labels for labels in groups.values() if len(labels) > 1]
    both = [a == b for labels in shared for a, b in combinations(labels, 2)]
    agree = sum(both) / len(both) if both else float("nan")
    return sum(map(len, shared)), len(shared), len(both), agree


def asked_alone(entity: Predict, part: list[Pair], found: Gazetteer) -> dict[str, dict[str, Any]]:
    """Accuracy on the pairs whose mention is found, each asked about as a request that lists
    its company alone is read (`check_limits`: the name's first mention is the target):
    with the gazetteer's finds marked as other entities, as served, and with nothing else
    marked; beside every annotated entity marked (the rows above). And how often each
    answer is the last one's."""
    asked = [q for q in part if q.span is not None]
    # Passages of FinEntity run past a headline's length limit; the marking is the same.
    settings = Settings(max_headline_chars=1_000_000)

    def served(known: Gazetteer) -> list[str]:
        texts = []
        for q in asked:
            name = q.title[q.span[0] : q.span[1]]  # type: ignore[index]
            (item,) = check_limits([EntityHeadline(text=q.title, entities=[name])], settings, known)
            assert isinstance(item, EntityItem)
            texts.append(item.mentions[0].marked)
        return texts

    texts = {
        "listed alone, the gazetteer's finds marked (served)": served(found),
        "listed alone, nothing else marked": served(Gazetteer(())),
        "every annotated entity listed": [marked(q) for q in asked],
    }
    answers = {way: labels_of(entity(t)) for way, t in texts.items()}
    every = answers["every annotated entity listed"]
    rows = {}
    for way, labels in answers.items():
        r = report(asked, labels)
        same = np.mean([a == b for a, b in zip(labels, every, strict=True)])
        r["same_as_every_listed"] = round(float(same), 4)
        rows[way] = r
    return rows


def asked_by_ticker(entity: Predict, part: list[Pair], found: Gazetteer) -> dict[str, Any]:
    """The pairs whose mention the gazetteer keys to a listed company (an S&P 500 ticker,
    an NSE symbol), each asked about as a portfolio would list it, by its ticker alone:
    how many are answered (the rest get a 422) and how right, beside the same pairs
    listed by the name the title writes."""
    asked, tickers = [], []
    for q in part:
        key = None if q.span is None else found.company(found.key(q.title[q.span[0] : q.span[1]]))
        if key is not None and not key.startswith("W:"):
            asked.append(q)
            tickers.append(key.removeprefix("NSE:"))
    out: dict[str, Any] = {"pairs": len(asked)}
    for way in ("by name", "by ticker"):
        requests = [
            (q, q.title, ticker if way == "by ticker" else q.title[q.span[0] : q.span[1]])  # type: ignore[index]
            for q, ticker in zip(asked, tickers, strict=True)
        ]
        answered, labels = source_encodings.answered_alone(entity, requests, found)
        right = sum(a == q.label for a, q in zip(labels, answered, strict=True))
        out[way] = {"answered": len(answered), "right": right}
    return out


def auto_items(
    texts: Sequence[str],
    found: Gazetteer,
    tagger: MentionTagger | None = None,
    settings: Settings | None = None,
) -> list[Item]:
    """Each text asked about with `"entities": "auto"`, checked as the service checks it,
    with the names `tagger` finds, if given, as the service asks it for them."""
    settings = settings or _settings()
    items = [EntityHeadline(text=t, entities="auto") for t in texts]
    tagged: list[Sequence[Span]] = [()] * len(items)
    if tagger is not None:
        # Each text alone, as a request of one: which the service asks the tagger about,
        # and in what form (`to_tag`).
        asked = {i: s for i, item in enumerate(items) for s in to_tag([item], settings).values()}
        searched = list(asked.values())
        found_names = [
            row
            for at in range(0, len(searched), 512)
            for row in tagger.names(searched[at : at + 512], found.ordinary_words)
        ]
        for i, row in zip(asked, found_names, strict=True):
            tagged[i] = row
    return [
        check_limits([item], settings, found, {0: m})[0]
        for item, m in zip(items, tagged, strict=True)
    ]


def auto_answers(
    entity: Predict, part: list[Pair], found: Gazetteer, tagger: MentionTagger | None = None
) -> dict[str, Any]:
    """Each text asked about with `"entities": "auto"`, as the service reads it: the
    answers to the found mentions that overlap an annotated one, scored on its label
    (`report`'s "all"), and how many of the annotated mentions were answered."""
    settings = Settings(max_headline_chars=1_000_000, max_entities_per_headline=1_000)
    annotated: dict[str, list[tuple[Span, Pair]]] = {}
    for q in part:
        if q.span is not None:
            annotated.setdefault(q.title, []).append((q.span, q))
    answered: list[Pair] = []
    texts: list[str] = []
    items = auto_items(list(annotated), found, tagger, settings)
    for (title, mentions), item in zip(annotated.items(), items, strict=True):
        # Compared where the service found them: in the text as a reader reads it.
        read = reading(title)
        spans = [in_reading(read, span) for span, _ in mentions]
        for m in item.mentions if isinstance(item, EntityItem) else ():
            # The first annotated mention a found one overlaps, each found one scored
            # once; a ticker in the tag after an annotated name stands for that name.
            at = in_reading(read, (m.start, m.end))
            start, end = gazetteer.named_by_tag(at, read.text, spans)
            q = next(
                (
                    q
                    for (a, b), (_, q) in zip(spans, mentions, strict=True)
                    if a < end and start < b
                ),
                None,
            )
            if q is not None:
                answered.append(q)
                texts.append(m.marked)
    none = {"n": 0, "accuracy": float("nan"), "macro_f1": float("nan")}
    r = report(answered, labels_of(entity(texts))).get("all", none) if texts else none
    return {"mentions": sum(map(len, annotated.values())), **r}  # type: ignore[dict-item]


def auto_spans(text: str, found: Gazetteer) -> list[Span]:
    """The spans of what `"entities": "auto"` answers for in `text`, as the service
    finds them without a mention tagger."""
    return spans_of(auto_items([text], found)[0])


def spans_of(item: Item) -> list[Span]:
    """The spans of what a checked item answers for."""
    return [(m.start, m.end) for m in item.mentions] if isinstance(item, EntityItem) else []


@cache
def _settings() -> Settings:
    """The service's settings, read once: reading them costs more than a text's checks."""
    return Settings()


def in_reading(read: Reading, span: Span) -> Span:
    """The span of `read.text` that was read from `span` of the text as sent."""
    if read.starts is None or read.ends is None:
        return span
    return bisect_left(read.starts, span[0]), bisect_right(read.ends, span[1])


def majority(test: list[Pair]) -> dict[str, object]:
    """Every pair given the test set's most frequent label."""
    labels = [q.label for q in test]
    return report(test, [max(LABELS, key=labels.count)] * len(test))


def model_report(
    model: Path | Predict, test: list[Pair], read: Callable[[str], str] = str
) -> dict[str, object]:
    """An entity SavedModel's answers on the marked pairs, each marked text passed
    through `read` (the service's `model_text`: the text as the service reads it)."""
    return report(test, served_labels(model, [read(marked(q)) for q in test]))


def print_table(rows: dict[str, dict[str, Any]], extra: tuple[str, str] | None = None) -> None:
    """Accuracy / macro-F1 on all test pairs and where entities disagree, one row each;
    `extra`: a column's header and the key of each row's figure for it."""
    heads = ["all test pairs: accuracy / macro-F1", "entities disagree: accuracy / macro-F1"]
    heads += [extra[0]] if extra else []
    print("| | " + " | ".join(heads) + " |\n|" + " --- |" * (len(heads) + 1))
    for name, r in rows.items():
        cells = [f"{r[s]['accuracy']:.3f} / {r[s]['macro_f1']:.3f}" for s in ("all", "disagree")]
        if extra:
            cells.append(f"{r[extra[1]]:.3f}")
        print(f"| {name} | {' | '.join(cells)} |", flush=True)


def by_pattern(
    where: str,
    floor_name: str,
    entity: Predict,
    headline: Predict,
    tfidf: Callable[[list[str]], list[str]],
    found: Gazetteer,
) -> None:
    """The written headlines that try one reading each (`written.PATTERNS`): accuracy
    per pattern. The entity model reads each headline as a request that lists its
    companies is read (every mention of each marked); the others each text as the
    service reads it."""
    test, kinds = written.patterns()
    print(
        f"\nHeadlines written to try one reading each, held out ({len(test)} mentions, "
        f"{len({q.title for q in test})} headlines), accuracy:"
    )
    rows = {
        f"{where}, as served": served_labels(entity, served_as_listed(test, found)),
        floor_name: headline_labels(headline, test, read=model_text)[0],
        "TF-IDF + LR, target mention marked (SEntFiN pairs)": tfidf(
            [model_text(marked(q)) for q in test]
        ),
    }
    names = list(dict.fromkeys(kinds))
    heads = [f"{k} ({kinds.count(k)})" for k in names] + [f"all ({len(test)})"]
    print("| | " + " | ".join(heads) + " |\n|" + " --- |" * (len(heads) + 1))
    for name, labels in rows.items():
        right = [a == q.label for a, q in zip(labels, test, strict=True)]
        cells = [
            sum(r for r, k in zip(right, kinds, strict=True) if k == kind) / kinds.count(kind)
            for kind in names
        ]
        print(
            f"| {name} | "
            + " | ".join(f"{c:.3f}" for c in [*cells, sum(right) / len(right)])
            + " |"
        )


def served_as_listed(test: list[Pair], found: Gazetteer) -> list[str]:
    """The entity model's input for each pair, as the service makes it for a request
    that lists every mention of the pair's headline (`check_limits`)."""
    listed: dict[str, list[Span]] = {}
    for q in test:
        listed.setdefault(q.title, [])
        for span in (q.span, *q.others):
            if span is not None and span not in listed[q.title]:
                listed[q.title].append(span)
    inputs: dict[tuple[str, Span], str] = {}
    for title, spans in listed.items():
        spans.sort()
        names = [title[a:b] for a, b in spans]
        (item,) = check_limits([EntityHeadline(text=title, entities=names)], Settings(), found)
        assert isinstance(item, EntityItem)
        # The answers come in the names' order, each where the service reads its company.
        inputs |= {(title, span): m.marked for span, m in zip(spans, item.mentions, strict=True)}
    return [inputs[q.title, q.span] for q in test]  # type: ignore[index]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.entity_sentiment.evaluate")
    p.add_argument("--model", type=Path, help="a sentiment SavedModel (default: the newest)")
    p.add_argument(
        "--entity-model", type=Path, help="an entity_sentiment SavedModel (default: the newest)"
    )
    p.add_argument("--data", type=Path, default=sentfin.COMMITTED)
    args = p.parse_args(argv)
    model_dir = args.model or version_dir(ROOT / "models" / "sentiment")
    entity_dir = args.entity_model or version_dir(ROOT / "models" / "entity_sentiment")
    entity = load_predict(entity_dir, batch_size=256)  # loaded once for every set below

    headlines = sentfin.load(args.data)
    all_pairs = pairs(headlines)
    train = [q for q in all_pairs if not q.is_test]
    test = [q for q in all_pairs if q.is_test]
    unfound = sum(q.span is None for q in all_pairs)
    print(
        f"{len(all_pairs)} pairs ({len(train)} train, {len(test)} test; "
        f"{sum(q.disagree for q in test)} test pairs in headlines whose entities disagree); "
        f"{unfound} entities not found in their title"
    )
    held_out = finentity.load()
    # Each loaded or fitted once for every table below.
    headline = load_predict(model_dir, batch_size=256)
    tfidf = marked_tfidf(train)
    base_labels = [tfidf([marked(q) for q in t]) for t in (test, held_out)]
    p_headline = headline_probabilities(headline, test, held_out)
    floor_labels = [labels_of(p) for p in p_headline]
    baselines = [report(t, a) for t, a in zip((test, held_out), base_labels, strict=True)]
    floors = [report(t, a) for t, a in zip((test, held_out), floor_labels, strict=True)]
    floor_name = f"floor: {model_dir.parent.name} v{model_dir.name}'s headline label"
    where = f"{entity_dir.parent.name} v{entity_dir.name}"
    p_entity = entity([marked(q) for q in test])
    own = labels_of(p_entity)
    print_table(
        {
            where: report(test, own),
            floor_name: floors[0],
            "TF-IDF + LR, target mention marked": baselines[0],
        }
    )
    # Where the pairs are: on one-entity headlines an entity's label is the headline's.
    kind = [k for k, q in zip(kinds(headlines), all_pairs, strict=True) if q.is_test]
    print("\naccuracy by headline: " + ", ".join(f"{k} ({kind.count(k)} pairs)" for k in KINDS))
    print("| | " + " | ".join(KINDS) + " |\n| --- | --- | --- | --- |")
    rows = {where: own, floor_name: floor_labels[0], "TF-IDF + LR, marked": base_labels[0]}
    for name, row in by_kind(test, kind, rows).items():
        print(f"| {name} | " + " | ".join(f"{row[k]:.3f}" for k in KINDS) + " |")
    single = [i for i, k in enumerate(kind) if k == KINDS[0]]
    differ = behaviour.contradictions(
        [test[i].label for i in single], p_entity[single], p_headline[0][single]
    )
    print(f"one-entity headlines: {behaviour.said_differ(differ)}")
    # The service has both answers for every headline; scored on the test pairs
    # themselves, the best weight is an upper bound on what mixing them could give.
    print(f"\nw x {where} + (1 - w) x {floor_name} (an upper bound: w is not chosen here)")
    print("| w | " + " | ".join(str(w) for w in MIX_WEIGHTS) + " |")
    print("| --- |" + " --- |" * len(MIX_WEIGHTS))
    for name, row in mixed_accuracy(test, kind, p_entity, p_headline[0]).items():
        print(f"| {name} | " + " | ".join(f"{a:.3f}" for a in row) + " |")
    print(
        f"\nFinEntity, held out ({len(held_out)} mentions, "
        f"{sum(q.disagree for q in held_out)} in passages whose entities disagree):"
    )
    print_table(
        {
            where: model_report(entity, held_out),
            f"{where}, as the service reads each text": model_report(entity, held_out, model_text),
            floor_name: floors[1],
            f"{floor_name}, as the service reads it": report(
                held_out, headline_labels(headline, held_out, read=model_text)[0]
            ),
            "TF-IDF + LR, target mention marked (SEntFiN pairs)": baselines[1],
            "TF-IDF + LR, as the service reads each text": report(
                held_out, tfidf([model_text(marked(q)) for q in held_out])
            ),
            "majority class": majority(held_out),
        }
    )
    anywhere = written.load()
    print(
        f"\nHeadlines from anywhere, written for the project, held out ({len(anywhere)} "
        f"mentions, {sum(q.disagree for q in anywhere)} in headlines whose entities disagree):"
    )
    print_table(
        {
            where: model_report(entity, anywhere, model_text),
            floor_name: report(anywhere, headline_labels(headline, anywhere, read=model_text)[0]),
            "TF-IDF + LR, target mention marked (SEntFiN pairs)": report(
                anywhere, tfidf([model_text(marked(q)) for q in anywhere])
            ),
            "majority class": majority(anywhere),
        }
    )
    known = Gazetteer.load(gazetteer_path(entity_dir))
    tagger = MentionTagger(tagger_path(entity_dir)) if tagger_path(entity_dir).is_dir() else None
    by_pattern(where, floor_name, entity, headline, tfidf, known)
    us = tfns_pairs(tfns.load(tfns.TEST), known)
    print(f"\n{where} on TFNS's validation file (held out), each headline's subject marked:")
    answers = served_labels(entity, [marked(q) for q in us])
    read = served_labels(entity, [model_text(marked(q)) for q in us])
    found_one = [q.span is not None and not q.analyst for q in us]
    for subset, keep in (("all", [not q.analyst for q in us]), ("a company found", found_one)):
        rows = []
        for labels in (answers, read):
            kept = [(q, a) for q, a, k in zip(us, labels, keep, strict=True) if k]
            r: dict[str, Any] = report([q for q, _ in kept], [a for _, a in kept])["all"]
            rows.append(f"accuracy {r['accuracy']:.3f}, macro-F1 {r['macro_f1']:.3f}")
        print(f"  {subset}: {r['n']} headlines, {rows[0]} (as the service reads them: {rows[1]})")
    called = [a for q, a in zip(us, answers, strict=True) if q.analyst]
    print(
        f"  analysts named beside the subject: {called.count('neutral')} of {len(called)} "
        "read neutral"
    )
    cases = behaviour.evaluate(entity)
    print(f"behavioural cases ({len(behaviour.CASES)}): {behaviour.said(cases)}")
    suite = behaviour.headline_suite(entity, headline)
    print(
        f"\nthe headline suite's cases about one company ({suite['entity']['overall']['total']}),"
        f" asked about the company ({where}) and about the headline ({model_dir.parent.name}"
        f" v{model_dir.name}):"
    )
    print("| category | cases | per company | the headline |\n| --- | --- | --- | --- |")
    for category, rate in suite["entity"].items():
        other = suite["headline"][category]
        print(f"| {category} | {rate['total']} | {rate['rate']:.1%} | {other['rate']:.1%} |")
    print(behaviour.said_differ(suite["differ"]))
    for name, part in (("SEntFiN test pairs", test), ("FinEntity", held_out)):
        rows = asked_alone(entity, part, known)
        n = next(iter(rows.values()))["all"]["n"]
        print(f"\n{name}, each pair's company listed alone ({n} pairs whose mention is found):")
        print_table(rows, ("answer as with all listed", "same_as_every_listed"))
    found = gazetteer.reach(known, test)
    print(f"gazetteer of {where}: {len(known.names)} names; {gazetteer.said(found)}")
    print(f"  on FinEntity: {gazetteer.said(gazetteer.reach(known, held_out), 'FinEntity')}")
    exact = Gazetteer.load(gazetteer_path(entity_dir), capitals=False)
    for name, part in (("test", test), ("FinEntity", held_out)):
        for case, rewritten in (
            ("capitals", gazetteer.in_capitals(part)),
            ("lower case", gazetteer.in_lower_case(part)),
        ):
            found = gazetteer.said(gazetteer.reach(known, rewritten), name)
            print(f"  {name} all in {case}: {found}")
            own_case = gazetteer.said(gazetteer.reach(exact, rewritten), name)
            print(f"    names in their own case only: {own_case}")
            r = auto_answers(entity, rewritten, known, tagger)
            print(
                f'    "auto": answers {r["n"]} of {r["mentions"]} annotated mentions, '
                f"accuracy {r['accuracy']:.3f}, macro-F1 {r['macro_f1']:.3f}"
            )
    print("\nlabels changed by a ticker after a company: an exchange tag ((NYSE:AAPL),")
    print("(NSE: INFY)), and for S&P 500 companies (AAPL), $AAPL and ($AAPL):")
    for form in exchange_tags.FORMS:
        for name, texts in (
            ("SEntFiN test titles", [q.title for q in test]),
            ("TFNS validation", [h.text for h in tfns.load(tfns.TEST)]),
        ):
            changes = exchange_tags.label_changes(headline, entity, texts, known, form)
            rates = ", ".join(f"{k} {v:.1%}" for k, v in changes.items() if k != "headlines")
            print(f"  {form}, {name}, {changes['headlines']} tagged: {rates}")
    for name, part in (("SEntFiN test titles", test), ("FinEntity", held_out)):
        r = auto_answers(entity, part, known, tagger)
        print(
            f'  "auto" on {name}: answers {r["n"]} of {r["mentions"]} annotated mentions, '
            f"accuracy {r['accuracy']:.3f}, macro-F1 {r['macro_f1']:.3f}"
        )
    for name, path in written.NAMED_SETS.items():
        named = written.named(path)
        found_spans = auto_items([h.text for h in named], known, tagger)
        r = written.finding(named, [spans_of(item) for item in found_spans])
        print(
            f'  "auto" on headlines about {name}, written for the project: finds '
            f"{r['found']} of the {r['named']} companies named, {r['other_finds']} other "
            f"finds; {r['finds_where_none_named']} finds in the "
            f"{sum(not h.names for h in named)} that name none"
        )
    print("\nas other sources encode the characters: listed alone (answered, accuracy of the")
    print('answered) and "auto" (annotated mentions answered, accuracy)')
    print("| rewrite | SEntFiN test: listed | auto | FinEntity: listed | auto |")
    print("| --- | --- | --- | --- | --- |")
    for how, rewrite in (("as written", str), *REWRITES):
        cells = []
        for part in (test, held_out):
            alone = source_encodings.listed_alone(entity, part, rewrite, known)
            moved = [source_encodings.rewritten(q, rewrite) for q in part]
            auto = auto_answers(entity, moved, known, tagger)
            cells += [
                f"{alone['answered'] / alone['asked']:.1%}, {alone['accuracy_of_answered']:.3f}",
                f"{auto['n'] / auto['mentions']:.1%}, {auto['accuracy']:.3f}",
            ]
        print(f"| {how} | " + " | ".join(cells) + " |", flush=True)
    print("\neach pair's listed company asked about alone, by name and by ticker:")
    for name, part in (("SEntFiN test pairs", test), ("FinEntity", held_out)):
        r = asked_by_ticker(entity, part, known)
        ways = "; ".join(
            f"{way} {r[way]['answered']} answered, {r[way]['right'] / r['pairs']:.3f} of all right"
            for way in ("by name", "by ticker")
        )
        print(f"  {name}, {r['pairs']} pairs with a ticker: {ways}")
    n, groups, compared, agree = alike(all_pairs)
    print(
        f"{n} of SEntFiN's pairs read as another does once marked ({groups} groups, both "
        f"parts): two of one group share a label in {agree:.1%} of {compared} comparisons"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
