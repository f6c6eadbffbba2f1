"""Ask an export's gazetteer about companies by name, as a user of `"auto"` would.

    python -m training.entity_sentiment.probe NAMES_FILE [--entity-model DIR] [--keys]

Each line of NAMES_FILE is a company as headlines write it ("Micron", "Severn Trent").
Each is put in a sentence ("<name> shares rise after results") and searched as the
service searches an `"entities": "auto"` item. A name is found as written when the
first mention found is the name itself; otherwise it is missed, and what was found in
its place is shown ("Severn Trent" found as "Trent", another company). `--keys` lists
each name found with its entity's key, for checking that it is the company meant.

The probes that widened `data/world_companies/` were run this way
(`docs/models/entity_sentiment.md`, "v22" to "v24"): write the names first, then the rows.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from app.model_store import version_dir
from app.sentiment.entities import UNLISTED, Gazetteer, gazetteer_path

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "{} shares rise after results"


@dataclass(frozen=True)
class Answer:
    name: str
    # What `"auto"` found, first mention first: (the text found, its entity's key).
    found: tuple[tuple[str, str], ...]

    @property
    def as_written(self) -> bool:
        return bool(self.found) and self.found[0][0] == self.name


def probe(known: Gazetteer, names: Iterable[str]) -> list[Answer]:
    """Each name in its sentence, as `"auto"` reads it."""
    out = []
    for name in names:
        text = SENTENCE.format(name)
        # A company no list holds, found as the sentence's subject, is none of the lists'.
        found = [(k, s) for k, s in known.find_entities(text) if not k.startswith(UNLISTED)]
        out.append(Answer(name, tuple((text[start:end], key) for key, (start, end) in found)))
    return out


def report(answers: list[Answer], keys: bool = False) -> str:
    missed = [a for a in answers if not a.as_written]
    lines = [f"{len(answers)} asked; {len(missed)} not found as written"]
    lines += [f"  {a.name!r}: found {list(a.found) or 'nothing'}" for a in missed]
    if keys:
        lines += [f"  {a.name!r} -> {a.found[0][1]}" for a in answers if a.as_written]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.entity_sentiment.probe")
    p.add_argument("names", type=Path, help="a file of company names, one a line")
    p.add_argument(
        "--entity-model", type=Path, help="an entity_sentiment SavedModel (default: the newest)"
    )
    p.add_argument("--keys", action="store_true", help="also list each name found with its key")
    args = p.parse_args(argv)
    entity_dir = args.entity_model or version_dir(ROOT / "models" / "entity_sentiment")
    known = Gazetteer.load(gazetteer_path(entity_dir))
    names = [line.strip() for line in args.names.read_text().splitlines() if line.strip()]
    print(report(probe(known, names), keys=args.keys))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
