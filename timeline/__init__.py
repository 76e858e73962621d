"""timeline: an event-sourced, bitemporal timeline of projects and partnerships."""

DEFAULT_DB = "timeline.db"  # the store every command uses without --db or TIMELINE_DB
