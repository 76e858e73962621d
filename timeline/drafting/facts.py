"""Draft facts from a page: each body sentence with a kind cue becomes at most one fact per date (one event, one
fact), dated by the first rule of OCCURRED that applies; a sentence with no date of its own is dated honestly
(a statistic as of the publication day, a happening by it, a statement at an event on the event's day)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from events.domain import EntityRecord
from events.text import fold
from timeline.drafting.cues import is_future, kinds_of
from timeline.drafting.dates import Found, find_dates
from timeline.drafting.entities import Matcher, people_of, unknown_names
from timeline.drafting.language import guess_language
from timeline.drafting.numbers import Number, find_numbers
from timeline.drafting.page import Sentence, split_page
from timeline.drafting.stamps import UNKNOWN_YEAR, Published, parse_or_none, publication


@dataclass
class DraftFigure:
    metric: str
    value: float | tuple[float, float] | None
    unit: str | None
    as_written: str
    deadline: str | None = None
    vision: str | None = None


@dataclass
class DraftFact:
    id: str
    kind: str
    cue: str
    occurred: str
    date_how: str
    sure: str  # stated | inferred | unresolved
    status: str
    quote: str
    offset: int
    projects: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    people: list[tuple[str, str | None]] = field(default_factory=list)
    figures: list[DraftFigure] = field(default_factory=list)
    twin_of: str | None = None  # a store fact this one matches
    twin_note: str | None = None
    inherited: bool = False  # dated from the event named before it, not by a date of its own
    names: frozenset[str] = frozenset()  # entity ids and capitalised names in the sentence

    @property
    def needs_review(self) -> bool:
        return UNKNOWN_YEAR in self.occurred or "XX" in self.occurred


@dataclass
class Draft:
    published: Published
    title: str | None
    facts: list[DraftFact]
    unknown: list[str]
    skipped: tuple[str, ...]
    body_end: int
    lang: str


@dataclass(frozen=True)
class Dating:
    """What a sentence's date rules see: its mentions and the article's days."""

    kind: str
    found: list[Found]
    stated: tuple[str, str, str]  # (edtf, how, sure): the day the article speaks from
    at_event: tuple[str, str] | None  # (day, how) when the sentence speaks at the event named before it

    def first(self, role: str) -> Found | None:
        return next((f for f in self.found if f.role == role), None)


Dated = tuple[str, str, str, bool]  # occurred, how, sure, inherited
# A sentence that speaks at, or of, the event named before it ("Speaking at the forum", "Tại buổi tiếp",
# "This agreement ...") is that event's day, not a new fact.
_AT_EVENT = re.compile(
    r"\b(speaking at|(?:at|during) the (?:forum|meeting|event|ceremony|talks|reception|session|"
    r"conference|visit)|on the occasion|this (?:agreement|visit|meeting|event)|the agreement had|"
    r"phát biểu tại|tại buổi|trong buổi|tại (?:diễn đàn|hội nghị|hội thảo|lễ|sự kiện)|"
    r"trong (?:diễn đàn|hội nghị|hội thảo)|nhân dịp|dịp này|nhân đây|đây là chuyến thăm)\b",
    re.IGNORECASE,
)
_HAPPENINGS = ("meeting", "agreement", "milestone", "announcement", "appointment")


def _target(d: Dating) -> Dated | None:
    if d.kind != "target":
        return None
    event = d.first("event")
    if event is not None:
        return event.edtf, f"{event.how} ({event.written!r})", event.sure, False
    return d.stated[0], d.stated[1] + "; the horizon is in figures", d.stated[2], False


def _bounded_event(d: Dating) -> Dated | None:
    event, bound = d.first("event"), d.first("bound")
    if event is None or bound is None or d.kind not in ("appointment", "milestone", "statistic"):
        return None
    return (
        f"../{event.edtf}",
        f"{bound.written!r}: bounded as true by the day named, {event.how} ({event.written!r})",
        event.sure,
        False,
    )


def _event(d: Dating) -> Dated | None:
    event = d.first("event")
    return (event.edtf, f"{event.how} ({event.written!r})", event.sure, False) if event else None


def _statistic_year(d: Dating) -> Dated | None:
    year = d.first("relyear") or d.first("year")
    if d.kind != "statistic" or year is None:
        return None
    return year.edtf, f"the statistic's year, {year.how} ({year.written!r})", year.sure, False


def _at_event(d: Dating) -> Dated | None:
    if d.at_event is None or d.first("year") or d.kind == "statistic":
        return None
    if not d.at_event[0]:  # the event it speaks at is the article's own, undated: the day it speaks from
        return d.stated[0], "a statement at the article's event; " + d.stated[1], d.stated[2], True
    return d.at_event[0], d.at_event[1], "inferred", True


def _as_of(d: Dating) -> Dated | None:
    """A statistic or status with no date: true as of the day the article speaks from."""
    if d.kind not in ("statistic", "appointment") and d.first("bound") is None:
        return None
    day, how, sure = d.stated
    bound = d.first("bound")
    if bound is not None:
        return bound.edtf, f"{bound.how} ({bound.written!r})", bound.sure, False
    if d.kind == "appointment":
        day = f"../{day}" if day != UNKNOWN_YEAR else day
    return day, "no date of its own: as of the day it was reported; " + how, sure, False


def _year_only(d: Dating) -> Dated | None:
    year = d.first("year")
    return (year.edtf, f"only a year is given ({year.written!r})", "stated", False) if year else None


def _undated_meeting(d: Dating) -> Dated | None:
    """A meeting the text gives no day for is background or a restatement: propose nothing rather than guess."""
    return ("", "", "", False) if d.kind == "meeting" else None


def _happened_by(d: Dating) -> Dated | None:
    day, how, sure = d.stated
    if day == UNKNOWN_YEAR:
        return day, "no date in the sentence or on the page", "unresolved", False
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):  # a month or a year: the happening is within it
        return day, "no date of its own: within the publication date; " + how, sure, False
    return f"../{day}", "no date of its own: happened by the day it was reported; " + how, sure, False


OCCURRED: tuple[Callable[[Dating], Dated | None], ...] = (
    _target,
    _bounded_event,
    _event,
    _statistic_year,
    _at_event,
    _as_of,
    _year_only,
    _undated_meeting,
    _happened_by,
)


def _occurred(dating: Dating) -> Dated:
    return next(result for rule in OCCURRED if (result := rule(dating)) is not None)


def _day_of(found: Found) -> date | None:
    if found.role == "event" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", found.edtf):
        return date.fromisoformat(found.edtf)
    return None


def _stated_day(pub: Published, main: tuple[date, str] | None) -> tuple[str, str, str]:
    """The day the article speaks from: the publication day; else the first day the body names when it lies
    within the publication date; else the publication date as given; else unknown."""
    if pub.day:
        return pub.day.isoformat(), f"the publication date ({pub.how})", "inferred"
    parsed = parse_or_none(pub.edtf)
    if main and parsed and parsed.lower and parsed.upper and parsed.lower <= main[0] <= parsed.upper:
        return main[0].isoformat(), f"the article's main day, {main[1]}", "inferred"
    if pub.edtf:
        return pub.edtf, f"the publication date ({pub.how})", "inferred"
    return UNKNOWN_YEAR, "no date in the sentence or on the page", "unresolved"


def draft(text: str, records: Iterable[EntityRecord], published: str | None = None, lang: str | None = None) -> Draft:
    """Candidate facts from an article's own text, with how each date was resolved."""
    page = split_page(text)
    lang = lang or guess_language(" ".join(s.text for s in page.sentences) or text[: page.body_end])
    pub = publication(text, published)
    matcher = Matcher(list(records))
    anchor: date | None = pub.day
    main: tuple[date, str] | None = None
    last_event: tuple[str, str] | None = None
    prepared: list[tuple[Sentence, list[Found], tuple[str, str] | None]] = []
    for sentence in page.sentences:
        found = find_dates(sentence.text, pub, lang, anchor)
        prepared.append((sentence, found, last_event))
        for f in found:
            day = _day_of(f)
            if f.role == "event" and not f.edtf.startswith("../"):
                last_event = (f.edtf, f"a statement at the event named before it ({f.written!r})")
            if day is not None and not is_future(sentence.text):
                anchor = day
                main = main or (day, f"{f.how} ({f.written!r})")
    stated = _stated_day(pub, main)
    facts: list[DraftFact] = []
    used_ids: set[str] = set()
    for sentence, found, before in prepared:
        at_event = (
            (before or ("", ""))
            if _AT_EVENT.search(sentence.text) and not any(f.role == "event" for f in found)
            else None
        )
        facts.extend(_facts_of(sentence, found, lang, matcher, stated, at_event, used_ids))
    unknown: list[str] = []
    for sentence in page.sentences:
        unknown.extend(n for n in unknown_names(sentence.text, matcher) if n not in unknown)
    return Draft(pub, page.title, _merge_same_event(facts), unknown, page.skipped, page.body_end, lang)


def _facts_of(
    sentence: Sentence,
    found: list[Found],
    lang: str,
    matcher: Matcher,
    stated: tuple[str, str, str],
    at_event: tuple[str, str] | None,
    used_ids: set[str],
) -> list[DraftFact]:
    numbers = find_numbers(sentence.text, lang, found)
    horizon = next((f for f in found if f.role == "horizon"), None)
    vision = next((f for f in found if f.role == "vision"), None)
    kinds = kinds_of(sentence.text, bool(numbers), bool(horizon or vision))
    if not kinds and any(_day_of(f) or f.edtf.startswith(UNKNOWN_YEAR + "-") for f in found if f.role == "event"):
        kinds = [("announcement", "a dated sentence with no cue: kind for review")]
    mentions = matcher.find(sentence.text)
    names = frozenset({m.entity.id for m in mentions} | {fold(n) for n in unknown_names(sentence.text, matcher)})
    future = is_future(sentence.text)
    out: list[DraftFact] = []
    relyear = next((f for f in found if f.role == "relyear"), None)
    for kind, cue in kinds:
        if kind == "target" and not (numbers or horizon or vision or relyear):
            continue  # a goal with no figure and no horizon is not a target to record
        occurred, how, sure, inherited = _occurred(Dating(kind, found, stated, at_event))
        undated = how.startswith("no date of its own")
        if not occurred or any(
            f.occurred == occurred or undated and f.occurred.removeprefix("../") == occurred.removeprefix("../")
            for f in out
        ):
            continue  # nothing to propose, or one event, one fact: the sentence's strongest kind on this date
        status = "scheduled" if future and kind in _HAPPENINGS else "happened"
        out.append(
            DraftFact(
                _fresh_id(f"{_slug(sentence.text, 5)}-{kind}", used_ids),
                kind,
                cue,
                occurred,
                how,
                sure,
                status,
                sentence.text,
                sentence.start,
                _unique(m.entity.id for m in mentions if m.entity.entity == "project"),
                _unique(m.entity.id for m in mentions if m.entity.entity == "organisation"),
                people_of(mentions),
                _figures(kind, numbers, horizon, vision, relyear),
                inherited=inherited,
                names=names,
            )
        )
    return out


def _figures(
    kind: str, numbers: list[Number], horizon: Found | None, vision: Found | None, relyear: Found | None
) -> list[DraftFigure]:
    if kind not in ("target", "statistic", "milestone"):
        return []
    deadline = horizon.edtf if horizon else relyear.edtf if (relyear and kind == "target") else None
    target = kind == "target"
    figures = [
        DraftFigure(
            n.unit or "REVIEW: name the metric",
            n.value,
            n.unit,
            n.as_written,
            deadline if target else None,
            vision.edtf if (vision and target) else None,
        )
        for n in numbers
    ]
    if target and not figures and (deadline or vision):
        written = (horizon or relyear or vision).written  # type: ignore[union-attr]
        figures = [
            DraftFigure("REVIEW: name the metric", None, None, written, deadline, vision.edtf if vision else None)
        ]
    return figures


def _merge_same_event(facts: list[DraftFact]) -> list[DraftFact]:
    """A later sentence about an event already drafted (same kind and day, dated from it or naming the same
    people) is that fact, not a new one; separate meetings on one day stay separate."""
    kept: list[DraftFact] = []
    for fact in facts:
        same = [k for k in kept if k.kind == fact.kind and k.occurred == fact.occurred]
        if any(fact.inherited or (fact.kind == "meeting" and (fact.names & k.names or not fact.names)) for k in same):
            continue
        kept.append(fact)
    return kept


def _fresh_id(base: str, used: set[str]) -> str:
    fact_id, n = base, 2
    while fact_id in used:
        fact_id, n = f"{base}-{n}", n + 1
    used.add(fact_id)
    return fact_id


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _slug(text: str, limit: int = 6) -> str:
    words = [w for w in fold(text).split() if w.isalnum()][:limit]
    return "-".join(words) or "fact"
