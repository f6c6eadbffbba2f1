"""The CheckList suite itself: its cases are well formed and `evaluate` counts exactly.

The committed model's pass rates are not asserted here: the suite is a gate to compare
exported versions with, and these tests must hold for whatever model is committed.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT
from tests.training.conftest import normalise
from training.sentiment import checklist, sentfin
from training.sentiment.checklist import CASES, CATEGORIES, INVARIANCE_VARIANTS, Case, evaluate

LABELS = sentfin.LABELS
SIGNED = ("events", "direction_x_object", "negation", "contrast", "hedges")
EXPECTED = {case.text: case.label for case in CASES}


def one_hot(labels: list[str]) -> np.ndarray:
    probs = np.full((len(labels), len(LABELS)), 0.1)
    probs[np.arange(len(labels)), [LABELS.index(label) for label in labels]] = 0.8
    return probs


def oracle(texts: list[str]) -> np.ndarray:
    return one_hot([EXPECTED[text] for text in texts])


def always(label: str) -> Callable[[list[str]], np.ndarray]:
    return lambda texts: one_hot([label] * len(texts))


# --- the cases ---------------------------------------------------------------------------


def test_the_suite_has_at_least_300_cases() -> None:
    assert len(CASES) >= 300


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_has_at_least_30_cases(category: str) -> None:
    assert sum(case.category == category for case in CASES) >= 30


def test_categories_and_labels_are_known() -> None:
    assert {case.category for case in CASES} == set(CATEGORIES)
    assert {case.label for case in CASES} <= set(LABELS)


def test_no_duplicate_texts() -> None:
    counts = Counter(case.text for case in CASES)
    assert [text for text, n in counts.items() if n > 1] == []


def test_every_text_is_filled_in_and_tidy() -> None:
    for case in CASES:
        assert case.text == case.text.strip(), case
        assert "  " not in case.text, case
        assert not re.search(r"[{}]", case.text), case
        assert case.text[0].isupper() or case.text[0].isdigit() or case.variant == "lower", case


def test_the_suite_is_the_same_on_every_build() -> None:
    assert checklist.build_cases() == CASES


@pytest.mark.parametrize("category", SIGNED)
def test_signed_categories_hold_both_signs(category: str) -> None:
    # One-sided categories would reward a model that always answers the same.
    labels = Counter(case.label for case in CASES if case.category == category)
    assert labels["positive"] >= 10 and labels["negative"] >= 10, labels


def test_neutral_facts_are_neutral() -> None:
    assert {case.label for case in CASES if case.category == "neutral_facts"} == {"neutral"}


def test_every_invariance_copy_has_a_base_with_the_same_label() -> None:
    invariance = [case for case in CASES if case.category == "invariance"]
    bases = {case.text: case for case in invariance if case.variant == "base"}
    assert len(bases) >= 5
    copies = [case for case in invariance if case.variant != "base"]
    assert copies
    for case in copies:
        assert case.variant in INVARIANCE_VARIANTS, case
        assert case.base in bases, case
        assert bases[case.base].label == case.label, case
        assert case.text != case.base, case
    for text in bases:
        kinds = sorted(case.variant or "" for case in copies if case.base == text)
        assert kinds == sorted(INVARIANCE_VARIANTS), text
    # Only invariance cases name a variant or a base.
    others = [case for case in CASES if case.category != "invariance"]
    assert all(case.variant is None and case.base is None for case in others)


def test_invariance_copies_differ_only_by_their_perturbation() -> None:
    for case in CASES:
        if case.variant in ("upper", "lower", "title"):
            assert case.text.lower() == (case.base or "").lower(), case
        if case.variant == "punctuation":
            assert normalise(case.text) == normalise(case.base or ""), case


def test_no_case_is_a_headline_of_the_committed_data_sets() -> None:
    seen = {normalise(h.title) for h in sentfin.load(ROOT / "data" / "sentfin" / "SEntFiN.csv")}
    for name in ("sent_train.csv", "sent_valid.csv"):
        with (ROOT / "data" / "tfns" / name).open(newline="", encoding="utf-8") as fh:
            seen |= {normalise(row["text"]) for row in csv.DictReader(fh)}
    assert [case.text for case in CASES if normalise(case.text) in seen] == []


def test_no_broker_is_also_a_company() -> None:
    assert not set(checklist.BROKERS) & set(checklist.COMPANIES["any"])


# --- evaluate ----------------------------------------------------------------------------


def test_a_model_that_knows_the_answers_passes_everything() -> None:
    result = evaluate(oracle)
    for category in CATEGORIES:
        total = sum(case.category == category for case in CASES)
        assert result["categories"][category] == {"passed": total, "total": total, "rate": 1.0}
        assert result["failures"][category] == []
    assert result["overall"] == {"passed": len(CASES), "total": len(CASES), "rate": 1.0}
    copies = sum(case.base is not None for case in CASES)
    assert result["invariance_consistency"] == {"passed": copies, "total": copies, "rate": 1.0}


def test_a_model_that_always_says_neutral_passes_the_neutral_cases_only() -> None:
    result = evaluate(always("neutral"))
    for category in CATEGORIES:
        cases = [case for case in CASES if case.category == category]
        neutral = sum(case.label == "neutral" for case in cases)
        score = result["categories"][category]
        assert score == {"passed": neutral, "total": len(cases), "rate": neutral / len(cases)}
        failed = result["failures"][category]
        assert len(failed) == len(cases) - neutral
        assert all(row["got"] == "neutral" != row["expected"] for row in failed)
    neutral = sum(case.label == "neutral" for case in CASES)
    assert result["overall"] == {
        "passed": neutral,
        "total": len(CASES),
        "rate": neutral / len(CASES),
    }
    assert result["categories"]["neutral_facts"]["rate"] == 1.0
    # Wrong everywhere but the same everywhere: a constant model is perfectly invariant.
    assert result["invariance_consistency"]["rate"] == 1.0


def test_evaluate_counts_a_small_suite_exactly() -> None:
    cases = [
        Case("A beats estimates", "positive", "events"),
        Case("B misses estimates", "negative", "events"),
        Case("C to hold AGM", "neutral", "neutral_facts"),
        Case("D wins order", "positive", "invariance", "base"),
        Case("E wins order", "positive", "invariance", "company", "D wins order"),
        Case("D WINS ORDER", "positive", "invariance", "upper", "D wins order"),
    ]
    answers = {
        "A beats estimates": "positive",
        "B misses estimates": "positive",
        "C to hold AGM": "neutral",
        "D wins order": "neutral",
        "E wins order": "positive",
        "D WINS ORDER": "neutral",
    }
    result = evaluate(lambda texts: one_hot([answers[t] for t in texts]), cases)
    assert result["categories"] == {
        "events": {"passed": 1, "total": 2, "rate": 0.5},
        "invariance": {"passed": 1, "total": 3, "rate": 1 / 3},
        "neutral_facts": {"passed": 1, "total": 1, "rate": 1.0},
    }
    assert list(result["categories"]) == ["events", "invariance", "neutral_facts"]
    assert result["overall"] == {"passed": 3, "total": 6, "rate": 0.5}
    assert result["failures"] == {
        "events": [{"text": "B misses estimates", "expected": "negative", "got": "positive"}],
        "invariance": [
            {"text": "D wins order", "expected": "positive", "got": "neutral", "variant": "base"},
            {
                "text": "D WINS ORDER",
                "expected": "positive",
                "got": "neutral",
                "variant": "upper",
            },
        ],
        "neutral_facts": [],
    }
    # The company swap changed the answer, the upper-case copy did not.
    assert result["invariance_consistency"] == {"passed": 1, "total": 2, "rate": 0.5}


def test_evaluate_reads_the_columns_in_label_order() -> None:
    cases = [Case(f"headline {i}", label, "events") for i, label in enumerate(LABELS)]
    probs = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7]])
    result = evaluate(lambda texts: probs, cases)
    assert result["overall"]["passed"] == 3


@pytest.mark.parametrize(
    "probs",
    [np.zeros((len(CASES), 2)), np.zeros((len(CASES) - 1, 3)), np.full((len(CASES), 3), np.nan)],
    ids=["two-columns", "one-row-short", "nan"],
)
def test_evaluate_refuses_a_malformed_answer(probs: np.ndarray) -> None:
    with pytest.raises(ValueError):
        evaluate(lambda texts: probs)


# --- the command line, with a stand-in for the SavedModel -------------------------------


def test_main_prints_the_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "checklist.json"
    argv = ["--model", str(tmp_path / "m"), "--out", str(out), "--failures", "2"]
    assert checklist.main(argv, load=lambda model, batch: always("neutral")) == 0
    printed = capsys.readouterr().out
    for category in (*CATEGORIES, "overall"):
        assert re.search(rf"^{category}\s+\d+\s+\d+\s+\d+\.\d%$", printed, re.M), category
    # Two failures are printed for each category that has any.
    assert len(re.findall(r"^  expected ", printed, re.M)) == 2 * (len(CATEGORIES) - 1)
    written = json.loads(out.read_text())
    assert written["overall"] == evaluate(always("neutral"))["overall"]
    assert set(written["categories"]) == set(CATEGORIES)


def test_main_is_a_gate_with_min_overall(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--failures", "0", "--min-overall", "0.9"]
    assert checklist.main(argv, load=lambda model, batch: oracle) == 0
    assert checklist.main(argv, load=lambda model, batch: always("neutral")) == 1
    assert "below 90.0%" in capsys.readouterr().err


def test_main_reports_a_model_it_cannot_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(model: Path, batch: int) -> Callable[[list[str]], np.ndarray]:
        raise OSError("no saved_model.pb")

    assert checklist.main(["--model", str(tmp_path)], load=broken) == 2
    assert "no saved_model.pb" in capsys.readouterr().err
