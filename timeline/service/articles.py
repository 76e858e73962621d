"""Drafting from an article: candidate facts as reviewable YAML, named with the store's entities or the sample's."""

from __future__ import annotations

from pathlib import Path

from events.records import Fact
from timeline.errors import InvalidOption
from timeline.service.store import Store
from timeline.service.writing import validate_files
from timeline.storage import database
from timeline.storage.probe import check_is_timeline_store


def sample_paths() -> list[Path]:
    """The bundled sample dataset, recorded from the seed articles."""
    from importlib import resources

    root = resources.files("timeline") / "sample"
    return [Path(str(root / "entities.yaml")), Path(str(root / "facts"))]


def draft_article(
    path: str | Path,
    published: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    lang: str | None = None,
    db: str | None = None,
) -> str:
    """Draft facts from an article file as reviewable YAML: entities (and twins) from the store when there is
    one, else from the bundled sample's entities."""
    from events.dates import InvalidDate
    from timeline.drafting import draft, find_twins, to_yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidOption(f"{path}: cannot read the article: {error.strerror}") from None
    known_facts: dict[str, Fact] = {}
    if db and check_is_timeline_store(database.locate(db)):
        with Store(db) as store:
            records = store.read_models.entities()
            known_facts = {i: s.fact for i, s in store.read_models.fact_states(store.read_models.fact_ids()).items()}
    else:
        records = list(validate_files(sample_paths()[:1]).entities)
    try:
        result = draft(text, records, published=published, lang=lang)
    except InvalidDate as error:
        raise InvalidOption(f"--published: {error}") from None
    find_twins(result.facts, known_facts.values())
    return to_yaml(result, outlet or "REVIEW: outlet", url, known_facts)
