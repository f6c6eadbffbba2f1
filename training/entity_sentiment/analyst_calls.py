"""Rule-labelled broker calls: the company takes the call's sign, the broker stays neutral.

    python -m training.entity_sentiment.analyst_calls [--sample N]   # print some

SEntFiN labels a broker, bank or rating agency that makes a call as neutral and the
company it speaks of with the call's sign ("HSBC upgrades Tata Power": Tata Power
positive, HSBC neutral), and the TFNS pairs follow the same rule (`pairs.ANALYSTS`). Yet
a call's verb is usually next to the broker, and a network that reads each mention's
neighbourhood gives the broker the call's sign. These headlines show it the frame many
times over, with the broker first or last, in words other than the entity suite's
(`behaviour.ANALYST_CALL`; a test checks that they share no word pair), so that the
suite measures whether the rule carries over to other phrasings rather than whether its
frames were seen. The marked text hides each name, so which brokers and companies fill the frames
does not matter to the model; the companies are the headline grammars' own.

`make train-entities ARGS="--analyst-calls 300"` adds them. Tried at two seeds, and with
the answers of a teacher fine-tuned on them (`make teacher ARGS="--task entity
--analyst-calls 300"`), and not served: the network reads nearly every generated call
right and the suite's calls no better than without them (docs/models/entity_sentiment.md).
"""

from __future__ import annotations

import argparse
import random

from training.sentiment.synthetic import NAMED, NEU, SIGN, PairHeadline

BROKERS = (
    "Jefferies",
    "Nomura",
    "CLSA",
    "Macquarie",
    "Bernstein",
    "UBS",
    "HSBC",
    "Kotak Institutional Equities",
    "Motilal Oswal",
    "ICICI Securities",
    "Emkay Global",
    "Fitch",
    "Barclays",
    "Deutsche Bank",
    "Evercore ISI",
    "Piper Sandler",
)

# (frame, whether the call is good for the company {a}); {b} is the broker. {why} is a
# reason of the call's own sign, or nothing.
FRAMES = (
    ("{b} lifts {a} to overweight{why}", True),
    ("{b} moves {a} to accumulate from hold{why}", True),
    ("{b} reiterates outperform on {a}{why}", True),
    ("{b} initiates {a} with overweight{why}", True),
    ("{b} adds {a} to its conviction list{why}", True),
    ("{b} bumps up target for {a} shares{why}", True),
    ("{a} gets a rating boost from {b}{why}", True),
    ("{a} climbs on upbeat {b} note", True),
    ("{a} is a buy, says {b}{why}", True),
    ("{b} expects {a} earnings to beat consensus", True),
    ("{b} moves {a} to underweight{why}", False),
    ("{b} lowers {a} to reduce{why}", False),
    ("{b} reiterates underperform on {a}{why}", False),
    ("{b} initiates {a} with underweight{why}", False),
    ("{b} drops {a} from its conviction list{why}", False),
    ("{b} slashes target for {a} shares{why}", False),
    ("{a} gets a rating cut from {b}{why}", False),
    ("{a} drops on downbeat {b} note", False),
    ("{a} is a sell, says {b}{why}", False),
    ("{b} expects {a} earnings to fall short of consensus", False),
)

REASONS = {
    True: (" on strong order book", " citing healthy cash flows", " on rising market share"),
    False: (" on stretched valuation", " citing slowing orders", " on rising debt"),
}


def headlines(n: int, seed: int = 0) -> list[PairHeadline]:
    """`n` broker calls, each naming a company (first entity) and a broker (second)."""
    rng = random.Random(seed)
    out: list[PairHeadline] = []
    seen: set[str] = set()
    while len(out) < n:
        frame, good = rng.choice(FRAMES)
        a, b = rng.choice(NAMED), rng.choice(BROKERS)
        why = rng.choice(("", *REASONS[good]))
        text = frame.format(a=a, b=b, why=why)
        if text in seen:
            continue
        seen.add(text)
        out.append(PairHeadline.found(text, ((a, SIGN[good]), (b, NEU))))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.entity_sentiment.analyst_calls",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("--sample", type=int, default=10, help="headlines to print")
    args = parser.parse_args(argv)
    for h in headlines(args.sample):
        labels = ", ".join(f"{name}: {label}" for name, _, label in h.entities)
        print(f"{h.text}  ({labels})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
