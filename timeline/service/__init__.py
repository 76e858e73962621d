"""The application service: the one place that coordinates files, the store and the projections.

It takes plain values (paths, references, dates) and returns view objects; it turns store failures into
`TimelineError`s. The CLI calls one of these once per command and renders what comes back:
- `Store(db)`: an open store, one method per question or task (store.py binds them from the concern modules:
  queries, text_search, knowledge_diff, browse, exporting, maintenance, writing);
- `ingest`, `check`, `draft_article`: the tasks that may run without a store, or create one.

Each name is imported from its module when first used: a query loads neither ingest nor drafting.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
_NAMES = {  # by module
    "articles": ("draft_article", "sample_paths"),
    "bulk": ("Quiet", "Steps"),
    "store": ("Store", "db_hint"),
    "writing": ("CheckReport", "check", "ingest", "validate_files"),
}
_HOMES = {name: module for module, names in _NAMES.items() for name in names}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'timeline.service' has no attribute {name!r}")
    return getattr(import_module(f"timeline.service.{_HOMES[name]}"), name)
