"""The data dictionary: every table the pipeline writes, every column's type, unit and meaning.

One source of truth, written out as a Frictionless Data Package (``datapackage.json``) beside
the tables; the tests validate the written CSV files against it with frictionless.
"""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    name: str
    type: str  # Frictionless Table Schema type: string, integer, number, date, ...
    unit: str  # "" when the column has no unit
    description: str
    required: bool = False


_ANCHOR = [
    Column("quote", "string", "", "the exact text of the figure in the article", True),
    Column(
        "start",
        "integer",
        "characters",
        "offset where the quote starts in the article's UTF-8 text: text[start:end] == quote",
        True,
    ),
    Column("end", "integer", "characters", "offset where the quote ends (exclusive)", True),
]
_FIGURE_ID = Column("figure_id", "string", "", "id of the annotated figure (data/annotations)", True)
_DATE = [
    Column("date", "string", "", "ISO 8601 date, week (2021-W27), month, year, or interval a/b"),
    Column("date_precision", "string", "", "day, week, month, year or decade"),
]
_PEOPLE = [
    Column("people", "number", "people", "the number stated (empty for vague amounts)"),
    Column("people_low", "number", "people", "lower bound implied by the wording"),
    Column("people_high", "number", "people", "upper bound implied by the wording"),
    Column("qualifier", "string", "", "word that qualifies the number (another, over, many)"),
]
_ATTRIBUTED = Column("attributed_to", "string", "", "the source the article names for it")

TABLES: dict[str, tuple[str, list[Column]]] = {
    "mentions": (
        "Every numeric expression the extractor finds in the article",
        [
            Column("mention_id", "string", "", "m001, m002, ... in order of appearance", True),
            Column("text", "string", "", "the exact text of the expression", True),
            Column("start", "integer", "characters", "offset of the text in the article", True),
            Column("end", "integer", "characters", "end offset (exclusive)", True),
            Column(
                "kind",
                "string",
                "",
                "count, percent, fraction, length, area, duration, money, year, date, time, "
                "temperature, rank, multiple, mass, volume, speed, power or energy",
                True,
            ),
            Column("value", "number", "see unit", "the number stated (empty for dates and ranges)"),
            Column("low", "number", "see unit", "lower bound (ranges, vague amounts, qualifiers)"),
            Column("high", "number", "see unit", "upper bound (ranges, vague amounts, qualifiers)"),
            Column(
                "unit",
                "string",
                "",
                "pint unit name (kilometer, mile, month, percent, "
                "fraction, degree_Celsius, metric_ton) or currency code; empty for counts",
            ),
            Column("qualifier", "string", "", "almost, over, another, many, ... (lower case)"),
            *_DATE,
            Column("date_note", "string", "", "how a relative or undated expression was resolved"),
            Column("rule", "string", "", "the extractor rule that matched"),
            Column("time", "string", "", "time of day, ISO 8601 (14:30, or an interval 06:00/14:00)"),
            Column(
                "note",
                "string",
                "",
                "how the expression was read: a convention (early = the first third), a bound not "
                "stated, a flag ('today' meaning nowadays is not a date)",
            ),
            Column("same_as", "string", "", "mention_id of the figure it restates (a bracketed conversion)"),
            Column(
                "sentence_start",
                "integer",
                "characters",
                "offset of the sentence it sits in (a header line counts as one): the sentence is "
                "text[sentence_start:sentence_end], stored once in the article, not in each row",
                True,
            ),
            Column("sentence_end", "integer", "characters", "end offset of the sentence (exclusive)", True),
        ],
    ),
    "figures": (
        "One row per annotated figure: its meaning and its numbers",
        [
            _FIGURE_ID,
            Column(
                "category",
                "string",
                "",
                "refugee_flows, troop_deployments, geography, "
                "economy_society, casualties, territorial_control, timeline, rhetoric",
                True,
            ),
            Column("measure", "string", "", "what is counted or measured", True),
            Column("subject", "string", "", "of whom or what", True),
            Column("place", "string", "", "where"),
            _ATTRIBUTED,
            Column("kind", "string", "", "the mention's kind (see mentions.kind)"),
            Column("value", "number", "see unit", "the number stated"),
            Column("low", "number", "see unit", "lower bound implied by the wording"),
            Column("high", "number", "see unit", "upper bound implied by the wording"),
            Column("unit", "string", "", "unit of value, low and high (people for counts of people)"),
            Column("qualifier", "string", "", "word that qualifies the number"),
            *_DATE,
            Column("when", "string", "", "figure_id of the date this figure is tied to"),
            Column("same_as", "string", "", "figure_id of the same quantity stated elsewhere"),
            Column("note", "string", "", "annotator's note"),
            *_ANCHOR,
            Column("sentence", "string", "", "the sentence it sits in"),
            Column("mention_id", "string", "", "the extractor's mention at the same offsets"),
            Column(
                "added_by_hand",
                "boolean",
                "",
                "true for a figure the extractor missed, added to the annotations by its quote: its "
                "value is read from the quote or typed in the annotation (empty mention_id)",
            ),
        ],
    ),
    "refugee_flows": (
        "People who crossed, or may cross, a border the article names",
        [
            _FIGURE_ID,
            Column("group", "string", "", "soldiers, civilians or refugees", True),
            *_PEOPLE,
            Column("origin", "string", "", "country they left"),
            Column("destination", "string", "", "where they went"),
            Column("status", "string", "", "reported (happened) or projected (may happen)", True),
            Column("outcome", "string", "", "what became of them, as the article says"),
            *_DATE,
            _ATTRIBUTED,
            *_ANCHOR,
        ],
    ),
    "troop_deployments": (
        "Armed forces the article counts, where they are and their status",
        [
            _FIGURE_ID,
            Column("force", "string", "", "which force", True),
            Column("country", "string", "", "the country the force belongs to"),
            Column("location", "string", "", "where it is"),
            Column("status", "string", "", "stationed, mobilised or fled", True),
            *_PEOPLE,
            *_DATE,
            _ATTRIBUTED,
            *_ANCHOR,
        ],
    ),
    "border_lengths": (
        "Lengths of borders, as the article states them and as references give them",
        [
            Column(
                "border",
                "string",
                "",
                "the two countries, alphabetical, joined by an en dash",
                True,
            ),
            Column("country_a", "string", "", "first country (alphabetical)"),
            Column("country_b", "string", "", "second country (alphabetical)"),
            Column(
                "source",
                "string",
                "",
                "article, World Factbook (snapshot), or Natural Earth (scale)",
                True,
            ),
            Column("stated_length", "number", "see stated_unit", "the length as the source states it"),
            Column("stated_unit", "string", "", "pint unit name of stated_length"),
            Column("length_km", "number", "km", "the length in kilometres (converted with pint)"),
            Column("length_mi", "number", "mi", "the length in statute miles (converted with pint)"),
            Column("figure_id", "string", "", "id of the annotated figure (article rows)"),
            Column("quote", "string", "", "the exact text in the article (article rows)"),
            Column("start", "integer", "characters", "offset of the quote (article rows)"),
            Column("end", "integer", "characters", "end offset of the quote (article rows)"),
            Column("reference", "string", "", "the file and field a reference row comes from"),
        ],
    ),
    "timeline": (
        "Dated events the article names, with relative dates resolved",
        [
            Column(
                "figure_id",
                "string",
                "",
                "id of the annotated figure (empty when built from an unannotated article)",
            ),
            *_DATE,
            Column("date_start", "date", "", "first day the date can mean", True),
            Column("date_end", "date", "", "last day the date can mean", True),
            Column(
                "time",
                "string",
                "",
                "time of day, 24-hour HH:MM or an interval HH:MM/HH:MM; empty when the text gives "
                "none (a time with no day of its own takes the day date_note names)",
            ),
            Column("event", "string", "", "what happened", True),
            Column("actors", "string", "", "who acted, separated by semicolons"),
            Column("date_note", "string", "", "how a relative date was resolved"),
            *_ANCHOR,
        ],
    ),
    "quantities": (
        "What each figure with a number measures, inferred from the text around it with no "
        "curation (people, money, shares, lengths, areas, durations, masses, volumes, speeds, "
        "temperatures, power, energy, ranks, multiples, other counts)",
        [
            Column("mention_id", "string", "", "the mention (mentions table)", True),
            *_ANCHOR,
            Column("measure", "string", "", "what kind of quantity it is", True),
            Column(
                "counted", "string", "", "the words it counts, inferred: the phrase after the number"
            ),
            Column("value", "number", "see unit", "the number in the measure's unit (empty: vague)"),
            Column("low", "number", "see unit", "lower bound implied by the wording"),
            Column("high", "number", "see unit", "upper bound implied by the wording"),
            Column(
                "unit",
                "string",
                "",
                "pint unit name (shares in percent, lengths in kilometer, areas in "
                "square_kilometer, masses in metric_ton, volumes in liter, speeds in "
                "kilometer_per_hour, temperatures in degree_Celsius, power in megawatt, energy in "
                "gigawatt_hour); empty for a bare count, a rank or a multiple",
            ),
        ],
    ),
    "omitted_text": (
        "Stretches of the article's text that its paragraphs leave out (a footer), so none is "
        "dropped silently",
        [
            Column(
                "start",
                "integer",
                "characters",
                "offset where the stretch starts: text[start:end] is the stretch",
                True,
            ),
            Column("end", "integer", "characters", "offset where the stretch ends (exclusive)", True),
            Column("characters", "integer", "characters", "length of the stretch (end - start)", True),
            Column("first_words", "string", "", "its first eight words, white space normalised", True),
            Column(
                "reason",
                "string",
                "",
                "why it is left out: footer (short contact, link or share lines after the last paragraph)",
                True,
            ),
        ],
    ),
    "findings": (
        "Checks of the article's figures against reference data and against each other, and "
        "figures put in proportion for scale, as the article's checks file (data/checks) asks",
        [
            Column(
                "finding_id",
                "string",
                "",
                "id of the check in the checks file (with _<scale> for each Natural Earth scale)",
                True,
            ),
            Column(
                "finding_group",
                "string",
                "",
                "rows about one error or one fact share a group (the check's group, else its id): "
                "count groups, not rows",
                True,
            ),
            Column(
                "finding_type",
                "string",
                "",
                "check (the figure is tested) or context (put in proportion for scale, never a verdict)",
                True,
            ),
            Column(
                "check_kind",
                "string",
                "",
                "agree (two figures of the article), reference (a reference value within a tolerance), "
                "scale (share or multiple of a reference value), lower_bound (a value that can only "
                "be a lower bound), other_reference (the figure is another reference value)",
                True,
            ),
            Column("claim", "string", "", "what the article claims, in short plain words", True),
            Column("figure_id", "string", "", "the article figure checked", True),
            Column("article_value", "number", "see article_unit", "the article's number"),
            Column("article_unit", "string", "", "unit of article_value"),
            *_ANCHOR,
            Column("reference_value", "number", "see reference_unit", "the figure it is checked against"),
            Column("reference_unit", "string", "", "unit of reference_value"),
            Column("reference_source", "string", "", "dataset, snapshot, file and field of the reference"),
            Column("comparison", "string", "", "the computed comparison (difference, ratio, share)"),
            Column(
                "tolerance",
                "number",
                "fraction",
                "relative tolerance of the check (0.01 = 1%; its reason is in the checks file and the "
                "reason column); empty for context",
            ),
            Column(
                "verdict",
                "string",
                "",
                "consistent or inconsistent (a check); not comparable (context, or a check without "
                "a usable reference value)",
                True,
            ),
            Column("reason", "string", "", "the verdict's reason, in plain words", True),
        ],
    ),
    "auto_checks": (
        "Automatic checks, with no curation, of the figures whose sentence states a country "
        "fact the World Factbook holds (population, area, border, coastline, median age, life "
        "expectancy, GDP), against the countries the article names",
        [
            Column("check_id", "string", "", "ac001, ac002, ... in order of the mentions", True),
            Column("mention_id", "string", "", "the extractor's mention (see mentions)"),
            *_ANCHOR,
            Column(
                "claim",
                "string",
                "",
                "population, area, land_boundary, coastline, median_age, "
                "life_expectancy_at_birth or gdp",
                True,
            ),
            Column("cue", "string", "", "the words next to the figure that make it that claim"),
            Column("article_value", "number", "see article_unit", "the number the article states"),
            Column("article_unit", "string", "", "pint unit of article_value (empty for counts)"),
            Column(
                "stated_low",
                "number",
                "see article_unit",
                "lowest value the figure covers at its stated precision and qualifier",
            ),
            Column(
                "stated_high",
                "number",
                "see article_unit",
                "highest value the figure covers at its stated precision and qualifier",
            ),
            Column("country", "string", "", "country (or border) the claim is about"),
            Column("gec", "string", "", "Factbook GEC code of the profile checked against"),
            Column("field", "string", "", "Factbook field checked against (see factbook.field)"),
            Column("qualifier", "string", "", "Factbook qualifier (border partner, total, ...)"),
            Column("reference_value", "number", "see reference_unit", "the Factbook's figure"),
            Column("reference_unit", "string", "", "the Factbook's unit (km, sq km, people, ...)"),
            Column(
                "reference_in_article_unit",
                "number",
                "see article_unit",
                "the Factbook's figure converted with pint into the article's unit",
            ),
            Column("estimate_year", "integer", "", "year of the Factbook's estimate, if given"),
            Column("reference_source", "string", "", "the Factbook file and the text of the figure"),
            Column("snapshot", "string", "", "date of the Factbook snapshot", True),
            Column(
                "tolerance",
                "number",
                "fraction",
                "relative tolerance allowed beyond the stated precision for this claim",
            ),
            Column(
                "verdict",
                "string",
                "",
                "consistent, inconsistent or not checkable",
                True,
            ),
            Column(
                "candidates",
                "string",
                "",
                "the Factbook figures considered: the claimed ones, then every figure of the "
                "same kind of the countries the article names",
            ),
            Column("matched", "string", "", "the Factbook figure(s) the number matches, if any"),
            Column("reason", "string", "", "the verdict's reason, in plain words", True),
        ],
    ),
    "places": (
        "Countries and cities the article names, where they are, and why each name was taken "
        "for a place (spillover.places)",
        [
            Column("name", "string", "", "the place: a country's Factbook name, a city's GeoNames one", True),
            Column("kind", "string", "", "country, capital or city", True),
            Column("country", "string", "", "the country (a city's, as GeoNames names it)", True),
            Column("outline", "string", "", "the country's outline on the Natural Earth map (countries)"),
            Column("latitude", "number", "degrees", "north positive (cities, from GeoNames)"),
            Column("longitude", "number", "degrees", "east positive (cities, from GeoNames)"),
            Column("population", "integer", "people", "population GeoNames gives (cities)"),
            Column("quote", "string", "", "the name as the article first writes it", True),
            Column("start", "integer", "characters", "offset of the first mention in the article", True),
            Column("end", "integer", "characters", "end offset of the first mention (exclusive)", True),
            Column("mentions", "integer", "", "how many times the article names it", True),
            Column("why", "string", "", "why the name was taken for this place", True),
            Column("source", "string", "", "where the name and the coordinates come from", True),
        ],
    ),
    "factbook": (
        "World Factbook figures of the region's countries, parsed from one snapshot",
        [
            Column("country", "string", "", "country (Factbook short name)", True),
            Column("gec", "string", "", "Factbook GEC code (file name)", True),
            Column("iso3", "string", "", "ISO 3166-1 alpha-3 code (empty where the project has none)"),
            Column(
                "field",
                "string",
                "",
                "land_boundary_km, population, area, drinking_water_improved, "
                "drinking_water_unimproved, below_poverty_line, remittances_gdp, ...",
                True,
            ),
            Column("value", "number", "see unit", "the figure", True),
            Column("unit", "string", "", "km, sq km, people, percent, degrees", True),
            Column("qualifier", "string", "", "border partner, total/urban/rural, capital name"),
            Column("estimate_year", "integer", "", "year of the estimate, where the Factbook gives it"),
            Column("snapshot", "string", "", "date of the Factbook snapshot", True),
            Column("source_path", "string", "", "the JSON file it was parsed from", True),
            Column("source_text", "string", "", "the text it was parsed from (tags stripped)"),
        ],
    ),
}


def columns(table: str) -> list[str]:
    return [c.name for c in TABLES[table][1]]


def datapackage(tables: list[str] | None = None) -> dict:
    """The Frictionless Data Package descriptor of the tables (paths relative to it)."""
    resources = []
    for name in tables or list(TABLES):
        description, cols = TABLES[name]
        resources.append(
            {
                "name": name.replace("_", "-"),
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "encoding": "utf-8",
                "description": description,
                "schema": {
                    "fields": [
                        {
                            "name": c.name,
                            "type": c.type,
                            "description": c.description,
                            **({"unit": c.unit} if c.unit else {}),
                            **({"constraints": {"required": True}} if c.required else {}),
                        }
                        for c in cols
                    ]
                },
            }
        )
    return {"name": "spillover", "profile": "tabular-data-package", "resources": resources}
