"""Do suggested themes work when pasted? Precision and recall of each against its topic.

For a corpus of ``reader_test.py``: analyse it, take ``suggest_themes`` (one block per topic no
catalogue theme covers), append every block to the catalogue, score the themes again and
compare the papers each new theme flags with the papers of the topic it was drawn from:
precision = flagged papers in the topic / flagged papers, recall = topic papers flagged /
topic papers (the topic after reassignment). Themes are scored independently of each other, so
appending all blocks at once measures each as if pasted alone.

Run:  .venv/bin/python benchmarks/eval_suggest.py quarter
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

import reader_test as rt

from digest_utils.analysis import analyse
from digest_utils.config import themes_path
from digest_utils.suggest import suggest_themes, themes_toml
from digest_utils.themes import load_catalogue


def evaluate(corpus: str) -> None:
    papers, _ = rt.load_corpus(corpus)
    base = analyse(papers, progress=False)
    suggestions = suggest_themes(base)
    original = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "themes.toml"
        path.write_text(themes_path().read_text() + "\n" + themes_toml(suggestions))
        pasted = dataclasses.replace(
            load_catalogue(path),
            example_labels=original.example_labels,
            example_digests=original.example_digests,
        )
    after = analyse(papers, catalogue=pasted, progress=False)
    assigned = base.topics.assignments.set_index("paper_id")["assigned_topic"]
    flags = after.flags.set_index("paper_id")
    print(f"\n## {corpus}: {len(papers)} papers, {len(suggestions)} suggested themes\n")
    print("| topic (papers) | label | terms | flagged | precision | recall |")
    print("|---|---|---|---|---|---|")
    precisions, recalls = [], []
    for row in suggestions.itertuples():
        members = set(assigned.index[assigned == row.topic])
        flagged = set(flags.index[flags[row.id] == 1])
        hit = len(members & flagged)
        p = hit / len(flagged) if flagged else 0.0
        r = hit / len(members)
        precisions.append(p)
        recalls.append(r)
        print(
            f"| {row.topic} ({row.size}) | {row.label} | {', '.join(row.terms)} | "
            f"{len(flagged)} | {p:.2f} | {r:.2f} |"
        )
    if precisions:
        mp, mr = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
        print(f"\nmean precision {mp:.2f}, mean recall {mr:.2f}")


if __name__ == "__main__":
    for name in sys.argv[1:] or ["quarter"]:
        evaluate(name)
