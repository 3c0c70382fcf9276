"""The curated annotations: schema, anchoring by quote and offsets, coverage, errors, re-anchoring."""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from spillover import paths
from spillover.annotations import CATEGORIES, check_coverage, load_annotations, locate, template
from spillover.article import Article, read_article
from spillover.errors import AnnotationError, InputError
from spillover.extract import extract_mentions

SEED_ANNOTATIONS = paths.default_annotations(paths.DEFAULT_ARTICLE)


@pytest.fixture(scope="module")
def raw() -> dict:
    """The curated file as written (before anchoring)."""
    return yaml.safe_load(SEED_ANNOTATIONS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def curated(seed: Article):
    return load_annotations(SEED_ANNOTATIONS, seed)


def anchors(entries: list[dict]) -> list[dict]:
    """Every anchored thing of a section: the entries and their evidence."""
    return [*entries, *(e["evidence"] for e in entries if "evidence" in e)]


# --- the curated file -----------------------------------------------------------------------------


def test_curated_file_loads(curated, seed_mentions: pd.DataFrame):
    assert len(curated.figures) + len(curated.excluded) == len(seed_mentions) == 32
    assert len(curated.figures) >= 28
    ids = [f["id"] for f in curated.figures]
    assert len(set(ids)) == len(ids)
    assert {f["category"] for f in curated.figures} <= set(CATEGORIES)
    for figure in curated.figures:
        for link in ("when", "same_as"):
            if link in figure:
                assert figure[link] in ids


def test_curated_file_is_for_the_seed(raw: dict, seed: Article):
    assert raw["article"] == seed.path.name
    assert raw["sha256"] == seed.sha256


def test_every_mention_is_annotated_or_excluded(curated, seed_mentions: pd.DataFrame):
    check_coverage(curated, seed_mentions)
    mentions = set(zip(seed_mentions["start"], seed_mentions["end"], strict=True))
    figures = {(f["start"], f["end"]) for f in curated.figures}
    excluded = {(e["start"], e["end"]) for e in curated.excluded}
    assert figures | excluded == mentions
    assert not figures & excluded
    # Every figure is one of the extractor's mentions: its numbers come from there.
    assert figures <= mentions


def test_quotes_and_selectors_match_the_text(raw: dict, seed: Article):
    text = seed.text
    entries = anchors(raw["figures"]) + anchors(raw["excluded"])
    assert len(entries) > len(raw["figures"]) + len(raw["excluded"])  # there is evidence too
    for entry in entries:
        quote, start, end = entry["quote"], entry["start"], entry["end"]
        assert text[start:end] == quote["exact"], entry
        prefix, suffix = quote["prefix"], quote["suffix"]
        assert prefix and suffix, entry
        assert text[start - len(prefix) : start] == prefix, entry
        assert text[end : end + len(suffix)] == suffix, entry
        assert locate(quote, text) == [(start, end)], entry


def test_excluded_entries_give_a_reason(curated):
    assert "One" in [e["quote"]["exact"] for e in curated.excluded]  # "One commentator": a determiner
    assert all(e["reason"].strip() for e in curated.excluded)


# --- bad files ------------------------------------------------------------------------------------


def figure_index(data: dict, figure_id: str) -> int:
    return [f["id"] for f in data["figures"]].index(figure_id)


def _drop_subject(data: dict) -> list[str]:
    i = figure_index(data, "afghan_soldiers_fled")
    del data["figures"][i]["subject"]
    return [f"figures[{i}] ('afghan_soldiers_fled'): ", "subject"]


def _unknown_category(data: dict) -> list[str]:
    i = figure_index(data, "afghan_soldiers_fled")
    data["figures"][i]["category"] = "weather"
    return [f"figures[{i}] ('afghan_soldiers_fled') category: ", "'rhetoric'"]


def _duplicate_id(data: dict) -> list[str]:
    data["figures"][figure_index(data, "border_af_tj_km")]["id"] = "afghan_soldiers_fled"
    return ["figures: id 'afghan_soldiers_fled' is used more than once"]


def _unknown_when(data: dict) -> list[str]:
    i = figure_index(data, "afghan_soldiers_fled")
    data["figures"][i]["when"] = "no_such_date"
    return [f"figures[{i}] ('afghan_soldiers_fled'): when points at unknown id 'no_such_date'"]


def _unknown_same_as(data: dict) -> list[str]:
    i = figure_index(data, "border_af_tj_mi")
    data["figures"][i]["same_as"] = "border_af_tj_feet"
    return [f"figures[{i}] ('border_af_tj_mi'): same_as points at unknown id 'border_af_tj_feet'"]


def _quote_moved(data: dict) -> list[str]:
    i = figure_index(data, "afghan_soldiers_fled")
    data["figures"][i]["start"] += 5
    data["figures"][i]["end"] += 5
    return [
        f"figures[{i}] ('afghan_soldiers_fled'): text at 346-351 is ' Afgh', not '1,500'",
        "the quote is at 341-346",
    ]


def _quote_not_in_article(data: dict) -> list[str]:
    i = figure_index(data, "afghan_soldiers_fled")
    data["figures"][i]["quote"]["exact"] = "1,600"
    return [
        f"figures[{i}] ('afghan_soldiers_fled'): text at 341-346 is '1,500', not '1,600'",
        "not in the article",
    ]


def _evidence_moved(data: dict) -> list[str]:
    i = figure_index(data, "afghan_soldiers_fled")
    data["figures"][i]["evidence"]["start"] -= 1
    return [
        f"figures[{i}] ('who were later flown back to Kabul'): text at 601-636",
        "the quote is at 602-636",
    ]


def _mention_not_covered(data: dict) -> list[str]:
    del data["figures"][figure_index(data, "afghan_soldiers_fled")]
    return ["mention '1,500' at 341-346: is neither annotated nor excluded"]


def _exclusion_without_reason(data: dict) -> list[str]:
    del data["excluded"][0]["reason"]
    return ["excluded[0] ('One'): ", "reason"]


def _unknown_field(data: dict) -> list[str]:
    i = figure_index(data, "tajik_reservists")
    data["figures"][i]["colour"] = "red"
    return [f"figures[{i}] ('tajik_reservists'): ", "colour"]


def _negative_offset(data: dict) -> list[str]:
    i = figure_index(data, "tajik_reservists")
    data["figures"][i]["start"] = -3
    return [f"figures[{i}] ('tajik_reservists') start: ", "0"]


# Each mutation breaks a copy of the curated data and returns what the message must contain:
# where (file, entry, field) and what; schema problems are worded by the validator.
BAD_DATA: dict[str, Callable[[dict], list[str]]] = {
    "missing required field": _drop_subject,
    "unknown category": _unknown_category,
    "duplicate id": _duplicate_id,
    "'when' at an unknown id": _unknown_when,
    "'same_as' at an unknown id": _unknown_same_as,
    "quote not at its offsets": _quote_moved,
    "quote not in the article": _quote_not_in_article,
    "evidence not at its offsets": _evidence_moved,
    "mention neither annotated nor excluded": _mention_not_covered,
    "exclusion without a reason": _exclusion_without_reason,
    "unknown field": _unknown_field,
    "negative offset": _negative_offset,
}


def load_and_check(path: Path, article: Article, mentions: pd.DataFrame) -> None:
    check_coverage(load_annotations(path, article), mentions)


def assert_one_line_error(raised: pytest.ExceptionInfo, path: Path, *expected: str) -> None:
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"annotations {path}: ")
    for part in expected:
        assert part in message, message
    assert raised.value.exit_status == 2


@pytest.mark.parametrize("case", list(BAD_DATA))
def test_bad_annotations_name_file_and_entry(case, raw, seed, seed_mentions, tmp_path):
    data = copy.deepcopy(raw)
    expected = BAD_DATA[case](data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AnnotationError) as raised:
        load_and_check(path, seed, seed_mentions)
    assert_one_line_error(raised, path, *expected)


def test_malformed_yaml_names_the_line(seed, seed_mentions, tmp_path):
    lines = SEED_ANNOTATIONS.read_text(encoding="utf-8").splitlines()
    broken = lines.index("  category: geography")
    lines[broken] = "\tcategory: geography"
    path = tmp_path / "malformed.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as raised:
        load_and_check(path, seed, seed_mentions)
    assert_one_line_error(raised, path, f"line {broken + 1}: found character '\\t'")
    assert "fix the YAML syntax" in str(raised.value)


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("- a list\n- of things\n", "top level: "),
        ("just a sentence\n", "top level: "),
        ("# only a comment\n", "top level: "),
        ("figures: 3\n", "figures: "),
        ("excluded: []\n", "top level: "),  # no 'figures'
    ],
)
def test_not_a_mapping_with_figures(content, where, seed, seed_mentions, tmp_path):
    path = tmp_path / "shape.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AnnotationError) as raised:
        load_and_check(path, seed, seed_mentions)
    assert_one_line_error(raised, path, where)


def test_unreadable_annotation_file(seed, tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"figures: []\n# caf\xe9\n")
    with pytest.raises(InputError, match=r"annotation file is not UTF-8 text: .*latin\.yaml"):
        load_annotations(path, seed)


# --- re-anchoring ---------------------------------------------------------------------------------


def reflow(article: Article, width: int = 60) -> str:
    """The article with every paragraph re-wrapped and its first line indented (the repaired
    breaks joined): the same words, with different white space at different offsets."""
    text = article.text
    for paragraph in reversed(article.paragraphs):
        wrapped = textwrap.fill(
            paragraph.clean, width, initial_indent="    ", break_long_words=False, break_on_hyphens=False
        )
        text = text[: paragraph.start] + wrapped + text[paragraph.end :]
    return text


@pytest.fixture(scope="module")
def reflowed(seed: Article, tmp_path_factory: pytest.TempPathFactory) -> Article:
    path = tmp_path_factory.mktemp("reflowed") / "reflowed.txt"
    path.write_text(reflow(seed), encoding="utf-8")
    return read_article(path)


def test_reflowed_copy_is_really_different(seed: Article, reflowed: Article):
    assert reflowed.sha256 != seed.sha256
    assert max(len(line) for line in reflowed.text.splitlines()) <= len(seed.title.text)
    assert max(len(line) for line in reflowed.text[seed.paragraphs[0].start :].splitlines()) <= 60
    assert " ".join(reflowed.text.split()) == " ".join(seed.text.split())
    assert not any(p.repaired for p in reflowed.paragraphs)


def test_reflowed_copy_anchors_every_figure_by_quote(curated, reflowed: Article):
    moved = load_annotations(SEED_ANNOTATIONS, reflowed)
    assert [f["id"] for f in moved.figures] == [f["id"] for f in curated.figures]
    shifted = 0
    for before, after in zip(anchors(curated.figures), anchors(moved.figures), strict=True):
        assert reflowed.text[after["start"] : after["end"]] == after["quote"]["exact"]
        assert after["quote"]["exact"].split() == before["quote"]["exact"].split()
        shifted += (after["start"], after["end"]) != (before["start"], before["end"])
    assert shifted == len(anchors(curated.figures)) - 1  # all but the dateline sit at new offsets
    for before, after in zip(curated.excluded, moved.excluded, strict=True):
        assert after["quote"]["exact"].split() == before["quote"]["exact"].split()
    # The extractor finds the same mentions in the copy, and they are all covered.
    check_coverage(moved, extract_mentions(reflowed))


def test_quote_wrapped_across_lines_is_found():
    text = "the border stretching 1,357\nkilometers, or 804 miles."
    selector = {"exact": "1,357 kilometers", "prefix": "border stretching ", "suffix": ", or 804"}
    assert locate(selector, text) == [(22, 38)]
    assert locate({**selector, "prefix": "river stretching "}, text) == []


def test_without_sha256_offsets_must_hold(raw, seed, reflowed, tmp_path):
    data = copy.deepcopy(raw)
    del data["sha256"]
    path = tmp_path / "no_sha.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert len(load_annotations(path, seed).figures) == 30
    with pytest.raises(AnnotationError, match=r"figures\[1\] \('us_war_duration'\): text at 173-184 is "):
        load_annotations(path, reflowed)


def test_ambiguous_quote_in_another_copy(raw, reflowed, tmp_path):
    data = copy.deepcopy(raw)
    i = figure_index(data, "date_abc_interview")
    data["figures"][i]["quote"] = {"exact": "2014"}  # no prefix or suffix: "2014" occurs twice
    path = tmp_path / "ambiguous.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AnnotationError) as raised:
        load_annotations(path, reflowed)
    assert_one_line_error(raised, path, f"figures[{i}] ('date_abc_interview'): quote '2014'")
    assert "found 2 times in this article" in str(raised.value)


# --- the template ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def annotate_output(run_cli) -> str:
    result = run_cli("annotate", paths.DEFAULT_ARTICLE)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_template_from_the_cli_parses_with_one_entry_per_mention(
    annotate_output: str, seed: Article, seed_mentions: pd.DataFrame
):
    assert annotate_output.startswith("# Annotations of 000_bcf152c5a0c9a4f2.txt")
    data = yaml.safe_load(annotate_output)
    assert data["sha256"] == seed.sha256
    # Every mention is an entry: a figure, or (a likely non-figure) excluded with an inferred reason.
    entries = sorted([*data["figures"], *data["excluded"]], key=lambda e: e["start"])
    assert len(entries) == len(seed_mentions) == 32
    assert [e["quote"]["exact"] for e in data["excluded"]] == ["One"]  # "One commentator"
    for entry, mention in zip(entries, seed_mentions.itertuples(), strict=True):
        assert (entry["start"], entry["end"]) == (mention.start, mention.end)
        assert entry["quote"]["exact"] == mention.text == seed.text[entry["start"] : entry["end"]]
        assert seed.text[: entry["start"]].endswith(entry["quote"]["prefix"])
        assert seed.text[entry["end"] :].startswith(entry["quote"]["suffix"])
    for figure in data["figures"]:
        assert figure["category"] in ("", *CATEGORIES)  # '' until the user fills it in
        assert figure["measure"] and figure["subject"]  # first guesses, marked in comments
    assert annotate_output == template(seed, seed_mentions)


def test_template_loads_with_its_unfinished_entries_left_out(
    annotate_output: str, seed, seed_mentions, tmp_path
):
    """Changed: the template used to be rejected until filled in (category TODO); now an entry
    with an empty category is unfinished and left out, and the rest loads."""
    path = tmp_path / "template.yaml"
    path.write_text(annotate_output, encoding="utf-8")
    loaded = load_annotations(path, seed)
    data = yaml.safe_load(annotate_output)
    empty = [f["id"] for f in data["figures"] if not f["category"]]
    assert empty and [u.entry["id"] for u in loaded.unfinished] == empty
    assert [f["id"] for f in loaded.figures] == [f["id"] for f in data["figures"] if f["category"]]
    assert "category is empty" in loaded.unfinished[0].problem
    check_coverage(loaded, seed_mentions)  # unfinished entries still count as in the file
    # Filled in, the same file loads with nothing unfinished and covers every mention.
    for figure in data["figures"]:
        figure["category"] = figure["category"] or "timeline"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    filled = load_annotations(path, seed)
    assert not filled.unfinished and len(filled.figures) == len(data["figures"])
    check_coverage(filled, seed_mentions)
