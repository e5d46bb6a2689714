"""Stories: one notion of "the same story" for every article, however it arrived (files,
JSON, web pages, feeds). Feeds announce a story once per channel and name the other outlets
that carried it; digests rank stories, not articles; the store reads stories back whole.

Modules: `fingerprint` (what an article is matched against, and its index keys), `rule` (the
one rule: alike whole texts, leads or headlines, within days), `placing` (at ingest, in the
storing transaction; at start, whatever has no story yet). The plain data is
bot/models/story.py (`Story`, `Report`); the store keeps stories (bot/store/interface/stories.py).
"""

from bot.stories.fingerprint import Fingerprint
from bot.stories.placing import (
    catch_up_stories,
    fingerprints,
    place_new_articles,
    place_printed,
    story_ids,
)

__all__ = [
    "Fingerprint",
    "catch_up_stories",
    "fingerprints",
    "place_new_articles",
    "place_printed",
    "story_ids",
]
