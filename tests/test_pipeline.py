"""The reference snapshot parameter reaches every reference figure: tables and rendered report."""

from __future__ import annotations

import json

import pytest

from spillover.pipeline import article_tables
from spillover.render import render_report

LATER = "2026-01-22"
EARLIER = "2021-07-01"


@pytest.mark.parametrize("snapshot", [EARLIER, LATER])
def test_reference_rows_come_from_the_chosen_snapshot(snapshot):
    tables = article_tables(params={"reference_snapshot": snapshot})
    other = LATER if snapshot == EARLIER else EARLIER
    assert set(tables["factbook"]["snapshot"]) == {snapshot}
    factbook_sources = {s for s in tables["border_lengths"]["source"] if s.startswith("World Factbook")}
    assert factbook_sources == {f"World Factbook {snapshot}"}
    cited = " ".join(tables["findings"]["reference_source"])
    assert snapshot in cited and other not in cited


def test_remittance_finding_changes_with_the_snapshot():
    """The 2021 profile's remittances (35% of GDP in 2017) and the 2026 one's differ."""
    values = {
        snapshot: article_tables(params={"reference_snapshot": snapshot})["findings"]
        .set_index("finding_id")
        .loc["remittances_vs_factbook", "reference_value"]
        for snapshot in (EARLIER, LATER)
    }
    assert values[EARLIER] != values[LATER]


@pytest.mark.slow
def test_rendered_findings_use_the_later_snapshot(tmp_path):
    index = render_report(out=tmp_path / "report", values={"reference_snapshot": LATER})
    findings = json.loads((index.parent / "notebooks" / "07-findings.ipynb").read_text(encoding="utf-8"))
    outputs = json.dumps([cell.get("outputs", []) for cell in findings["cells"]])
    assert f"World Factbook {LATER}" in outputs
    assert f"World Factbook {EARLIER}" not in outputs
    page = index.read_text(encoding="utf-8")
    assert f"World Factbook {LATER}" in page


NEW_ARTICLE = """Floods displace thousands in river valley

Jane Doe
3 March 2024

More than 12,000 people were displaced last Tuesday when the river rose 4.5 meters, officials said.
About 40 percent of the valley's farmland is under water.
"""


def test_a_filled_in_template_is_accepted_for_a_new_article(tmp_path, run_cli):
    import yaml

    article = tmp_path / "floods.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    template = run_cli("annotate", article)
    assert template.returncode == 0, template.stderr
    data = yaml.safe_load(template.stdout)
    for figure in data["figures"]:
        figure.update(category="economy_society", measure="a measure", subject="the valley")
    filled = tmp_path / "floods.yaml"
    filled.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = run_cli("tables", "--article", article, "-p", "annotations", filled, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    figures = (tmp_path / "out" / "figures.csv").read_text(encoding="utf-8")
    assert "More than 12,000" in figures and "About 40 percent" in figures
