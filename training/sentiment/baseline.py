"""The n-gram baseline the neural model must match: TF-IDF word 1-2 and char 2-5 grams + LR."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union

CONFIG = {
    "word_ngrams": [1, 2],
    "char_wb_ngrams": [2, 5],
    "char_min_df": 2,
    "sublinear_tf": True,
    "C": 10.0,
}


def fit(texts: Sequence[str], labels: Sequence[int] | np.ndarray) -> Pipeline:
    features = make_union(
        TfidfVectorizer(ngram_range=tuple(CONFIG["word_ngrams"]), sublinear_tf=True),
        TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(CONFIG["char_wb_ngrams"]),
            min_df=CONFIG["char_min_df"],
            sublinear_tf=True,
        ),
    )
    model = Pipeline(
        [("tfidf", features), ("lr", LogisticRegression(C=CONFIG["C"], max_iter=2000))]
    )
    return model.fit(list(texts), np.asarray(labels))
