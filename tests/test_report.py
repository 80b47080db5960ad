"""Tests for digest_utils.report: the HTML report in a real browser, JupyterLab smoke test.

The report of seeds/ is written from the session's one run of the notebooks (``seeds_run``,
shared with the checked outputs of tests/test_notebooks.py). Building a report is also tested
end to end on other corpora: one seed digest (built twice: the build is reproducible), fetched
JSON digests, and one too small for topics.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from digest_utils import DigestError
from digest_utils.report import build_report, notebook_paths
from digest_utils.report_html import PLOTLY_ASSET, stable_ids

ROOT = Path(__file__).parents[1]
ONE_DIGEST = ROOT / "seeds" / "002_6b622c7d2cb255b7.txt"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_stable_ids_replace_random_uuids_in_order():
    """Plotly's random element ids become plot-1, plot-2... consistently within a page."""
    page = (
        'id="0f8fad5b-d9cb-469f-a165-70867728950e" x '
        'Plotly.newPlot("0f8fad5b-d9cb-469f-a165-70867728950e") '
        'id="7c9e6679-7425-40de-944b-e07fc1f90ae7"'
    )
    assert stable_ids(page) == 'id="plot-1" x Plotly.newPlot("plot-1") id="plot-2"'


def test_a_print_split_into_two_stream_messages_is_one_output():
    """Under load the kernel may send a print's text and its newline apart: outputs are joined."""
    from nbformat.v4 import new_output

    from digest_utils.report import _coalesced

    outputs = [
        new_output("stream", name="stdout", text="- None of the 83 papers."),
        new_output("stream", name="stdout", text="\n"),
        new_output("stream", name="stderr", text="progress\n"),
        new_output("stream", name="stdout", text="next\n"),
    ]
    joined = _coalesced(outputs)
    assert [(o.name, o.text) for o in joined] == [
        ("stdout", "- None of the 83 papers.\n"),
        ("stderr", "progress\n"),
        ("stdout", "next\n"),
    ]


def test_notebook_paths_rejects_a_folder_without_notebooks(tmp_path):
    """A folder without NN-name.ipynb files is a clear error."""
    with pytest.raises(DigestError, match="no numbered notebooks"):
        notebook_paths(tmp_path)


@pytest.fixture(scope="module")
def report(seeds_run):
    """The report of the committed notebooks on seeds/ (the session's one run of them)."""
    return seeds_run.report


@pytest.mark.slow
def test_report_has_an_index_linking_one_page_per_notebook(report):
    """index.html links a self-contained page for every notebook."""
    index = (report / "index.html").read_text(encoding="utf-8")
    for nb in notebook_paths():
        assert f'href="{nb.stem}.html"' in index
        assert (report / f"{nb.stem}.html").exists()
    overview = (report / "00-explore-digests.html").read_text(encoding="utf-8")
    assert 'href="03-assign-themes.html"' in overview  # notebook links point at the pages
    assert '.ipynb"' not in overview


@pytest.mark.slow
def test_report_ships_plotly_once_and_loads_nothing_remote(report):
    """plotly.js is one file beside the pages; pages with charts load it, none embeds it."""
    assert (report / PLOTLY_ASSET).read_text(encoding="utf-8").lstrip().startswith("/**")
    with_charts = set()
    for page in sorted(report.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r"<script[^>]+src=[\"']https?://[^\"']+", text)
        assert not remote, (page.name, remote)
        assert "plotly.js v" not in text, page.name  # not inlined
        expected = 1 if 'class="plotly-graph-div"' in text else 0
        assert text.count(f'<script src="{PLOTLY_ASSET}"></script>') == expected, page.name
        if expected:
            with_charts.add(page.stem)
    assert with_charts == {"02-discover-topics", "03-assign-themes", "04-track-trends"}


@pytest.mark.slow
def test_report_for_seeds_is_at_most_8_mb(report):
    """The whole folder (pages, plotly.js, briefing) stays under the 8 MB budget."""
    total = sum(p.stat().st_size for p in report.rglob("*") if p.is_file())
    assert total <= 8 * 1024 * 1024, total


@pytest.mark.slow
def test_briefing_is_written_from_the_analysis(report):
    """index.html states the corpus, themes and changes computed from seeds, and lists topics."""
    from digest_utils import analyse, describe
    from digest_utils.briefing import latest_digests, theme_changes

    a = analyse(ROOT / "seeds", progress=False)
    page = html.unescape((report / "index.html").read_text(encoding="utf-8"))
    names = a.catalogue.names
    latest = latest_digests(a.papers)
    assert describe.span(a.papers) in page
    assert describe.biggest_themes(a.flags, names) in page
    assert describe.changes(theme_changes(a.themed, names, latest), latest) in page
    for label in a.topics.topics["label"]:
        assert str(label) in page
    assert "<NA>" not in page and "…" not in page
    assert (report / "suggested-themes.toml").read_text(encoding="utf-8").count("[[theme]]") > 0


@pytest.mark.slow
def test_tables_show_whole_titles_percentages_and_no_na(report):
    """Detailed pages: no <NA>, no "..." cut titles, shares as percentages."""
    for page in sorted(report.glob("0*.html")):
        text = page.read_text(encoding="utf-8")
        assert "&lt;NA&gt;" not in text, page.name
        assert "…</td>" not in text and "...</td>" not in text, page.name
    themes = (report / "03-assign-themes.html").read_text(encoding="utf-8")
    assert re.search(r"<td[^>]*>\d+%</td>", themes)  # topic_themes' share column


SIZES = [(1280, 800), (390, 844)]

_FIGURES_JS = """[...document.querySelectorAll('.js-plotly-plot')].map(gd => gd.data.map(t => ({
  name: t.name || null, y: Array.isArray(t.y) ? t.y.map(String) : null,
  color: t.marker ? t.marker.color : null})))"""
_BARS_JS = """[...document.querySelectorAll('[data-theme]')].map(
  e => [e.dataset.theme, getComputedStyle(e).backgroundColor])"""
_LINKS_JS = "[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
_VISIBLE_CODE_JS = """[...document.querySelectorAll('.jp-CodeCell .jp-Cell-inputWrapper')]
  .filter(e => e.offsetParent !== null).length"""
_CHARTS_JS = """[document.querySelectorAll('.plotly-graph-div').length,
  [...document.querySelectorAll('.plotly-graph-div')]
    .filter(d => d.querySelector('.main-svg')).length,
  document.querySelectorAll('table[id^=itables]').length,
  document.querySelectorAll('table.dataTable').length]"""


def _visit(browser, page: Path, shots: Path) -> dict:
    """Open a page at both sizes; record what the tests below check, take screenshots."""
    seen: dict = {"errors": [], "remote": []}
    for width, height in SIZES:
        browser.open(page.as_uri(), width, height)
        browser.screenshot(shots / f"{page.stem}-{width}x{height}.png")
        seen["errors"] += browser.errors()
        seen["remote"] += [
            u for u in browser.requested() if not u.startswith(("file:", "data:", "blob:"))
        ]
        seen[f"overflow_{width}"] = browser.eval(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
    seen["charts"] = browser.eval(_CHARTS_JS)
    seen["figures"] = browser.eval(_FIGURES_JS)
    seen["bars"] = browser.eval(_BARS_JS)
    seen["links"] = browser.eval(_LINKS_JS)
    seen["code_cells"] = browser.eval("document.querySelectorAll('.jp-CodeCell').length")
    seen["code_before"] = browser.eval(_VISIBLE_CODE_JS)
    if browser.eval("!!document.getElementById('toggle-code')"):
        browser.eval("document.getElementById('toggle-code').click()")
        seen["code_after"] = browser.eval(_VISIBLE_CODE_JS)
    return seen


@pytest.fixture(scope="module")
def visits(report, tmp_path_factory):
    """Every page of the report opened in headless Chromium at 1280x800 and 390x844."""
    if CHROMIUM is None:
        pytest.skip("chromium not installed (make test installs it)")
    from chromium import Chromium

    shots = tmp_path_factory.mktemp("screenshots")
    browser = Chromium(CHROMIUM, tmp_path_factory.mktemp("profile"))
    try:
        seen = {p.name: _visit(browser, p, shots) for p in sorted(report.glob("*.html"))}
    finally:
        browser.close()
    print(f"screenshots in {shots}")
    return seen


@pytest.mark.slow
def test_every_chart_and_table_renders(visits):
    """Every plotly chart draws its SVG, every interactive table initialises."""
    assert set(visits) == {"index.html", *(f"{p.stem}.html" for p in notebook_paths())}
    for name, seen in visits.items():
        charts, drawn, tables, ready = seen["charts"]
        assert charts == drawn, (name, charts, drawn)
        assert tables == ready, (name, tables, ready)
    assert visits["03-assign-themes.html"]["charts"][2] == 1  # the table of every paper


@pytest.mark.slow
def test_no_console_errors_and_nothing_loaded_from_the_network(visits):
    """No page logs an error or an uncaught exception, or requests anything remote."""
    for name, seen in visits.items():
        assert seen["errors"] == [], name
        assert seen["remote"] == [], name


@pytest.mark.slow
def test_every_relative_link_resolves(report, visits):
    """Every link that is not to the web points at a file of the report."""
    checked = 0
    for name, seen in visits.items():
        for href in seen["links"]:
            if re.match(r"(https?:|mailto:|#)", href):
                continue
            target = (report / href.split("#")[0]).resolve()
            assert target.is_file(), (name, href)
            checked += 1
    assert checked >= 2 * len(notebook_paths())  # briefing -> pages, pages -> briefing


@pytest.mark.slow
def test_no_horizontal_overflow(visits):
    """Nothing is wider than the screen, at 390 px (a phone) or 1280 px."""
    for name, seen in visits.items():
        assert seen["overflow_390"] <= 0, (name, seen["overflow_390"])
        assert seen["overflow_1280"] <= 0, (name, seen["overflow_1280"])


@pytest.mark.slow
def test_code_is_hidden_until_the_toggle_shows_it(visits):
    """Detailed pages hide every code cell's input; the toggle shows all of them."""
    for name, seen in visits.items():
        if name == "index.html" or not seen["code_cells"]:
            continue
        assert seen["code_before"] == 0, name
        assert seen["code_after"] == seen["code_cells"], name


def _rgb(color: str) -> tuple[int, ...]:
    if color.startswith("#"):
        return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(int(v) for v in re.findall(r"\d+", color)[:3])


@pytest.mark.slow
def test_a_theme_has_one_colour_in_every_figure_and_on_the_briefing(visits):
    """Read from the figures' data: each theme (and "none") keeps one colour everywhere."""
    from digest_utils.themes import load_catalogue

    names = {*load_catalogue().names.values(), "none", "no theme"}
    colours: dict[str, set] = {}
    places: dict[str, set] = {}
    for page, seen in visits.items():
        for i, figure in enumerate(seen["figures"]):
            for trace in figure:
                pairs = []
                colour, name = trace.get("color"), trace.get("name")
                if isinstance(colour, list) and trace.get("y"):
                    pairs = list(zip(trace["y"], colour, strict=False))
                elif isinstance(colour, str) and name:
                    pairs = [(name, colour)]
                for name, colour in pairs:
                    if name in names:
                        colours.setdefault(name, set()).add(_rgb(colour))
                        places.setdefault(name, set()).add((page, i))
        for name, colour in seen["bars"]:
            colours.setdefault(name, set()).add(_rgb(colour))
            places.setdefault(name, set()).add((page, "bars"))
    for name in load_catalogue().names.values():
        assert len(places.get(name, ())) >= 4, (name, places.get(name))  # 3+ charts + briefing
        assert len(colours[name]) == 1, (name, colours[name])
    assert len({next(iter(colours[n])) for n in load_catalogue().names.values()}) == len(
        load_catalogue().names
    )  # and no two themes share one


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_jupyterlab_serves_the_notebooks(tmp_path):
    """`make lab`'s server starts on localhost and lists and serves the notebooks."""
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path), "JUPYTER_CONFIG_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={ROOT / 'notebooks'}",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/api/contents", timeout=2) as r:
                    listing = json.load(r)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within 60 s")
        names = {item["name"] for item in listing["content"]}
        assert {p.name for p in notebook_paths()} <= names
        with urllib.request.urlopen(f"{base}/lab", timeout=10) as r:
            assert r.status == 200
            assert "JupyterLab" in r.read().decode("utf-8", "replace")
        with urllib.request.urlopen(
            f"{base}/api/contents/02-discover-topics.ipynb", timeout=10
        ) as r:
            assert json.load(r)["type"] == "notebook"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def one_digest(tmp_path_factory):
    """The report of one seed digest: a corpus whose topics the cache has not seen (cold)."""
    out = tmp_path_factory.mktemp("one-digest")
    build_report(out, parameters={"DIGESTS": str(ONE_DIGEST)}, progress=False)
    return out


@pytest.mark.slow
def test_report_on_a_single_digest(one_digest):
    """The suite runs without error on one digest file (a corpus the cache has not seen)."""
    assert (one_digest / "index.html").exists()
    page = (one_digest / "03-assign-themes.html").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" not in page
    assert "83 papers" in (one_digest / "02-discover-topics.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_report_is_reproducible_and_the_build_is_quiet(one_digest, tmp_path, capfd):
    """A second build (warm cache) gives byte-identical files; it prints progress, no warnings."""
    capfd.readouterr()
    again = tmp_path / "again"
    build_report(again, parameters={"DIGESTS": str(ONE_DIGEST)}, progress=True)
    files = sorted(p for p in one_digest.iterdir() if p.is_file())
    assert [p.name for p in files] == sorted(p.name for p in again.iterdir())
    for page in files:
        assert page.read_bytes() == (again / page.name).read_bytes(), page.name
    out, err = capfd.readouterr()
    assert out.count(" -> ") == len(notebook_paths()) + 1  # one line per page + the briefing
    assert "WARNING" not in err + out and "ERROR" not in err + out, err[-500:]


def test_report_on_a_corpus_too_small_for_topics_fails_clearly(tmp_path, capsys):
    """Too few papers: the CLI says how many are needed, exit 2, before running anything."""
    from digest_utils.cli import main

    tiny = ROOT / "tests" / "data" / "spaced_meta.txt"
    assert main(["report", "--digests", str(tiny), "-o", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "need at least 15 papers to find topics, got 4" in err
    assert "Traceback" not in err
    assert not (tmp_path / "r" / "index.html").exists()


@pytest.mark.slow
def test_report_on_fetched_json_digests_links_titles_and_dates_the_digests(tmp_path):
    """Fetched JSON digests (with a text one): 01's titles link, the briefing names their dates."""
    days = json.loads((ROOT / "tests" / "data" / "daily_papers_api.json").read_text())
    digests = tmp_path / "digests"
    digests.mkdir()
    for day, records in days.items():
        if records:
            lines = "".join(json.dumps(r) + "\n" for r in records)
            (digests / f"{day}.jsonl").write_text(lines, encoding="utf-8")
    shutil.copy(ROOT / "seeds" / "002_6b622c7d2cb255b7.txt", digests / "later.txt")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(ROOT / "notebooks" / "01-load-digests.ipynb", notebooks)
    build_report(
        tmp_path / "r", parameters={"DIGESTS": str(digests)}, notebooks=notebooks, progress=False
    )
    page = (tmp_path / "r" / "01-load-digests.html").read_text(encoding="utf-8")
    first = days["2024-05-13"][0]["paper"]
    assert f'<a href="https://huggingface.co/papers/{first["id"]}">{first["title"]}</a>' in page
    dated = sorted(day for day, records in days.items() if records)  # file name = its date
    briefing = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    first_day, last_day = (pd.Timestamp(d) for d in (dated[0], dated[-1]))
    when = f"{first_day.day} {first_day:%b %Y} to {last_day.day} {last_day:%b %Y}"
    assert f"{len(dated) + 1} digests ({len(dated)} dated {when})" in briefing  # later.txt: none
