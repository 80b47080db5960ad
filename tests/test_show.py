"""Tests for digest_utils.show: the display helpers the notebooks call."""

from __future__ import annotations

import pandas as pd
from markupsafe import escape

from digest_utils.show import linked_titles, table_html


def test_linked_titles_link_papers_with_a_url_and_escape_the_rest():
    """Titles with a url become links; others stay text; every cell is HTML-escaped."""
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


def test_table_html_shows_shares_as_percentages_and_missing_values_blank():
    """Share columns read 59%, other floats two decimals, NA an empty cell, titles whole."""
    long = "A title far longer than pandas' default column width, " * 3
    table = pd.DataFrame(
        {
            "title": [long, "Short"],
            "share": [0.594, 0.1],
            "score": [0.123456, None],
            "theme": pd.array(["peft", pd.NA], "string"),
        }
    )
    page = table_html(table)
    assert ">59%</td>" in page and ">10%</td>" in page
    assert ">0.12</td>" in page
    assert escape(long.strip()) in page  # whole, and escaped like every cell
    assert "nan" not in page.lower().replace("nan-", "") and "&lt;NA&gt;" not in page
