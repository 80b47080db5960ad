"""The briefing page (``index.html``): the analysis's answers as one light, static HTML page.

No script and no chart library: theme sizes are drawn as plain bars in the themes' colours
(:func:`digest_utils.charts.theme_colors`, the colours of every chart in the report), so the
page opens instantly and prints well. Every sentence comes from :mod:`digest_utils.describe`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from digest_utils import _html, config, describe
from digest_utils.briefing import (
    latest_digests,
    new_topics,
    theme_changes,
    title_link,
    top_papers,
    topic_changes,
)
from digest_utils.charts import theme_colors
from digest_utils.suggest import suggest_themes, themes_toml

if TYPE_CHECKING:
    from digest_utils.analysis import Analysis

__all__ = ["SUGGESTED_TOML", "briefing_page"]

#: File, beside ``index.html``, holding the suggested ``[[theme]]`` blocks.
SUGGESTED_TOML = "suggested-themes.toml"

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#2B2B2B;
 max-width:52em;margin:0 auto;padding:1em 1.2em 3em;line-height:1.5}
h1{font-size:1.7em;margin:.4em 0 .1em}h2{font-size:1.25em;margin:1.8em 0 .4em;
 border-bottom:1px solid #E6E6E6;padding-bottom:.2em}h3{font-size:1.05em;margin:1.2em 0 .3em}
.lead{font-size:1.1em;color:#444}ul.facts li{margin:.35em 0}
a{color:#0060A0}a:visited{color:#5A3E8C}
.bars{display:grid;grid-template-columns:minmax(8em,16em) 1fr;gap:.35em .8em;
 align-items:center}.bar{height:1.1em;border-radius:2px;min-width:2px}
.bar-row{display:flex;align-items:center;gap:.5em}.num{white-space:nowrap;font-size:.9em}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.35em;
 vertical-align:baseline}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.92em}
caption{text-align:left}
th,td{text-align:left;padding:.3em .7em .3em 0;border-bottom:1px solid #EEE;vertical-align:top}
td.n{text-align:right;white-space:nowrap}ol.papers li{margin:.3em 0;overflow-wrap:anywhere}
pre{background:#F6F6F6;padding:.8em;overflow-x:auto;font-size:.85em;white-space:pre-wrap;
 overflow-wrap:anywhere}small,.muted{color:#666}
nav.pages li{margin:.5em 0}
@media (max-width:600px){.bars{grid-template-columns:1fr;gap:.1em}.bar-row{margin-bottom:.5em}}
"""


def _e(text: object) -> str:
    return _html.text(text)


def _sentence(text: str) -> str:
    return _e(text[:1].upper() + text[1:] + ".")


def _swatch(color: str) -> str:
    return f'<span class="swatch" style="background:{color}"></span>'


def _facts(a: Analysis) -> tuple[list[str], dict]:
    """The at-a-glance sentences, and the frames the sections below reuse."""
    names = a.catalogue.names
    latest = latest_digests(a.papers)
    changes = theme_changes(a.themed, names, latest)
    fresh = new_topics(a.points, latest)
    topics = topic_changes(a.points, latest)
    areas = topic_changes(a.points, latest, level="area") if len(a.topics.areas) else None
    facts = [
        describe.span(a.papers),
        "biggest themes: " + describe.biggest_themes(a.flags, names),
        "what changed " + describe.changes(changes, latest),
        describe.fresh_topics(fresh, latest),
        describe.uncovered(a.topic_themes, len(a.papers)),
    ]
    rises = [describe.rising(topics, latest, what="topic")]
    if areas is not None:
        rises.insert(0, describe.rising(areas, latest, what="area"))
    return facts, {"latest": latest, "changes": changes, "rises": rises}


def _theme_bars(a: Analysis) -> str:
    names, colors, total = a.catalogue.names, theme_colors(a.catalogue.names), len(a.flags)
    rows = []
    sizes = {t: int(a.flags[t].fillna(0).sum()) for t in names}
    for tid in sorted(names, key=lambda t: -sizes[t]):  # largest first, catalogue order on ties
        share = sizes[tid] / total if total else 0.0
        width = 100 * sizes[tid] / max(max(sizes.values()), 1)
        rows.append(
            f'<div>{_swatch(colors[tid])}{_e(names[tid])}</div><div class="bar-row">'
            f'<div class="bar" data-theme="{_e(names[tid])}" style="width:{width:.1f}%;'
            f'background:{colors[tid]}"></div><span class="num">{sizes[tid]} '
            f"({share:.0%})</span></div>"
        )
    return f'<div class="bars">{"".join(rows)}</div>'


def _changes_table(changes: pd.DataFrame, latest_label: str) -> str:
    if changes["earlier_share"].isna().all():
        return ""
    body = "".join(
        f"<tr><td>{_e(r.theme)}</td><td class='n'>{r.latest_share:.0%} "
        f"<small>({r.latest_papers})</small></td><td class='n'>{r.earlier_share:.0%} "
        f"<small>({r.earlier_papers:,})</small></td>"
        f"<td class='n'>{100 * r.change:+.0f} pts</td><td class='n'>{r.z:+.1f}"
        + (" *" if r.notable else "")
        + "</td></tr>"
        for r in changes.itertuples()
    )
    return (
        f"<div class='scroll'><table><caption class='muted'>Share of papers with each theme in "
        f"{_e(latest_label)} and before (papers); * marks a change beyond the noise of the "
        f"counts, |z| &gt;= {config.CHANGE_Z:g} in a two-proportion z-test</caption><tr>"
        "<th>theme</th><th>latest</th><th>before</th><th>change</th><th>z</th></tr>"
        f"{body}</table></div>"
    )


def _papers_section(a: Analysis, n: int) -> str:
    top, colors = top_papers(a, n), theme_colors(a.catalogue.names)
    parts = []
    for tid, name in a.catalogue.names.items():
        rows = top[top["theme_id"] == tid]
        items = "".join(
            f"<li>{title_link(r.title, r.url)} <small>score {r.score:.2f}</small></li>"
            for r in rows.itertuples()
        )
        body = f"<ol class='papers'>{items}</ol>" if items else "<p class='muted'>No paper.</p>"
        parts.append(f"<h3>{_swatch(colors[tid])}{_e(name)}</h3>{body}")
    linked = int(top["url"].notna().sum())
    note = "" if linked else "<p class='muted'>The digests carry no paper links.</p>"
    return "".join(parts) + note


def _topics_table(a: Analysis) -> str:
    table = a.topic_themes
    topics = table[table["level"] == "topic"]
    colors, names, n = theme_colors(a.catalogue.names), a.catalogue.names, len(a.papers)
    body = "".join(
        f"<tr><td>{_e(r.label)}</td><td class='n'>{r.size}</td>"
        f"<td class='n'>{r.size / n:.0%}</td><td>"
        + ("" if pd.isna(r.theme) else f"{_swatch(colors[r.theme])}{_e(names[r.theme])}")
        + "</td></tr>"
        for r in topics.itertuples()
    )
    return (
        "<div class='scroll'><table><tr><th>topic</th><th>papers</th><th>share</th>"
        f"<th>mostly theme</th></tr>{body}</table></div>"
    )


def _suggestions(a: Analysis) -> tuple[str, str]:
    """The uncovered topics' section and the TOML of their suggested themes."""
    s = suggest_themes(a)
    if s.empty:
        return "<p>Every topic is mostly one catalogue theme.</p>", ""
    items = "".join(
        f"<li><b>{_e(r.name)}</b> ({r.size} papers): <code>{_e(r.id)}</code>, terms "
        f"{_e(', '.join(r.terms))}</li>"
        for r in s.itertuples()
    )
    toml = themes_toml(s)
    html_ = (
        f"<ul>{items}</ul><p>To track one, paste its block into <code>themes.toml</code> "
        f"(all blocks: <a href='{SUGGESTED_TOML}'>{SUGGESTED_TOML}</a>).</p>"
        f"<details><summary>The suggested blocks</summary><pre>{_e(toml)}</pre></details>"
    )
    return html_, toml


def briefing_page(
    a: Analysis, pages: Sequence[tuple[str, str, str]], *, n_papers: int = 3
) -> tuple[str, str]:
    """Render the briefing.

    Args:
        a: The analysis of the report's digests.
        pages: ``(href, title, subtitle)`` of each detailed page.
        n_papers: Papers listed per theme.

    Returns:
        The page's HTML and the suggested themes' TOML (empty when every topic is covered).
    """
    facts, parts = _facts(a)
    latest = parts["latest"]
    suggestions, toml = _suggestions(a)
    nav = "".join(
        f'<li><a href="{_e(h)}">{_e(t)}</a><br><small>{_e(s)}</small></li>' for h, t, s in pages
    )
    body = [
        "<h1>What these digests are about</h1>",
        f"<p class='lead'>{_sentence(facts[0])}</p>",
        "<ul class='facts'>" + "".join(f"<li>{_sentence(f)}</li>" for f in facts[1:]) + "</ul>",
        "<h2 id='themes'>Themes</h2>",
        _theme_bars(a),
        "<p class='muted'>Papers per theme (a paper may have several), share of all papers.</p>",
        "<h2 id='changed'>What changed</h2>",
        f"<p>{_sentence(facts[2][len('what changed ') :])} {_sentence(facts[3])}</p>",
        _changes_table(parts["changes"], latest.label),
        "".join(f"<p>{_sentence(r)}</p>" for r in parts["rises"]),
        "<h2 id='papers'>Papers to read, per theme</h2>",
        _papers_section(a, n_papers),
        "<h2 id='topics'>Topics</h2>",
        f"<p>{_sentence(describe.covered(a.topics))} {_sentence(a.topics.fit_note())}</p>",
        _topics_table(a),
        "<h2 id='uncovered'>Topics no theme covers</h2>",
        f"<p>{_sentence(facts[4])}</p>",
        suggestions,
        "<h2 id='pages'>Detailed pages</h2>",
        f"<nav class='pages'><ol>{nav}</ol></nav>",
        "<p class='muted'>Every number on this page is computed from the digests. The pages "
        "work offline; code is hidden until you ask for it.</p>",
    ]
    page = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>digest-topics briefing</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
    return page, toml
