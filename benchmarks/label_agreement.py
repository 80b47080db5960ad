"""How far two independent annotations of the seed papers agree, per theme.

``tests/data/theme_labels.csv`` (annotation A, the reference used by ``make evaluate``) and
``tests/data/theme_labels_second.csv`` (annotation B, made blind to A and to the method) label
the same 252 papers. Agreement bounds what a method can be expected to reach: an F1 of B
against A near 1 means the labels are consistent, so a method's shortfall is its own.

Run:  .venv/bin/python benchmarks/label_agreement.py
"""

from __future__ import annotations

import pandas as pd
from sklearn.metrics import cohen_kappa_score, f1_score

from digest_utils.config import REPO_ROOT
from digest_utils.themes import load_catalogue, read_labels
from digest_utils.themes.labels import wide_labels

DATA = REPO_ROOT / "tests" / "data"


def agreement(first: pd.DataFrame, second: pd.DataFrame, theme_ids: list[str]) -> pd.DataFrame:
    """Per theme: positives in each annotation, disagreements, F1 of second vs first, kappa."""
    both = first.merge(second, on="paper_id", suffixes=("_a", "_b"), validate="one_to_one")
    rows = []
    for tid in theme_ids:
        a, b = both[f"{tid}_a"], both[f"{tid}_b"]
        rows.append(
            {
                "theme": tid,
                "positives_a": int(a.sum()),
                "positives_b": int(b.sum()),
                "disagreements": int((a != b).sum()),
                "f1_b_vs_a": round(f1_score(a, b), 3),
                "kappa": round(cohen_kappa_score(a, b), 3),
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    ids = load_catalogue().ids
    first = wide_labels(read_labels(DATA / "theme_labels.csv", ids), ids).dropna()
    second = wide_labels(read_labels(DATA / "theme_labels_second.csv", ids), ids).dropna()
    table = agreement(first, second, ids)
    print(f"{len(first.merge(second, on='paper_id'))} papers labelled twice")
    print(table.to_string(index=False))
    print("macro F1 of B against A:", round(table["f1_b_vs_a"].mean(), 3))


if __name__ == "__main__":
    main()
