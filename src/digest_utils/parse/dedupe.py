"""Merge the copies of each paper, from one digest or several, into one row."""

from __future__ import annotations

import pandas as pd

from digest_utils.parse.schema import DTYPES, JSON_COLUMNS, paper_id

__all__ = ["dedupe"]

_META = ["authors", "organization", "published", "published_text", "upvotes", *JSON_COLUMNS]


def _filled(value: object) -> bool:
    """True for a value that is present (a list counts even though ``pd.notna`` cannot say)."""
    return isinstance(value, list) or bool(pd.notna(value))


def _paper_groups(paper_ids: list[str], arxiv_ids: list[str | None]) -> list[list[int]]:
    """Row numbers of each paper's copies, papers in order of first appearance.

    Two rows are one paper when they carry the same arXiv id, or when their ``paper_id``
    (normalised title) is equal and they do not carry two different arXiv ids. A row without
    an id joins the first paper of its title.
    """
    groups: list[list[int]] = []
    group_arxiv: list[str | None] = []
    by_arxiv: dict[str, int] = {}
    by_title: dict[str, list[int]] = {}  # paper_id -> the groups holding that title
    for row, (pid, aid) in enumerate(zip(paper_ids, arxiv_ids, strict=True)):
        g = by_arxiv.get(aid, -1) if aid is not None else -1
        if g < 0:
            titled = by_title.get(pid, [])
            g = next((t for t in titled if aid is None or group_arxiv[t] in (None, aid)), -1)
        if g < 0:
            g = len(groups)
            groups.append([])
            group_arxiv.append(None)
        groups[g].append(row)
        if g not in by_title.setdefault(pid, []):
            by_title[pid].append(g)
        if aid is not None and group_arxiv[g] is None:
            group_arxiv[g], by_arxiv[aid] = aid, g
    return groups


def _merged_row(records: list[dict], rows: list[int], richness: list[int]) -> dict:
    """The richest copy of a paper, its empty metadata filled from the other copies."""
    order = sorted(rows, key=lambda r: (-richness[r], r))
    kept = dict(records[order[0]])
    for col in _META:
        if not _filled(kept[col]):
            kept[col] = next(
                (records[r][col] for r in order[1:] if _filled(records[r][col])), kept[col]
            )
    kept["digests"] = list(dict.fromkeys(records[r]["digest"] for r in rows))
    return kept


def dedupe(entries: pd.DataFrame) -> pd.DataFrame:
    """Collapse the copies of each paper into one row.

    Copies are matched by arXiv id when both carry one, else by ``paper_id`` (the normalised
    title), so a paper seen in a text digest and in a JSON digest is one paper. Of the copies,
    the one with the most metadata fields filled (authors, organization, published,
    published_text, upvotes, arxiv_id, url, github, keywords) is kept, ties keeping the
    earliest; its empty metadata fields are then filled from the other copies, richest first.
    Rows keep the order of each paper's first appearance.

    ``paper_id`` stays the join key: it is the kept copy's. Should two papers with different
    arXiv ids share a normalised title, the later one's ``paper_id`` is derived from its arXiv
    id instead (``paper_id("arxiv " + id)``), so that it stays unique.

    Args:
        entries: Output of :func:`load_digests` (frames without the JSON columns work too).

    Returns:
        The kept rows with the input's columns plus ``digests`` (list of digest stems the paper
        appears in, in input order, without repeats) and ``n_digests`` (int64).
    """
    df = entries.reset_index(drop=True)
    for col in (c for c in _META if c not in df.columns):
        df[col] = pd.Series([None] * len(df), dtype=DTYPES[col])
    records = df.to_dict("records")
    richness = [sum(_filled(rec[c]) for c in _META) for rec in records]
    arxiv = [None if pd.isna(a) else str(a) for a in df["arxiv_id"]]
    groups = _paper_groups(df["paper_id"].tolist(), arxiv)
    out = pd.DataFrame(
        [_merged_row(records, g, richness) for g in groups], columns=[*df.columns, "digests"]
    )
    out = out.astype({c: t for c, t in df.dtypes.items() if c != "keywords"})
    seen: set[str] = set()
    for i, (pid, aid) in enumerate(zip(out["paper_id"], out["arxiv_id"], strict=True)):
        if pid in seen and pd.notna(aid):
            out.loc[i, "paper_id"] = paper_id(f"arxiv {aid}")
        seen.add(out.at[i, "paper_id"])
    out["n_digests"] = out["digests"].map(len).astype("int64")
    out = out[[c for c in out.columns if c in entries.columns or c in ("digests", "n_digests")]]
    out.attrs = dict(entries.attrs)
    return out
