from pathlib import Path

import numpy as np
import pytest

from training.sentiment import teacher_mean

LABELS = [0, 1, 2, 2]


def written(folder: Path, logits: list[list[float]], labels: list[int] = LABELS) -> Path:
    folder.mkdir()
    teacher_mean.save(folder / teacher_mean.FILE, {"entity_test": (np.array(logits), labels)})
    return folder


def test_each_teacher_and_the_mean_of_their_logits(tmp_path: Path) -> None:
    # a: right on rows 0, 1, 3 and firmly wrong on row 2; b: right on rows 0, 2, 3 and
    # barely wrong on row 1. The mean keeps a's firm row 1 and b's firm row 2.
    a = written(tmp_path / "a", [[3, 0, 0], [0, 3, 0], [0, 0.5, 0], [0, 0, 2]])
    b = written(tmp_path / "b", [[2, 0, 0], [0, 0.1, 0.2], [0, 0, 3], [0, 0, 2]])
    rows = teacher_mean.scores(teacher_mean.read([a, b]))["entity_test"]
    assert rows[str(a)][0] == 0.75 and rows[str(b)][0] == 0.75
    assert rows["mean"] == (1.0, 1.0)
    # b misses the one neutral row: F1 0 there, 1 and 0.8 for the others.
    assert rows[str(b)][1] == round((1 + 0 + 0.8) / 3, 4)


def test_the_loaded_file_is_what_was_saved(tmp_path: Path) -> None:
    folder = written(tmp_path / "a", [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]])
    logits, labels = teacher_mean.load(folder / teacher_mean.FILE)["entity_test"]
    assert labels.tolist() == LABELS and logits.argmax(1).tolist() == [0, 1, 2, 1]


def test_readings_of_different_rows_are_refused(tmp_path: Path) -> None:
    a = written(tmp_path / "a", [[1, 0, 0]] * 4)
    b = written(tmp_path / "b", [[1, 0, 0]] * 4, labels=[0, 1, 2, 1])
    with pytest.raises(ValueError, match="different test rows"):
        teacher_mean.scores(teacher_mean.read([a, b]))


def test_the_command_prints_every_teacher_and_the_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = written(tmp_path / "a", [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]])
    assert teacher_mean.main([str(a)]) == 0
    said = capsys.readouterr().out
    assert "entity_test (4 rows)" in said and "mean: 1.0000 / 1.0000" in said
