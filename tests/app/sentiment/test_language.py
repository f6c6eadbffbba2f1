"""The language check: it finds headlines in other languages and leaves English alone.

The figures are the ones docs/models/sentiment.md reports ("Headlines in other
languages"), measured on the project's hand-written headlines and on every SEntFiN and
TFNS text (training/sentiment/languages.py).
"""

from __future__ import annotations

import pytest

from app.sentiment.language import ENGLISH, NO_TEXT, LanguageCheck
from training.sentiment import languages


@pytest.fixture(scope="module")
def check() -> LanguageCheck:
    return LanguageCheck()


def test_it_finds_the_hand_written_foreign_headlines(check: LanguageCheck) -> None:
    rates = languages.foreign_rates(check)
    assert rates["n"] == 100
    assert rates["found"] == 95
    # Whatever it finds, it names rightly: a miss is read as English, never as a third
    # language.
    assert rates["right_code"] == rates["found"]
    assert all(row["found"] >= row["n"] - 2 for row in rates["by_language"].values())


def test_english_with_foreign_names_stays_english(check: LanguageCheck) -> None:
    rates = languages.english_named_rates(check)
    assert (rates["english"], rates["n"]) == (20, 20)


def test_no_sentfin_title_and_only_tfns_posts_in_other_languages_are_flagged(
    check: LanguageCheck,
) -> None:
    texts = languages.corpora()
    assert languages.corpus_rates(check, texts["sentfin_titles"])["other"] == 0
    validation = languages.corpus_rates(check, texts["tfns_validation"])
    assert validation["n"] == 2_388
    assert validation["by_language"] == {"es": 2, "fr": 1, "it": 1, "pl": 1, "zh": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La Bourse de Paris termine en baisse", "fr"),
        ("Siemens Aktie fällt nach Gewinnwarnung", "de"),
        ("日経平均株価が急落", "ja"),
        ("انخفاض أسعار النفط", "ar"),
        # Short text in another script is never English, however unsure the identifier.
        ("Акции Газпрома упали на 5%", "ru"),
        ("🚀🚀🚀", NO_TEXT),
        ("....", NO_TEXT),
        ("12,345", NO_TEXT),
        ("Infosys Q3 results beat street", ENGLISH),
        # One English word no other language writes settles it, names around it or not.
        ("Banca Monte dei Paschi di Siena shares jump", ENGLISH),
        ("Acme zzqxv wqxyz", ENGLISH),
    ],
)
def test_each_kind_of_text(check: LanguageCheck, text: str, expected: str) -> None:
    assert check.language(text) == expected


def test_below_the_threshold_a_latin_headline_is_read_as_english() -> None:
    strict = LanguageCheck(threshold=1.01)
    assert strict.language("La Bourse de Paris ouverte") == ENGLISH
    assert strict.language("Акции Газпрома упали на 5%") == "ru"
    # Unless it holds two words of another language's headlines and no English one.
    assert strict.language("La Bourse de Paris termine en baisse") == "fr"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("El Ibex 35 cae", "es"),
        ("Der DAX fällt", "de"),
        ("Il FTSE MIB cala", "it"),
        ("Ibovespa sobe com Petrobras", "pt"),
        # One such word is a name's: English headlines name "Le Chateau", "Los Angeles".
        ("Le Chateau files for bankruptcy", ENGLISH),
        ("Los Angeles port volumes fall", ENGLISH),
    ],
)
def test_a_short_headline_with_two_foreign_words_is_foreign(
    check: LanguageCheck, text: str, expected: str
) -> None:
    assert check.language(text, coverage=0.5) == expected


def test_english_must_be_among_the_languages_weighed() -> None:
    with pytest.raises(ValueError, match="English"):
        LanguageCheck(languages=("fr", "de"))


def test_text_the_model_knows_whole_is_english_unasked(check: LanguageCheck) -> None:
    # The service passes the model's coverage: a headline whose every token the model
    # knows never reaches the identifier, whatever its words; one without a letter is
    # still no text.
    french = "La Bourse de Paris termine en baisse"
    assert check.language(french, coverage=0.86) == "fr"
    assert check.language(french, coverage=1.0) == ENGLISH
    assert check.language("....", coverage=1.0) == NO_TEXT
    assert check.languages([french, french], [0.5, 1.0]) == ["fr", ENGLISH]
