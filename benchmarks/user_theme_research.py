"""Research for issue 18: scoring ideas for user-written themes, measured before choosing.

Two labelled sets are read at run time (nothing is copied into the repository):

* ``user``: ../shared/user_theme_devset (600 Daily Papers, five user-written themes);
* ``check``: ../shared/theme_devset (143 papers) with benchmarks/data/user_style_themes.toml,
  the four default themes rewritten as a user would write them: a second check, so an idea
  that only helps the five ``user`` themes shows up as no gain here.

It prints the measurements behind the scoring of user-written themes (README, "Themes you
write yourself"): label-free variants at k = 0, their ceiling when labels are used to fit,
leave-one-theme-out for the global knobs, and the review loop at k = 0, 5, 10, 20 papers per
theme (several seeds). Every variant is label-free and theme-agnostic; labels only score (and,
in the ceiling rows, fit). This is the research record, reimplemented here in numpy to try
variants fast; the shipped method is in ``digest_utils.themes`` and
benchmarks/eval_user_themes.py scores it through the one pipeline.

Run:  .venv/bin/python benchmarks/user_theme_research.py [--quick]
"""

from __future__ import annotations

import itertools
import sys
import tomllib

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from digest_utils.config import REPO_ROOT
from digest_utils.embed import embed_papers, embed_texts
from digest_utils.parse import dedupe, load_digests, paper_id
from digest_utils.themes.catalogue import _theme
from digest_utils.themes.features import _CONTRIBUTION, _HEDGE, _SENTENCE_END

SHARED = next(
    (p / "shared" for p in REPO_ROOT.parents if (p / "shared").is_dir()),
    REPO_ROOT.parent / "shared",
)
SETS = {
    "user": (
        "user_theme_devset/papers.jsonl",
        "user_theme_devset/labels.csv",
        SHARED / "user_theme_devset" / "themes.toml",
    ),
    "check": (
        "theme_devset/devset.txt",
        "theme_devset/labels.csv",
        REPO_ROOT / "benchmarks" / "data" / "user_style_themes.toml",
    ),
}
LOCS = ["title", "kw", "lead", "contrib", "body", "hedged"]
#: The first-guess knobs (kept: leave-one-theme-out and the grid show a plateau around them).
CFG = dict(lead=0.8, body=0.3, kw=0.0, idf_ref=50, wE=4.0, wq=1.0, wz=0.5, K=5, lam=2.0)


def load(name: str) -> dict:
    """Papers, embeddings, description similarity, term occurrences by place, and labels."""
    digest, labels_csv, toml = SETS[name]
    papers = dedupe(load_digests([SHARED / digest])).reset_index(drop=True)
    themes = [
        _theme(t, path=toml, index=i)
        for i, t in enumerate(tomllib.loads(toml.read_text())["theme"], 1)
    ]
    gold = pd.read_csv(SHARED / labels_csv, dtype=str, keep_default_na=False)
    gold["paper_id"] = gold["title"].map(paper_id)
    emb = embed_papers(papers, progress=False)
    sims = emb @ embed_texts([f"{t.name}. {t.description}" for t in themes], progress=False).T
    n, out = len(papers), {}
    for ti, t in enumerate(themes):
        occ = {k: np.zeros((n, len(t.terms))) for k in [*LOCS, "any"]}
        for i, (title, abstract) in enumerate(
            zip(papers["title"], papers["abstract"], strict=True)
        ):
            kws = papers["keywords"].iloc[i] if "keywords" in papers else None
            kw_text = " ; ".join(kws) if isinstance(kws, list | np.ndarray) else ""
            for j, pat in enumerate(t._patterns):
                occ["title"][i, j] = len(pat.findall(title))
                occ["kw"][i, j] = len(pat.findall(kw_text))
                for k, s in enumerate(_SENTENCE_END.split(abstract)):
                    hits = len(pat.findall(s))
                    place = "lead" if k < 2 else "contrib" if _CONTRIBUTION.search(s) else "body"
                    occ[place][i, j] += hits
                    occ["hedged"][i, j] += hits if _HEDGE.search(s) else 0
        occ["any"] = ((occ["title"] + occ["lead"] + occ["contrib"] + occ["body"]) > 0) * 1.0
        lab = dict(zip(gold["paper_id"], gold[t.id], strict=True))
        y = np.array(
            [float(lab[p]) if lab.get(p, "") != "" else np.nan for p in papers["paper_id"]]
        )
        out[t.id] = {"occ": occ, "sim": sims[:, ti], "y": y}
    return {"emb": emb, "S": emb @ emb.T, "themes": out}


def f1(y: np.ndarray, pred: np.ndarray) -> float:
    m = ~np.isnan(y)
    yy, p = y[m] == 1, pred[m]
    tp = (yy & p).sum()
    return 2 * tp / max(2 * tp + (p & ~yy).sum() + (yy & ~p).sum(), 1)


def best_f1(y: np.ndarray, s: np.ndarray) -> float:
    """F1 at the best threshold for this theme: how well the score ranks, not calibration."""
    return max(f1(y, s >= t) for t in np.unique(s))


def sig(x):
    return 1 / (1 + np.exp(-x))


def evidence(t: dict, o: dict, rel: str = "idf") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (paper, term) strength by place, per-term reliability, and the noisy-OR evidence E."""
    A, n = t["occ"], len(t["sim"])
    s = np.maximum.reduce(
        [
            (A["title"] > 0) * 1.0,
            ((A["lead"] + A["contrib"]) > 0) * o["lead"],
            (A["body"] > 0) * o["body"],
            (A["kw"] > 0) * o["kw"],
        ]
    )
    df = A["any"].mean(0)
    r = np.ones(len(df))
    if rel == "idf":  # a term in a quarter of the papers is weak alone
        r = np.clip(np.log(1 / np.maximum(df, 1 / n)) / np.log(o["idf_ref"]), 0, 1)
    elif rel == "agree":  # share of the term's papers whose similarity is high
        strong = (s >= o["lead"]) * 1.0
        zq = sig(zscore(t["sim"]) - 2.0)
        r = ((zq[:, None] * strong).sum(0) + 1.0) / (strong.sum(0) + 2.0)
    return s, r, 1 - np.prod(1 - np.clip(s * r[None, :], 0, 0.999), axis=1)


def zscore(sim: np.ndarray) -> np.ndarray:
    """Similarity relative to this corpus: (sim - median) / (1.4826 * MAD)."""
    med = np.median(sim)
    return (sim - med) / (1.4826 * np.median(np.abs(sim - med)) + 1e-9)


def topmean(S: np.ndarray, cols: np.ndarray, k: int) -> np.ndarray:
    if cols.sum() == 0:
        return np.zeros(S.shape[0])
    return -np.sort(-S[:, cols], axis=1)[:, : min(k, cols.sum())].mean(1)


def score(
    d: dict, tid: str, labels: dict, o: dict = CFG, q: str = "knn", rel: str = "idf"
) -> np.ndarray:
    """The label-free score; ``labels`` (paper -> 0/1) join the examples and shift the offset."""
    t = d["themes"][tid]
    E = evidence(t, o, rel)[2]
    z = zscore(t["sim"])
    li = np.array(sorted(labels), dtype=int)
    ly = np.array([labels[i] for i in li], dtype=float)
    P, N = E >= 0.8, E == 0  # the theme's clearest papers, and papers with no term at all
    P[li], N[li] = ly == 1, ly == 0
    if q == "knn":
        S = d["S"].copy()
        np.fill_diagonal(S, -np.inf)  # never its own example
        qv = 10 * (topmean(S, P, o["K"]) - topmean(S, N, o["K"])) if P.sum() >= 3 else 0 * E
    elif q == "logreg":
        qv = selftrain(d["emb"], P, N)
    else:
        qv = 0 * E
    x = o["wE"] * (E - 0.5) + o["wq"] * qv + o["wz"] * (z - 2.5)
    if len(li):  # MAP offset: the labels' likelihood and a N(0, 1/lam) prior
        grid = np.linspace(-3, 3, 121)
        ll = [
            (
                ly * np.log(sig(x[li] + g) + 1e-9) + (1 - ly) * np.log(1 - sig(x[li] + g) + 1e-9)
            ).sum()
            - 0.5 * o["lam"] * g * g
            for g in grid
        ]
        x = x + grid[int(np.argmax(ll))]
    return sig(x)


def selftrain(X: np.ndarray, P: np.ndarray, N: np.ndarray) -> np.ndarray:
    """Logistic regression on embeddings, pseudo-labels P vs N, cross-fitted on its own rows."""
    idx = np.flatnonzero(P | N)
    yy = P[idx].astype(int)
    if yy.sum() < 3:
        return np.zeros(len(P))

    def fit(rows):
        return LogisticRegression(max_iter=2000, class_weight="balanced").fit(
            X[idx[rows]], yy[rows]
        )

    q = fit(np.arange(len(idx))).decision_function(X)
    for tr, te in StratifiedKFold(min(5, yy.sum()), shuffle=True, random_state=0).split(idx, yy):
        q[idx[te]] = fit(tr).decision_function(X[idx[te]])
    return q


def table(data: dict, label: str, fn) -> dict:
    """Print F1 at the fixed threshold 0.5 (and at each theme's best threshold) per theme."""
    res = {(name, tid): fn(d, tid) for name, d in data.items() for tid in d["themes"]}
    out = {}
    for name in data:
        vals = [
            (f1(data[name]["themes"][t]["y"], s >= 0.5), best_f1(data[name]["themes"][t]["y"], s))
            for (n, t), s in res.items()
            if n == name
        ]
        out[name] = np.mean([v[0] for v in vals])
        print(
            f"{label:44s} {name:5s} macro-F1 {out[name]:.3f} "
            f"(best thr {np.mean([v[1] for v in vals]):.3f}) "
            + " ".join(
                f"{t[:8]}={f1(data[n]['themes'][t]['y'], s >= 0.5):.2f}"
                for (n, t), s in res.items()
                if n == name
            )
        )
    return out


def variants(data: dict) -> None:
    """Label-free scoring variants at k = 0 (threshold 0.5, no theme-specific fitting)."""
    print("\n== label-free variants, k = 0 (F1 at 0.5; in brackets at each theme's best threshold)")
    none = {"rel": "none"}
    table(data, "similarity z only", lambda d, t: sig(zscore(d["themes"][t]["sim"]) - 2.5))
    table(
        data,
        "terms, any place",
        lambda d, t: evidence(d["themes"][t], {**CFG, "lead": 1, "body": 1}, "none")[2],
    )
    table(
        data,
        "terms by place (title 1, lead .8, body .3)",
        lambda d, t: evidence(d["themes"][t], CFG, "none")[2],
    )
    table(data, "  + term specificity (IDF)", lambda d, t: evidence(d["themes"][t], CFG)[2])
    table(
        data,
        "  + reliability from similarity (agree)",
        lambda d, t: evidence(d["themes"][t], CFG, "agree")[2],
    )
    table(
        data,
        "  + ai_keywords as a place (0.6)",
        lambda d, t: evidence(d["themes"][t], {**CFG, "kw": 0.6})[2],
    )
    table(data, "terms (no IDF) + similarity", lambda d, t: score(d, t, {}, q="none", **none))
    table(data, "terms (IDF) + similarity", lambda d, t: score(d, t, {}, q="none"))
    table(data, "terms (IDF) + similarity + self-examples kNN", lambda d, t: score(d, t, {}))
    table(
        data, "terms (IDF) + similarity + self-trained LR", lambda d, t: score(d, t, {}, q="logreg")
    )


def ceiling(data: dict) -> None:
    """What labels could add: a linear model on embedding + term features, 5-fold."""
    print("\n== ceiling with labels (5-fold: fitted on 4/5 of each theme's labels, scored on 1/5)")

    def supervised(d, tid):
        t = d["themes"][tid]
        s, r, E = evidence(t, CFG)
        y, m = t["y"], np.flatnonzero(~np.isnan(t["y"]))
        X = np.hstack([d["emb"], 3 * E[:, None], zscore(t["sim"])[:, None] / 3, s * r])
        out = np.zeros(len(y))
        for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(m, y[m]):
            clf = LogisticRegression(C=3, max_iter=3000, class_weight="balanced").fit(
                X[m[tr]], y[m[tr]]
            )
            out[m[te]] = sig(clf.decision_function(X[m[te]]))
        return out

    table(data, "supervised: embedding + term features", supervised)


def loto(data: dict) -> None:
    """Leave one theme out: each global knob set chosen on the other themes, scored on it."""
    grid = list(
        itertools.product([0.25, 0.5, 1.0], [0.5, 1.0, 2.0], [20, 50, 100], [0.6, 0.8, 1.0])
    )
    themes = [(n, t) for n, d in data.items() for t in d["themes"]]
    tab = np.array(
        [
            [f1(data[n]["themes"][t]["y"], score(data[n], t, {}, o) >= 0.5) for n, t in themes]
            for o in ({**CFG, "wz": a, "wq": b, "idf_ref": c, "lead": e} for a, b, c, e in grid)
        ]
    )
    first = grid.index((CFG["wz"], CFG["wq"], CFG["idf_ref"], CFG["lead"]))
    held = [tab[int(np.argmax(np.delete(tab, j, axis=1).mean(1))), j] for j in range(len(themes))]
    print(f"\n== leave-one-theme-out over {len(grid)} settings of (wz, wq, idf_ref, lead)")
    for name in data:
        cols = [j for j, (n, _) in enumerate(themes) if n == name]
        print(
            f"{name:5s} first-guess knobs {tab[first, cols].mean():.3f}; knobs chosen without the "
            f"theme {np.mean([held[j] for j in cols]):.3f}; "
            f"best single setting {tab[:, cols].mean(1).max():.3f}"
        )


def pick(
    d: dict, sc: np.ndarray, y: np.ndarray, k: int, rng, labelled: dict, how: str
) -> list[int]:
    """The review loop's choice: near the threshold (3k nearest, shuffled), no two alike."""
    cand = np.setdiff1d(np.flatnonzero(~np.isnan(y)), list(labelled))
    if how == "random":
        return list(rng.choice(cand, k, replace=False))
    if how == "top":
        return list(cand[np.argsort(-sc[cand])][:k])
    pool = rng.permutation(cand[np.argsort(np.abs(np.log(sc[cand] / (1 - sc[cand]))))[: 3 * k]])
    out: list[int] = []
    for i in pool:
        if len(out) < k and all(d["emb"][i] @ d["emb"][j] < 0.8 for j in out):
            out.append(int(i))
    return out


def loop(data: dict, how: str, seeds: int) -> None:
    """Review k = 5, 10, 20 papers per theme (5 per round), score the rest; mean over seeds."""
    rows = []
    for name, d in data.items():
        for tid, t in d["themes"].items():
            sc0 = score(d, tid, {})
            for seed in range(seeds):
                rng, labels, sc = np.random.default_rng(seed), {}, sc0
                for k in (0, 5, 10, 20):
                    while len(labels) < k:
                        for i in pick(d, sc, t["y"], min(5, k - len(labels)), rng, labels, how):
                            labels[i] = int(t["y"][i])
                        sc = score(d, tid, labels)
                    rest = t["y"].copy()
                    rest[list(labels)] = np.nan
                    rows.append(
                        {
                            "set": name,
                            "theme": tid,
                            "k": k,
                            "f1": f1(rest, sc >= 0.5),
                            "gain": f1(rest, sc >= 0.5) - f1(rest, sc0 >= 0.5),
                        }
                    )
    g = pd.DataFrame(rows).groupby(["set", "theme", "k"])[["f1", "gain"]].mean()
    print(f"\n== review loop ({how}), F1 on the papers not reviewed, mean of {seeds} seeds")
    f = g["f1"].unstack("k")
    print(f.round(3).to_string())
    print("macro:", f.groupby(level="set").mean().round(3).to_dict("index"))
    print(
        "gain over k = 0 on the same papers, lowest theme:",
        g["gain"].unstack("k").min().round(3).to_dict(),
    )


def main() -> None:
    data = {name: load(name) for name in SETS}
    variants(data)
    if "--quick" not in sys.argv:
        ceiling(data)
        loto(data)
        for how in ("uncertain", "random", "top"):
            loop(data, how, seeds=10)


if __name__ == "__main__":
    main()
