"""The vocabulary of the log: input models, domain events and the values they carry (dates, names)."""
