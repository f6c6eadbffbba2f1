"""SEntFiN 1.0: locating, downloading, parsing, labelling and splitting the data set.

The label rule and the test split are fixed by the design notes so that every
model of the project is scored on the same headlines.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import os
import re
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
SHA256 = "570af7ba58f724f3fcc414dd5ba80da5b1a3b342134d76c6ebdf53a32c54a92f"
# A public copy of SEntFiN 1.0 (the authors publish it on Kaggle, behind a login),
# pinned to one commit; the sha256 check below is what makes it trustworthy.
DOWNLOAD_URL = (
    "https://raw.githubusercontent.com/shahriariit/opendataset/"
    "37fafd210f00b69f0d1dfe1819294d5844a3f0d0/SEntFiN-v1.1.csv"
)
ENV_VAR = "SENTFIN_PATH"
FILE_NAME = "SEntFiN.csv"
DATA = Path(__file__).resolve().parents[2] / "data"
# The committed copy (MIT, data/sentfin/SOURCES.md), so training needs no network.
COMMITTED = DATA / "sentfin" / FILE_NAME
# Where --download puts a fresh copy of the upstream file.
DEFAULT_DIR = DATA / "raw"

LABEL_RULE = (
    "net polarity of the entity labels: positive if more positive than negative "
    "entities, negative if more negative, else neutral"
)
SPLIT_RULE = "test if int(sha256(title UTF-8).hexdigest(), 16) % 5 == 0, else train/validation"

# Entity names may hold unescaped apostrophes ("Moody's"), which breaks
# ast.literal_eval on 13 rows; the sentiment words are a closed set, so anchor on them.
_PAIR = re.compile(
    r"""['"](?P<entity>.+?)['"]\s*:\s*['"](?P<label>positive|negative|neutral)['"]\s*(?=,|\})"""
)


class DatasetMissingError(FileNotFoundError):
    """The SEntFiN file is not where it was looked for."""


@dataclass(frozen=True)
class Headline:
    title: str
    entities: dict[str, str]

    @property
    def label(self) -> str:
        return net_polarity(self.entities.values())

    @property
    def is_test(self) -> bool:
        return is_test_title(self.title)


def parse_decisions(text: str) -> dict[str, str]:
    """Parse a `Decisions` cell into entity -> sentiment, tolerating bad quoting."""
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        value = None
    if isinstance(value, dict) and all(v in LABELS for v in value.values()):
        return {str(k): str(v) for k, v in value.items()}
    pairs = {m["entity"]: m["label"] for m in _PAIR.finditer(text)}
    if not pairs:
        raise ValueError(f"no entity sentiment found in Decisions cell: {text[:80]!r}")
    return pairs


def refuse_unknown_labels(path: Path, labels: Iterable[str]) -> None:
    """Raise ValueError naming the labels of a hand-labelled file (`path`) that are none
    of LABELS; an empty label (left unlabelled) is allowed."""
    bad = {label for label in labels if label and label not in LABELS}
    if bad:
        raise ValueError(f"{path}: labels {sorted(bad)} are none of {LABELS}")


def net_polarity(labels: Iterable[str]) -> str:
    labels = list(labels)
    pos = labels.count("positive")
    neg = labels.count("negative")
    if pos > neg:
        return "positive"
    if neg > pos:
        return "negative"
    return "neutral"


def is_test_title(title: str) -> bool:
    return int(hashlib.sha256(title.encode("utf-8")).hexdigest(), 16) % 5 == 0


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def locate(path: str | Path | None = None) -> Path:
    """Find the data file: explicit path, then $SENTFIN_PATH, then the committed copy in
    data/sentfin/, then a downloaded one in data/raw/."""
    candidates: list[Path]
    if path is not None:
        candidates = [Path(path)]
    elif os.environ.get(ENV_VAR):
        candidates = [Path(os.environ[ENV_VAR])]
    else:
        candidates = [COMMITTED, DEFAULT_DIR / FILE_NAME]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise DatasetMissingError(
        f"SEntFiN not found at {', '.join(str(c) for c in candidates)}: put {FILE_NAME} in "
        f"{DEFAULT_DIR}/, pass --data PATH, set {ENV_VAR}, or run with --download"
    )


def download(dest_dir: Path = DEFAULT_DIR, url: str = DOWNLOAD_URL, sha256: str = SHA256) -> Path:
    """Fetch the file, keep it only if its sha256 is the pinned one."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / FILE_NAME
    tmp = dest.with_suffix(".part")
    with urllib.request.urlopen(url, timeout=60) as response, tmp.open("wb") as fh:
        fh.write(response.read())
        fh.flush()
        os.fsync(fh.fileno())
    actual = file_sha256(tmp)
    if actual != sha256:
        tmp.unlink()
        raise ValueError(f"downloaded SEntFiN from {url} has sha256 {actual}, expected {sha256}")
    tmp.replace(dest)
    return dest


def load(path: str | Path) -> list[Headline]:
    with Path(path).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"Title", "Decisions"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
        return [
            Headline(title=row["Title"], entities=parse_decisions(row["Decisions"]))
            for row in reader
        ]


def split(rows: Iterable[Headline]) -> tuple[list[Headline], list[Headline]]:
    """Return (train+validation, test) by the content hash rule."""
    train: list[Headline] = []
    test: list[Headline] = []
    for row in rows:
        (test if row.is_test else train).append(row)
    return train, test
