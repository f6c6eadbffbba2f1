"""Real headlines recomposed with negation, hedges and a second clause, for the teacher
to answer (distillation).

The teacher's edits (augment.py) only drop words, and few labelled headlines negate,
hedge or join two clauses of opposite sign, so the student rarely sees the words that
turn or weigh a sign ("did not", "may", "but") at work in a real headline's frame. The
rule-labelled headlines (synthetic.py) show them in the grammars' own few frames. These
texts show them in the fit headlines' frames, names and numbers:

- negated: the first move or event verb turned into "does not / fails to" (present) or
  "did not / failed to" (past) and its base form: "Infosys Q3 profit rises 12%" gives
  "Infosys Q3 profit does not rise 12%";
- hedged: the same verb, present tense only, after "may", "could", "is expected to" or
  "is likely to";
- joined: two fit headlines in one, by "but", "even as" or "although".

No label comes with them: the teacher answers each one, so the student learns its reading
(a clause after "but" that wins, a negated fall that is good news), right or wrong, as it
learns the teacher's answers on the edits. Nothing is made from a validation or test
headline, and no text made is one of them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence

from training.sentiment.word_vectors import LINK

# Finite verb -> (base form, past tense?). Where present and past are one word the
# tense, and so the auxiliary, is unknown: "cut" and "set" are left out, "beats" and
# "hurts" kept in the present only.
VERBS: dict[str, tuple[str, bool]] = {}
_PRESENT = (
    "rise fall jump slump surge plunge soar tumble climb drop gain slip slide dip rally "
    "advance decline sink increase decrease expand shrink widen narrow raise hike slash "
    "trim miss upgrade downgrade outperform underperform strengthen weaken improve "
    "worsen boost hurt win lose approve reject post report beat top exceed sign bag "
    "launch announce receive secure recover rebound extend surpass double halve reach"
)
_PAST = {
    "rise": "rose",
    "shrink": "shrank",
    "fall": "fell",
    "lose": "lost",
    "slide": "slid",
    "sink": "sank",
}
_ES = ("s", "sh", "ch", "x", "z")
_DOUBLED = {"slip", "dip", "drop", "top", "bag", "trim"}
# Present only: "beat" and "hurt" are their own past, "won" is also a currency.
_SAME_PAST = {"beat", "hurt", "win"}


def _third_person(base: str) -> str:
    if base.endswith(_ES):
        return base + "es"
    if base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


def _past(base: str) -> str:
    if base in _PAST:
        return _PAST[base]
    if base.endswith("e"):
        return base + "d"
    if base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ied"
    if base in _DOUBLED:
        return base + base[-1] + "ed"
    return base + "ed"


for _base in _PRESENT.split():
    VERBS[_third_person(_base)] = (_base, False)
    if _base not in _SAME_PAST:
        VERBS[_past(_base)] = (_base, True)

NEGATIONS = {False: ("does not {}", "fails to {}"), True: ("did not {}", "failed to {}")}
HEDGES = ("may {}", "could {}", "is expected to {}", "is likely to {}")
JOINS = ("{a}, but {b}", "{a} even as {b}", "Although {a}, {b}")
MAX_WORDS = 12  # a joined headline of two longer ones reads as two headlines
_LINK = re.compile(LINK)


# Words after which "gains", "falls" or "reports" are nouns ("weeks of gains").
_BEFORE_NOUN_WORDS = (
    "a an the of in on at to for with from by after before amid its their his her no any "
    "some more fresh big biggest strong weak early late further"
)
_BEFORE_NOUN = set(_BEFORE_NOUN_WORDS.split())


def _verb(words: Sequence[str]) -> int | None:
    """The index of the first finite verb of VERBS after the first word (a headline's
    first word is its subject or a name, "Rise in ..." is not a verb), unless the word
    before it makes it a noun."""
    for i, word in enumerate(words[1:], start=1):
        if word in VERBS and words[i - 1].lower() not in _BEFORE_NOUN:
            return i
    return None


def _turned(title: str, rng: random.Random, forms: dict[bool, Sequence[str]]) -> str | None:
    """`title` with its first verb put in one of `forms` for its tense (past: True), or
    None without such a verb or forms for its tense."""
    words = title.split()
    i = _verb(words)
    if i is None:
        return None
    base, past = VERBS[words[i]]
    if past not in forms:
        return None
    return " ".join([*words[:i], rng.choice(forms[past]).format(base), *words[i + 1 :]])


def negated(title: str, rng: random.Random) -> str | None:
    return _turned(title, rng, NEGATIONS)


def hedged(title: str, rng: random.Random) -> str | None:
    return _turned(title, rng, {False: HEDGES})


def _inner(clause: str, common: set[str]) -> str:
    """A headline as a clause inside a sentence: its first word lower-cased unless it is
    a name (a word the headlines never write in lower case)."""
    first, _, rest = clause.partition(" ")
    if first.lower() in common and first[1:].islower():
        first = first.lower()
    return f"{first} {rest}".rstrip(" .;,:")


def joined(a: str, b: str, rng: random.Random, common: set[str], elide: bool = False) -> str:
    """`a` and `b` in one of JOINS; with `elide`, "X rises 5%" and "X misses estimates"
    joined by "but" share their subject, as headlines write it: "X rises 5%, but misses
    estimates"."""
    form = rng.choice(JOINS)
    a = a.rstrip(" .;,:") if form.startswith("{a}") else _inner(a, common)
    words = b.split()
    if elide and form == JOINS[0] and len(words) > 2 and words[1] in VERBS:
        b = " ".join(words[1:])
    return form.format(a=a, b=_inner(b, common))


def compositions(
    titles: Sequence[str],
    labels: Sequence[str],
    joins: int,
    seed: int,
    exclude: Iterable[str] = (),
    same_subject: bool = False,
) -> list[str]:
    """Each title's negated and hedged forms (where it has a verb to turn), then `joins`
    pairs of short titles joined, a positive one and a negative one by their labels
    (either first), so that the clauses disagree; with `same_subject`, only pairs that
    open with the same name ("Infosys ..."), each pair once. None of them is a title of
    `titles` or `exclude`, none repeated, the same for the same arguments."""
    rng = random.Random(seed)
    seen = set(titles) | set(exclude)
    out: list[str] = []

    def keep(text: str | None) -> None:
        if text is not None and text not in seen:
            seen.add(text)
            out.append(text)

    plain = [(t, y) for t, y in zip(titles, labels, strict=True) if not _LINK.search(t)]
    for title, _ in plain:
        keep(negated(title, rng))
        keep(hedged(title, rng))
    common = {w for t, _ in plain for w in t.split()[1:] if w.islower()}
    # A clause that asks or quotes ("...: analyst") does not join into one sentence.
    short = [(t, y) for t, y in plain if len(t.split()) <= MAX_WORDS and not set("?:\"'") & set(t)]
    good = [t for t, y in short if y == "positive"]
    bad = [t for t, y in short if y == "negative"]
    if same_subject:
        bad_by: dict[str, list[str]] = {}
        for b in bad:
            if (name := _subject(b, common)) is not None:
                bad_by.setdefault(name, []).append(b)
        pairs = [[g, b] for g in good for b in bad_by.get(_subject(g, common) or "", [])]
        rng.shuffle(pairs)
        for pair in pairs[:joins]:
            rng.shuffle(pair)
            keep(joined(*pair, rng, common, elide=True))
        return out
    for _ in range(joins if good and bad else 0):
        pair = [rng.choice(good), rng.choice(bad)]
        rng.shuffle(pair)
        keep(joined(*pair, rng, common))
    return out


def _subject(title: str, common: set[str]) -> str | None:
    """A title's first word if it is a name (never written in lower case), else None."""
    first = title.split()[0]
    return None if first.lower() in common else first
