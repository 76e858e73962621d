"""The closed vocabularies of facts and entities, shared by the input models and the read side's records."""

from __future__ import annotations

FACT_KINDS = ("meeting", "target", "milestone", "statistic", "appointment", "agreement", "announcement")
STATUSES = ("happened", "scheduled", "postponed", "cancelled")
ORGANISATION_KINDS = ("country", "city", "company", "agency", "university", "government", "party", "other")
ENTITY_KINDS = ("project", "organisation", "office", "person")
# The plural keys of an entities file, mapped to entity kinds.
ENTITY_SECTIONS = {"projects": "project", "organisations": "organisation", "offices": "office", "people": "person"}
