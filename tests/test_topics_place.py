"""Tests for digest_utils.topics.place: new papers placed into the last fit, refits when due."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from digest_utils import config
from digest_utils.embed import embed_texts
from digest_utils.topics import fit_topics
from digest_utils.topics.place import place
from tests.test_topics import PHRASES, planted


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """120 planted papers (4 blobs) in shuffled order, the first 110 fitted once."""
    folder = tmp_path_factory.mktemp("place")
    centres = embed_texts(list(PHRASES.values()), cache_dir=folder, progress=False)
    papers, emb = planted(centres=centres)
    order = np.random.default_rng(1).permutation(len(papers))
    papers, emb = papers.iloc[order].reset_index(drop=True), emb[order]
    cache = folder / "cache"
    base = fit_topics(papers[:110], emb[:110], cache_dir=cache, progress=False)
    return papers, emb, base, cache


def test_new_papers_are_placed_into_the_last_fit(corpus):
    """10 new papers (9 % of 110) join the topic of their own blob; the fit itself is kept."""
    papers, emb, base, cache = corpus
    result = fit_topics(papers, emb, cache_dir=cache, progress=False, incremental=True)
    assert result.fit.kind == "placed"
    assert (result.fit.fitted_on, result.fit.placed) == (110, 10)
    assert result.fit.fitted_at == base.fit.fitted_at
    assert "10 papers added since placed into that fit" in result.fit_note()
    a = result.assignments
    assert list(a["paper_id"]) == list(papers["paper_id"])
    old = a.iloc[:110].reset_index(drop=True)
    pd.testing.assert_frame_equal(old, base.assignments)
    pd.testing.assert_frame_equal(
        result.topics.drop(columns="size"), base.topics.drop(columns="size")
    )
    assert result.topics["size"].sum() == 120
    # each new paper lands in the topic holding most fitted papers of its blob
    blob = papers["theme"].to_numpy()
    for i in range(110, 120):
        same_blob = old["assigned_topic"][blob[:110] == blob[i]]
        assert a.loc[i, "assigned_topic"] in set(same_blob), (i, blob[i])
        area = base.topics.set_index("topic").loc[a.loc[i, "assigned_topic"], "area"]
        assert a.loc[i, "area"] == area
    # a placed paper sits on the map among papers of its blob
    for i in range(110, 120):
        centre = old.loc[blob[:110] == blob[i], ["x", "y"]].mean().to_numpy()
        spread = old[["x", "y"]].std().to_numpy()
        assert np.all(np.abs(a.loc[i, ["x", "y"]].to_numpy(float) - centre) < 2 * spread)


def test_place_is_a_function_of_its_arguments(corpus):
    """place() reads no cache and no clock: called directly it gives what fit_topics stored."""
    papers, emb, base, cache = corpus
    before = sorted(p.name for p in (cache / "topics").iterdir())
    direct = place(base, papers, emb)
    assert sorted(p.name for p in (cache / "topics").iterdir()) == before
    stored = fit_topics(papers, emb, cache_dir=cache, progress=False, incremental=True)
    assert direct.fit == stored.fit
    pd.testing.assert_frame_equal(direct.assignments, stored.assignments)
    pd.testing.assert_frame_equal(direct.topics, stored.topics)
    assert len(base.assignments) == 110  # the base is not modified


def test_explicit_sizes_always_fit(corpus):
    """With n_topics given, new papers are never placed: the sizes asked for are fitted."""
    papers, emb, _, cache = corpus
    sized = fit_topics(papers, emb, n_topics=5, cache_dir=cache, progress=False, incremental=True)
    assert sized.fit.kind == "full" and len(sized.topics) == 5


def test_refit_on_request_gives_a_full_fit(corpus):
    """incremental=False (the CLI's --refit) fits all 120 papers afresh."""
    papers, emb, _, cache = corpus
    result = fit_topics(papers, emb, cache_dir=cache, progress=False, incremental=False)
    assert result.fit.kind == "full"
    assert result.fit.fitted_on == 120
    assert result.fit_note().startswith("topics fitted on 120 papers (")


def test_more_new_papers_than_the_refit_share_refit(corpus, tmp_path):
    """Past config.REFIT_SHARE of new papers, or with papers of the fit dropped, it refits."""
    papers, emb, _, _ = corpus
    cache = tmp_path / "cache"
    fit_topics(papers[:100], emb[:100], cache_dir=cache, progress=False)
    assert config.REFIT_SHARE < 20 / 100
    grown = fit_topics(papers, emb, cache_dir=cache, progress=False, incremental=True)
    assert grown.fit.kind == "full"
    other = tmp_path / "other"
    fit_topics(papers[:100], emb[:100], cache_dir=other, progress=False)
    swapped = fit_topics(
        papers[5:105], emb[5:105], cache_dir=other, progress=False, incremental=True
    )
    assert swapped.fit.kind == "full"  # 5 papers of the fit are gone


def test_a_fit_with_other_sizes_is_not_extended(corpus, tmp_path):
    """A full fit with sizes other than the rules' (here 2 areas) is never placed into."""
    papers, emb, _, _ = corpus
    cache = tmp_path / "cache"
    custom = fit_topics(papers[:110], emb[:110], n_areas=2, cache_dir=cache, progress=False)
    assert len(custom.areas) == 2
    grown = fit_topics(papers, emb, cache_dir=cache, progress=False, incremental=True)
    assert grown.fit.kind == "full" and grown.fit.fitted_on == 120


def test_analysis_places_and_refits(fake_model, cache, tmp_path):
    """analyse() places new papers by default and refits with refit=True."""
    from digest_utils.analysis import analyse

    papers, _ = planted(n_per=25)
    papers = papers.assign(digests=[["d"]] * len(papers), n_digests=1, digest="d")
    papers["published"] = pd.NaT
    first = analyse(papers.iloc[:95], progress=False)
    assert first.topics.fit.kind == "full"
    more = analyse(papers, progress=False)
    assert more.topics.fit.kind == "placed"
    again = analyse(papers, progress=False, refit=True)
    assert again.topics.fit.kind == "full"


def _remembered_fit(root, params, ids, n_areas=None):
    """A stand-in full fit of ``ids``, saved and remembered; returns it and its key."""
    from digest_utils.topics import store
    from digest_utils.topics.cluster import n_areas_for, n_topics_for
    from digest_utils.topics.result import TopicResult

    k = n_topics_for(len(ids))
    sizes = {"n_topics": k, "n_areas": n_areas_for(k) if n_areas is None else n_areas}
    result = TopicResult(
        pd.DataFrame({"paper_id": ids}), pd.DataFrame(), np.zeros(2), params | sizes
    )
    key = f"fit{len(ids)}-{sizes['n_areas']}"
    store.save(root, key, result)
    store.remember(root, params, key, len(ids))
    return result, key


def test_reusable_fit_holds_every_rule_of_a_rerun(tmp_path):
    """The newest qualifying fit is reused; refit when asked, saved, shrunk, grown past 10 %."""
    from digest_utils.topics.fit import reusable_fit

    params = {"method": "ward", "seed": 0, "model": "m"}
    ids = [f"p{i}" for i in range(200)]
    _remembered_fit(tmp_path, params, ids[:95])
    _, key_100 = _remembered_fit(tmp_path, params, ids[:100])
    _remembered_fit(tmp_path, params, ids[:104], n_areas=2)  # sizes by hand: never extended

    def reused(n, *, first=0, key="new", refit=False, settings=params):
        """Papers of the fit a corpus of ``n`` papers would be placed into (None: refit)."""
        now = pd.Series(ids[first : first + n])
        base = reusable_fit(tmp_path, key, settings, now, refit=refit)
        return None if base is None else len(base.assignments)

    assert reused(105) == 100  # the newest fit by the rules, 5 % new papers
    assert reused(110) == 100  # 10 % new
    assert reused(111) is None  # 11 % new; the 104-paper fit has sizes given by hand
    assert reused(100) == 95  # nothing new to the 100-paper fit: the older one is extended
    assert reused(105, refit=True) is None
    assert reused(105, key=key_100) is None  # a full fit of exactly this corpus is saved
    assert reused(105, first=1) is None  # paper p0 of every fit is gone
    assert reused(105, settings=params | {"seed": 1}) is None  # fits of another seed
