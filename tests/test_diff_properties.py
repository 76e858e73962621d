"""Property tests of the knowledge diff's shortcuts: a fact is viewed once per date (once in all when nothing about
it can change between the dates), and the result is what viewing every fact on both dates gives."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import Input, inputs, write_input

from events.records import STATED_FIELDS, Fact
from projections.diff import KnowledgeDiff, knowledge_diff
from projections.knowledge import knowledge_days, view
from projections.targets import target_tracker
from timeline.service import Store

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def stored_facts(data: Input) -> list[Fact]:
    """The input ingested into a fresh store, read back as the query side's records. Called from the tests'
    bodies, never inside a strategy: opening a store on PostgreSQL draws from the `random` module (the
    connection pool's jitter), which hypothesis cannot replay."""
    with tempfile.TemporaryDirectory() as scratch:
        db = str(Path(scratch) / "timeline.db")
        with Store(db, create=True) as store:
            store.ingest(write_input(data, Path(scratch)))
            ids = [state.fact.id for state in store.read_models.fact_states(f["id"] for f in data.facts).values()]
            return [state.fact for state in store.read_models.fact_states(ids).values()]


@st.composite
def two_days(draw: st.DrawFn, facts: list[Fact]) -> tuple[date, date]:
    """Two knowledge dates in order, often on or next to a day something about one of the facts changes."""
    edges = [day for fact in facts for day in knowledge_days(fact)]
    day = st.one_of(
        st.dates(date(2015, 1, 1), date(2036, 12, 31)),
        st.sampled_from(edges).flatmap(lambda d: st.sampled_from((d, d - timedelta(days=1)))),
    )
    first, second = draw(day, label="since"), draw(day, label="until")
    return min(first, second), max(first, second)


def facts_and_two_days(data: Input, draw: st.DataObject) -> tuple[list[Fact], date, date]:
    """The input's stored facts and two knowledge dates drawn for them."""
    facts = stored_facts(data)
    since, until = draw.draw(two_days(facts), label="days")
    return facts, since, until


def every_fact_viewed_on_both_dates(facts: list[Fact], since: date, until: date) -> tuple[object, ...]:
    """The diff without shortcuts: each fact viewed on each date, targets tracked from the facts again."""
    reported, added, changed, retracted = [], [], [], []
    for fact in sorted(facts, key=lambda f: f.id):
        old, new = view(fact, since), view(fact, until)
        if old is None and new is not None:
            reported.append(new)
        elif old is not None and new is None:
            retracted.append((fact.id, fact.retracted.reason if fact.retracted else "no longer visible"))
        elif old is not None and new is not None:
            known = {source.key() for source in old.fact.sources}
            added += [(fact.id, source) for source in new.fact.sources if source.key() not in known]
            changed += [(fact.id, name) for name in STATED_FIELDS if getattr(old.fact, name) != getattr(new.fact, name)]
    before = {t.key: t.state for t in target_tracker(facts, since, since)}
    after = {t.key: t.state for t in target_tracker(facts, until, until)}
    targets = tuple((key, before.get(key), state) for key, state in sorted(after.items()) if before.get(key) != state)
    reported.sort(key=lambda v: (v.occurred.sort_key, v.id))
    return tuple(reported), tuple(added), changed, tuple(retracted), targets


def entries(found: KnowledgeDiff) -> tuple[object, ...]:
    changed = [(change.fact, change.field) for change in found.changed]
    return found.reported, found.sources_added, changed, found.retracted, found.targets


@SETTINGS
@given(inputs(max_facts=6), st.data())
def test_the_diff_is_what_viewing_every_fact_on_both_dates_gives(data: Input, draw: st.DataObject) -> None:
    facts, since, until = facts_and_two_days(data, draw)
    assert entries(knowledge_diff(facts, since, until)) == every_fact_viewed_on_both_dates(facts, since, until)


@SETTINGS
@given(inputs(max_facts=6), st.data())
def test_a_fact_looks_the_same_on_every_day_between_two_of_its_knowledge_days(data: Input, draw: st.DataObject) -> None:
    facts, since, until = facts_and_two_days(data, draw)
    for fact in facts:
        if not any(since < day <= until for day in knowledge_days(fact)):
            assert view(fact, since) == view(fact, until)
