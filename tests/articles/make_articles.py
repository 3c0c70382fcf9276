"""Write the unseen test articles from World Factbook narrative fields (public domain).

Each article is one field of one profile, as the Factbook published it at a snapshot, with
its HTML tags removed and entities decoded, under a title, a byline and a dateline. Run from
the project root: `.venv/bin/python tests/articles/make_articles.py`. SOURCE.md lists them.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

FACTBOOK = Path("data/reference/factbook")
HERE = Path(__file__).parent
DATELINES = {"2021-07-01": "1 July 2021", "2026-01-22": "22 January 2026"}

# (file stem, snapshot, profile, section, field, title, genre)
ARTICLES = [
    ("kenya-history", "2026-01-22", "ke", "Introduction", "Background",
     "Kenya: a short history", "history (encyclopedic background)"),
    ("japan-economy", "2021-07-01", "ja", "Economy", "Economic overview",
     "Japan's economy: an overview", "economic overview"),
    ("kenya-demography", "2021-07-01", "ke", "People and Society", "Demographic profile",
     "Kenya's population: a demographic profile", "demographic fact sheet"),
    ("nigeria-maritime", "2021-07-01", "ni", "Military and Security", "Maritime threats",
     "Piracy in the Gulf of Guinea", "security report"),
]


def plain(text: str) -> str:
    """The field's text without HTML: paragraphs at <p> and <br>, tags dropped, entities decoded."""
    text = re.sub(r"(?i)<br\s*/?>|</?p>", "\n\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def main() -> None:
    for stem, snapshot, gec, section, field, title, _genre in ARTICLES:
        profile = json.loads((FACTBOOK / snapshot / f"{gec}.json").read_text(encoding="utf-8"))
        body = plain(profile[section][field]["text"])
        text = f"{title}\n\nThe World Factbook\n{DATELINES[snapshot]}\n\n{body}\n"
        (HERE / f"{stem}.txt").write_text(text, encoding="utf-8")
        print(f"wrote {stem}.txt ({len(text):,} characters)")


if __name__ == "__main__":
    main()
