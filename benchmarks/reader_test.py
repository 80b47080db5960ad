r"""Reader test of topics: can a reader tell a topic's papers apart and match its label?

Builds, for our topics and for the BERTopic baseline fitted on the same embeddings, the two item
kinds of ``../shared/reader_test/README.md`` (the instructions readers get, word for word):

* **intrusion**: four titles of a topic and one of its *nearest* topic (cosine between
  centroids); the reader picks the odd one out (chance 0.20);
* **label**: the topic's label and four titles, one of the topic and one of each of its three
  nearest topics; the reader picks the one the label describes (chance 0.25).

One item of each kind per fine topic with at least 5 papers, per method; items are shuffled
across methods and kinds and numbered after shuffling, so ``items.json`` (what readers see)
says neither the method nor the topic; ``key.json`` (kept from readers) does. Sampling is seeded.

The baseline is BERTopic's recipe for small corpora on the same embeddings: UMAP (15
neighbours, 5-D, min_dist 0, cosine, seed 42) + KMeans with our number of topics (seed 42,
n_init 10), ``CountVectorizer(stop_words="english")``, default c-TF-IDF; its label is its top
three words.

Third-party titles go only to the output folder (outside the repository, e.g.
``/work/reader/quarter``), never into the checkout.

Run (with ``DIGEST_CACHE_DIR`` set to a warm embedding cache, the embeddings are free)::

    .venv/bin/python benchmarks/reader_test.py build quarter --out /work/reader/quarter
    .venv/bin/python benchmarks/reader_test.py proxy /work/reader/quarter
    .venv/bin/python benchmarks/reader_test.py score /work/reader/quarter \\
        /work/reader/quarter/answers-a.json /work/reader/quarter/answers-b.json

Corpora: ``seeds-devset`` (``seeds/`` + ``../shared/theme_devset``, 395 papers), ``quarter``
(Daily Papers 2026-06..08, about 1,370) and ``year`` (2025-06..2026-05, about 4,800).

``proxy`` is an automatic stand-in for a reader, to iterate before briefing people: it embeds
the titles (and the label) with the project's model and answers intrusion items with the title
least similar to the other four and label items with the title most similar to the label. It
writes ``answers-proxy.json`` that ``score`` reads like any reader's. It is a proxy: it shares
the embedding that made the clusters, so it flatters every method that clusters these
embeddings (both do) and knows nothing of what a label's words mean to a person.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import dedupe, load_digests
from digest_utils.config import RANDOM_SEED, REPO_ROOT, SEEDS_DIR
from digest_utils.embed import embed_papers, embed_texts, paper_texts
from digest_utils.topics import fit_topics

#: ``../shared`` beside the checkout (a worktree in ``wt/`` looks one level further up).
SHARED = next(
    (p for p in (REPO_ROOT.parent / "shared", REPO_ROOT.parent.parent / "shared") if p.exists()),
    REPO_ROOT.parent / "shared",
)
DAILY = SHARED / "corpora" / "hf_daily"
MIN_TOPIC = 5  # papers a topic needs to get items
LABEL_CHOICES = 4

#: A method: ``(papers, embeddings, n_topics) -> (topic per paper, topic -> label)``.
Method = Callable[[pd.DataFrame, np.ndarray, "int | None"], tuple[np.ndarray, dict[int, str]]]


def _months(first: str, last: str) -> list[Path]:
    """Daily Papers files from month ``first`` to ``last`` (``YYYY-MM``), inclusive."""
    return sorted(p for p in DAILY.glob("*.jsonl") if first <= p.stem[:7] <= last)


CORPORA: dict[str, Callable[[], list[Path]]] = {
    "seeds-devset": lambda: [SEEDS_DIR, SHARED / "theme_devset" / "devset.txt"],
    "quarter": lambda: _months("2026-06", "2026-08"),
    "year": lambda: _months("2025-06", "2026-05"),
}


#: Where run data goes (outside the repository): ``READER_DIR/<corpus>/``.
READER_DIR = Path(os.environ.get("READER_DIR", "/work/reader"))


def load_corpus(name: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Papers (deduplicated, 0..n-1 index) and their embeddings, through the embedding cache.

    Both are kept in ``READER_DIR/<name>/`` after the first call, so later runs skip parsing.
    """
    folder = READER_DIR / name
    if (folder / "papers.pkl").exists() and (folder / "embeddings.npy").exists():
        return pd.read_pickle(folder / "papers.pkl"), np.load(folder / "embeddings.npy")
    papers = dedupe(load_digests(CORPORA[name]())).reset_index(drop=True)
    emb = embed_papers(papers, progress=False)
    folder.mkdir(parents=True, exist_ok=True)
    papers.to_pickle(folder / "papers.pkl")
    np.save(folder / "embeddings.npy", emb)
    return papers, emb


def ours(papers: pd.DataFrame, emb: np.ndarray, n_topics: int | None = None):
    """Our fine topics (after reassignment) and their labels, through ``fit_topics``."""
    result = fit_topics(papers, emb, n_topics=n_topics, progress=False)
    labels = dict(zip(result.topics["topic"], result.topics["label"], strict=True))
    return result.assignments["assigned_topic"].to_numpy(), labels


def bertopic_kmeans(papers: pd.DataFrame, emb: np.ndarray, n_topics: int | None = None):
    """BERTopic's small-corpus recipe (see the module docstring); label = top three words."""
    from bertopic import BERTopic
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    if n_topics is None:
        n_topics = len(np.unique(ours(papers, emb)[0]))
    model = BERTopic(
        umap_model=UMAP(
            n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42
        ),
        hdbscan_model=KMeans(n_clusters=n_topics, random_state=42, n_init=10),
        vectorizer_model=CountVectorizer(stop_words="english"),
    )
    topics = np.asarray(model.fit_transform(paper_texts(papers), emb)[0])
    labels = {int(t): " / ".join(w for w, _ in model.get_topic(int(t))[:3]) for t in set(topics)}
    return topics, labels


METHODS: dict[str, Method] = {"ours": ours, "bertopic-kmeans": bertopic_kmeans}


def centroids(emb: np.ndarray, topic: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Topic ids (sorted) and their unit centroids of the unit embeddings."""
    x = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    ids = np.unique(topic)
    c = np.stack([x[topic == t].mean(axis=0) for t in ids])
    return ids, c / np.linalg.norm(c, axis=1, keepdims=True)


def topic_items(
    papers: pd.DataFrame,
    emb: np.ndarray,
    topic: np.ndarray,
    labels: dict[int, str],
    rng: np.random.Generator,
) -> list[dict]:
    """Intrusion and label items of one method's topics, answers included (not shuffled yet).

    Each item carries ``kind``, ``titles``, ``answer`` (index of the right title), ``topic``,
    ``label`` (label items) and the topics its distractors come from.
    """
    ids, cents = centroids(emb, topic)
    sims = cents @ cents.T
    np.fill_diagonal(sims, -np.inf)
    titles = papers["title"].astype(str).to_numpy()
    members = {int(t): np.flatnonzero(topic == t) for t in ids}
    items = []
    for i, t in enumerate(ids.tolist()):
        own = members[t]
        if len(own) < MIN_TOPIC:
            continue
        near = [int(ids[j]) for j in np.argsort(-sims[i], kind="stable")[: LABEL_CHOICES - 1]]
        picked = rng.permutation(own)
        intruder = rng.choice(members[near[0]])
        items.append(_item("intrusion", t, [*picked[:4]], intruder, titles, rng, [near[0]]))
        # the label item's own title is one the intrusion item did not show, where there is one
        others = [rng.choice(members[n]) for n in near]
        item = _item("label", t, others, picked[4], titles, rng, near)
        items.append(item | {"label": labels[t]})
    return items


def _item(kind, t, base, odd, titles, rng, near) -> dict:
    """Shuffle ``base`` papers and the ``odd`` one; record where the right answer went."""
    order = rng.permutation(len(base) + 1)
    papers = [*base, odd]
    shown = [int(papers[k]) for k in order]
    answer = int(np.flatnonzero(order == len(base))[0])
    return {
        "kind": kind,
        "topic": int(t),
        "distractor_topics": near,
        "rows": shown,
        "titles": [str(titles[r]) for r in shown],
        "answer": answer,
    }


def build(name: str, out: Path, *, seed: int = RANDOM_SEED, methods=None) -> dict:
    """Fit every method on corpus ``name``, write ``items.json``, ``key.json`` and ``fits.json``."""
    papers, emb = load_corpus(name)
    methods = methods or METHODS
    fits = {"ours": methods["ours"](papers, emb, None)}
    k = len(np.unique(fits["ours"][0]))  # every other method gets as many topics as ours
    for m, fn in methods.items():
        if m == "ours":
            continue
        kept = READER_DIR / name / f"fit-{m}-{k}.pkl"  # the baselines do not change: reuse them
        if not kept.exists():
            pd.to_pickle(fn(papers, emb, k), kept)
        fits[m] = pd.read_pickle(kept)
    return write_items(papers, emb, fits, out, seed=seed)


def write_items(papers, emb, fits: dict, out: Path, *, seed: int = RANDOM_SEED) -> dict:
    """Items of every fit, shuffled together and numbered; readers' file and key kept apart."""
    rng = np.random.default_rng(seed)
    pooled = []
    for method, (topic, labels) in fits.items():
        pooled += [it | {"method": method} for it in topic_items(papers, emb, topic, labels, rng)]
    pooled = [pooled[i] for i in rng.permutation(len(pooled))]
    items, key = [], {}
    for n, it in enumerate(pooled, 1):
        item_id = f"i{n:04d}"
        shown = {"id": item_id, "kind": it["kind"]}
        if it["kind"] == "label":
            shown["label"] = it["label"]
        items.append(shown | {"titles": it["titles"]})
        key[item_id] = {
            k: it[k] for k in ("method", "kind", "topic", "answer", "distractor_topics")
        }
        key[item_id]["paper_ids"] = [str(papers["paper_id"].iloc[r]) for r in it["rows"]]
        key[item_id]["label"] = it.get("label")
    out.mkdir(parents=True, exist_ok=True)
    (out / "items.json").write_text(json.dumps(items, indent=1, ensure_ascii=False) + "\n")
    (out / "key.json").write_text(json.dumps(key, indent=1, ensure_ascii=False) + "\n")
    fitted = {
        m: {
            "n_papers": len(papers),
            "n_topics": len(labels),
            "labels": labels,
            "largest_share": float(
                np.bincount(np.unique(t, return_inverse=True)[1]).max() / len(t)
            ),
        }
        for m, (t, labels) in fits.items()
    }
    (out / "fits.json").write_text(json.dumps(fitted, indent=1, ensure_ascii=False) + "\n")
    return fitted


def proxy_answers(items: list[dict]) -> dict[str, dict]:
    """The embedding judge's answers (see the module docstring), in the readers' format."""
    texts = sorted(
        {t for it in items for t in it["titles"]} | {it.get("label", "") for it in items}
    )
    vec = dict(zip(texts, embed_texts(texts, progress=False), strict=True))
    answers = {}
    for it in items:
        x = np.stack([vec[t] for t in it["titles"]])
        if it["kind"] == "intrusion":
            sims = x @ x.T
            np.fill_diagonal(sims, 0.0)
            choice = int(np.argmin(sims.sum(axis=1)))
        else:
            choice = int(np.argmax(x @ vec[it["label"]]))
        answers[it["id"]] = {"choice": choice, "confidence": 1}
    return answers


def score(key: dict, answers: dict) -> pd.DataFrame:
    """Accuracy per method and item kind of one reader; a missing answer counts as wrong."""
    rows = []
    for item_id, k in key.items():
        given = answers.get(item_id)
        choice = given.get("choice") if isinstance(given, dict) else None
        rows.append(
            {
                "method": k["method"],
                "kind": k["kind"],
                "correct": choice == k["answer"],
                "answered": given is not None,
            }
        )
    frame = pd.DataFrame(rows)
    return frame.groupby(["method", "kind"]).agg(
        accuracy=("correct", "mean"), items=("correct", "size"), answered=("answered", "sum")
    )


def score_table(folder: Path, answer_files: list[Path]) -> pd.DataFrame:
    """Each reader's accuracy and the pooled one, per method and kind (one column per reader)."""
    key = json.loads((folder / "key.json").read_text())
    columns, pooled = {}, []
    for path in answer_files:
        answers = json.loads(path.read_text())
        name = path.stem if len({p.stem for p in answer_files}) == len(answer_files) else str(path)
        columns[name] = score(key, answers)["accuracy"]
        answered = sum(1 for item_id in key if item_id in answers)
        print(f"{name}: {answered} of {len(key)} items answered", file=sys.stderr)
        pooled.append(score(key, answers))
    table = pd.DataFrame(columns)
    table["pooled"] = table.mean(axis=1)
    table["items"] = pooled[0]["items"]
    return table


def main(argv: list[str] | None = None) -> None:
    """``build CORPUS --out DIR`` | ``proxy DIR`` | ``score DIR ANSWERS...``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="fit both methods and write items.json and key.json")
    b.add_argument("corpus", choices=sorted(CORPORA))
    b.add_argument("--out", type=Path, required=True, help="output folder, outside the repo")
    b.add_argument("--seed", type=int, default=RANDOM_SEED)
    p = sub.add_parser("proxy", help="answer DIR/items.json with the embedding judge")
    p.add_argument("folder", type=Path)
    s = sub.add_parser("score", help="score answers files against DIR/key.json")
    s.add_argument("folder", type=Path)
    s.add_argument("answers", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "build":
        fitted = build(args.corpus, args.out, seed=args.seed)
        for m, f in fitted.items():
            print(f"{m}: {f['n_topics']} topics, largest {f['largest_share']:.0%}")
        print(f"wrote {args.out}/items.json, key.json, fits.json", file=sys.stderr)
    elif args.command == "proxy":
        items = json.loads((args.folder / "items.json").read_text())
        out = args.folder / "answers-proxy.json"
        out.write_text(json.dumps(proxy_answers(items), indent=1) + "\n")
        print(score_table(args.folder, [out]).round(2).to_string())
    else:
        print(score_table(args.folder, args.answers).round(2).to_string())


if __name__ == "__main__":
    main()
