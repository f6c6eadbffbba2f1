"""SEntFiN's entity labels as pairs: mentions, the hard subset and the marked text."""

from __future__ import annotations

from app.sentiment.entities import OTHER_MARK, TARGET_MARK, find
from training.entity_sentiment.evaluate import KINDS, by_kind, kinds, report
from training.entity_sentiment.pairs import (
    joined_pairs,
    marked,
    pairs,
    tfns_pairs,
    training_texts,
    turned_pairs,
)
from training.sentiment import sentfin, tfns
from training.sentiment.parts import is_validation_title
from training.sentiment.sentfin import LABELS, Headline


def test_mentions_are_whole_words_exact_case_first() -> None:
    assert find("TCS", "Infosys gains, TCS slips") == (15, 18)
    assert find("TCS", "TCSL gains") is None  # not inside a longer word
    assert find("infosys", "Infosys gains") == (0, 7)  # case ignored only as a fallback
    assert find("Tata", "tata and Tata Motors") == (9, 13)


def test_each_entity_is_a_pair_with_its_headlines_split() -> None:
    h = Headline(
        "Infosys gains 3%, TCS slips after weak guidance",
        {"Infosys": "positive", "TCS": "negative"},
    )
    a, b = pairs([h])
    assert (a.entity, a.label, a.span, a.others) == ("Infosys", "positive", (0, 7), ((18, 21),))
    assert (b.entity, b.label, b.span) == ("TCS", "negative", (18, 21))
    assert a.disagree and b.disagree and a.is_test == b.is_test == h.is_test
    assert marked(a) == f" {TARGET_MARK}  gains 3%,  {OTHER_MARK}  slips after weak guidance"
    assert marked(b) == f" {OTHER_MARK}  gains 3%,  {TARGET_MARK}  slips after weak guidance"


def test_overlapping_mentions_keep_the_first_and_unfound_entities_have_no_span() -> None:
    h = Headline(
        "Tata Motors up; Tata Steel flat",
        {"Tata Motors": "positive", "Tata": "neutral", "Wipro": "neutral"},
    )
    motors, tata, wipro = pairs([h])
    assert tata.span == (0, 4) and motors.span == (0, 11)
    assert marked(motors).startswith(f" {TARGET_MARK} ")
    assert wipro.span is None and marked(wipro) == h.title


def test_the_committed_data_as_pairs() -> None:
    all_pairs = pairs(sentfin.load(sentfin.COMMITTED))
    test = [p for p in all_pairs if p.is_test]
    assert (len(all_pairs), len(test)) == (14405, 2839)
    assert sum(p.disagree for p in test) == 519
    assert sum(p.span is None for p in all_pairs) == 112


def test_each_pair_knows_its_kind_of_headline() -> None:
    headlines = [
        Headline("Infosys gains 3%, TCS slips", {"Infosys": "positive", "TCS": "negative"}),
        Headline("Wipro flat", {"Wipro": "neutral"}),
        Headline(
            "Tata Steel, Tata Motors rise", {"Tata Steel": "positive", "Tata Motors": "positive"}
        ),
    ]
    test = pairs(headlines)
    kind = kinds(headlines)
    assert kind == [KINDS[2], KINDS[2], KINDS[0], KINDS[1], KINDS[1]]
    answers = ["positive", "positive", "neutral", "negative", "positive"]
    assert by_kind(test, kind, {"m": answers}) == {
        "m": {KINDS[0]: 1.0, KINDS[1]: 0.5, KINDS[2]: 0.5}
    }
    # The committed test split: a title may stand for two headlines, so kinds come from
    # the headlines, not from counting titles.
    every = sentfin.load(sentfin.COMMITTED)
    kept = [k for k, q in zip(kinds(every), pairs(every), strict=True) if q.is_test]
    assert [kept.count(k) for k in KINDS] == [1627, 693, 519]


def test_extra_pairs_join_fit_or_validation_by_the_rule_and_never_the_test() -> None:
    # What the per-entity teacher's --tfns reads: the trainer's parts, TFNS's pairs included.
    sentfin_rows = [Headline(f"Infosys gains {i}%", {"Infosys": "positive"}) for i in range(40)]
    extra = tfns_pairs(
        [tfns.Headline(f"$AAPL slips {i}% after weak guidance", "negative") for i in range(40)]
    )
    fit, val, tests = training_texts(sentfin_rows, extra)
    fit_texts, val_texts = {t for t, _ in fit}, {t for t, _ in val}
    for q in extra:
        assert marked(q) in (val_texts if is_validation_title(q.title) else fit_texts)
    # Both kinds reach validation here, so its checks read both sources.
    assert any("xtargetx  slips" in t for t in val_texts)
    assert any("gains" in t for t in val_texts)
    assert len(fit) + len(val) == 40 - len(tests["entity_test"]) + 40
    assert not any("slips" in t for t, _ in tests["entity_test"])
    assert {label for t, label in fit if "slips" in t} == {LABELS.index("negative")}


def test_the_teachers_test_parts_hold_the_pairs_whose_entities_disagree() -> None:
    rows = [
        Headline(f"Infosys gains {i}%, TCS slips", {"Infosys": "positive", "TCS": "negative"})
        for i in range(20)
    ]
    rows += [
        Headline(f"Infosys and TCS gain {i}%", {"Infosys": "positive", "TCS": "positive"})
        for i in range(20)
    ]
    test = [q for q in pairs(rows) if q.is_test]
    _, _, tests = training_texts(rows)
    assert tests["entity_test"] == [(marked(q), LABELS.index(q.label)) for q in test]
    disagree = tests["entity_test_disagree"]
    assert disagree == [(marked(q), LABELS.index(q.label)) for q in test if q.disagree]
    # Both kinds reach the test split here, and only the opposite news is the hard subset.
    assert 0 < len(disagree) < len(tests["entity_test"])
    assert all("slips" in text for text, _ in disagree)


def test_a_set_where_no_entities_disagree_is_reported_over_all_pairs() -> None:
    # TFNS's pairs: one label a headline, so there is no "disagree" subset to score.
    rows = tfns_pairs([tfns.Headline("$AAPL slips", "negative"), tfns.Headline("Up", "positive")])
    scored = report(rows, ["negative", "negative"])
    assert set(scored) == {"all"} and scored["all"]["n"] == 2
    assert scored["all"]["accuracy"] == 0.5


def test_joined_headlines_keep_each_companys_own_label_and_mention() -> None:
    alone = pairs(
        [
            Headline("Infosys gains 3% on strong orders", {"Infosys": "positive"}),
            Headline("TCS slips after weak guidance", {"TCS": "negative"}),
            Headline("Wipro board meets on Friday", {"Wipro": "neutral"}),
            Headline("Infosys rallies again", {"Infosys": "positive"}),
        ]
    )

    def words(texts: list[str]) -> list[int]:
        return [len(t.split()) for t in texts]

    joins = joined_pairs(alone, 3, seed=0, length=words, limit=64)
    assert len(joins) == 6
    for (a, source), (b, _) in zip(joins[::2], joins[1::2], strict=True):
        assert a.title == b.title and a.disagree and not a.is_test
        assert a.title[a.span[0] : a.span[1]] == source.entity  # type: ignore[index]
        assert a.label == source.label != b.label
        assert a.others == (b.span,) and b.others == (a.span,)
        # Each text reads as the two headlines, once each.
        assert sorted(a.title.count(q.title) for q in alone if q.title in a.title) == [1, 1]
    # Two headlines of one company, or of one label, are never joined.
    assert not any("Infosys gains" in q.title and "Infosys rallies" in q.title for q, _ in joins)
    # A text that would not fit in the steps read is left out: at 9 words (and the join's
    # one) only the three-word headline fits beside a five-word one.
    short = joined_pairs(alone, 3, seed=0, length=words, limit=9)
    assert short and all("Infosys rallies again" in q.title for q, _ in short)
    assert joined_pairs(alone, 3, seed=0, length=words, limit=8) == []


def test_turned_headlines_keep_each_entitys_label_with_the_clauses_the_other_way() -> None:
    titles = {
        "Nikkei rises as yen plumbs 6-year lows": {"Nikkei": "positive", "yen": "negative"},
        "Colgate gains; UBS upgrades to 'buy'": {"Colgate": "positive", "UBS": "neutral"},
        "Choppy Sensex ends flat, IT stocks under pressure": {
            "Sensex": "neutral",
            "IT stocks": "negative",
        },
        # Lists, a dependent phrase, an attribution and one clause: left as written.
        "Euro, stocks recover on hopes of Greek deal": {"Euro": "positive", "stocks": "positive"},
        "Euro slips against dollar, yen in Asian trade": {
            "Euro": "negative",
            "dollar": "neutral",
            "yen": "neutral",
        },
        "Sensex likely to hit 31,000, says Citigroup": {
            "Sensex": "positive",
            "Citigroup": "neutral",
        },
        "Tata Motors up; prefer Wipro: Pankaj Pandey": {
            "Tata Motors": "positive",
            "Wipro": "positive",
        },
        "Ajay Piramal joins Shriram Group, takes over as Chairman of Shriram Capital": {
            "Shriram Group": "positive",
            "Shriram Capital": "positive",
        },
        "Infosys board meets on Friday": {"Infosys": "neutral"},
    }
    source = pairs([Headline(t, e) for t, e in titles.items()])
    turns = turned_pairs(source)
    assert [q.title for q, _ in turns[::2]] == [
        "As yen plumbs 6-year lows, Nikkei rises",
        "UBS upgrades to 'buy'; Colgate gains",
        "IT stocks under pressure, Choppy Sensex ends flat",
    ]
    for turned, was in turns:
        assert turned.title[turned.span[0] : turned.span[1]] == was.entity  # type: ignore[index]
        assert (turned.entity, turned.label, turned.disagree) == (
            was.entity,
            was.label,
            was.disagree,
        )
        assert sorted(turned.title[a:b] for a, b in turned.others) == sorted(
            was.title[a:b] for a, b in was.others
        )
        assert not turned.is_test and marked(turned) != marked(was)
    # The two entities change places: the one named first now comes last.
    nikkei = turns[0][0]
    assert marked(nikkei) == f"As  {OTHER_MARK}  plumbs 6-year lows,  {TARGET_MARK}  rises"
