"""Tests for digest_utils.report: the HTML report in a real browser, JupyterLab smoke test."""

from __future__ import annotations

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

import pytest

from digest_utils import DigestError
from digest_utils.report import _stable_ids, build_report, notebook_paths

ROOT = Path(__file__).parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_stable_ids_replace_random_uuids_in_order():
    """Plotly's random element ids become plot-1, plot-2... consistently within a page."""
    page = (
        'id="0f8fad5b-d9cb-469f-a165-70867728950e" x '
        'Plotly.newPlot("0f8fad5b-d9cb-469f-a165-70867728950e") '
        'id="7c9e6679-7425-40de-944b-e07fc1f90ae7"'
    )
    assert _stable_ids(page) == 'id="plot-1" x Plotly.newPlot("plot-1") id="plot-2"'


def test_notebook_paths_rejects_a_folder_without_notebooks(tmp_path):
    """A folder without NN-name.ipynb files is a clear error."""
    with pytest.raises(DigestError, match="no numbered notebooks"):
        notebook_paths(tmp_path)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The report built from the committed notebooks on seeds/ (shared by the tests below)."""
    out = tmp_path_factory.mktemp("report")
    build_report(out, progress=False)
    return out


def test_report_has_an_index_linking_one_page_per_notebook(report):
    """index.html links a self-contained page for every notebook."""
    index = (report / "index.html").read_text(encoding="utf-8")
    for nb in notebook_paths():
        assert f'href="{nb.stem}.html"' in index
        assert (report / f"{nb.stem}.html").exists()
    overview = (report / "00-explore-digests.html").read_text(encoding="utf-8")
    assert 'href="03-assign-themes.html"' in overview  # notebook links point at the pages
    assert '.ipynb"' not in overview


def test_report_pages_embed_plotly_once_and_load_nothing_remote(report):
    """Pages with charts embed plotly.js exactly once; no script is loaded from a CDN."""
    with_charts = set()
    for page in sorted(report.glob("0*.html")):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r"<script[^>]+src=[\"']https?://[^\"']+", text)
        assert not remote, (page.name, remote)
        expected = 1 if 'class="plotly-graph-div"' in text else 0
        assert text.count("plotly.js v") == expected, page.name
        if expected:
            with_charts.add(page.stem)
    assert with_charts == {"02-discover-topics", "03-assign-themes", "04-track-trends"}


def test_report_is_reproducible(report, tmp_path):
    """Building the report twice gives byte-identical pages (no random ids or timestamps)."""
    again = tmp_path / "again"
    build_report(again, progress=False)
    for page in sorted(report.glob("*.html")):
        assert page.read_bytes() == (again / page.name).read_bytes(), page.name


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make test installs it)")
def test_every_chart_renders_in_headless_chromium(report):
    """In a real browser every chart draws an SVG and no cell shows an error."""
    for page in sorted(report.glob("0*.html")):
        proc = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={report / '.chromium'}",
                "--virtual-time-budget=15000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        dom = proc.stdout
        charts = page.read_text(encoding="utf-8").count('class="plotly-graph-div"')
        rendered = len(re.findall(r'class="plotly-graph-div js-plotly-plot"', dom))
        svgs = len(re.findall(r'<svg class="main-svg"', dom))
        assert rendered == charts, (page.name, charts, rendered)  # plotly drew every chart
        assert svgs >= charts, (page.name, charts, svgs)
        assert "Traceback (most recent call last)" not in dom, page.name
        assert 'data-mime-type="application/vnd.jupyter.error"' not in dom, page.name


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


def test_report_on_a_single_digest(tmp_path):
    """The suite runs without error on one digest file (a corpus the cache has not seen)."""
    one = ROOT / "seeds" / "002_6b622c7d2cb255b7.txt"
    index = build_report(tmp_path, parameters={"DIGESTS": str(one)}, progress=False)
    assert index.exists()
    page = (tmp_path / "03-assign-themes.html").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" not in page
    assert "83 papers" in (tmp_path / "02-discover-topics.html").read_text(encoding="utf-8")


def test_report_on_a_corpus_too_small_for_topics_fails_clearly(tmp_path, capsys):
    """Too few papers: the CLI says how many are needed, exit 2, before running anything."""
    from digest_utils.cli import main

    tiny = ROOT / "tests" / "data" / "spaced_meta.txt"
    assert main(["report", "--digests", str(tiny), "-o", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "need at least 15 papers to find topics, got 4" in err
    assert "Traceback" not in err
    assert not (tmp_path / "r" / "index.html").exists()


def test_linked_titles_link_papers_with_a_url_and_escape_the_rest():
    """Titles with a url become links; others stay text; every cell is HTML-escaped."""
    import pandas as pd

    from digest_utils.report import linked_titles

    table = pd.DataFrame(
        {
            "title": ["Linked <b>", "Plain & simple"],
            "url": pd.array(["https://huggingface.co/papers/2405.00001", pd.NA], "string"),
            "digest": ["a<i>", "b"],
        }
    )
    page = linked_titles(table).to_html()
    assert '<a href="https://huggingface.co/papers/2405.00001">Linked &lt;b&gt;</a>' in page
    assert "Plain &amp; simple" in page and "a&lt;i&gt;" in page
    assert "2405.00001" not in page.replace('href="https://huggingface.co/papers/2405.00001"', "")
    assert linked_titles(table).to_html() == page  # a fixed table id: the same page each run


def test_report_on_fetched_json_digests_links_titles_to_their_pages(tmp_path):
    """A folder of fetched JSON digests (with a text one): notebook 01's titles link to pages."""
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
