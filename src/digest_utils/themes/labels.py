"""The one reader of labels files: which papers do (1) or do not (0) belong to a theme.

A user teaches theme assignment by labelling papers, and the same files score it: the
catalogue's ``[examples]``, ``analyse(labels=...)`` and ``evaluate --labels`` all read them
here, with one rule: ``0`` and ``1`` are judgements, a blank cell is "not judged" (neither an
example nor scored), anything else is an error naming the file, line and column.

In memory, labels are always *long*: one row per judged (paper, theme), columns ``paper_id``,
``theme`` and ``y``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils.errors import LabelsError
from digest_utils.parse import paper_id
from digest_utils.themes.types import Catalogue

__all__ = ["example_labels", "read_label_files", "read_labels", "wide_labels"]


def read_labels(path: str | Path, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Read a labels file a user writes: which papers do (1) or do not (0) belong to a theme.

    Two layouts are read (CSV with a header row):

    * long: ``paper_id`` or ``title``, ``theme``, ``label`` (one row per judgement);
    * wide: ``paper_id`` or ``title``, then a column per theme id holding 0, 1 or blank
      (e.g. ``tests/data/theme_labels.csv``); other columns are ignored.

    A title is turned into its ``paper_id`` (:func:`digest_utils.parse.paper_id`), so a label
    finds its paper in any digest. A blank label means "not judged". When a file judges the
    same (paper, theme) twice, the later row wins.

    Args:
        path: The CSV file.
        theme_ids: The catalogue's theme ids; wide columns of other names are ignored.

    Returns:
        Long frame ``paper_id`` (string), ``theme`` (string), ``y`` (int8), in file order
        (for a wide file: theme by theme), one row per judged (paper, theme).

    Raises:
        LabelsError: The file is missing, has neither ``paper_id`` nor ``title``, has no theme
            column, names a theme not in the catalogue, or holds a label other than 0/1
            (names the file, line and column).
    """
    path = Path(path)
    if not path.exists():
        raise LabelsError("labels file not found", path=path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "paper_id" in raw.columns:
        ids = raw["paper_id"].str.strip()
    elif "title" in raw.columns:
        ids = raw["title"].map(paper_id)
    else:
        raise LabelsError(
            f"expected a 'paper_id' or 'title' column (got {', '.join(raw.columns)})", path=path
        )
    if {"theme", "label"} <= set(raw.columns):
        long = pd.DataFrame({"paper_id": ids, "theme": raw["theme"].str.strip(), "y": raw["label"]})
        unknown = ~long["theme"].isin(list(theme_ids))
        if unknown.any():
            raise LabelsError(
                f"expected a theme id of the catalogue ({', '.join(theme_ids)}) "
                f"(got {long['theme'][unknown].iloc[0]!r})",
                path=path,
                lineno=int(np.flatnonzero(unknown)[0]) + 2,  # after the header, 1-based
                column="theme",
            )
        column = "label"
    else:
        themes = [t for t in theme_ids if t in raw.columns]
        if not themes:
            raise LabelsError(
                "expected 'theme' and 'label' columns, or a column per theme id "
                f"({', '.join(theme_ids)}) (got {', '.join(raw.columns)})",
                path=path,
            )
        long = raw.assign(paper_id=ids).melt(
            id_vars="paper_id", value_vars=themes, var_name="theme", value_name="y"
        )
        column = ""
    return _check_values(long, path, column, rows=len(raw))


def _check_values(long: pd.DataFrame, path: Path, column: str, *, rows: int) -> pd.DataFrame:
    """Keep judged rows (0/1), raise on anything else but blank; name the line and column.

    ``long`` is the file's rows (``rows`` of them), or for a wide file its theme columns
    stacked one after the other.
    """
    value = long["y"].str.strip()
    bad = ~value.isin(["0", "1", ""])
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise LabelsError(
            f"expected 0, 1 or blank (got {long['y'].iloc[k]!r})",
            path=path,
            lineno=k % max(rows, 1) + 2,  # after the header, 1-based
            column=column or str(long["theme"].iloc[k]),
        )
    judged = value != ""
    out = pd.DataFrame(
        {
            "paper_id": pd.array(long["paper_id"][judged], dtype="string"),
            "theme": pd.array(long["theme"][judged], dtype="string"),
            "y": value[judged].astype("int8").to_numpy(),
        }
    )
    return _later_wins(out)


def _later_wins(labels: pd.DataFrame) -> pd.DataFrame:
    """One row per (paper, theme): the last judgement, at the position of that last row."""
    return labels.drop_duplicates(["paper_id", "theme"], keep="last").reset_index(drop=True)


def read_label_files(paths: Sequence[str | Path], theme_ids: Sequence[str]) -> pd.DataFrame:
    """Read several labels files in order (:func:`read_labels`); a later file's label wins.

    Returns:
        Long labels as :func:`read_labels` gives them, one row per judged (paper, theme).
    """
    parts = [read_labels(p, theme_ids) for p in paths]
    empty = pd.DataFrame(
        {"paper_id": pd.array([], "string"), "theme": pd.array([], "string"), "y": []}
    ).astype({"y": "int8"})
    return _later_wins(pd.concat(parts, ignore_index=True)) if parts else empty


def example_labels(catalogue: Catalogue, labels: Sequence[str | Path] = ()) -> pd.DataFrame | None:
    """The labels that teach by example: the catalogue's ``[examples]`` files, then ``labels``.

    Args:
        catalogue: Its ``example_labels`` are read first.
        labels: More labels files; a later label of the same (paper, theme) wins, so a user's
            file can correct a shipped one.

    Returns:
        Long labels (:func:`read_labels`), or ``None`` when no file is named (every theme then
        picks its own examples).
    """
    files = [*catalogue.example_labels, *map(Path, labels)]
    return read_label_files(files, catalogue.ids) if files else None


def wide_labels(labels: pd.DataFrame, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Long labels as a table: one row per paper, a column per theme (0, 1 or NaN = not judged).

    Args:
        labels: Long labels (:func:`read_labels`).
        theme_ids: The theme columns, in this order (a theme without labels is all NaN).

    Returns:
        ``paper_id`` (string), then a float64 column per theme id; papers in order of first
        appearance in ``labels``.
    """
    table = labels.pivot(index="paper_id", columns="theme", values="y").astype("float64")
    table = table.reindex(index=pd.unique(labels["paper_id"]), columns=list(theme_ids))
    out = table.rename_axis(index="paper_id", columns=None).reset_index()
    return out.astype({"paper_id": "string"})
