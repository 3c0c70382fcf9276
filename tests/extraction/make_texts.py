"""Write the Factbook texts of the extraction evaluation set (public domain, see SOURCE.md).

Each text is one narrative field of one World Factbook profile, as the Factbook published it at
a snapshot, with its HTML tags removed and entities decoded (as tests/articles/make_articles.py
does). Some get a header (a title of ours, the byline "The World Factbook" and the snapshot's
date as a dateline); the others are the field's text alone, so the set has texts without a
dateline. Run from the project root: `.venv/bin/python tests/extraction/make_texts.py`.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

FACTBOOK = Path("data/reference/factbook")
HERE = Path(__file__).parent
DATELINES = {"2021-07-01": "1 July 2021", "2026-01-22": "22 January 2026"}

# (file stem, snapshot, profile, section, field, title or None for no header, genre)
TEXTS = [
    ("haiti-history", "2026-01-22", "ha", "Introduction", "Background", None, "history"),
    (
        "greece-economy",
        "2021-07-01",
        "gr",
        "Economy",
        "Economic overview",
        "Greece's economy: an overview",
        "economic overview",
    ),
    (
        "egypt-demography",
        "2021-07-01",
        "eg",
        "People and Society",
        "Demographic profile",
        None,
        "demographic profile",
    ),
    (
        "mali-military",
        "2021-07-01",
        "ml",
        "Military and Security",
        "Military - note",
        "Mali's armed forces and the foreign missions",
        "military and security",
    ),
    (
        "world-maritime",
        "2021-07-01",
        "xx",
        "Military and Security",
        "Maritime threats",
        "Maritime threats around the world",
        "military and security",
    ),
    ("us-geography", "2021-07-01", "us", "Geography", "Geography - note", None, "geography"),
    (
        "india-space",
        "2026-01-22",
        "in",
        "Space",
        "Key space-program milestones",
        "India's space programme: milestones",
        "chronology",
    ),
    ("colombia-drugs", "2021-07-01", "co", "Transnational Issues", "Illicit drugs", None, "crime and drugs"),
    # Held out: not looked at while the extractor's rules were written (see SOURCE.md).
    (
        "burma-demography",
        "2021-07-01",
        "bm",
        "People and Society",
        "Demographic profile",
        "Burma's population: a demographic profile",
        "demographic profile",
    ),
    (
        "sudan-military",
        "2021-07-01",
        "su",
        "Military and Security",
        "Military - note",
        None,
        "military and security",
    ),
    # Held out, second round: truth written and scored once before any rule was changed.
    ("brazil-history", "2026-01-22", "br", "Introduction", "Background", None, "history"),
    (
        "philippines-demography",
        "2021-07-01",
        "rp",
        "People and Society",
        "Demographic profile",
        "The Philippines' population: a demographic profile",
        "demographic profile",
    ),
    ("hongkong-economy", "2021-07-01", "hk", "Economy", "Economic overview", None, "economic overview"),
    (
        "peru-geography",
        "2021-07-01",
        "pe",
        "Geography",
        "Geography - note",
        "Peru: notes on its geography",
        "geography",
    ),
    # Held out, third round: truth written, then scored once after every rule change.
    ("ukraine-history", "2026-01-22", "up", "Introduction", "Background", None, "history"),
    (
        "thailand-demography",
        "2021-07-01",
        "th",
        "People and Society",
        "Demographic profile",
        None,
        "demography",
    ),
    (
        "germany-economy",
        "2021-07-01",
        "gm",
        "Economy",
        "Economic overview",
        "Germany's economy: an overview",
        "economic overview",
    ),
    ("mexico-drugs", "2021-07-01", "mx", "Transnational Issues", "Illicit drugs", None, "crime and drugs"),
    # Held out, fourth round: truth written, then scored once after every rule change.
    ("eu-history", "2026-01-22", "ee", "Introduction", "Background", None, "history"),
    (
        "croatia-economy",
        "2021-07-01",
        "hr",
        "Economy",
        "Economic overview",
        "Croatia's economy: an overview",
        "economic overview",
    ),
    (
        "malaysia-demography",
        "2021-07-01",
        "my",
        "People and Society",
        "Demographic profile",
        None,
        "demography",
    ),
    (
        "morocco-military",
        "2026-01-22",
        "mo",
        "Military and Security",
        "Military - note",
        "Morocco's armed forces",
        "military and security",
    ),
    ("china-space", "2026-01-22", "ch", "Space", "Key space-program milestones", None, "chronology"),
    # Held out, fifth round: truth written, then scored once, after the fourth round's fixes.
    ("southkorea-history", "2026-01-22", "ks", "Introduction", "Background", None, "history"),
    (
        "ireland-economy",
        "2021-07-01",
        "ei",
        "Economy",
        "Economic overview",
        "Ireland's economy: an overview",
        "economic overview",
    ),
    (
        "vietnam-demography",
        "2021-07-01",
        "vm",
        "People and Society",
        "Demographic profile",
        None,
        "demography",
    ),
    (
        "southsudan-military",
        "2021-07-01",
        "od",
        "Military and Security",
        "Military - note",
        "South Sudan's armed forces",
        "military and security",
    ),
    ("italy-space", "2026-01-22", "it", "Space", "Key space-program milestones", None, "chronology"),
    # Held out, sixth round: truth written, then scored once, after the fifth round's fixes.
    ("congo-history", "2026-01-22", "cg", "Introduction", "Background", None, "history"),
    (
        "portugal-economy",
        "2021-07-01",
        "po",
        "Economy",
        "Economic overview",
        "Portugal's economy: an overview",
        "economic overview",
    ),
    ("laos-demography", "2021-07-01", "la", "People and Society", "Demographic profile", None, "demography"),
    (
        "northkorea-military",
        "2026-01-22",
        "kn",
        "Military and Security",
        "Military - note",
        "North Korea's armed forces",
        "military and security",
    ),
    ("pakistan-space", "2026-01-22", "pk", "Space", "Key space-program milestones", None, "chronology"),
    # Held out, seventh round: truth written, then scored once, after the sixth round's fixes.
    ("israel-history", "2026-01-22", "is", "Introduction", "Background", None, "history"),
    (
        "spain-economy",
        "2021-07-01",
        "sp",
        "Economy",
        "Economic overview",
        "Spain's economy: an overview",
        "economic overview",
    ),
    (
        "cambodia-demography",
        "2021-07-01",
        "cb",
        "People and Society",
        "Demographic profile",
        None,
        "demography",
    ),
    (
        "niger-military",
        "2021-07-01",
        "ng",
        "Military and Security",
        "Military - note",
        "Niger's armed forces",
        "military and security",
    ),
    ("russia-space", "2026-01-22", "rs", "Space", "Key space-program milestones", None, "chronology"),
    # Held out, eighth round: truth written, then scored once, after the seventh round's fixes.
    ("saudiarabia-history", "2026-01-22", "sa", "Introduction", "Background", None, "history"),
    (
        "france-economy",
        "2021-07-01",
        "fr",
        "Economy",
        "Economic overview",
        "France's economy: an overview",
        "economic overview",
    ),
    (
        "algeria-demography",
        "2021-07-01",
        "ag",
        "People and Society",
        "Demographic profile",
        None,
        "demography",
    ),
    (
        "bulgaria-military",
        "2026-01-22",
        "bu",
        "Military and Security",
        "Military - note",
        "Bulgaria's armed forces",
        "military and security",
    ),
    ("southafrica-space", "2026-01-22", "sf", "Space", "Key space-program milestones", None, "chronology"),
    # Held out, ninth round: truth written, then scored once, after the eighth round's fixes.
    ("kosovo-history", "2021-07-01", "kv", "Introduction", "Background", None, "history"),
    (
        "suriname-economy",
        "2021-07-01",
        "ns",
        "Economy",
        "Economic overview",
        "Suriname's economy: an overview",
        "economic overview",
    ),
    (
        "liberia-demography",
        "2021-07-01",
        "li",
        "People and Society",
        "Demographic profile",
        None,
        "demography",
    ),
    (
        "nepal-military",
        "2026-01-22",
        "np",
        "Military and Security",
        "Military - note",
        "Nepal's armed forces",
        "military and security",
    ),
    ("eu-space", "2026-01-22", "ee", "Space", "Key space-program milestones", None, "chronology"),
    # Held out, tenth round: truth written, then scored once, after the ninth round's fixes.
    ("iran-history", "2026-01-22", "ir", "Introduction", "Background", None, "history"),
    (
        "poland-economy",
        "2021-07-01",
        "pl",
        "Economy",
        "Economic overview",
        "Poland's economy: an overview",
        "economic overview",
    ),
    (
        "argentina-demography",
        "2021-07-01",
        "ar",
        "People and Society",
        "Demographic profile",
        None,
        "demography",
    ),
    (
        "indonesia-military",
        "2026-01-22",
        "id",
        "Military and Security",
        "Military - note",
        "Indonesia's armed forces",
        "military and security",
    ),
    ("turkey-space", "2026-01-22", "tu", "Space", "Key space-program milestones", None, "chronology"),
]


def plain(text: str) -> str:
    """The field's text without HTML: paragraphs at <p> and <br>, tags dropped, entities decoded."""
    text = re.sub(r"(?i)<br\s*/?>|</?p>", "\n\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def main() -> None:
    for stem, snapshot, gec, section, field, title, _genre in TEXTS:
        profile = json.loads((FACTBOOK / snapshot / f"{gec}.json").read_text(encoding="utf-8"))
        body = plain(profile[section][field]["text"])
        text = f"{title}\n\nThe World Factbook\n{DATELINES[snapshot]}\n\n{body}\n" if title else f"{body}\n"
        (HERE / f"{stem}.txt").write_text(text, encoding="utf-8")
        print(f"wrote {stem}.txt ({len(text):,} characters)")


if __name__ == "__main__":
    main()
