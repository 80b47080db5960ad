"""Tests for digest_utils.themes.labels: the one labels reader and its one rule for blanks."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from digest_utils import LabelsError, paper_id
from digest_utils.cli import main
from digest_utils.themes import read_labels
from digest_utils.themes.labels import read_label_files

ROOT = Path(__file__).parents[1]
LABELS = ROOT / "tests" / "data" / "theme_labels.csv"
IDS = ["peft", "clip", "quantization", "medical_vlm"]


def test_read_labels_long_by_title_and_wide_with_blanks(tmp_path):
    """Long rows by title get the title's paper_id; blank wide cells are not judged."""
    long = tmp_path / "mine.csv"
    long.write_text('title,theme,label\n"CLIP: A Study",clip,1\nSome Paper,peft,0\n')
    got = read_labels(long, IDS)
    assert got["paper_id"].tolist() == [paper_id("clip - a study"), paper_id("Some Paper")]
    assert got["theme"].tolist() == ["clip", "peft"]
    assert got["y"].tolist() == [1, 0]
    wide = tmp_path / "wide.csv"
    wide.write_text("paper_id,peft,clip,note\na,1,,x\nb,0,1,y\n")
    got = read_labels(wide, IDS)
    assert sorted(zip(got["paper_id"], got["theme"], got["y"], strict=True)) == [
        ("a", "peft", 1),
        ("b", "clip", 1),
        ("b", "peft", 0),
    ]


@pytest.mark.parametrize(
    ("text", "message", "lineno", "column"),
    [
        ("paper_id,theme,label\na,clip,1\nb,clip,yes\n", "expected 0, 1 or blank", 3, "label"),
        ("paper_id,theme,label\na,clipp,1\n", "expected a theme id", 2, "theme"),
        ("paper_id,peft,clip\na,1,0\nb,0,2\n", "(got '2')", 3, "clip"),
    ],
)
def test_bad_labels_name_the_file_line_and_column(tmp_path, text, message, lineno, column):
    """A bad label value or an unknown theme raises LabelsError naming file, line, column."""
    path = tmp_path / "labels.csv"
    path.write_text(text)
    with pytest.raises(LabelsError, match=message) as err:
        read_labels(path, IDS)
    assert (err.value.lineno, err.value.column) == (lineno, column)
    assert f"labels.csv:{lineno}:" in str(err.value)


def test_labels_without_an_id_column_or_file_are_rejected(tmp_path):
    """No paper_id/title column, or no file, raises LabelsError naming the file."""
    path = tmp_path / "labels.csv"
    path.write_text("name,clip\nx,1\n")
    with pytest.raises(LabelsError, match="'paper_id' or 'title'"):
        read_labels(path, IDS)
    with pytest.raises(LabelsError, match="not found"):
        read_labels(tmp_path / "missing.csv", IDS)


def test_a_later_judgement_of_the_same_paper_and_theme_wins(tmp_path):
    """Within a file and across files, the later label of a (paper, theme) is the one kept."""
    first = tmp_path / "first.csv"
    first.write_text("paper_id,theme,label\na,clip,1\nb,peft,1\na,clip,0\n")
    got = read_labels(first, IDS)
    assert list(zip(got["paper_id"], got["theme"], got["y"], strict=True)) == [
        ("b", "peft", 1),
        ("a", "clip", 0),
    ]
    second = tmp_path / "second.csv"
    second.write_text("paper_id,theme,label\nb,peft,0\n")
    both = read_label_files([first, second], IDS)
    assert dict(zip(both["paper_id"], both["y"], strict=True)) == {"a": 0, "b": 0}
    assert read_label_files([], IDS).empty


def test_evaluate_reads_blank_labels_as_not_judged_like_analyse(fake_model, tmp_path, capsys):
    """`evaluate --labels` accepts blank cells (as analyse does) and scores only judged ones.

    The clip column is blanked for the first 100 papers: the cross-validated clip support is
    then the clip positives among the other papers.
    """
    table = pd.read_csv(LABELS, dtype=str, keep_default_na=False)
    table.loc[:99, "clip"] = ""
    path = tmp_path / "partly.csv"
    table.to_csv(path, index=False)
    expected = int((table["clip"] == "1").sum())
    assert 0 < expected < int((pd.read_csv(LABELS)["clip"] == 1).sum())
    args = ["evaluate", str(ROOT / "seeds"), "--labels", str(path), "-q", "--folds", "3"]
    assert main(args) == 0
    out = capsys.readouterr().out
    row = re.search(r"^\s*clip\s+digest-topics \(cross-validated\)\s+(\d+)\s", out, re.MULTILINE)
    assert row is not None and int(row.group(1)) == expected
