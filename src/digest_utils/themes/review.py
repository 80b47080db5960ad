"""The review loop: which papers a user should judge to teach a theme the most.

Judging the top-scored papers teaches little (they are flagged already, and mostly right); a
judgement teaches where the score is unsure. :func:`review_candidates` picks, among the papers
not judged yet, those whose score is nearest the theme's threshold (the :data:`POOL` x ``n``
nearest, drawn from in a seeded random order) and skips a paper too alike an already picked
one (cosine >= :data:`ALIKE`), so one judgement is not spent twice on the same question.

:func:`write_review` writes them as a labels file to fill in (``paper_id``, ``title``,
``theme``, ``label`` left blank, then ``score`` and ``evidence`` to judge by), which
``--labels`` and :func:`~digest_utils.themes.exemplars.read_labels` read as it is: a blank
label is "not judged".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils._util import atomic_write, require_columns

__all__ = ["ALIKE", "POOL", "review_candidates", "write_review"]

#: Candidates: this many times ``n`` papers nearest the threshold.
POOL = 3
#: Two papers at least this similar (cosine) are one question; the second is skipped.
ALIKE = 0.8
_COLUMNS = ["paper_id", "title", "theme", "label", "score", "evidence"]


def review_candidates(
    flags: pd.DataFrame,
    theme: str,
    embeddings: np.ndarray,
    *,
    n: int = 10,
    threshold: float = 0.5,
    judged: Sequence[str] = (),
    seed: int = config.RANDOM_SEED,
) -> pd.DataFrame:
    """The ``n`` papers whose judgement would teach ``theme`` the most.

    Args:
        flags: The wide theme view (``paper_id``, ``title``, ``score_<theme>``, and
            ``evidence_<theme>`` if present), rows aligned with ``embeddings``.
        theme: The theme id.
        embeddings: The papers' unit-normalised embeddings.
        n: How many papers.
        threshold: The theme's threshold (its score's decision point).
        judged: Papers already judged for the theme; never picked again.
        seed: Seed of the random order among the candidates.

    Returns:
        Columns ``paper_id``, ``title``, ``theme``, ``label`` (blank), ``score`` and
        ``evidence``, by descending score.
    """
    require_columns(flags, ["paper_id", "title", f"score_{theme}"], where="review: flags")
    score = flags[f"score_{theme}"].to_numpy(dtype=float)
    open_ = np.flatnonzero(~flags["paper_id"].astype(str).isin(set(map(str, judged))).to_numpy())
    # distance to the threshold on the logit scale: 0.45 vs 0.5 is nearer than 0.95 vs 0.9
    clipped = np.clip(score[open_], 1e-6, 1 - 1e-6)
    margin = np.abs(np.log(clipped / (1 - clipped)) - np.log(threshold / (1 - threshold)))
    pool = open_[np.argsort(margin, kind="stable")[: POOL * n]]
    pool = np.random.default_rng(seed).permutation(pool)
    emb = np.asarray(embeddings, dtype=float)
    picked: list[int] = []
    for i in pool:
        if len(picked) == n:
            break
        if all(float(emb[i] @ emb[j]) < ALIKE for j in picked):
            picked.append(int(i))
    rows = flags.iloc[picked]
    evidence = rows.get(f"evidence_{theme}", pd.Series([""] * len(rows), index=rows.index))
    out = pd.DataFrame(
        {
            "paper_id": rows["paper_id"].astype("string").to_numpy(),
            "title": rows["title"].astype("string").to_numpy(),
            "theme": theme,
            "label": "",
            "score": rows[f"score_{theme}"].round(3).to_numpy(),
            "evidence": evidence.astype("string").to_numpy(),
        }
    )
    return out.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


def write_review(candidates: pd.DataFrame, path: str | Path) -> Path:
    """Write review candidates as a labels CSV to fill in (``label``: 1, 0 or blank).

    An existing file is extended, not replaced: its rows (and judgements) come first, and a
    paper already in it for the same theme is not added again.

    Returns:
        The path written.
    """
    path = Path(path)
    rows = candidates[_COLUMNS]
    if path.exists():
        before = pd.read_csv(path, dtype=str, keep_default_na=False)
        seen = set(zip(before.get("paper_id", []), before.get("theme", []), strict=True))
        fresh = [
            (str(p), str(t)) not in seen
            for p, t in zip(rows["paper_id"], rows["theme"], strict=True)
        ]
        rows = pd.concat([before, rows[fresh].astype(str)], ignore_index=True)
    atomic_write(path, rows.to_csv(index=False).encode("utf-8"))
    return path
