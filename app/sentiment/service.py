"""Headline sentiment: the limits a request must meet, one model call per batch, and the
answer's JSON. The route and the hot path both go through `SentimentService`."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from app.model_store import JointCall, LoadedModel, ModelRegistry, joint_call
from app.sentiment.batching import MicroBatcher
from app.sentiment.entities import (
    OTHER_MARK,
    TARGET_MARK,
    Gazetteer,
    Span,
    after_given_name,
    cashtag_of,
    find,
    find_every,
    first_of_each,
    gazetteer_path,
    in_exchange_tag,
    in_longer_name,
    in_other_phrase,
    listing_venue,
    mark,
    may_be_inside,
    overlap,
    passed_over,
    tag_owner,
    without_exchange_tags,
)
from app.sentiment.language import ENGLISH, NO_TEXT, LanguageCheck, has_letter
from app.sentiment.mention_tagger import MentionTagger, tagger_path
from app.sentiment.outlet_marks import credit_start, without_outlet_marks
from app.sentiment.plain_text import Reading, links_blanked, readable, reading, without_links
from app.sentiment.schemas import EntityHeadline
from app.settings import Settings

log = logging.getLogger(__name__)

LABELS = ("negative", "neutral", "positive")
NEUTRAL = "neutral"
# The signature output with each headline's share of tokens the model knows (v5 on).
COVERAGE = "coverage"
AUTO = "auto"


@dataclass(frozen=True)
class Mention:
    """One entity of a headline: its name, the span answered about (in the text as sent),
    the entity model's input, and the company the lists know it as (None: unknown)."""

    name: str
    start: int
    end: int
    marked: str
    company: str | None = None


@dataclass(frozen=True)
class EntityItem:
    """A headline asked about per entity: the text the headline model reads (trimmed,
    `model_text`) and its entities' mentions."""

    text: str
    mentions: tuple[Mention, ...]
    # With "auto": the entities found past the per-headline limit, answered about not.
    past_limit: int = 0


# A checked request item: a plain headline stays a str, so the common case costs nothing.
Item = str | EntityItem


class EntityModelMissingError(RuntimeError):
    """A request names entities and no entity model is loaded."""


class HeadlineError(ValueError):
    """A request's headlines break a limit; `detail` names each broken rule, in the shape
    of FastAPI's 422 body."""

    def __init__(self, detail: list[dict[str, object]]) -> None:
        super().__init__(detail[0]["msg"])
        self.detail = detail


# Where the hot path (`app.asgi.hot_paths`) leaves the error its checks raised, so that
# the route answers it without checking the request again (and asking the mention
# tagger a second time).
CHECKED = "sentiment_check_error"


def keep_checked(scope: MutableMapping[str, Any], error: HeadlineError) -> None:
    scope.setdefault("state", {})[CHECKED] = error


def checked_before(state: object) -> HeadlineError | None:
    """The error the hot path's checks raised for this request (`keep_checked`), if any."""
    found = getattr(state, CHECKED, None)
    return found if isinstance(found, HeadlineError) else None


def _error(loc: list[str | int], msg: str, kind: str) -> dict[str, object]:
    return {"loc": loc, "msg": msg, "type": kind}


def _unencodable(text: str) -> tuple[int, int] | None:
    """(position, code point) of the first character UTF-8 cannot encode, if any."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start, ord(text[exc.start])
    return None


def _text_errors(text: str, loc: list[str | int], settings: Settings) -> list[dict[str, object]]:
    """What is wrong with a headline, already trimmed."""
    if (bad := _unencodable(text)) is not None:
        # JSON's \ud800 escapes (and CESU-style bytes) decode to lone surrogates, which
        # are not text: refused here, before they reach a batch and the model.
        return [
            _error(
                loc,
                f"headline is not valid Unicode text: character {bad[0]} is a lone "
                f"surrogate (U+{bad[1]:04X})",
                "string_unicode",
            )
        ]
    if not text:
        return [
            _error(
                loc,
                "headline is blank: it must hold 1 to "
                f"{settings.max_headline_chars} characters after trimming",
                "string_too_short",
            )
        ]
    if not readable(text).strip():
        # "\u200b" or "<br>" alone is blank to a reader and to the models.
        return [
            _error(
                loc,
                "headline is blank: it holds only characters a reader does not see "
                "(zero-width spaces, byte order marks, HTML tags)",
                "string_too_short",
            )
        ]
    if len(text) > settings.max_headline_chars:
        return [
            _error(
                loc,
                f"headline has {len(text)} characters after trimming, "
                f"the limit is {settings.max_headline_chars}",
                "string_too_long",
            )
        ]
    return []


def model_text(text: str) -> str:
    """What the models read of a headline or a marked one: the plain text (`readable`)
    without its links, its outlet's marks and its exchange tags, each run of spaces,
    tabs and line breaks one space and none at its ends ("&nbsp;", "<p>"): the headline
    model's character grams read them, and a headline pasted from a page may carry any.
    (The entity model's words do not: its marked texts keep the marks' own spaces.)"""
    return " ".join(without_marks_of_source(readable(text)).split())


def without_marks_of_source(plain: str) -> str:
    """A text already `readable` without its links, its outlet's marks and its exchange
    tags."""
    return without_exchange_tags(without_outlet_marks(without_links(plain)))


def before_credit(text: str) -> int:
    """Where the headline of `text` ends: at its outlet's credit ("... - Nasdaq"), in
    which no company is looked for, else at its end (links after the credit aside)."""
    unlinked = without_links(text)
    start = credit_start(unlinked) if text.startswith(unlinked) else None
    return len(text) if start is None else start


def search_text(read: Reading) -> str:
    """The text names are looked for in: the text as a reader reads it (`reading`:
    Infosys in full-width letters is Infosys, "AT&amp;T" is AT&T), with its links
    blanked, which the models do not read either."""
    return links_blanked(read.text)


def _mentions(
    item: EntityHeadline,
    loc: list[str | int],
    gazetteer: Gazetteer,
    settings: Settings,
    tagged: Sequence[Span] = (),
) -> tuple[tuple[Mention, ...], int, list[dict[str, object]]]:
    """Each entity's mention in the text as sent (spans index it), how many `"auto"`
    found past the limit, or the errors. `tagged`: with `"auto"`, the names the mention
    tagger found in `search_text`."""
    text = item.text
    # Found in the text as a reader reads it, whose spans map back to the text as sent.
    read = reading(text)
    search = search_text(read)
    # An outlet in the credit ("... - Nasdaq", "... - S&P Global") is not in the news.
    news_end = before_credit(read.text)
    # Every mention of every entity the gazetteer finds, and each entity's first
    # (find_entities(search)): the marks need them whatever is asked.
    every = [
        found
        for found in gazetteer.find_entities(
            search, every=True, from_tagger=tagged if item.entities == AUTO else ()
        )
        # "Bill Ford says tariffs will cost Ford": the person is no mention of the company;
        # nor is "Amazon rainforest" of Amazon, nor "Nasdaq-listed" a party to the news.
        if not (
            after_given_name(search, found[1])
            or in_other_phrase(search, found[1])
            or listing_venue(search, found[1])
        )
    ]
    all_found = first_of_each(every)
    past_limit = 0
    if item.entities == AUTO:
        found = []
        companies: dict[Span, str | None] = {}
        in_news = [(key, span) for key, span in all_found if span[0] < news_end]
        past_limit = max(0, len(in_news) - settings.max_entities_per_headline)
        keys = []
        for key, span in in_news[: settings.max_entities_per_headline]:
            start, end = read.sent(span)
            found.append((text[start:end], span))  # the name as the text writes it
            companies[span] = _company(gazetteer, search, span, key)
            keys.append(key)
    else:
        found, errors = [], []
        if len(item.entities) > settings.max_entities_per_headline:
            msg = (
                f"entities must hold at most {settings.max_entities_per_headline} names, "
                f"got {len(item.entities)}"
            )
            return (), 0, [_error([*loc, "entities"], msg, "too_long")]
        first_at: dict[Span, int] = {}
        wanted_at: dict[Span, str] = {}  # each mention's name as read, for its company
        for j, name in enumerate(item.entities):
            wanted = readable(name.strip())
            span = find(wanted, search, asked=True)
            if span is None and " & " in wanted:
                # "Johnson & Johnson" written "Johnson and Johnson".
                span = find(wanted.replace(" & ", " and "), search, asked=True)
            named, as_word = None, None
            # A ticker the text writes only in another case ("Run" for RUN in a title in
            # capitals), or a one-letter ticker standing alone ("A" of "A Guide To..."),
            # is its company's where the text names the company.
            other_case = span is not None and search[span[0] : span[1]] != wanted
            if span is not None and wanted.isupper() and (other_case or len(wanted) == 1):
                named = gazetteer.mention_of(wanted, search)
                if named is None:
                    as_word = _ticker_as_word(gazetteer, wanted, search, span)
                    span = None if as_word is not None else span
            elif (
                other_case
                and gazetteer.word_name(wanted) is not None
                and not (search.islower() or search.isupper())
            ):
                # A company's word ("Target") written only as the word ("sales target")
                # is no mention, unless the text names the company otherwise.
                named = gazetteer.mention_of(wanted, search)
                if named is None:
                    as_word = f"{search[span[0] : span[1]]!r} is a word there, not the name"
                    span = None
            elif span is not None and wanted.islower() and not search.islower():
                # A name asked in lower case ("apple") is its company's name where the text
                # writes that in its own case ("Apple and apple pie"), not the word.
                named = gazetteer.mention_of(wanted, search)
            if named is not None and named[0] < news_end:
                span = named
            elif span is not None and may_be_inside(search, span):
                # None where the name is written only inside other companies' names.
                span = gazetteer.standalone(
                    search, find_every(wanted, search, asked=True), wanted, all_found
                )
            if span is not None:
                span = gazetteer.name_around(search, cashtag_of(search, span), wanted)
                if after_given_name(search, span):
                    span = _after_the_person(search, span)
            if span is None or in_exchange_tag(search, span):
                # A portfolio lists tickers: "AAPL" is Apple's mention where the text
                # names Apple (not in an outlet's credit), and the ticker in Apple's
                # exchange tag stands for that mention.
                named = gazetteer.mention_of(wanted, search) if _name_like(wanted) else None
                if named is None and span is not None:
                    # A code the lists do not know, written in the tag after a name
                    # found ("AZN.L" of "AstraZeneca (AZN.L)"), stands for that name.
                    named = tag_owner(search, span, (m for _, m in every))
                span = named if named is not None and named[0] < news_end else span
            if span is None:
                why = as_word or _passed_over(gazetteer, wanted, search, all_found)
                word = (
                    None
                    if why is not None
                    else _word_passed_over(gazetteer, wanted, search, all_found)
                )
                if not name.strip():
                    msg = "entity name is blank"
                elif why is not None:
                    msg = (
                        f"entity {_shown(name)} is written in the headline only where it is "
                        f"no mention of its company: {why}"
                    )
                elif word is not None:
                    msg = f"entity {_shown(name)} does not occur in the headline, and {word}"
                else:
                    msg = (
                        f"entity {_shown(name)} does not occur in the headline as a whole "
                        "word, nor does another name of its company"
                    )
                errors.append(_error([*loc, "entities", j], msg, "entity_not_found"))
            elif span in first_at:
                # Two names for one mention would be two identical answers, and the
                # entries would no longer be one per entity.
                start, end = read.sent(span)
                msg = (
                    f"entity {_shown(name)} names the same mention as entities[{first_at[span]}] "
                    f"(characters {start} to {end}): name each entity once"
                )
                errors.append(_error([*loc, "entities", j], msg, "entity_repeated"))
            else:
                first_at[span] = j
                wanted_at[span] = wanted
                found.append((name, span))
        if errors:
            return (), 0, errors
    spans = [span for _, span in found]
    if item.entities != AUTO:
        keys = [gazetteer.key(search[start:end]) for start, end in spans]
        # The model learnt with every entity of a headline marked, so a company the caller
        # did not list is marked too, read as another entity rather than as words: asked
        # about alone, a company whose headline's entities disagree is read 7 points more
        # accurately so (docs/models/entity_sentiment.md, "The companies a caller leaves
        # out"). `mark` keeps the target, and one of any other mentions that overlap.
        others = gazetteer.others(search, spans, keys, all_found)
        companies = {
            span: _company(gazetteer, search, span, key, wanted_at[span])
            for span, key in zip(spans, keys, strict=True)
        }
        spans += [span for span in others if span[0] < news_end]
    # A company named twice ("BNP Paribas reports; BNP Paribas beats") or by two names
    # ("Alphabet's Google") is the target at each mention, and another entity at each of
    # its own: left as words, the name of the news would read as no entity's.
    key_of: dict[Span, str | None] = dict(zip(spans, keys, strict=False))
    found_keys = {span: key for key, span in every}
    for span in spans[len(keys) :]:
        # An exchange tag found only beside a caller's name is an entity of its own.
        key_of[span] = found_keys.get(span, f"tag at {span}")
    # A ticker beside a name says which company, never how it fares: the entity model
    # reads none, as it reads no exchange tag (docs/models/entity_sentiment.md).
    left_out = (
        gazetteer.tickers_beside(search, list(key_of)) if "$" in search or "(" in search else []
    )
    for key, span in every:
        if span[0] < news_end and span not in key_of and _named_again(search, span, key_of):
            key_of[span] = key
    mentions = tuple(
        Mention(
            name,
            *read.sent(span),
            without_marks_of_source(_marked(read.text, search, span, key_of, left_out)),
            companies[span],
        )
        for name, span in found
    )
    return mentions, past_limit, []


def _after_the_person(search: str, span: Span) -> Span:
    """A caller's name written first in a person's name ("Ford" of "Bill Ford says
    tariffs will cost Ford"): its next mention that is no person's, if any."""
    name = search[span[0] : span[1]]
    later = (
        s
        for s in find_every(name, search, asked=True)
        if s[0] > span[0] and not after_given_name(search, s)
    )
    return next(later, span)


# What stands between a name and the ticker or symbol written beside it to say which
# company it is ("Apple (AAPL)", "Apple $AAPL").
_BESIDE = frozenset({"", "(", "[", "<"})


def _named_again(search: str, span: Span, key_of: dict[Span, str | None]) -> bool:
    """Whether a mention the gazetteer finds beyond each entity's first is a mention
    of its own: not one in an exchange tag (`without_exchange_tags` leaves those out),
    nor one written right beside another ("Apple (AAPL)", "Reliance (RELIANCE.NS)"),
    either way round: one of the two says which company the other is; nor one that is
    part of a longer name, most often a person's ("Anand Mahindra", `in_longer_name`)."""
    return not (
        in_exchange_tag(search, span)
        or any(
            search[end : span[0]].strip() in _BESIDE
            if end <= span[0]
            else span[1] <= start and search[span[1] : start].strip() in _BESIDE
            for start, end in key_of
        )
        # Marked as a name of its own at worst, so a doubtful one is left as words.
        or in_longer_name(search, span, first_words=True)
    )


def _marked(
    text: str, search: str, target: Span, key_of: dict[Span, str | None], left_out: list[Span]
) -> str:
    """`mark`'s text for the target: its entity's other mentions (of its key, or for a
    name no list holds, the name again) marked as it is, every other entity's as others."""
    key = key_of[target]
    if key is None:
        name = search[target[0] : target[1]]
        again = find_every(name, search) if search.count(name) > 1 else []
        # Not where another entity's name holds it ("Tata" of "Tata Steel").
        also = [s for s in again if s != target and not any(overlap(s, m) for m in key_of)]
    else:
        also = [span for span, k in key_of.items() if k == key and span != target]
    others = [span for span in key_of if span != target and span not in also]
    return mark(text, target, others, left_out, also)


def _passed_over(
    gazetteer: Gazetteer, wanted: str, search: str, found: list[tuple[str, Span]]
) -> str | None:
    """Why a caller's name the text writes names no mention there, for its refusal:
    `passed_over`'s reasons, or the other companies' names it stands in only ("Adani" of
    "Adani Ports, Adani Green rally"); None if the text does not write it. `found`:
    `find_entities(search)`."""
    why = passed_over(wanted, search)
    every = find_every(wanted, search, asked=True) if why is None and found else []
    holders = [
        search[a:b]
        for _, (a, b) in found
        if any(a <= start and end <= b and end - start < b - a for start, end in every)
    ]
    if holders:
        return f"it stands only inside other companies' names: {', '.join(map(repr, holders))}"
    return why


def _ticker_as_word(gazetteer: Gazetteer, wanted: str, search: str, span: Span) -> str | None:
    """For a caller's ticker that is no name the lists write ("ALL", "ARE", "NOW"), whose
    company the text names nowhere, where the text writes it only as a word in another
    case ("All eyes on Fed": a text with capitals), or, a single letter ("A", "C"),
    standing alone in any text ("A Guide To Dividends", "Series C funding"): that, for
    its refusal. None otherwise: a name written in capitals ("TCS", "TESLA") may be read
    in any case ("Tcs", "Tesla"), as may a longer ticker in a text all in lower case,
    where case says nothing; a one-letter ticker is found as a cashtag ("$C")."""
    if gazetteer.key(wanted) is not None or gazetteer.entity(wanted) is None:
        return None
    if len(wanted) == 1:
        return (
            f"{search[span[0] : span[1]]!r} stands alone there as a word or a letter, not as "
            "the ticker, and the headline names its company nowhere else"
        )
    if search.islower():
        return None
    return (
        f"{search[span[0] : span[1]]!r} is a word there, not the ticker in capitals, and the "
        "headline names its company nowhere else"
    )


def _word_passed_over(
    gazetteer: Gazetteer, wanted: str, search: str, around: list[tuple[str, Span]]
) -> str | None:
    """For a caller's ticker whose company's name is a word ("TGT": "Target"), written
    only in a phrase that names something else ("Target price") or inside another
    company's name ("Southern" of "Southern Copper" for SO): that, for its refusal.
    `around`: `find_entities(search)`."""
    key = gazetteer.entity(wanted)
    for word in gazetteer.by_ticker.get(key, ()) if key is not None else ():
        # The words are names ("Target", "BP"), so the reasons that can hold are a
        # phrase, the index, or another company's name around it.
        why = passed_over(word, search)
        if why is not None:
            return f"its company's name {word!r} {why.removeprefix('it ')}"
        span = find(word, search)
        if span is None:
            continue
        holders = [search[a:b] for _, (a, b) in around if a <= span[0] and span[1] <= b]
        if holders:
            return f"its company's name {word!r} stands only inside {holders[0]!r}"
    return None


def _name_like(name: str) -> bool:
    """Whether a caller's name not written in the text may stand for another name of a
    company it names: it begins with a letter, a digit or a cashtag's "$" and ends with
    a letter, a digit or a full stop ("Apple Inc."), so "Apple!!!" or "(Apple" names
    nothing, though its words are Apple's."""
    return (
        bool(name)
        and (name[0].isalnum() or name[0] == "$")
        and (name[-1].isalnum() or name[-1] == ".")
    )


def _shown(name: str, most: int = 80) -> str:
    """A caller's name as an error quotes it: whole up to `most` characters, else its
    start, so that a refusal stays small whatever the name's length."""
    return repr(name) if len(name) <= most else f"{name[:most]!r}... ({len(name)} characters)"


def _company(
    gazetteer: Gazetteer, text: str, span: Span, key: str | None, asked: str | None = None
) -> str | None:
    """The company a mention (its entity's `key`) answers for: the name a caller `asked`
    for it by if the text writes another ("AAPL" for "Apple", "PFE" for "Pfizer"), else
    the key's in this text (`company_in`), else the one the ticker beside the mention
    names ("Knoll (NYSE:KNL)", "Nasdaq (NASDAQ:NDAQ)", "Pfizer <PFE.N>", "Pfizer $PFE")."""
    company = None
    # Asked by a name the text writes otherwise, or by one the lists hold as no name of a
    # company though it is one (a ticker such as "BP", "Target Corp", the word "Shell"),
    # the mention is the company the name says, if `entity` knows it.
    written = asked is not None and asked == text[span[0] : span[1]]
    # Not a company's word inside a longer name, though ("Ms Shell", "Orange County").
    inside = written and gazetteer.word_name(asked or "") and in_longer_name(text, span)
    if asked is not None and (not written or key is None) and not inside:
        company = gazetteer.company(gazetteer.entity(asked))
    return (
        company
        or gazetteer.company_in(key, text)
        or gazetteer.ticker_beside(text, span, key)
        # A caller's ticker answered in its tag ("KNL" of "Knoll (NYSE:KNL)").
        or (gazetteer.tag_at(text, span) if asked is not None else None)
    )


def check_count(headlines: Sequence[str | EntityHeadline], settings: Settings) -> None:
    """Raise HeadlineError unless the request holds 1 to the most headlines allowed."""
    n = len(headlines)
    # A request larger than the queue's bound could never be queued: a 422 that says so,
    # not a 503 whose retry can never succeed.
    most = min(settings.max_headlines, settings.batch_queue_max)
    if not 1 <= n <= most:
        raise HeadlineError(
            [
                _error(
                    ["body", "headlines"],
                    f"headlines must hold 1 to {most} items, got {n}",
                    "too_short" if n == 0 else "too_long",
                )
            ]
        )


def to_tag(headlines: Sequence[str | EntityHeadline], settings: Settings) -> dict[int, str]:
    """The `"auto"` headlines (by index) whose companies the mention tagger is asked
    for, each as `search_text`; none when any text fails its checks, so that a request
    answered with a 422 costs no model call. A headline all in capitals or in lower
    case is not asked."""
    check_count(headlines, settings)
    out = {}
    for i, headline in enumerate(headlines):
        trimmed = (headline if isinstance(headline, str) else headline.text).strip()
        if _text_errors(trimmed, [], settings):
            return {}
        if isinstance(headline, EntityHeadline) and headline.entities == AUTO:
            search = search_text(reading(trimmed))
            # The tagger's names are kept only where capitalised and not in capitals
            # alone (`subjects.tagged_name`): a text with no such word is not asked.
            if any(w[:1].isupper() and not w.isupper() for w in search.split()):
                out[i] = search
    return out


def check_limits(
    headlines: Sequence[str | EntityHeadline],
    settings: Settings,
    gazetteer: Gazetteer,
    tagged: Mapping[int, Sequence[Span]] | None = None,
) -> list[Item]:
    """Trim each headline, find its entities' mentions and enforce the count and length
    limits; return the checked items, each text as the models read it (`model_text`).
    `tagged`: by index, the names the mention tagger found in `"auto"` headlines."""
    check_count(headlines, settings)
    n = len(headlines)
    items: list[Item] = []
    errors = []
    for i, headline in enumerate(headlines):
        loc: list[str | int] = ["body", "headlines", i]
        if isinstance(headline, str):
            trimmed = headline.strip()
            problems = _text_errors(trimmed, loc, settings)
            items.append(model_text(trimmed))
        elif not settings.entity_sentiment_model:
            msg = "this server answers per headline only: ENTITY_SENTIMENT_MODEL is empty"
            problems = [_error([*loc, "entities"], msg, "entities_disabled")]
        else:
            trimmed = headline.text.strip()
            problems = _text_errors(trimmed, [*loc, "text"], settings)
            if not problems:
                mentions, past_limit, problems = _mentions(
                    headline, loc, gazetteer, settings, (tagged or {}).get(i, ())
                )
                items.append(EntityItem(model_text(trimmed), mentions, past_limit))
        errors += problems
    if errors:
        raise HeadlineError(errors)
    total = n + sum(len(x.mentions) for x in items if isinstance(x, EntityItem))
    if total > settings.batch_queue_max:
        msg = f"headlines and entities must total at most {settings.batch_queue_max}, got {total}"
        raise HeadlineError([_error(["body", "headlines"], msg, "too_long")])
    return items


def best_labels(rows: np.ndarray, names: list[str]) -> list[int]:
    """Each row's label index. Equal scores (a headline the model cannot read gets 1/3
    each) go to neutral rather than to whichever label comes first."""
    tie_break = np.zeros(len(names))
    if NEUTRAL in names:
        tie_break[names.index(NEUTRAL)] = 1e-9
    return (np.asarray(rows, dtype=np.float64) + tie_break).argmax(axis=1).tolist()


def score(
    model: LoadedModel, texts: Sequence[str], check: LanguageCheck | None = None
) -> list[str]:
    """One model call; each text's answer as a JSON object, in order."""
    outputs = model.predict_outputs(list(texts))
    return answers(model, outputs, languages(check, texts, outputs.get(COVERAGE)))


def languages(
    check: LanguageCheck | None, texts: Sequence[str], coverage: np.ndarray | None
) -> list[str] | None:
    """Each headline's language, None when the check is off."""
    if check is None:
        return None
    # Models before version 5 report no coverage: every text is asked about.
    return check.languages(texts, None if coverage is None else np.asarray(coverage).tolist())


def as_its_headline(result: str, answer: str) -> str:
    """An entity's `answer` (from `answers`, told English, or "zxx" where its marked
    headline is nothing but names) read as its headline's `result` is: unread, 1/3 each
    and neutral, with the headline's language, where the headline is in another. One
    verdict for a headline and its entities: asked apart, a marked headline whose
    company names were its only Latin words ("Infosys 株価が急落") was told Japanese
    while the headline was told English."""
    code = result[result.rindex('"language": ') + len('"language": ') : -1]
    if code in ('"en"', "null"):
        return answer
    parsed = json.loads(answer)
    scores = parsed["scores"]
    third = 1 / len(scores)
    parsed["scores"] = dict.fromkeys(scores, third)
    parsed["label"] = NEUTRAL if NEUTRAL in scores else next(iter(scores))
    parsed["language"] = json.loads(code)
    return json.dumps(parsed)


def as_unread(rows: np.ndarray, told: Sequence[str]) -> None:
    """Each row (probabilities, in place) whose text is in another language than English
    becomes 1/3 each: the answer to a headline the model cannot read."""
    rows[[i for i, code in enumerate(told) if code != ENGLISH]] = 1 / rows.shape[1]


def answers(
    model: LoadedModel, outputs: dict[str, np.ndarray], told: Sequence[str] | None = None
) -> list[str]:
    """Each row of `model`'s outputs as a JSON object: label, scores, coverage, language.

    A row whose text is in another language than English (`told`, from `languages`)
    is answered as unread: 1/3 each, neutral, whatever the model said. Without `told`
    (the check turned off) each row's language is null.

    It runs in the inference thread on a whole batch, vectorised, so that the event
    loop, the busier of the two cores, only joins strings per request. Serialised here
    rather than through response_model: re-validating plain floats under the model's
    fixed labels cost more than the rest of the handler.
    """
    # The model's own metadata says which column is which label.
    names = list(model.metadata.get("labels", LABELS))
    rows = np.asarray(outputs[model.output_name], dtype=np.float64)
    rows = rows / rows.sum(axis=1, keepdims=True)
    if told is None:
        codes = ["null"] * len(rows)
    else:
        codes = [f'"{code}"' for code in told]
        as_unread(rows, told)
    best = best_labels(rows, names)
    labels = [json.dumps(name) for name in names]
    # Models before version 5 do not report coverage: null.
    coverage = outputs.get(COVERAGE)
    if coverage is None:
        tails: list[tuple[float, ...]] = [()] * len(rows)
        template = _template(labels, "null")
    else:
        tails = [(round(c, 4),) for c in np.asarray(coverage, dtype=np.float64).tolist()]
        template = _template(labels, "%r")
    # %r of a finite float is the shortest string that round-trips, as json.dumps writes
    # it; one %-format per row is several times faster than json.dumps.
    return [
        template % (labels[k], *row, *tail, code)
        for k, row, tail, code in zip(best, rows.tolist(), tails, codes, strict=True)
    ]


def _template(labels: list[str], coverage: str) -> str:
    scores = ", ".join(f"{label.replace('%', '%%')}: %r" for label in labels)
    return f'{{"label": %s, "scores": {{{scores}}}, "coverage": {coverage}, "language": %s}}'


def encode_results(
    model: LoadedModel, results: Sequence[str], entity_model: LoadedModel | None = None
) -> bytes:
    """The response body around the per-headline objects from `score`."""
    ref = json.dumps({"name": model.name, "version": model.version})
    head = f'{{"model": {ref}, '
    if entity_model is not None:
        ref = json.dumps({"name": entity_model.name, "version": entity_model.version})
        head += f'"entity_model": {ref}, '
    return f'{head}"results": [{", ".join(results)}]}}'.encode()


def with_entities(
    result: str, mentions: Sequence[Mention], answers: Sequence[str], past_limit: int = 0
) -> str:
    """A headline's object from `score` with its entities' objects added, and the count
    of those `"auto"` found and left out, where there are any."""
    entities = ", ".join(
        f'{{"name": {json.dumps(m.name)}, "company": {_json_string(m.company)}, '
        f'"start": {m.start}, "end": {m.end}, {answer[1:]}'
        for m, answer in zip(mentions, answers, strict=True)
    )
    more = f', "entities_left_out": {past_limit}' if past_limit else ""
    return f'{result[:-1]}, "entities": [{entities}]{more}}}'


# A company's key as JSON: a few thousand keys, each written in every answer about it.
_json_string = lru_cache(maxsize=16_384)(json.dumps)


class MarkedText(str):
    """A marked headline queued for the entity model: a str of its own type, so one
    batcher carries both kinds and a batch of plain headlines is told apart cheaply."""

    __slots__ = ()


def model_calls(items: Sequence[str]) -> tuple[int, int]:
    """A request's headlines and marked headlines: `_score` runs each kind as its own
    model call, so the batch bound applies to each kind apart."""
    marked = sum(1 for t in items if type(t) is MarkedText)
    return (len(items) - marked, marked)


BUSY_RETRY_AFTER = "1"


def busy_detail(exc: Exception) -> str:
    """The 503 detail for a full queue, the same from the hot path and the route."""
    return f"server busy: {exc}"


class SentimentService:
    def __init__(
        self,
        settings: Settings,
        registry: ModelRegistry,
        observe: Callable[[int, float], None] | None = None,
        observe_tagger: Callable[[int, float], None] | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        # Headlines and entity queries share one queue and its inference threads.
        self.batcher: MicroBatcher[str, str] = MicroBatcher(
            self._score,
            max_batch_size=settings.batch_max_size,
            max_wait_s=settings.batch_max_wait_ms / 1000,
            max_queued_items=settings.batch_queue_max,
            observe=observe,
            workers=settings.inference_workers,
            sizes=model_calls,
        )
        # The entity model's gazetteer and mention tagger (the tagger's names are checked
        # by the gazetteer's words): one pair, swapped together.
        self._finders: tuple[Gazetteer, MentionTagger | None] = (Gazetteer(()), None)
        self.tagger_batcher: MicroBatcher[str, list[Span]] = MicroBatcher(
            self._tag,
            max_batch_size=settings.batch_max_size,
            max_wait_s=settings.batch_max_wait_ms / 1000,
            max_queued_items=settings.batch_queue_max,
            observe=observe_tagger,
        )
        self._joint: JointCall | None = None
        self.language_check = LanguageCheck() if settings.language_check else None

    def model(self) -> LoadedModel | None:
        return self.registry.get(self.settings.sentiment_model)

    def entity_model(self) -> LoadedModel | None:
        name = self.settings.entity_sentiment_model
        return self.registry.get(name) if name else None

    def set_entity_model(self, model: LoadedModel) -> None:
        """Take the gazetteer exported with the entity model (cashtags only without one)
        and its mention tagger where it ships one and MENTION_TAGGER allows, and, when the
        headline model is loaded, the joint call of both, warmed up."""
        path = gazetteer_path(model.path)
        gazetteer = Gazetteer.load(path) if path.is_file() else Gazetteer(())
        log.info("gazetteer of %s v%s: %d names", model.name, model.version, len(gazetteer.names))
        tagger = None
        if self.settings.mention_tagger and tagger_path(model.path).is_dir():
            tagger = MentionTagger(tagger_path(model.path))
            tagger.mentions(["warm-up"])  # its graph optimised now, not in a request
        self._finders = (gazetteer, tagger)
        headline_model = self.model()
        if headline_model is not None:
            joint = joint_call([headline_model, model])
            # TensorFlow optimises a graph on its first call (about a second): here,
            # before the service is ready, rather than in the first entity request.
            joint.predict_outputs([["warm-up"], [f"{TARGET_MARK} warm-up"]])
            self._joint = joint

    def not_ready(self) -> str:
        return "; ".join(self.registry.not_ready_reasons())

    async def check(self, headlines: Sequence[str | EntityHeadline]) -> list[Item]:
        """`check_limits`, with the names the mention tagger finds in `"auto"` headlines
        where the entity model ships one: one call for the request's headlines, queued
        with other requests'. Raises HeadlineError, or QueueFullError."""
        gazetteer, tagger = self._finders
        texts = to_tag(headlines, self.settings) if tagger is not None else {}
        tagged = None
        if texts:
            found = await self.tagger_batcher.submit(list(texts.values()))
            tagged = dict(zip(texts, found, strict=True))
        return check_limits(headlines, self.settings, gazetteer, tagged)

    def _tag(self, texts: list[str]) -> list[list[Span]]:
        gazetteer, tagger = self._finders
        if tagger is None:
            return [[] for _ in texts]
        return tagger.names(texts, gazetteer.ordinary_words)

    async def classify(self, model: LoadedModel, items: list[Item]) -> bytes:
        """The response body for `items` (already checked): queued with other requests'
        items for one model call. Raises QueueFullError when the queue is at its bound,
        EntityModelMissingError when entities are asked for and no entity model is loaded."""
        if all(type(x) is str for x in items):
            return encode_results(model, await self.batcher.submit(items))  # type: ignore[arg-type]
        entity_model = self.entity_model()
        if entity_model is None:
            raise EntityModelMissingError(self.not_ready() or "no entity model is configured")
        texts = [x if isinstance(x, str) else x.text for x in items]
        queries = [
            MarkedText(m.marked) for x in items if isinstance(x, EntityItem) for m in x.mentions
        ]
        answers = await self.batcher.submit(texts + queries)
        rest = iter(answers[len(texts) :])
        results = [
            with_entities(
                r, x.mentions, [as_its_headline(r, next(rest)) for _ in x.mentions], x.past_limit
            )
            if isinstance(x, EntityItem)
            else r
            for x, r in zip(items, answers[: len(texts)], strict=True)
        ]
        return encode_results(model, results, entity_model)

    def _score(self, texts: list[str]) -> list[str]:
        # In the inference thread: the models loaded now, which may be newer than the
        # ones the request saw.
        model = self.model()
        if model is None:
            raise RuntimeError("sentiment model not loaded")
        if all(type(t) is str for t in texts):
            return score(model, texts, self.language_check)
        entity_model = self.entity_model()
        if entity_model is None:
            raise RuntimeError("entity sentiment model not loaded")
        out = [""] * len(texts)
        marked = [i for i, t in enumerate(texts) if type(t) is MarkedText]
        plain = [i for i, t in enumerate(texts) if type(t) is not MarkedText]
        kinds = [(rows, m) for rows, m in ((plain, model), (marked, entity_model)) if rows]
        inputs = [[str(texts[i]) for i in rows] for rows, _ in kinds]
        joint = self._joint
        if len(kinds) == 2 and joint is not None and joint.serves(model, entity_model):
            outputs = joint.predict_outputs(inputs)
        else:
            outputs = [m.predict_outputs(x) for (_, m), x in zip(kinds, inputs, strict=True)]
        for (rows, m), found, x in zip(kinds, outputs, inputs, strict=True):
            if m is entity_model and self.language_check is not None:
                # An entity's language is its headline's (`as_its_headline`); a marked
                # headline of nothing but names ("$SPY $AAPL") has no word about any.
                told: list[str] | None = [
                    ENGLISH
                    if has_letter(t.replace(TARGET_MARK, "").replace(OTHER_MARK, ""))
                    else NO_TEXT
                    for t in x
                ]
            else:
                told = languages(self.language_check, x, found.get(COVERAGE))
            for i, answer in zip(rows, answers(m, found, told), strict=True):
                out[i] = answer
        return out
