"""Tests for digest_utils.themes: the catalogue, term matching, assignment and evidence."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from digest_utils import DigestError, assign_themes
from digest_utils.themes import (
    FEATURES,
    load_catalogue,
    term_pattern,
    theme_features,
)

ROOT = Path(__file__).parents[1]

PAPERS = pd.DataFrame(
    {
        "paper_id": ["p1", "p2", "p3", "p4"],
        "title": [
            "LoRA-Pro: Parameter-Efficient Fine-Tuning of CLIP with Low-Rank Adapters",
            "Video clip retrieval with transformers",
            "INT4 Post-Training Quantization of LLMs",
            "Chest X-ray report generation with a vision-language model",
        ],
        "abstract": [
            "We propose prompt tuning and LoRA for CLIP. LoRA trains few parameters.",
            "We study video clip retrieval. Each clip is short.",
            "We quantize weights to 4 bits with post-training quantization.",
            "We propose a medical vision-language model for radiology report generation "
            "from chest X-ray images.",
        ],
    }
)


def _match(term: str, text: str) -> bool:
    return re.search(term_pattern(term), text) is not None


def test_default_catalogue_ships_the_four_themes():
    """themes.toml has peft, clip, quantization, medical_vlm with names and descriptions."""
    cat = load_catalogue(ROOT / "themes.toml")
    assert cat.ids == ["peft", "clip", "quantization", "medical_vlm"]
    assert cat.names["clip"] == "CLIP variants"
    assert all(t.description and t.terms for t in cat.themes)
    assert set(cat.weights) == set(FEATURES)


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("CLIP", "we adapt CLIP to", True),
        ("CLIP", "each video clip is", False),  # a word with a capital inside keeps its case
        ("Gaussian splatting", "3D Gaussian Splatting", True),  # an initial capital does not
        ("KV cache", "KV Cache compression", True),
        ("KV cache", "kv cache", False),
        ("*CLIP*", "MobileCLIP is fast", True),
        ("low rank adaptation", "Low-Rank Adaptation (LoRA)", True),  # hyphens = spaces
        ("quantiz*", "Quantized weights", True),
        ("adapter", "adapters", False),  # whole words only
        ("re:\\b[1-8] bits?\\b", "to 4 bits", True),
    ],
)
def test_term_syntax(term, text, expected):
    """Terms: case rule, '*' wildcard, hyphen-insensitive, whole words, 're:' regex."""
    assert _match(term, text) is expected


def test_assign_themes_is_multi_label_with_scores_and_evidence(fake_model):
    """Each paper gets 0..n themes, a score per theme and the matched terms as evidence."""
    out = assign_themes(PAPERS, ROOT / "themes.toml")
    ids = ["peft", "clip", "quantization", "medical_vlm"]
    assert out.columns.tolist()[:2] == ["paper_id", "title"]
    for tid in ids:
        assert str(out[tid].dtype) == "Int8"
        assert out[f"score_{tid}"].between(0, 1).all()
    assert out.loc[0, ["peft", "clip"]].tolist() == [1, 1]  # both themes at once
    assert out.loc[1, ids].sum() == 0  # "video clip" is not CLIP
    assert out.loc[2, "quantization"] == 1
    assert out.loc[3, "medical_vlm"] == 1
    assert "LoRA (3)" in out.loc[0, "evidence_peft"]
    assert "similarity" in out.loc[0, "evidence_peft"]
    assert out.loc[0, "themes"] == "peft;clip"
    assert out.loc[1, "themes"] == ""


def test_requires_gate_blocks_a_theme_without_its_required_terms(fake_model):
    """medical_vlm needs a medical and an image term: a text-only clinical paper gets 0."""
    papers = pd.DataFrame(
        {
            "paper_id": ["q"],
            "title": ["Clinical note summarisation with language models"],
            "abstract": ["We study clinical notes and medical text for healthcare."],
        }
    )
    out = assign_themes(papers, ROOT / "themes.toml")
    assert out.loc[0, "medical_vlm"] == 0
    assert out.loc[0, "score_medical_vlm"] == 0.0
    assert "required terms missing" in out.loc[0, "evidence_medical_vlm"]


def test_excludes_in_the_title_and_hedged_mentions_count_against_a_theme(fake_model):
    """Exclusions named in the title or lead are counted and shown; cited terms are hedged.

    exclude_hit counts the distinct ``excludes`` named (capped at 2); a term cited as an
    example ("unlike CLIP") is measured as hedged, one used as the method is not. (How much
    hedging weighs is fitted, not asserted here.)
    """
    papers = pd.DataFrame(
        {
            "paper_id": ["prune", "quant", "cited", "used"],
            "title": [
                "Structured Pruning of Large Language Models",
                "INT4 Post-Training Quantization of LLMs",
                "A Retrieval Model for Image Search",
                "A Retrieval Model for Image Search",
            ],
            "abstract": [
                "We prune heads. Pruning composes with quantization.",
                "We quantize weights to 4 bits.",
                "We train a retrieval model. Unlike CLIP, it needs no captions.",
                "We train a retrieval model. We fine-tune CLIP, and it needs no captions.",
            ],
        }
    )
    cat = load_catalogue(ROOT / "themes.toml")
    feats = theme_features(papers, cat).set_index(["paper_id", "theme"])
    assert feats.loc[("prune", "quantization"), "exclude_hit"] == 2.0
    assert feats.loc[("prune", "quantization"), "excluded"] == "Pruning, prune"
    assert feats.loc[("quant", "quantization"), "exclude_hit"] == 0.0
    assert feats.loc[("cited", "clip"), "hedged"] == 1.0
    assert feats.loc[("used", "clip"), "hedged"] == 0.0
    out = assign_themes(papers, cat).set_index("paper_id")
    assert "title/lead names Pruning" in out.loc["prune", "evidence_quantization"]


def test_adding_a_theme_to_the_catalogue_needs_no_code(fake_model, tmp_path):
    """A new [[theme]] block in an edited copy of themes.toml yields new columns and flags."""
    text = (ROOT / "themes.toml").read_text(encoding="utf-8")
    # the copy keeps the labelled examples of the default themes; the new theme has none
    text = text.replace('"tests/data/', f'"{ROOT.as_posix()}/tests/data/')
    text = text.replace('["seeds"]', f'["{ROOT.as_posix()}/seeds"]')
    text += (
        '\n[[theme]]\nid = "video"\nname = "Video understanding"\n'
        'description = "Models that understand video clips."\n'
        'terms = ["video*", "clip retrieval"]\n'
    )
    path = tmp_path / "themes.toml"
    path.write_text(text, encoding="utf-8")
    out = assign_themes(PAPERS, path)
    assert {"video", "score_video", "evidence_video"} <= set(out.columns)
    assert out["video"].tolist() == [0, 1, 0, 0]


def test_explicit_embeddings_are_used(fake_model):
    """Passing embeddings skips embedding the papers (only descriptions are embedded)."""
    emb = np.zeros((4, 16), dtype=np.float32)
    cat = replace(load_catalogue(ROOT / "themes.toml"), example_labels=(), example_digests=())
    assign_themes(PAPERS, cat, embeddings=emb)
    assert fake_model.n_encoded == 4  # the four theme descriptions, no paper


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('id = "clip"', 'id = "peft"'), "appears twice"),
        (lambda t: t.replace('id = "clip"', 'id = "Clip Variants"'), "id must be lowercase"),
        (lambda t: t.replace('name = "Quantization"', 'name = ""'), "non-empty 'name'"),
        (lambda t: t.replace('"quantiz*",', '"re:(unclosed",'), "not a valid pattern"),
        (lambda t: t.replace('"sparsity",', '"re:(unclosed",'), "not a valid pattern"),
        (lambda t: t.replace("[scoring]", "[scoring"), "not valid TOML"),
        (lambda t: t.replace("similarity = ", "similarity_ = "), "lacks similarity"),
    ],
)
def test_bad_catalogue_raises_a_clear_error(tmp_path, edit, message):
    """A broken catalogue raises DigestError naming the file and the problem."""
    path = tmp_path / "themes.toml"
    path.write_text(edit((ROOT / "themes.toml").read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DigestError, match=re.escape(message)) as info:
        load_catalogue(path)
    assert str(path) in str(info.value)


def test_missing_catalogue_names_the_path(tmp_path):
    """A missing catalogue file raises DigestError naming it."""
    with pytest.raises(DigestError, match="theme catalogue not found"):
        load_catalogue(tmp_path / "nope.toml")


def test_theme_examples_and_primary_theme(fake_model):
    """Examples list top papers per theme with evidence; primary_theme picks one name or none."""
    cat = load_catalogue(ROOT / "themes.toml")
    flags = assign_themes(PAPERS, cat)
    from digest_utils.themes import primary_theme, theme_examples

    ex = theme_examples(flags, cat, n=2)
    assert ex.columns.tolist() == ["theme", "title", "score", "evidence"]
    assert ex.loc[ex["theme"] == "Quantization", "title"].tolist() == [PAPERS["title"][2]]
    primary = primary_theme(flags, cat)
    assert primary[1] == "none"
    assert primary[2] == "Quantization"
    assert primary[0] in {"Parameter-efficient fine-tuning", "CLIP variants"}
