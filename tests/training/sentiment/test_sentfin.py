from __future__ import annotations

import hashlib
import http.server
import threading
from collections import Counter
from pathlib import Path

import pytest

from training.sentiment import sentfin

MALFORMED = [
    (
        "{'Sebi': 'neutral', 'Osian's Art Fund': 'neutral'}",
        {"Sebi": "neutral", "Osian's Art Fund": "neutral"},
    ),
    (
        "{'Tata Steel UK': 'negative', 'Moody's': 'neutral'}",
        {"Tata Steel UK": "negative", "Moody's": "neutral"},
    ),
    (
        "{'Axis Bank': 'positive', 'HDFC Bank': 'positive', 'ICICI Bank': 'positive', "
        "'Moody's': 'neutral'}",
        {
            "Axis Bank": "positive",
            "HDFC Bank": "positive",
            "ICICI Bank": "positive",
            "Moody's": "neutral",
        },
    ),
]


@pytest.mark.parametrize(("cell", "expected"), MALFORMED)
def test_parse_decisions_recovers_unescaped_apostrophes(cell: str, expected: dict) -> None:
    assert sentfin.parse_decisions(cell) == expected


def test_parse_decisions_valid_literal_and_garbage() -> None:
    assert sentfin.parse_decisions("{'SpiceJet': 'neutral'}") == {"SpiceJet": "neutral"}
    assert sentfin.parse_decisions('{"A, B": "positive"}') == {"A, B": "positive"}
    with pytest.raises(ValueError, match="no entity sentiment"):
        sentfin.parse_decisions("{'X': 'bullish'}")


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["positive"], "positive"),
        (["negative", "neutral"], "negative"),
        (["positive", "negative"], "neutral"),
        (["positive", "positive", "negative"], "positive"),
        (["neutral", "neutral"], "neutral"),
        (["negative", "negative", "positive", "neutral"], "negative"),
    ],
)
def test_net_polarity(labels: list[str], expected: str) -> None:
    assert sentfin.net_polarity(labels) == expected


def test_split_rule_matches_its_definition() -> None:
    for title in ["SpiceJet to issue 6.4 crore warrants to promoters", "Ünïcode — ₹ 5 crore", ""]:
        expected = int(hashlib.sha256(title.encode("utf-8")).hexdigest(), 16) % 5 == 0
        assert sentfin.is_test_title(title) is expected


def test_full_file_counts(sentfin_path: Path) -> None:
    rows = sentfin.load(sentfin_path)
    assert len(rows) == 10_753
    train, test = sentfin.split(rows)
    assert len(test) == 2_162
    assert len(train) == 10_753 - 2_162
    # Deterministic: the same file splits the same way every time.
    assert [r.title for r in sentfin.split(sentfin.load(sentfin_path))[1]] == [
        r.title for r in test
    ]
    # Duplicated titles never straddle the split.
    assert not {r.title for r in train} & {r.title for r in test}
    # The label rule's class counts on the test split, pinned so a change to the
    # parser, the rule or the split shows here.
    assert Counter(r.label for r in test) == {"negative": 634, "neutral": 727, "positive": 801}
    assert Counter(r.label for r in rows).most_common(1)[0][0] == "positive"


def test_full_file_malformed_rows_are_parsed(sentfin_path: Path) -> None:
    import ast
    import csv

    with sentfin_path.open(newline="", encoding="utf-8") as fh:
        cells = [row["Decisions"] for row in csv.DictReader(fh)]
    bad = []
    for cell in cells:
        try:
            ast.literal_eval(cell)
        except (SyntaxError, ValueError):
            bad.append(cell)
    assert len(bad) == 13
    for cell in bad:
        parsed = sentfin.parse_decisions(cell)
        # Every entity the cell names is recovered, with a valid label.
        assert len(parsed) == cell.count(": '")
        assert set(parsed.values()) <= set(sentfin.LABELS)


def test_locate_reports_where_to_put_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(sentfin.ENV_VAR, raising=False)
    with pytest.raises(sentfin.DatasetMissingError) as info:
        sentfin.locate(tmp_path / "nope.csv")
    message = str(info.value)
    assert "\n" not in message
    assert "nope.csv" in message and "--download" in message
    monkeypatch.setenv(sentfin.ENV_VAR, str(tmp_path / "env.csv"))
    (tmp_path / "env.csv").write_text("S No.,Title,Decisions,Words\n")
    assert sentfin.locate() == tmp_path / "env.csv"
    # With nothing given, the committed copy: training works on a fresh clone offline.
    monkeypatch.delenv(sentfin.ENV_VAR)
    assert sentfin.locate() == sentfin.COMMITTED
    assert sentfin.file_sha256(sentfin.COMMITTED) == sentfin.SHA256


class _OneFile(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def test_download_keeps_only_the_pinned_file(tmp_path: Path) -> None:
    """A local HTTP server stands in for the dataset's repository."""
    _OneFile.body = b"S No.,Title,Decisions,Words\n1,x,{'A': 'neutral'},1\n"
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _OneFile)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/SEntFiN.csv"
        with pytest.raises(ValueError, match="sha256"):
            sentfin.download(tmp_path, url=url)
        assert not list(tmp_path.iterdir()), "a file with the wrong hash must not be kept"
        pinned = hashlib.sha256(_OneFile.body).hexdigest()
        path = sentfin.download(tmp_path, url=url, sha256=pinned)
        assert path.read_bytes() == _OneFile.body
    finally:
        httpd.shutdown()
