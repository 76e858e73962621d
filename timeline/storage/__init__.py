"""Where the log and its read models live: locations, SQL dialects, the eventsourcing log, read models."""
