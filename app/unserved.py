"""Packages the serving process keeps out: it only loads SavedModels and calls their
signatures, which needs none of them.

TensorFlow imports Keras whole when it can, and Keras imports scikit-learn and matplotlib
when they are installed (a training environment): TensorFlow's import took 8.6 s with
them and 4.0 s without, on every start. This module imports nothing, so a bare
interpreter (tests/conftest.py, `serve_alone`) can apply it before TensorFlow loads.
"""

from __future__ import annotations

import sys

NOT_SERVED = ("keras", "sklearn", "matplotlib")


def keep_out() -> None:
    """Make NOT_SERVED unimportable in this process: an import of one raises
    ImportError, which TensorFlow and Keras take as "not installed"."""
    for name in NOT_SERVED:
        sys.modules.setdefault(name, None)  # type: ignore[assignment]
