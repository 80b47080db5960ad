"""Tests for themes a user writes: term evidence, the label-free score, review, and the check."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from digest_utils import describe
from digest_utils.analysis import assign_themes
from digest_utils.cli import main
from digest_utils.themes import load_catalogue, read_labels
from digest_utils.themes.review import review_candidates, write_review
from digest_utils.themes.terms import PLACE_WEIGHT, TermEvidence, broad_flags, term_check
from digest_utils.themes.untuned import robust_z, untuned_scores

ROOT = Path(__file__).parents[1]

USER_THEME = """
[[theme]]
id = "codegen"
name = "Code LLMs"
description = "Language models that write code and fix software."
terms = ["code generation", "code", "program repair"]
"""


def _catalogue(tmp_path: Path, text: str = USER_THEME):
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return load_catalogue(path)


def _papers(n_filler: int = 20) -> pd.DataFrame:
    """Two code papers, one that only mentions code, and filler that says 'code' in passing."""
    titles = [
        "Code Generation with Small Models",
        "Program Repair Agents",
        "A Survey of Weather Forecasting",
    ] + [f"Vision study {i}" for i in range(n_filler)]
    abstracts = [
        "We propose a code generation model. It writes code.",
        "We introduce an agent for program repair. It fixes bugs.",
        "We review forecasting. Our code is available online.",
    ] + [f"We study images number {i}. Code and data are released." for i in range(n_filler)]
    return pd.DataFrame(
        {"paper_id": [f"p{i}" for i in range(len(titles))], "title": titles, "abstract": abstracts}
    )


def test_term_strength_is_the_best_place(tmp_path):
    """A term in the title counts 1, in the lead 0.8, further down 0.3, absent 0."""
    theme = _catalogue(tmp_path).themes[0]
    papers = pd.DataFrame(
        {
            "paper_id": ["a", "b", "c", "d"],
            "title": ["Code generation now", "Nothing here", "Nothing", "Nothing"],
            "abstract": [
                "Plain text.",
                "We do code generation. Second.",
                "One. Two. Three mentions code generation.",
                "No term at all.",
            ],
        }
    )
    ev = TermEvidence(papers, theme)
    assert ev.strength[:, 0].tolist() == [
        PLACE_WEIGHT["title"],
        PLACE_WEIGHT["lead"],
        PLACE_WEIGHT["body"],
        0.0,
    ]
    assert ev.evidence[3] == 0.0
    assert ev.evidence[0] > ev.evidence[1] > ev.evidence[2] > 0


def test_a_term_most_papers_name_is_weak_evidence(tmp_path):
    """'code' named by nearly every paper is less specific than 'program repair' named once."""
    theme = _catalogue(tmp_path).themes[0]
    ev = TermEvidence(_papers(), theme)
    code, repair = ev.terms.index("code"), ev.terms.index("program repair")
    assert ev.specificity[code] < 0.5 < ev.specificity[repair]
    # the weather survey names only the broad term (in its lead): far below the repair paper
    assert ev.evidence[2] < 0.3 < 0.8 < ev.evidence[1]


def test_robust_z_is_relative_to_the_corpus():
    """The median paper is 0; a paper 1 MAD above is 1 / 1.4826."""
    z = robust_z(np.array([0.1, 0.2, 0.3, 0.4, 0.5]))
    assert z[2] == 0.0
    assert z[3] == pytest.approx(1 / 1.4826, rel=1e-6)


def _scored(tmp_path, **labels):
    papers = _papers()
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(len(papers), 8))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    sim = np.linspace(0.1, 0.5, len(papers))
    return papers, untuned_scores(
        papers, _catalogue(tmp_path).themes[0], embeddings=emb, similarity=sim, **labels
    )


def test_labels_shift_the_offset_their_way(tmp_path):
    """Papers judged 1 raise every score (positive offset); judged 0 lower them."""
    papers, base = _scored(tmp_path)
    ids = list(papers["paper_id"][3:8])
    _, up = _scored(tmp_path, labelled_ids=ids, labelled_y=[1] * 5)
    _, down = _scored(tmp_path, labelled_ids=ids, labelled_y=[0] * 5)
    assert (up["score"].to_numpy() > base["score"].to_numpy()).all()
    assert (down["score"].to_numpy() < base["score"].to_numpy()).all()
    assert "offset +" in up["evidence"].iloc[0] and "offset" not in base["evidence"].iloc[0]


def test_review_picks_the_papers_nearest_the_threshold_skipping_judged_and_alike():
    """Scores nearest 0.5 are picked; a judged paper and a near-duplicate are skipped."""
    flags = pd.DataFrame(
        {
            "paper_id": list("abcdef"),
            "title": list("ABCDEF"),
            "score_t": [0.99, 0.52, 0.48, 0.47, 0.02, 0.55],
        }
    )
    emb = np.eye(6)
    emb[3] = emb[2]  # d is c again
    picked = review_candidates(flags, "t", emb, n=1, judged=["b"], seed=0)
    assert set(picked["paper_id"]) <= {"c", "d", "f"}  # the 3 x n nearest but b
    assert picked["label"].eq("").all() and picked["theme"].eq("t").all()
    near = flags.assign(score_t=[0.5, 0.49, 0.51, 0.5, 0.48, 0.52])
    five = review_candidates(near, "t", emb, n=5, seed=3)
    assert len(five) == 5 and not {"c", "d"} <= set(five["paper_id"])  # never both alike
    assert review_candidates(near, "t", emb, n=5, seed=3).equals(five)


def test_review_file_reads_back_as_labels_and_is_extended(tmp_path):
    """A blank label is not judged; writing again keeps judgements and adds only new papers."""
    first = pd.DataFrame(
        {
            "paper_id": ["a", "b"],
            "title": ["A", "B"],
            "theme": "codegen",
            "label": "",
            "score": [0.5, 0.4],
            "evidence": ["", ""],
        }
    )
    path = write_review(first, tmp_path / "review.csv")
    assert read_labels(path, ["codegen"]).empty
    text = path.read_text().replace("a,A,codegen,,", "a,A,codegen,1,")
    path.write_text(text)
    write_review(first.assign(paper_id=["a", "c"], title=["A", "C"]), path)
    labels = read_labels(path, ["codegen"])
    assert labels[["paper_id", "y"]].values.tolist() == [["a", 1]]
    assert pd.read_csv(path)["paper_id"].tolist() == ["a", "b", "c"]


def test_term_check_counts_papers_resting_on_one_term(tmp_path):
    """'alone' counts flagged papers whose only term it is; broad_flags lists broad ones."""
    cat = _catalogue(tmp_path)
    papers = _papers()
    flags = pd.DataFrame({"paper_id": papers["paper_id"], "codegen": [1, 1, 1] + [0] * 20})
    table = term_check(papers, flags, cat).set_index("term")
    assert table.loc["code", "papers"] == 22  # every paper but the repair one
    assert table.loc["code", "alone"] == 1  # the weather survey
    assert table.loc["program repair", "alone"] == 1
    assert table.attrs["flagged"] == {"codegen": 3}
    lean = broad_flags(papers, flags, cat)
    assert lean[["term", "paper_id"]].values.tolist() == [["code", "p2"]]


def test_describe_term_check_names_the_deciding_and_the_broadest_term(tmp_path):
    """The sentence quotes the term deciding most flags alone and the most-named term."""
    cat = _catalogue(tmp_path)
    papers = _papers()
    flags = pd.DataFrame({"paper_id": papers["paper_id"], "codegen": [1, 1, 1] + [0] * 20})
    table = term_check(papers, flags, cat)
    table.loc[table["term"] == "program repair", "alone"] = 2  # now it decides the most
    text = describe.term_check(table, cat.names)
    assert text.startswith("'program repair' alone decides 2 of the 3 Code LLMs papers")
    assert "the broadest term is 'code' (Code LLMs), named by 22 papers (96%)" in text


def test_a_file_of_user_themes_alone_is_a_catalogue(tmp_path):
    """Without [scoring] the shipped weights are used; a theme without bias is not fitted."""
    cat = _catalogue(tmp_path)
    shipped = load_catalogue(ROOT / "themes.toml")
    assert cat.weights == shipped.weights
    assert not cat.themes[0].fitted
    assert all(t.fitted for t in shipped.themes)


def test_assign_themes_scores_a_user_theme_label_free(tmp_path, fake_model):
    """A user theme's evidence reads terms by place and relative similarity."""
    out = assign_themes(_papers(), _catalogue(tmp_path))
    assert out["evidence_codegen"].str.contains(r"\(z [+-]", regex=True).all()
    assert out.loc[out["paper_id"] == "p1", "codegen"].item() == 1
    assert out.loc[out["paper_id"] == "p5", "codegen"].item() == 0


def test_cli_review_then_themes_with_labels(tmp_path, fake_model, capsys):
    """Review writes a CSV to fill in; themes --labels reads it filled; check-themes prints."""
    digest = tmp_path / "d.jsonl"
    papers = _papers()
    records = [
        {"paper": {"id": f"2501.{i:05d}", "title": t, "summary": a}}
        for i, (t, a) in enumerate(zip(papers["title"], papers["abstract"], strict=True))
    ]
    digest.write_text("\n".join(json.dumps(r) for r in records))
    cat = tmp_path / "mine.toml"
    cat.write_text(USER_THEME)
    out = tmp_path / "review.csv"
    review_args = ["review", "codegen", str(digest), "--themes", str(cat), "-q", "-n", "3"]
    assert main([*review_args, "-o", str(out)]) == 0
    review = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(review) == 3 and review["label"].eq("").all()
    review["label"] = "0"
    review.to_csv(out, index=False)
    table = tmp_path / "t.csv"
    args = ["themes", str(digest), "--themes", str(cat), "-q", "--evidence", "-o", str(table)]
    assert main(args) == 0
    assert not pd.read_csv(table)["evidence_codegen"].str.contains("offset").any()
    assert main([*args, "--labels", str(out)]) == 0
    assert pd.read_csv(table)["evidence_codegen"].str.contains("offset -").all()
    assert main(["check-themes", str(digest), "--themes", str(cat), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "codegen:" in printed and "specificity" in printed
