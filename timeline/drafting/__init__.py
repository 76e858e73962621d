"""Drafting facts from a news article with rules only: no model, no network, no IO.

page (headline, body sentences, furniture) -> stamps (publication date) -> dates, numbers, cues, entities per
sentence -> facts (one per event, honestly dated) -> twins (matches in the store) -> output (YAML to review).
"""

from timeline.drafting.dates import Found, find_dates
from timeline.drafting.facts import Draft, DraftFact, DraftFigure, draft
from timeline.drafting.language import guess_language
from timeline.drafting.numbers import Number, find_numbers
from timeline.drafting.outlets import outlet_for
from timeline.drafting.output import to_yaml
from timeline.drafting.page import Page, Sentence, split_page
from timeline.drafting.stamps import UNKNOWN_YEAR, Published, publication
from timeline.drafting.twins import find_twins

__all__ = [
    "UNKNOWN_YEAR",
    "Draft",
    "DraftFact",
    "DraftFigure",
    "Found",
    "Number",
    "Page",
    "Published",
    "Sentence",
    "draft",
    "find_dates",
    "find_numbers",
    "find_twins",
    "guess_language",
    "outlet_for",
    "publication",
    "split_page",
    "to_yaml",
]
