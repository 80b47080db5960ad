"""Hostile digest content never runs in a reader's browser.

A report is built from tests/data/hostile_digest.jsonl (18 synthetic records, script in every
text field a page may show: title, summary, ai_keywords, organisation, authors, id, githubRepo,
plus javascript: and data: URLs), read from a file whose name is itself a payload, with a theme
catalogue whose theme names carry payloads too. Every page is opened in headless Chromium; each
payload would set ``window.__pwned``. The unit tests below pin the escaping helper itself.
"""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import Markup

from digest_utils import _html
from digest_utils.errors import UnsafeLinkWarning

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAYLOAD = "<img src=x onerror=window.__pwned=1>"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:window.__pwned=1",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/x",
        "https://",
        "https://example.org/a b",
    ],
)
def test_a_link_that_is_not_http_is_left_out_with_a_warning(url):
    """Only absolute http(s) URLs become links; the title stays, escaped, and a warning says so."""
    with pytest.warns(UnsafeLinkWarning, match="not http"):
        out = _html.link("A <b> title", url)
    assert out == "A &lt;b&gt; title"
    assert "href" not in out


def test_an_http_link_is_kept_and_its_text_and_url_escaped():
    """An https URL is linked, with & and quotes escaped inside the attribute."""
    out = _html.link('T <i>"', 'https://huggingface.co/papers/1?a=1&b="x"')
    assert out == (
        '<a href="https://huggingface.co/papers/1?a=1&amp;b=&#34;x&#34;">T &lt;i&gt;&#34;</a>'
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _html.link("plain", pd.NA) == "plain"  # no URL: text, and no warning
        assert _html.link("plain", None) == "plain"


def test_frame_escapes_every_text_cell_and_label_and_keeps_links_and_numbers():
    """Text, lists and labels are escaped once; Markup links, numbers and NA are kept."""
    link = _html.link("ok", "https://huggingface.co/papers/1")
    df = pd.DataFrame(
        {
            PAYLOAD: pd.array([PAYLOAD, pd.NA], dtype="string"),
            "keywords": [[PAYLOAD], ["a & b"]],
            "title": pd.Series([link, "<b>"], dtype=object),
            "score": [0.5, 1.0],
        }
    ).set_axis(pd.Index([PAYLOAD, "b"], name="digest"))
    out = _html.frame(df)
    escaped = "&lt;img src=x onerror=window.__pwned=1&gt;"
    assert list(out.columns) == [escaped, "keywords", "title", "score"]
    assert list(out.index) == [escaped, "b"]
    assert out.iloc[0, 0] == escaped and pd.isna(out.iloc[1, 0])
    assert out.iloc[0, 1] == f"[&#39;{escaped}&#39;]"
    assert out.iloc[0, 2] is link and out.iloc[1, 2] == "&lt;b&gt;"
    assert out["score"].tolist() == [0.5, 1.0]
    assert _html.frame(out).iloc[0, 0] == out.iloc[0, 0]  # Markup is not escaped twice
    assert isinstance(out.iloc[0, 0], Markup)


def test_table_html_escapes_what_pandas_styler_would_not():
    """The notebooks' DataFrame display escapes cells, lists and the index (Styler does not)."""
    from digest_utils.show import table_html

    df = pd.DataFrame({"title": [PAYLOAD], "evidence": [[PAYLOAD]]}, index=[PAYLOAD])
    page = table_html(df)
    assert "<img" not in page
    assert page.count("&lt;img src=x onerror=window.__pwned=1&gt;") == 3


def test_every_chart_escapes_text_from_the_data():
    """No figure carries a raw tag from a theme name, topic label, keyword or digest name."""
    from digest_utils import charts

    names = {"a": f"Theme A {PAYLOAD}", "b": "Theme <b>B</b>"}
    flags = pd.DataFrame(
        {
            "a": [1, 1, 0, 1],
            "b": [0, 1, 1, 0],
            "digests": [[PAYLOAD], [PAYLOAD], ["d2"], ["d2"]],
            "published": pd.to_datetime(["2024-05-01", "2024-05-02", "2024-06-01", None]),
        }
    )
    points = pd.DataFrame(
        {"x": [0.0, 1.0], "y": [1.0, 0.0], "theme": [PAYLOAD, "none"], "title": [PAYLOAD, "t"]}
    )
    topics = pd.DataFrame(
        {"topic": [0, 1], "label": [PAYLOAD, "b"], "keywords": [[PAYLOAD, "k"], ["x", "y"]]}
    )
    table = pd.DataFrame(
        {
            "level": ["area", "topic", "topic"],
            "topic": [0, 0, 1],
            "size": [3, 2, 1],
            "label": [PAYLOAD, PAYLOAD, "c"],
            "area": [pd.NA, 0, 0],
        }
    )
    vectors = pd.DataFrame([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]], index=[PAYLOAD, "b", "c"])
    figures = [
        charts.theme_sizes(flags, names),
        charts.theme_upset(flags, names),
        charts.theme_cooccurrence(flags, names),
        charts.themes_per_digest(flags, names),
        charts.timeline(flags, names),
        charts.paper_map(points),
        charts.topic_keywords(topics),
        charts.topic_areas(table),
        charts.topic_hierarchy(vectors),
        charts.topic_hierarchy(vectors.head(2)),  # the "nothing to cluster" annotation
    ]
    for fig in figures:
        text = fig.to_json()
        assert "<img" not in text and "<b>" not in text, fig.layout.title.text
        assert "&lt;img src=x onerror=window.__pwned=1&gt;" in text, fig.layout.title.text


# -- the report in a real browser ------------------------------------------------------------


def _hostile_catalogue(folder: Path) -> Path:
    """themes.toml with a payload in every theme name and no labelled examples (fast)."""
    text = (ROOT / "themes.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(labels|digests) = .*$", "", text)
    text = re.sub(r'(?m)^name = "(.*)"$', rf'name = "\1 {PAYLOAD}"', text)
    path = folder / "themes.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """The report of the hostile digest, built with a temporary cache and catalogue."""
    from digest_utils.report import build_report

    root = tmp_path_factory.mktemp("hostile")
    digests = root / "digests"
    digests.mkdir()
    shutil.copy(DATA / "hostile_digest.jsonl", digests / f"{PAYLOAD}.jsonl")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DIGEST_CACHE_DIR", str(root / "cache"))
        mp.setenv("DIGEST_THEMES", str(_hostile_catalogue(root)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnsafeLinkWarning)  # the briefing drops them
            build_report(root / "r", parameters={"DIGESTS": str(digests)}, progress=False)
    return root / "r"


_ATTRIBUTES_JS = """[...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
  .filter(a => /^(href|src|action|formaction|srcdoc|xlink:href|data)$/i.test(a.name)
               || /^on/i.test(a.name))
  .map(a => [e.tagName, a.name, a.value]))"""
_HOVER_JS = """(() => { for (const gd of document.querySelectorAll('.js-plotly-plot')) {
  gd.data.forEach((t, i) => { try { Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: 0}]) }
  catch (e) {} }); } return true; })()"""


@pytest.fixture(scope="module")
def hostile_visits(hostile_report, tmp_path_factory):
    """Every page opened (charts hovered): what ran, the attributes, the text shown."""
    if CHROMIUM is None:
        pytest.skip("chromium not installed (make test installs it)")
    from chromium import Chromium

    browser = Chromium(CHROMIUM, tmp_path_factory.mktemp("profile"))
    seen = {}
    try:
        for page in sorted(hostile_report.glob("*.html")):
            browser.open(page.as_uri(), 1280, 800)
            browser.eval(_HOVER_JS)
            browser.eval("new Promise(r => setTimeout(r, 300))")
            seen[page.name] = {
                "pwned": browser.eval("typeof window.__pwned !== 'undefined'"),
                "attributes": browser.eval(_ATTRIBUTES_JS),
                "text": browser.eval("document.body.innerText"),
                "links": browser.eval(
                    "[...document.querySelectorAll('a[href^=\"https://huggingface.co/papers/\"]')]"
                    ".length"
                ),
            }
    finally:
        browser.close()
    return seen


def test_no_payload_runs_on_any_page(hostile_visits):
    """Opening (and hovering) every page of the report runs none of the digest's script."""
    assert set(hostile_visits) >= {"index.html", "01-load-digests.html", "03-assign-themes.html"}
    assert {name: v["pwned"] for name, v in hostile_visits.items() if v["pwned"]} == {}


def test_no_script_url_and_no_handler_from_the_data_in_any_page(hostile_visits):
    """No href/src is javascript: or data:text/html, no on* attribute carries the payload."""
    for name, seen in hostile_visits.items():
        for tag, attribute, value in seen["attributes"]:
            plain = re.sub(r"[\x00-\x20]", "", value).lower()
            assert not plain.startswith(("javascript:", "vbscript:", "data:text")), (name, tag)
            if attribute.lower().startswith("on"):
                assert "__pwned" not in value, (name, tag, attribute, value)


def test_the_payloads_are_shown_as_text_and_real_links_kept(hostile_visits):
    """The hostile titles are on the pages as text (nothing lost), the paper links still work."""
    for name in ("01-load-digests.html", "03-assign-themes.html", "index.html"):
        assert PAYLOAD in hostile_visits[name]["text"], name
    assert hostile_visits["01-load-digests.html"]["links"] > 0
    assert hostile_visits["03-assign-themes.html"]["links"] > 0  # the table of every paper
