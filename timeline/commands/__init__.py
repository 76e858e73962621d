"""The `timeline` command's parts: the group that renders user errors, shared options, how an answer is printed,
and the commands by group (writing, queries, browsing, exporting, maintenance). `cli.py` assembles them."""
