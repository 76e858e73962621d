"""Tools for developers: the seeded synthetic corpus and the benchmark."""
