"""Materialised read models beside the log: folded fact and entity states plus the indexes queries need.

- `schema`: the tables (SQL per dialect in `sql/`, package data), their version, creating and dropping them;
- `models`: `ReadModels`, opened on a store, caught up with the log, rebuilt, dumped for `verify`;
- `queries`: what queries ask of them; `pages`: pages of an entity's facts or of the entities of a kind, read as
  ranges of their indexes; `search`: full-text search per dialect;
- `writes`: states and index rows written a batch at a time; `rows`: the index rows a state contributes.
"""

from timeline.storage.readmodels.models import ReadModels
from timeline.storage.readmodels.writes import chunks

__all__ = ["ReadModels", "chunks"]
