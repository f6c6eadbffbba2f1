"""Real posts about the economy, labelled by hand for this project (`data/economy_posts/`).

The service's users follow the economy as well as companies, and about a tenth of the
finance news posts in `data/tfns_topic/` are about it (its "Macro" topic), against about
1 % of the labelled headlines. `economy.py` asks a model about indicators in sentences
made from templates; these are posts as the news accounts wrote them: inflation prints,
jobless claims, GDP, surveys, forecasts. Each was read and labelled by the rule in
LABEL_RULE; those a careful reader could label two ways are kept in the file with no
label, so the choice can be checked.

The split is fixed: a post whose text's sha256 starts with 0-7 is a test post, never
learnt, chosen on or stopped on; the others may be learnt (`make train-sentiment
ARGS=--economy-posts`), less any whose words are a test post's or overlap one's by
unlabelled.NEAR, so that no near copy of a test post is learnt.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from training.sentiment import unlabelled
from training.sentiment.sentfin import LABELS, refuse_unknown_labels

FILE = Path(__file__).resolve().parents[2] / "data" / "economy_posts" / "posts.csv"
# A second reader's labels of the test posts, by each text's sha256 (SOURCES.md).
SECOND_READING = FILE.with_name("second_reading.csv")
MACRO_TOPIC = "14"  # "Macro" in the topic dataset's classes.txt
# The posts read: the Macro topic's posts that name one of these (any case).
NAMES = re.compile(
    r"\b(unemployment|jobless|inflation|CPI|PPI|deficits?|surplus|layoffs|bankruptcies|"
    r"job cuts|insolvencies|payrolls|jobs|GDP|retail sales|exports|imports|output|PMI|"
    r"confidence|sentiment|housing starts|home sales|home prices|house prices|wages|prices|"
    r"growth|economy|economic|recession|manufacturing|factory|industrial production|"
    r"consumer spending|spending|job openings|hiring|employment)\b",
    re.IGNORECASE,
)
LABEL_RULE = (
    "read as by a person who follows the economy and markets of the place the post names: "
    "positive if the economy or its markets do better or better than expected (growth, "
    "output, jobs, spending, sales, confidence or exports up; unemployment, jobless claims, "
    "inflation, deficits down or below forecasts; a recession judged less likely), negative "
    "the other way, neutral with no sign a reader would act on (schedules, previews, a level "
    "with no move or comparison); with a 'but', the clause after it; no label where a careful "
    "reader could label it two ways (an interest-rate rise, prices whose sign depends on "
    "who pays, mixed news with no main clause)"
)
TEST_DIGITS = "01234567"  # first hex digit of sha256(text) for a test post
# Each post learnt this many times: the posts then weigh about as much among the
# labelled headlines as the economy does among finance news (a tenth), not a fiftieth.
REPEAT = 5

Post = tuple[str, str]  # (text, label)


def load(path: Path = FILE) -> list[Post]:
    """Every labelled post in the file's order; the unlabelled ones are left out."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(r["text"], r["label"]) for r in csv.DictReader(fh)]
    refuse_unknown_labels(path, (label for _, label in rows))
    return [(text, label) for text, label in rows if label]


def digest(text: str) -> str:
    """The sha256 of a post's text, hex: the split's key and the second reading's."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_test(text: str) -> bool:
    return digest(text)[0] in TEST_DIGITS


def test_part(posts: Sequence[Post] | None = None) -> list[Post]:
    """The test posts of `posts` (default: the file's), by their hash."""
    return [p for p in (load() if posts is None else posts) if is_test(p[0])]


def split(posts: Sequence[Post]) -> tuple[list[Post], list[Post]]:
    """(learnable, test): the test posts by their hash, the others less near copies of them."""
    test = test_part(posts)
    rest = [p for p in posts if not is_test(p[0])]
    tests = [t for t, _ in test]
    keep = set(unlabelled.usable([t for t, _ in rest], [], tests))
    return [p for p in rest if p[0] in keep], test


def select(
    topics: Sequence[tuple[str, str]], labelled: Sequence[str], tests: Sequence[str]
) -> list[str]:
    """The texts that were read, in the order read: the Macro posts of `topics` ((text,
    topic) pairs) naming one of NAMES, less what `unlabelled.usable` drops against the
    labelled and test headlines, by sha256 of the text."""
    named = [text for text, topic in topics if topic == MACRO_TOPIC and NAMES.search(text)]
    fresh = unlabelled.usable(named, labelled, tests)
    return sorted(fresh, key=digest)


def second_reading(path: Path = SECOND_READING) -> dict[str, str]:
    """The second reader's label of each test post, by the sha256 of its text; "" where
    that reader, as the rule allows, gave none."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = {r["sha256"]: r["label"] for r in csv.DictReader(fh)}
    refuse_unknown_labels(path, rows.values())
    return rows


def agreement(posts: Sequence[Post], second: dict[str, str]) -> tuple[int, int, float]:
    """(posts both readers labelled, of those labelled alike, Cohen's kappa on them)."""
    pairs = [(label, second[digest(text)]) for text, label in posts]
    both = [(a, b) for a, b in pairs if b]
    same = sum(a == b for a, b in both)
    n = len(both)
    chance = sum(
        sum(a == label for a, _ in both) * sum(b == label for _, b in both) for label in LABELS
    ) / (n * n)
    return n, same, (same / n - chance) / (1 - chance)
