"""timeline: an event-sourced, bitemporal timeline of projects and partnerships."""
