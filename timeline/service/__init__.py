"""The application service: the one place that coordinates files, the store and the projections.

It takes plain values (paths, references, dates) and returns view objects; it turns store failures into
`TimelineError`s. The CLI calls one of these once per command and renders what comes back:
- `Store(db)`: an open store, one method per question or task (store.py binds them from the concern modules:
  queries, text_search, knowledge_diff, browse, exporting, maintenance, writing);
- `ingest`, `check`, `draft_article`: the tasks that may run without a store, or create one.
"""

from timeline.service.articles import draft_article, sample_paths
from timeline.service.bulk import Quiet, Steps
from timeline.service.store import Store, db_hint
from timeline.service.writing import CheckReport, check, ingest, validate_files

__all__ = [
    "CheckReport",
    "Quiet",
    "Steps",
    "Store",
    "check",
    "db_hint",
    "draft_article",
    "ingest",
    "sample_paths",
    "validate_files",
]
