"""Reading what people write: files, validation, references, and the plan of events to append."""
