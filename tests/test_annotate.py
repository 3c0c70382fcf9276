"""`spillover annotate` pre-fills what the words around each number make likely; a partly filled
annotation file renders with one warning; a figure the extractor missed is added by its quote.

The extractor changes what it reports over time; these tests look entries up by their quote and
the mentions table rather than by position, and test the pre-exclusion rules on mentions given
by hand, so they hold whatever the extractor still reports."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from spillover import paths
from spillover.annotations import (
    CATEGORIES,
    check_coverage,
    infer,
    load_annotations,
    template,
    unfinished_warning,
    warn_unfinished,
)
from spillover.article import Article, read_article
from spillover.errors import AnnotationError
from spillover.extract import extract_mentions

KENYA = paths.ROOT / "tests" / "articles" / "kenya-history.txt"
NIGERIA = paths.ROOT / "tests" / "articles" / "nigeria-maritime.txt"
SEED_ANNOTATIONS = paths.default_annotations(paths.DEFAULT_ARTICLE)
MOVE = "(move to figures if this is a figure)"


@pytest.fixture(scope="module")
def kenya() -> Article:
    return read_article(KENYA)


@pytest.fixture(scope="module")
def kenya_mentions(kenya: Article) -> pd.DataFrame:
    return extract_mentions(kenya)


@pytest.fixture(scope="module")
def kenya_template(kenya: Article, kenya_mentions: pd.DataFrame) -> str:
    return template(kenya, kenya_mentions)


@pytest.fixture(scope="module")
def kenya_data(kenya_template: str) -> dict:
    return yaml.safe_load(kenya_template)


@pytest.fixture(scope="module")
def seed_template(seed: Article, seed_mentions: pd.DataFrame) -> dict:
    return yaml.safe_load(template(seed, seed_mentions))


def entry(data: dict, quote: str, section: str = "figures") -> dict:
    """The one entry of a section with this quote."""
    found = [e for e in data[section] if e["quote"]["exact"] == quote]
    assert len(found) == 1, (quote, found)
    return found[0]


def index_of(data: dict, quote: str) -> int:
    return data["figures"].index(entry(data, quote))


def unfinished_of(data: dict) -> list[dict]:
    return [f for f in data["figures"] if not f["category"]]


def write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def mention_at(mentions: pd.DataFrame, start: int, end: int) -> str | None:
    found = mentions[(mentions["start"] == start) & (mentions["end"] == end)]
    return found["mention_id"].iloc[0] if len(found) else None


# --- pre-filling, checked by hand against the text ----------------------------------------------


def test_kenya_template_has_one_entry_per_mention_in_order(kenya, kenya_mentions, kenya_data):
    entries = sorted([*kenya_data["figures"], *kenya_data["excluded"]], key=lambda e: e["start"])
    spans = list(zip(kenya_mentions["start"], kenya_mentions["end"], strict=True))
    assert [(e["start"], e["end"]) for e in entries] == spans
    for e in entries:
        assert kenya.text[e["start"] : e["end"]] == e["quote"]["exact"]
    for e in kenya_data["excluded"]:  # only what looks like no figure: "one-party", if reported
        assert kenya.text[e["start"] : e["end"] + 6] == "one-party"
        assert e["reason"] == f"inferred: part of a compound word ('one-party'), not a count {MOVE}"


def test_kenya_template_pre_fills_counts(kenya: Article, kenya_data: dict):
    # "... ethnic violence that caused more than 1,100 deaths and displaced hundreds of thousands."
    deaths = entry(kenya_data, "more than 1,100")
    assert kenya.text[deaths["end"] :].startswith(" deaths and displaced")
    assert (deaths["category"], deaths["unit"], deaths["measure"]) == (
        "casualties",
        "people",
        "number of deaths",
    )
    # displaced people: people, but the words name no category the rules are sure of
    displaced = entry(kenya_data, "hundreds of thousands")
    assert (displaced["category"], displaced["unit"]) == ("", "people")
    # "... devolved power and resources to 47 newly created counties."
    counties = entry(kenya_data, "47")
    assert kenya.text[counties["end"] :].startswith(" newly created counties.")
    assert (counties["category"], counties["unit"]) == ("", "counties")
    assert counties["measure"] == "number of newly created counties"
    assert counties["subject"] == "and devolved power and resources to 47 newly created counties."
    # a duration: no category guessed, its measure from the words it counts
    months = entry(kenya_data, "two months")
    assert (months["category"], months["measure"]) == ("", "duration of ethnic violence")
    assert "unit" not in months  # a unit is only for a bare count


def test_kenya_template_pre_fills_dates_for_the_timeline(kenya: Article, kenya_data: dict):
    dateline = entry(kenya_data, "22 January 2026")
    assert (dateline["category"], dateline["measure"], dateline["subject"]) == (
        "timeline",
        "publication date of the article",
        "this article",
    )
    assert dateline["record"] == {"timeline": {"event": "The article is published"}}
    year = entry(kenya_data, "1890")
    sentence = "In 1890, Germany and the UK divided up the region, with the UK taking the north and"
    assert kenya.text[year["start"] - 3 :].startswith(sentence)
    assert (year["category"], year["measure"]) == ("timeline", "year of the event")
    assert year["subject"] == "In 1890, Germany and the UK divided up the region"
    assert year["record"]["timeline"]["event"].startswith(sentence)
    period = entry(kenya_data, "from 1969 until 1982")
    assert (period["category"], period["measure"]) == ("timeline", "years of the period")
    for figure in kenya_data["figures"]:
        assert figure["category"] in ("", *CATEGORIES)
        assert figure["measure"] and figure["subject"]


def test_every_guess_is_marked_in_the_file(kenya_template: str):
    lines = kenya_template.splitlines()
    fields = [line for line in lines if line.startswith(("  measure:", "  subject:", "  record:"))]
    assert fields and all(
        line.endswith("# inferred: check") or "# inferred: check (" in line for line in fields
    )
    assert all("# inferred from '" in line for line in lines if line.startswith("  unit:"))
    categories = [line for line in lines if line.startswith("  category:")]
    assert {line.split("#")[1].strip() for line in categories} == {
        "inferred: check",
        "to fill (one of the categories above)",
    }
    assert all(line.startswith("  category: ''") for line in categories if "to fill" in line)


def test_seed_template_guesses_agree_with_the_curated_file(seed_template: dict):
    """Every category and unit the template guesses for the seed is the one curated by hand,
    and the one non-figure it pre-excludes is the curated one."""
    curated = yaml.safe_load(SEED_ANNOTATIONS.read_text(encoding="utf-8"))
    by_span = {(f["start"], f["end"]): f for f in curated["figures"]}
    guessed = [f for f in seed_template["figures"] if f["category"]]
    assert len(guessed) >= 23
    for figure in guessed:
        assert figure["category"] == by_span[(figure["start"], figure["end"])]["category"], figure["id"]
    units = [f for f in seed_template["figures"] if "unit" in f]
    assert {f["quote"]["exact"]: f["unit"] for f in units} == {
        f["quote"]["exact"]: f["unit"] for f in curated["figures"] if "unit" in f
    }
    (one,) = seed_template["excluded"]
    assert (one["start"], one["end"]) == (1003, 1006)  # "One commentator in *Foreign Policy* warned"
    assert one["reason"].startswith("inferred: a determiner ('One commentator')")
    assert entry(seed_template, "1,500")["measure"] == "number of Afghan soldiers"
    assert entry(seed_template, "85 percent")["measure"] == "share of the country’s territory"


CRAFTED = (
    "Three Killed As Two Convoys Collide\n\nA. Writer\n3 March 2024\n\n"
    "One official said the talks had failed. One of the delegates left early, and no one stayed. "
    "One in five residents fled. Officials restarted one reactor. It is a one-party state.\n\n"
    "The plan has three points:\n1. Open the border.\n2) Share the water.\n\n"
    "The G7 met after COVID-19 cases rose; Resolution 1325 applies. The third-place team won, and "
    'the "Three Arrows" policy failed. A third of the wells are dry. Two notable facts stand out. '
    "The code is 2021-002. It is the fourth-largest economy.\n"
)
# (quote, kind, value, reason or None): what an extractor may report, and what annotate makes of it.
CRAFTED_MENTIONS = [
    ("Three", "count", 3, None),  # a headline in title case
    ("Two", "count", 2, None),
    ("3 March 2024", "date", math.nan, None),
    ("One", "count", 1, "a determiner ('One official'): it names a single one, not a count"),
    ("One", "count", 1, "a pronoun ('One of'), not a count"),
    ("one", "count", 1, "a pronoun ('no one'), not a count"),
    ("One", "count", 1, None),  # "One in five": a ratio
    ("one", "count", 1, None),  # "restarted one reactor"
    ("one", "count", 1, "part of a compound word ('one-party'), not a count"),
    ("three", "count", 3, None),
    ("1", "count", 1, "a list marker ('1.')"),
    ("2", "count", 2, "a list marker ('2)')"),
    ("7", "count", 7, "digits inside a name or code ('G7')"),
    ("19", "count", 19, "digits inside a name or code ('COVID-19')"),
    ("1325", "count", 1325, "a reference number ('Resolution 1325'), not a quantity"),
    ("third", "fraction", 1 / 3, "an ordinal used as a rank ('third-place'), not a fraction"),
    ("Three", "count", 3, "a number word inside a name ('Three Arrows')"),
    ("A third", "fraction", 1 / 3, None),
    ("Two", "count", 2, None),  # "Two notable facts" starts a sentence, and is a count
    ("2021", "year", 2021, "digits inside a name or code ('2021-002')"),
    ("002", "count", 2, "a code with a leading zero ('2021-002')"),
    ("fourth-largest", "rank", 4, "an ordinal used as a rank ('fourth-largest'), not a quantity"),
]


def given_mentions(article: Article, specs: list[tuple]) -> pd.DataFrame:
    """A mentions table as an extractor might report it: each quote found after the previous one."""
    spans = [s for s in (article.title, article.byline, article.dateline) if s] + list(article.sentences)
    rows, position = [], 0
    for number, (quote, kind, value, _) in enumerate(specs, start=1):
        start = article.text.index(quote, position)
        sentence = next(s for s in spans if s.start <= start < s.end)
        rows.append(
            {
                "mention_id": f"m{number:03d}",
                "text": quote,
                "start": start,
                "end": start + len(quote),
                "kind": kind,
                "value": value,
                "unit": "",
                "date": "2024-03-03" if kind == "date" else "",
                "date_precision": "day" if kind == "date" else "",
                "same_as": "",
                "sentence_start": sentence.start,
                "sentence_end": sentence.end,
            }
        )
        position = start + len(quote)
    return pd.DataFrame(rows)


def test_pre_exclusion_rules(tmp_article):
    article = read_article(tmp_article(CRAFTED))
    guesses = infer(article, given_mentions(article, CRAFTED_MENTIONS))
    reasons = [g.get("excluded") for g in guesses]
    expected = [f"inferred: {reason} {MOVE}" if reason else None for *_, reason in CRAFTED_MENTIONS]
    assert reasons == expected


def test_pre_exclusion_with_the_extractor(tmp_article):
    """Whatever the extractor reports of the crafted text gets the reason the rules give it."""
    article = read_article(tmp_article(CRAFTED))
    mentions = extract_mentions(article)
    by_hand = given_mentions(article, CRAFTED_MENTIONS)
    expected = {
        (row.start, row.end): reason
        for row, (*_, reason) in zip(by_hand.itertuples(), CRAFTED_MENTIONS, strict=True)
    }
    checked = 0
    for guess in infer(article, mentions):
        row = guess["mention"]
        if (row.start, row.end) in expected and row.kind == by_hand.set_index("start").loc[row.start, "kind"]:
            reason = expected[(row.start, row.end)]
            assert guess.get("excluded") == (f"inferred: {reason} {MOVE}" if reason else None), row.text
            checked += 1
    assert checked >= 8  # the extractor reports at least the headline, dates, counts, and "One official"


# --- a partly filled file renders ---------------------------------------------------------------


def test_unseen_template_renders_as_a_partly_filled_file(tmp_path, run_cli, kenya_mentions, kenya_data):
    annotations = tmp_path / "kenya.yaml"
    made = run_cli("annotate", KENYA)
    assert made.returncode == 0, made.stderr
    annotations.write_text(made.stdout, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("tables", "--article", KENYA, "--out", out, "-p", "annotations", annotations)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    unfinished = unfinished_of(kenya_data)
    first = unfinished[0]
    assert warnings == [
        f"spillover: warning: annotations {annotations}: {len(unfinished)} entries are unfinished and left "
        f"out (the first: figures[{kenya_data['figures'].index(first)}] ({first['id']!r}, quote "
        f"{first['quote']['exact']!r}): category is empty); their mentions are shown as not annotated "
        "until the entries are filled in"
    ]
    # The mentions are intact; the figures are the finished entries; the unfinished are bare mentions.
    mentions = pd.read_csv(out / "mentions.csv", dtype=str, keep_default_na=False)
    assert mentions["text"].tolist() == kenya_mentions["text"].tolist()
    figures = pd.read_csv(out / "figures.csv", dtype=str, keep_default_na=False)
    assert figures["figure_id"].tolist() == [f["id"] for f in kenya_data["figures"] if f["category"]]
    assert set(figures["added_by_hand"]) == {"false"}
    assert {f["quote"]["exact"] for f in unfinished} <= set(mentions["text"]) - set(figures["quote"])
    timeline = pd.read_csv(out / "timeline.csv", dtype=str, keep_default_na=False)
    assert set(timeline["quote"]) == {q for q, d in zip(mentions["text"], mentions["date"], strict=True) if d}


def test_unfinished_entries_are_skipped_and_warned_once(kenya, kenya_mentions, kenya_data, tmp_path, capsys):
    path = write(tmp_path / "partly.yaml", kenya_data)
    loaded = load_annotations(path, kenya)
    unfinished = unfinished_of(kenya_data)
    assert len(unfinished) >= 3
    assert [u.entry["id"] for u in loaded.unfinished] == [f["id"] for f in unfinished]
    assert len(loaded.figures) + len(unfinished) == len(kenya_data["figures"])
    check_coverage(loaded, kenya_mentions)
    warn_unfinished(loaded)
    warn_unfinished(load_annotations(path, kenya))  # a render loads the file twice
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err == f"spillover: warning: {unfinished_warning(loaded)}\n"


def test_empty_null_and_todo_are_unfinished_but_a_missing_field_is_an_error(seed, seed_template, tmp_path):
    data = copy.deepcopy(seed_template)
    i = index_of(data, "1991")
    data["figures"][i]["measure"], data["figures"][i]["subject"] = None, "TODO"
    data["excluded"][0]["reason"] = " "
    loaded = load_annotations(write(tmp_path / "empty.yaml", data), seed)
    problems = {u.label: u.problem for u in loaded.unfinished}
    assert problems[f"figures[{i}] ('year_m023', quote '1991')"] == "measure, subject are empty"
    assert problems["excluded[0] (quote 'One')"] == "reason is empty"
    del data["figures"][i]["category"]
    with pytest.raises(AnnotationError, match=rf"figures\[{i}\] \('year_m023'\): .*category"):
        load_annotations(write(tmp_path / "missing.yaml", data), seed)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda f: f.update(start=f["start"] + 1, end=f["end"] + 1),
            "text at {start1}-{end1} is 'wo months ",
        ),
        (lambda f: f.update(colour="red"), "colour"),
        (lambda f: f.update(start=str(f["start"])), "start: must be integer"),
        (lambda f: f.update(measure=3), "measure: must be string"),
    ],
    ids=["offsets", "unknown field", "string offset", "wrong type"],
)
def test_a_malformed_unfinished_entry_is_still_an_error(change, expected, kenya, kenya_data, tmp_path):
    data = copy.deepcopy(kenya_data)
    figure = entry(data, "two months")
    assert figure["category"] == ""
    expected = expected.format(start1=figure["start"] + 1, end1=figure["end"] + 1)
    change(figure)
    path = write(tmp_path / "bad.yaml", data)
    with pytest.raises(AnnotationError) as raised:
        load_annotations(path, kenya)
    message = str(raised.value)
    assert "\n" not in message and message.startswith(
        f"annotations {path}: figures[{index_of(data, 'two months')}] "
    )
    assert expected in message, message


def test_a_figure_tied_to_an_unfinished_one_waits_too(kenya, kenya_data, tmp_path):
    data = copy.deepcopy(kenya_data)
    months = entry(data, "two months")["id"]  # unfinished
    deaths = entry(data, "more than 1,100")
    deaths["when"] = months
    loaded = load_annotations(write(tmp_path / "tied.yaml", data), kenya)
    assert deaths["id"] not in {f["id"] for f in loaded.figures}
    waiting = {u.entry["id"]: u.problem for u in loaded.unfinished}
    assert waiting[deaths["id"]] == f"its when figure {months!r} is unfinished"
    assert len(loaded.unfinished) == len(unfinished_of(kenya_data)) + 1


def test_a_mention_missing_from_the_file_names_it_and_the_fix(kenya, kenya_mentions, kenya_data, tmp_path):
    data = copy.deepcopy(kenya_data)
    dropped = entry(data, "1952")
    data["figures"].remove(dropped)
    path = write(tmp_path / "missing.yaml", data)
    with pytest.raises(AnnotationError) as raised:
        check_coverage(load_annotations(path, kenya), kenya_mentions)
    assert str(raised.value) == (
        f"annotations {path}: mention '1952' at {dropped['start']}-{dropped['end']}: is neither "
        "annotated nor excluded; add it to 'figures' or to 'excluded' with a reason (or run spillover "
        "annotate again and merge its entry for this mention)"
    )


# --- a figure added by its quote ----------------------------------------------------------------


def added(figure_id: str, exact: str, **more) -> dict:
    quote = {"exact": exact, **{k: more.pop(k) for k in ("prefix", "suffix") if k in more}}
    return {
        "id": figure_id,
        "quote": quote,
        "category": "economy_society",
        "measure": "a measure",
        "subject": "a subject",
        **more,
    }


def test_quote_only_figures_are_anchored(tmp_path, run_cli, kenya, kenya_mentions, kenya_data):
    data = copy.deepcopy(kenya_data)
    data["figures"] += [
        added("deaths_bare", "1,100", unit="people"),  # inside the mention 'more than 1,100'
        added("counties_again", "47"),  # exactly the extractor's mention
        # "1963" occurs twice; the prefix picks the second ("... led Kenya from independence in 1963")
        added("kenyatta_from", "1963", prefix="from independence in "),
        added("trade_since", "2nd century"),  # a number the extractor does not give, none typed
    ]
    path = write(tmp_path / "added.yaml", data)
    out = tmp_path / "out"
    result = run_cli("tables", "--article", KENYA, "--out", out, "-p", "annotations", path)
    assert result.returncode == 0, result.stderr
    figures = pd.read_csv(out / "figures.csv", keep_default_na=False).set_index("figure_id")
    for figure_id, row in figures.iterrows():
        assert kenya.text[row["start"] : row["end"]] == row["quote"], figure_id
    bare = figures.loc["deaths_bare"]
    assert mention_at(kenya_mentions, bare["start"], bare["end"]) is None
    assert (bare["quote"], float(bare["value"]), bare["unit"], bare["kind"]) == (
        "1,100",
        1100,
        "people",
        "count",
    )
    assert (bare["added_by_hand"], bare["mention_id"]) == (True, "")
    assert bare["sentence"].startswith("Opposition candidate Raila ODINGA challenged")
    again = figures.loc["counties_again"]
    assert again["mention_id"] == mention_at(kenya_mentions, again["start"], again["end"])
    assert (again["added_by_hand"], float(again["value"])) == (False, 47)
    second = figures.loc["kenyatta_from"]
    assert kenya.text[second["start"] - 21 : second["start"]] == "from independence in "
    assert kenya.text[second["end"] :].startswith(" until his death")
    assert second["mention_id"] == mention_at(kenya_mentions, second["start"], second["end"])
    trade = figures.loc["trade_since"]
    assert mention_at(kenya_mentions, trade["start"], trade["end"]) is None
    assert (trade["added_by_hand"], trade["value"], trade["kind"]) == (True, "", "")


def test_a_typed_value_and_unit_for_a_quote_that_is_no_plain_number(tmp_path):
    from spillover.tables import figures_table, load

    article = read_article(NIGERIA)
    mentions = extract_mentions(article)
    data = yaml.safe_load(template(article, mentions))
    # "it included all three hijackings and 9 of 11 ships fired upon worldwide": a share
    data["figures"].append(added("ships_fired_upon_share", "9 of 11", value=9 / 11, unit="fraction"))
    table = figures_table(load(NIGERIA, write(tmp_path / "nigeria.yaml", data))).set_index("figure_id")
    share = table.loc["ships_fired_upon_share"]
    assert mention_at(mentions, share["start"], share["end"]) is None
    assert article.text[share["start"] :].startswith("9 of 11 ships fired upon")
    assert (share["quote"], share["value"], share["unit"], share["kind"]) == (
        "9 of 11",
        9 / 11,
        "fraction",
        "fraction",
    )
    assert (share["added_by_hand"], share["mention_id"]) == ("true", "")


def test_an_ambiguous_quote_is_a_one_line_error(tmp_path, run_cli, kenya_data):
    data = copy.deepcopy(kenya_data)
    data["figures"].append(added("independence", "1963"))  # twice in the article
    path = write(tmp_path / "ambiguous.yaml", data)
    result = run_cli("tables", "--article", KENYA, "--out", tmp_path / "out", "-p", "annotations", path)
    assert result.returncode == 2
    assert result.stderr == (
        f"spillover: error: annotations {path}: figures[{len(data['figures']) - 1}] ('independence'): "
        "quote '1963' is found 2 times in this article; add a prefix or suffix (the words just before "
        "or after it) so that it matches once\n"
    )
    assert not (tmp_path / "out" / "figures.csv").exists()


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (
            added("independence", "1963", suffix=" and the"),
            "quote '1963' with its prefix and suffix is not in this article; copy it exactly from the text",
        ),
        (added("nowhere", "3rd century"), "quote '3rd century' is not in this article"),
    ],
    ids=["suffix matches nowhere", "missing"],
)
def test_a_quote_found_nowhere_is_a_one_line_error(figure, expected, kenya, kenya_data, tmp_path):
    data = copy.deepcopy(kenya_data)
    data["figures"].append(figure)
    path = write(tmp_path / "nowhere.yaml", data)
    with pytest.raises(AnnotationError) as raised:
        load_annotations(path, kenya)
    where = f"figures[{len(data['figures']) - 1}] ({figure['id']!r})"
    assert str(raised.value).startswith(f"annotations {path}: {where}: {expected}")
    assert "\n" not in str(raised.value) and raised.value.exit_status == 2


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (added("typed", "47", value=48), "value is typed only for a figure the extractor missed"),
        (
            added("typed", "1,100", value=1200),
            "value 1200 differs from the quote '1,100', which is read as 1100",
        ),
        (added("typed", "Land of Zanj", value=math.inf), "value inf is not a finite number"),
        (
            added("typed", "Land of Zanj", value=2, record={"border_lengths": {"border": "A–B"}}),
            "record border_lengths needs a length",
        ),
        (
            {**added("typed", "47"), "start": 2813},
            "missing dependency end for start: give both start and end, or neither",
        ),
    ],
    ids=[
        "value on a mention",
        "value against the quote",
        "infinite value",
        "border without length",
        "start only",
    ],
)
def test_typed_numbers_are_checked(figure, expected, kenya, kenya_mentions, kenya_data, tmp_path):
    data = copy.deepcopy(kenya_data)
    data["figures"].append(figure)
    path = write(tmp_path / "typed.yaml", data)
    with pytest.raises(AnnotationError) as raised:
        check_coverage(load_annotations(path, kenya), kenya_mentions)
    assert "\n" not in str(raised.value)
    assert expected in str(raised.value), str(raised.value)
