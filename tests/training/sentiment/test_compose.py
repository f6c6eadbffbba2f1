"""The recomposed headlines the teacher answers: negation and hedges put on the verb that
moves, joins of one good and one bad headline, nothing made from a held-out text."""

from __future__ import annotations

import random

from training.sentiment.compose import compositions, hedged, joined, negated


def test_negation_takes_the_verbs_tense() -> None:
    rng = random.Random(0)
    present = {negated("Infosys Q3 profit rises 12%", rng) for _ in range(20)}
    assert present == {"Infosys Q3 profit does not rise 12%", "Infosys Q3 profit fails to rise 12%"}
    past = {negated("Sensex fell 300 points on Monday", rng) for _ in range(20)}
    assert past == {
        "Sensex did not fall 300 points on Monday",
        "Sensex failed to fall 300 points on Monday",
    }
    assert negated("Wipro narrowed its loss", rng) in {
        "Wipro did not narrow its loss",
        "Wipro failed to narrow its loss",
    }


def test_nouns_and_headlines_without_a_move_are_left_alone() -> None:
    rng = random.Random(0)
    # "gains" after "of" is a noun; "Rise" opens the headline; "won" is a currency.
    assert negated("Nifty extends run of gains", rng) in {
        "Nifty does not extend run of gains",
        "Nifty fails to extend run of gains",
    }
    assert negated("Rise in crude prices", rng) is None
    assert negated("Korean won weakens past 1,300", rng) in {
        "Korean won does not weaken past 1,300",
        "Korean won fails to weaken past 1,300",
    }
    assert negated("RBI policy meeting on Tuesday", rng) is None


def test_hedges_are_for_the_present_tense() -> None:
    rng = random.Random(0)
    forms = {hedged("Tata Steel slashes capex by 20%", rng) for _ in range(40)}
    assert forms == {
        f"Tata Steel {aux} slash capex by 20%"
        for aux in ("may", "could", "is expected to", "is likely to")
    }
    assert hedged("Tata Steel slashed capex by 20%", rng) is None


def test_a_join_reads_as_one_sentence() -> None:
    common = {"shares", "rupee"}
    texts = {
        joined("Shares of ITC rise 3%.", "Rupee falls to record low", random.Random(s), common)
        for s in range(30)
    }
    assert texts == {
        "Shares of ITC rise 3%, but rupee falls to record low",
        "Shares of ITC rise 3% even as rupee falls to record low",
        "Although shares of ITC rise 3%, rupee falls to record low",
    }
    # A name keeps its capital.
    assert joined("Infosys gains", "ITC slips", random.Random(0), common).endswith("ITC slips")


def test_compositions_are_fixed_new_and_join_opposite_labels() -> None:
    titles = [
        "Infosys profit rises 12%",
        "HDFC Bank shares slump 5%",
        "Wipro wins $1 billion deal",
        "Coal India misses estimates",
        "RBI keeps repo rate unchanged",
        "Yes Bank stock plunges https://t.co/x",
    ]
    labels = ["positive", "negative", "positive", "negative", "neutral", "negative"]
    held_out = ["Infosys profit does not rise 12%"]
    made = compositions(titles, labels, 30, seed=3, exclude=held_out)
    assert made == compositions(titles, labels, 30, seed=3, exclude=held_out)
    assert len(made) == len(set(made))
    assert not set(made) & {*titles, *held_out}
    assert not any("t.co" in text for text in made)
    assert {"Wipro does not win $1 billion deal", "Wipro fails to win $1 billion deal"} & set(made)
    joins = [t for t in made if " but " in t or " even as " in t or t.startswith("Although")]
    assert joins
    good, bad = ("profit rises", "wins $1 billion"), ("slump 5%", "misses estimates")
    for text in joins:
        assert any(g in text for g in good) and any(b in text for b in bad), text
        assert "repo rate" not in text
    # Without a good and a bad headline there is nothing to join.
    assert compositions(titles, ["neutral"] * len(titles), 30, seed=3) == compositions(
        titles, labels, 0, seed=3
    )


def test_joins_about_one_name_pair_its_own_headlines_and_share_the_subject() -> None:
    titles = [
        "Infosys profit rises 12%",
        "Infosys misses revenue estimates",
        "Wipro wins $1 billion deal",
        "Wipro shares slump 5%",
        "Sensex ends higher",
        "Markets fall on weak cues",
    ]
    labels = ["positive", "negative", "positive", "negative", "positive", "negative"]
    made = compositions(titles, labels, 10, seed=1, same_subject=True)
    joins = [t for t in made if " but " in t or " even as " in t or t.startswith("Although")]
    # Two names with a good and a bad headline each; "Sensex" and "Markets" have one each.
    assert len(joins) == 2
    for text in joins:
        assert text.count("Infosys") + text.count("Wipro") >= 1
        assert not ("Infosys" in text and "Wipro" in text) and "Sensex" not in text
    rng = random.Random(0)
    forms = {
        joined("Infosys profit rises 12%", "Infosys misses revenue estimates", rng, set(), True)
        for _ in range(30)
    }
    assert "Infosys profit rises 12%, but misses revenue estimates" in forms
    assert "Infosys profit rises 12% even as Infosys misses revenue estimates" in forms
