"""POST /sentiment's request and response bodies, as they appear in the OpenAPI document."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StrictStr, Tag

from app.schemas import ModelRef

Label = Literal["negative", "neutral", "positive"]


def _entities_kind(value: object) -> str | None:
    """A list is names, a string "auto" or a misspelling of it; anything else (null, an
    object, a number) neither, and its error says what the field takes."""
    if isinstance(value, list):
        return "names"
    return "auto" if isinstance(value, str) else None


class EntityHeadline(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "Infosys gains 3%, TCS slips after weak guidance",
                    "entities": ["Infosys", "TCS"],
                },
                {"text": "Apple beats estimates as Intel misses", "entities": "auto"},
            ]
        },
    )

    text: StrictStr = Field(description="the headline")
    entities: Annotated[
        Annotated[list[StrictStr], Tag("names")] | Annotated[Literal["auto"], Tag("auto")],
        Discriminator(
            _entities_kind,
            custom_error_type="entities_type",
            custom_error_message='entities must be a list of names or "auto"',
        ),
    ] = Field(
        description="the companies (or other entities) to answer about, each of which must "
        "occur in the text as a whole word (exact case first, then any case; the text as "
        'read: "AT&T" is in "AT&amp;T") or be a ticker or another name of a company the '
        'text names ("AAPL" answers for "Apple"), each mention named once; or "auto": '
        "the names the model's gazetteer finds (Indian listed companies, the S&P 500's, "
        "the US-listed ones and large companies listed elsewhere; whole words, "
        "case-sensitive but in a text all in capitals or all in lower case), cashtags such "
        "as $AAPL, the company of an exchange tag such as (NYSE:KNL), answered at the "
        "name before the tag where one reads as a name, and a company no list holds where "
        'the headline or a clause of it opens with it as its subject ("Krones wins record '
        'order", "Palfinger and Rosenbauer fall") or says what happened to it or who leads '
        'it ("stake in Tsumura", "fines Logista", "chairman of NBHC"), or, where the '
        "model ships a mention tagger and the server asks it (MENTION_TAGGER), where the "
        'tagger tags a name ("Nordic Capital makes bid"), with company null. '
        "At most "
        'MAX_ENTITIES_PER_HEADLINE names (16 unless the server sets another); "auto" '
        "answers the first that many found"
    )


def _item_kind(value: object) -> str | None:
    """A string is a headline, an object a headline with entities; anything else
    neither, and its error says what an item may be."""
    if isinstance(value, str):
        return "headline"
    return "object" if isinstance(value, dict | EntityHeadline) else None


# One form or the other, chosen by the JSON type, so an error names the form's own
# problem ("entities: Field required") rather than both forms' at once.
HeadlineItem = Annotated[
    Annotated[StrictStr, Tag("headline")] | Annotated[EntityHeadline, Tag("object")],
    Discriminator(
        _item_kind,
        custom_error_type="headline_type",
        custom_error_message='a headline must be a string, or an object such as {"text": '
        '"...", "entities": ["..."] or "auto"}',
    ),
]


class SentimentRequest(BaseModel):
    # Unknown fields are rejected, so a misspelt "headline" is named, not silently dropped.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "headlines": [
                        "Infosys shares surge 8% after strong Q3 earnings beat",
                        "Rupee slumps to record low against the dollar",
                        "RBI keeps repo rate unchanged at 6.5%",
                    ]
                },
                {
                    "headlines": [
                        "Rupee slumps to record low against the dollar",
                        {
                            "text": "Infosys gains 3%, TCS slips after weak guidance",
                            "entities": ["Infosys", "TCS"],
                        },
                        {"text": "Tata Motors rallies, Maruti falls", "entities": "auto"},
                    ]
                },
            ]
        },
    )

    # Count and length limits are settings, checked by the endpoint.
    headlines: list[HeadlineItem] = Field(
        description="financial news headlines, each scored on its own, answered in this "
        "order; a headline given as an object is also answered per entity. 1 to "
        "MAX_HEADLINES items (256 unless the server sets another), each 1 to "
        "MAX_HEADLINE_CHARS characters after trimming (1000), and the headlines and their "
        "entities together at most BATCH_QUEUE_MAX (4096); any other is a 422 naming the "
        "limit"
    )


class Scores(BaseModel):
    negative: float
    neutral: float
    positive: float


class SentimentResult(BaseModel):
    label: Label
    scores: Scores
    coverage: float | None = Field(
        description="share of the headline's tokens the model knows, 0 to 1. The model "
        "reads English only: at 0 it has nothing to go on, and answers 1/3 each and "
        "neutral. Whether a headline was read is `language`'s to say, not this share's: "
        'punctuation or digits alone ("!!!") are tokens the model knows (coverage 1), yet '
        'hold no word to read (language "zxx", answered 1/3 each). null from models that '
        "do not report it (before version 5)",
        ge=0.0,
        le=1.0,
    )
    language: str | None = Field(
        description='"en"; else the ISO 639-1 code of the other language the headline is '
        'written in, or "zxx" when it holds no letter (numbers, emoji, punctuation), and '
        "then it is answered as unread: 1/3 each, neutral. null when the check is off "
        "(LANGUAGE_CHECK=false)",
        examples=["en", "fr", "zxx"],
    )
    entities: list[EntityResult] | None = Field(
        None,
        description="for a headline given as an object: the sentiment towards each entity, "
        'in the order asked ("auto": in the order they occur)',
    )
    entities_left_out: int | None = Field(
        None,
        description='with "auto", only where it found more entities than '
        "MAX_ENTITIES_PER_HEADLINE: how many it found past that limit and did not answer "
        "about (the first ones found are answered)",
        ge=1,
    )


class EntityResult(BaseModel):
    name: str = Field(description='the entity as asked for, or ("auto") the mention as written')
    company: str | None = Field(
        description='the company the mention names, one key for all its names ("Apple", '
        '"AAPL" and "$AAPL" are "AAPL"): an S&P 500 ticker, "NSE:" and an NSE symbol '
        '("NSE:INFY"), "W:" and a name from the project\'s own list ("W:TOYOTA"), or the '
        "ticker a cashtag or a US exchange's tag gives, or another market's code and "
        'the ticker its tag gives ("L:VOD", "T:7203"); null when neither the lists nor the '
        'text say which company it is ("Pfizer" alone may be Pfizer Ltd of India or '
        "Pfizer Inc.), and for a company no list holds, found opening the headline",
        examples=["AAPL", "NSE:INFY", None],
    )
    start: int = Field(
        description="where the mention answered about starts in the text, in Unicode code "
        "points (an emoji counts one; JavaScript's string indices count it two); of a "
        "company named twice, the first mention, though the answer reads both"
    )
    end: int = Field(description="where it ends (exclusive), so text[start:end] is the mention")
    label: Label
    scores: Scores
    coverage: float = Field(description="share of the marked headline's tokens the model knows")
    language: str | None = Field(
        description="the language of the headline's words around the entities, in the "
        'codes of the headline\'s own `language`: "zxx" when nothing but entities is left '
        "(a post of cashtags alone), and then this entity is answered as unread"
    )


class SentimentResponse(BaseModel):
    model: ModelRef
    entity_model: ModelRef | None = Field(
        None, description="the model that answered per entity, when any headline asked"
    )
    results: list[SentimentResult]
