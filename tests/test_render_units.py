"""Unit tests of the renderer's pieces: outputs to HTML, the page's script policy, parameters,
scrubbing, and the guide without its answers. (tests/test_render.py drives the whole CLI.)"""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest

from spillover import paths, render
from spillover.render import CHART_MIME, PLOTLY_MIME


def chart_output(name: str = "Border lengths", alt: str = "a bar chart") -> dict:
    return {
        "output_type": "display_data",
        "data": {
            PLOTLY_MIME: {"data": [{"type": "bar", "y": [1]}], "layout": {"title": {"text": "</script>"}}},
            CHART_MIME: {"name": name, "caption": "<b>cap</b>", "source": "src & co", "alt": alt},
            "text/plain": "[chart]",
        },
    }


def test_a_chart_becomes_a_figure_with_escaped_texts_and_inert_json():
    html = render._output_html(chart_output(alt='say "hi" <img>'), set())
    assert 'id="chart-border-lengths"' in html and 'id="plot-border-lengths"' in html
    assert 'aria-label="say &quot;hi&quot; &lt;img&gt;"' in html
    assert "&lt;b&gt;cap&lt;/b&gt;" in html and "src &amp; co" in html
    payload = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S).group(1)
    assert "</script" not in payload
    assert json.loads(payload.replace("<\\/", "</"))["layout"]["title"]["text"] == "</script>"


def test_two_charts_with_one_name_are_refused():
    seen: set[str] = set()
    render._output_html(chart_output(), seen)
    with pytest.raises(render.SpilloverError, match="two charts are named"):
        render._output_html(chart_output(), seen)


def test_streams_and_plain_text_are_escaped():
    stream = {"output_type": "stream", "text": ["<script>x</script>\n"]}
    assert "&lt;script&gt;" in render._output_html(stream, set())
    plain = {"output_type": "execute_result", "data": {"text/plain": "a < b"}}
    assert "a &lt; b" in render._output_html(plain, set())


def test_only_the_pages_own_scripts_are_allowed(tmp_path):
    executed = tmp_path / "entry"
    executed.mkdir()
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# Chapter\n\ntext"},
            {
                "cell_type": "code",
                "metadata": {},
                "source": "x",
                "outputs": [{"output_type": "stream", "text": "<script>alert(1)</script>"}],
            },
        ]
    }
    (executed / "notebook.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (tmp_path / "data").mkdir()
    page = render.assemble([executed], tmp_path / "data", "A <title>")
    policy = re.search(r'Content-Security-Policy" content="([^"]*)"', page).group(1)
    allowed = set(re.findall(r"'sha256-([^']+)'", policy))
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    hashes = {base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts}
    assert allowed == hashes and len(allowed) == 2  # plotly.js and the page's own few lines
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "unsafe" not in script_src and "connect-src 'none'" in policy
    assert "&lt;script&gt;alert(1)" in page
    assert "<title>A &lt;title&gt; — Spillover report</title>" in page
    assert 'href="#s1-chapter"' in page


def test_used_parameters_are_those_the_code_reads():
    used = {nb.name: render.used_parameters(nb) for nb in render.notebooks()}
    assert len(used) == 7
    for names in used.values():
        assert {"article_path", "annotations_path", "figures_dir"} <= set(names)
    assert "units" in used["04-border-lengths.ipynb"]
    assert "units" not in used["01-article-and-figures.ipynb"]
    assert "reference_snapshot" in used["07-findings.ipynb"]


def test_scrub_removes_run_times():
    nb = {
        "metadata": {"papermill": {"start_time": "t", "end_time": "t", "duration": 1.0, "parameters": {}}},
        "cells": [{"cell_type": "code", "metadata": {"execution": {"iopub": "t"}, "papermill": {}}}],
    }
    scrubbed = render.scrub(nb)
    assert scrubbed["metadata"]["papermill"] == {"parameters": {}}
    assert scrubbed["cells"][0]["metadata"] == {}


def test_the_reports_guide_keeps_everything_but_the_answers():
    guide = (paths.CLASSROOM / "teacher-guide.md").read_text(encoding="utf-8")
    answers = guide.split("## Answers", 1)[1].split("\n## ", 1)[0]
    shown = render._guide_without_answers(guide)
    assert "## Learning goals" in shown and "## Discussion questions" in shown
    assert "make classroom" in shown.split("## Answers", 1)[1]
    worked = [line for line in answers.splitlines() if line.strip() and not line.startswith("#")]
    assert worked and not any(line in shown for line in worked if len(line) > 30)


def test_a_section_whose_code_shows_nothing_is_left_out():
    def markdown(text: str) -> dict:
        return {"cell_type": "markdown", "metadata": {}, "source": text}

    def code(*outputs: dict) -> dict:
        return {"cell_type": "code", "metadata": {}, "source": "x", "outputs": list(outputs)}

    note = {"output_type": "display_data", "data": {"text/markdown": "a note"}, "metadata": {}}
    nb = {
        "cells": [
            markdown("# Chapter"),
            markdown("## Shown\n\nIts code shows a note."),
            code(note),
            markdown("## Empty for this article\n\nIntroduces what would follow."),
            code(),
            code(),
        ]
    }
    page, headings = render._chapter_html(nb, 0, set())
    assert [text for _, _, text in headings] == ["Chapter", "Shown"]
    assert "Empty for this article" not in page and "Introduces" not in page
