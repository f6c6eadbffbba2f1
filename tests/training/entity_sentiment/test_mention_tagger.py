"""The mention tagger: words and their spans cut in the graph, tags and spans back,
names checked as the service checks them, and a tiny tagger learnt, exported and loaded
back as the service loads it."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import tensorflow as tf

from app.sentiment.mention_tagger import (
    FIRST,
    LATER,
    OUTSIDE,
    MentionTagger,
    char_spans,
    mentions_of,
)
from app.sentiment.subjects import tagged_name
from training.entity_sentiment.mention_tagger import (
    export,
    fit,
    names_swapped,
    tags,
    word_spans,
)
from training.entity_sentiment.tagger_model import MentionWords, lookup_key


def _words(text: str) -> list[str]:
    return [text[a:b] for a, b in word_spans([text])[0]]


def test_the_graph_cuts_words_as_names_are_written_and_spans_index_the_text() -> None:
    assert _words("L.B. Foster, Tata Motors' unit win 3.5% orders") == [
        "L.B", ".", "Foster", ",", "Tata", "Motors", "'", "unit", "win", "3.5", "%", "orders",
    ]  # fmt: skip
    # Characters beyond ASCII take several bytes, a control character one: the spans the
    # graph gives in bytes come back as the text's characters.
    text = "Société Générale\u2019s 日本 a\x00b  $AAPL"
    assert _words(text) == ["Société", "Générale\u2019s", "日本", "a", "b", "$", "AAPL"]
    assert word_spans(["", "   "]) == [[], []]
    assert char_spans("añb", [0, 3], [1, 4]) == [(0, 1), (2, 3)]


def test_a_words_vector_is_looked_up_by_its_bare_lower_case_form() -> None:
    keys = lookup_key(tf.constant(["Reliance's", "Générale\u2019s", "Q3", "3.5", "AT&T"]))
    assert [k.decode() for k in keys.numpy()] == ["reliance", "générale", "0", "0", "at&t"]


def test_how_a_word_is_written_reaches_the_network_beside_its_vector() -> None:
    layer = MentionWords(["acme", "beats"], np.eye(2, dtype=np.float32))
    features, valid, starts, ends = layer(tf.constant(["ACME beats Q3's", "Ab"]))
    # Steps are the batch's most words; a shorter text is padded and marked so.
    assert features.shape == (2, 3, 2 + 8)
    assert valid.numpy().tolist() == [[True, True, True], [True, False, False]]
    assert starts.numpy().tolist() == [[0, 5, 11], [0, 0, 0]]
    assert ends.numpy().tolist() == [[4, 10, 15], [2, 0, 0]]
    acme, beats, q3 = features.numpy()[0]
    # capitalised, in capitals, lower case, digit, not a letter first, possessive,
    # first word, has a vector
    assert acme[2:].tolist() == [1, 1, 0, 0, 0, 0, 1, 1]
    assert beats[2:].tolist() == [0, 0, 1, 0, 0, 0, 0, 1]
    assert q3[2:].tolist() == [1, 0, 0, 1, 0, 1, 0, 0]  # a letter in lower case
    assert np.allclose(acme[:2], [1, 0], atol=0.01) and not q3[:2].any()
    # A capital alone is a capitalised word, not one in capitals.
    (a_word,) = layer(tf.constant(["A"]))[0].numpy()[0]
    assert a_word[2:4].tolist() == [1, 0]


def test_a_titles_mentions_tag_its_words_and_come_back_from_the_tags() -> None:
    title = "L.B. Foster, Tata Motors' unit win orders"
    words = word_spans([title])[0]
    mentions = [(0, 11), (13, 24)]
    tagged = tags(words, mentions)
    assert tagged == [FIRST, LATER, LATER, OUTSIDE, FIRST, LATER, OUTSIDE, OUTSIDE, OUTSIDE,
                      OUTSIDE]  # fmt: skip
    assert mentions_of(words, tagged) == mentions
    # A later word with no mention open starts one; two firsts in a row are two mentions.
    assert mentions_of(words, [LATER, LATER, LATER] + [OUTSIDE] * 7) == [(0, 11)]
    assert mentions_of(words[4:6], [FIRST, FIRST]) == [(13, 17), (18, 24)]


def test_a_tagged_mention_is_a_companys_name_only_as_the_service_reads_one() -> None:
    ordinary = frozenset({"strong", "placements", "record", "prices"})
    text = "Spain's Grupo Kuo's unit posts record; Strong Placements lift Acme"
    assert tagged_name(text, (0, 7), ordinary) is None  # a country's possessive
    assert tagged_name(text, (8, 19), ordinary) == (8, 17)  # "Grupo Kuo", the possessive off
    assert tagged_name(text, (31, 37), ordinary) is None  # a word in lower case
    assert tagged_name(text, (62, 66), ordinary) == (62, 66)
    # Where capitals mark names, two capitalised words read as one mention are a name
    # whatever words they are; in Title Case they say nothing.
    assert tagged_name(text, (39, 56), ordinary) == (39, 56)
    titled = "Strong Placements Lift Acme Shares As Orders Surge"
    assert tagged_name(titled, (0, 17), ordinary) is None
    # Not a market or its city, a place, a central bank or a place's people.
    words = ordinary | {"bank", "national", "street", "consumers", "swiss", "american",
                        "south", "african", "reserve", "asian", "development", "rate",
                        "premier", "energy", "foods", "islamic"}  # fmt: skip
    for bad in ("Wall Street", "Hang Seng", "Bank Indonesia", "Swiss National Bank",
                "Norges Bank", "American Consumers", "Tel Aviv", "South African Reserve Bank",
                "Asian Development Bank", "Bank Rate", "Austrian National Bank",
                "Saudi Central Bank"):  # fmt: skip
        said = f"Shares rise as {bad} steadies"
        at = said.index(bad)
        assert tagged_name(said, (at, at + len(bad)), words) is None, bad
    # A place before "Bank" names a lender as often as a government's bank; a role before
    # a trade names a company, before anything else a person.
    for good in ("Doha Bank", "Dubai Islamic Bank", "Qatar National Bank", "Premier Energy",
                 "Premier Foods"):  # fmt: skip
        said = f"Shares rise as {good} steadies"
        at = said.index(good)
        assert tagged_name(said, (at, at + len(good)), words) == (at, at + len(good)), good
    # Nor the part of a government's bank's name the tagger may read alone.
    assert tagged_name("Swiss National Bank cuts rates", (6, 19), words) is None
    premier = "Shares rise as Premier Li Qiang steadies"
    assert tagged_name(premier, (15, 30), words) is None
    merger = "Arion Bank proposes merger with Bank Islam; Seoul Viosys falls"
    assert tagged_name(merger, (32, 42), ordinary) == (32, 42)
    assert tagged_name(merger, (44, 56), ordinary) is None  # a market's city and one word
    # Capitals alone: an acronym, or a ticker in its company's tag.
    assert tagged_name("TSH Q3 profit rises on higher CPO prices", (30, 33), ordinary) is None
    assert tagged_name("Saia (SAIA) shares tumble", (6, 10), ordinary) is None


def _vectors(words: list[str]) -> np.ndarray:
    """A fixed random vector per word, standing in for the pretrained ones."""
    rows = [np.random.default_rng(zlib.crc32(w.encode())).normal(size=8) for w in words]
    return np.array(rows, dtype=np.float32)


def test_a_tiny_tagger_learns_where_names_stand_and_its_export_answers_alike(
    tmp_path: Path,
) -> None:
    names = ["Acme", "Initech", "Globex", "Umbrella", "Hooli", "Vandelay", "Wonka", "Stark"]
    verbs = ["beats estimates", "cuts guidance", "wins order", "posts profit"]
    titles = [(f"{n} {v} as demand grows", [(0, len(n))]) for n in names for v in verbs] * 6
    # The names have no vector, as most companies' names have none at serving.
    words = ["beats", "estimates", "cuts", "guidance", "wins", "order", "posts", "profit",
             "as", "demand", "grows"]  # fmt: skip
    # A rate ten times the default: a few epochs of tiny data, as a test can afford.
    serve, record = fit(
        titles, words, _vectors(words), units=8, epochs=12, seed=1, verbose=0, learning_rate=0.01
    )
    assert record["titles"]["fit"] + record["titles"]["validation"] == len(titles)
    tagger = MentionTagger(export(serve, tmp_path / "tagger", record))
    assert tagger.metadata["units"] == 8
    # A name it never saw, where names stand, whatever bytes its characters take; none
    # where none does.
    texts = ["Zorgon beats estimates as demand grows", "Zörgon wins order", "demand grows"]
    assert tagger.mentions(texts) == [[(0, 6)], [(0, 6)], []]
    assert tagger.names(texts, frozenset(words)) == [[(0, 6)], [(0, 6)], []]


def test_names_swapped_keep_the_sentence_and_mark_the_new_names() -> None:
    title = "Infosys gains, TCS slips as rupee firms"
    made = names_swapped([(title, [(0, 7), (15, 18), (27, 32)])], ["Acme Group", "Volvo"], 3, 1)
    assert len(made) == 3
    for text, spans in made:
        # The capitalised mentions become names drawn from the list; "rupee" stays.
        assert text.endswith(" slips as rupee firms") and len(spans) == 2
        assert all(text[a:b] in ("Acme Group", "Volvo") for a, b in spans)
        assert text[spans[0][1] :].startswith(" gains, ")
    assert names_swapped([("rupee firms", [(0, 5)])], ["Volvo"], 2, 1) == []
