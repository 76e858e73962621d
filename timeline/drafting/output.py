"""The draft as YAML in the engine's input format, for a reviewer to edit: every guess carries a `# review:`
comment, every value the text does not give is a `REVIEW:` placeholder or an `XXXX` year, and a fact that
matches a stored one (a twin) is printed as that fact with this article added to its sources."""

from __future__ import annotations

import json
from typing import Any

import yaml

from events.text import clip
from timeline.drafting.facts import Draft, DraftFact, DraftFigure
from timeline.drafting.outlets import outlet_for
from timeline.drafting.stamps import UNKNOWN_YEAR

REVIEW_OUTLET = "REVIEW: outlet"


def _q(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) and abs(value) < 1e15 else repr(value)
    return json.dumps(value, ensure_ascii=False)


def clip_title(text: str, width: int = 100) -> str:
    return clip(text.strip().rstrip("."), width)


def _header(result: Draft, outlet: str, outlet_how: str) -> list[str]:
    pub = result.published
    out = [
        f"# Draft from an article ({result.lang}); review every fact before ingesting.",
        f"# publication date: {pub.edtf or 'unknown'} — {pub.how}",
        f"# outlet: {outlet_how}",
    ]
    if not pub.edtf:
        out.append(
            f"# review: replace every {UNKNOWN_YEAR} below (the publication date and any year the text "
            "leaves out); never guess."
        )
    if result.skipped:
        out.append(f"# skipped {len(result.skipped)} caption/menu/byline/title line(s) in the body area")
    out.append(f"# page furniture (related news, most read, multimedia...) from offset {result.body_end} is ignored")
    return out + [""]


class _Writer:
    """Writes one draft; holds what every source line shares (outlet, language, date, address, title)."""

    def __init__(self, result: Draft, outlet: str, url: str | None) -> None:
        self.result, self.outlet, self.url = result, outlet, url
        self.reported = result.published.edtf or UNKNOWN_YEAR

    def source(self, fact: DraftFact, indent: str) -> list[str]:
        unknown = "" if self.result.published.edtf else "  # review: publication date unknown"
        flag = "  # review: the outlet" if self.outlet.startswith("REVIEW") else ""
        lines = [
            f"{indent}- outlet: {_q(self.outlet)}{flag}",
            f"{indent}  language: {self.result.lang}",
            f"{indent}  reported: {_q(self.reported)}{unknown}",
        ]
        if self.url:
            lines.append(f"{indent}  url: {_q(self.url)}")
        if self.result.title:
            lines.append(f"{indent}  title: {_q(self.result.title)}")
        return lines + [f"{indent}  quote: {_q(fact.quote)}"]

    def twin(self, fact: DraftFact, stored: Any) -> list[str]:
        key = (self.outlet.casefold(), self.result.lang, self.reported, self.url or "")
        if any(s.key() == key for s in stored.sources):
            return [
                f"# twin: {fact.twin_of} already has this article as a source ({fact.kind}, {fact.occurred}); "
                "nothing to add",
                "",
            ]
        out = [
            f"# twin: this {fact.kind} on {fact.occurred} matches stored fact {fact.twin_of}: proposed as a "
            "new source of it (main values as stored)",
            f"# review: date {fact.occurred}: {fact.date_how} [{fact.sure}]",
            f"- id: {fact.twin_of}",
        ]
        data = stored.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        sources = data.pop("sources")
        body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000).splitlines()
        out.extend("  " + line for line in body if not line.startswith("id:"))
        out.append("  sources:")
        for source in sources:
            dumped = yaml.safe_dump([source], allow_unicode=True, sort_keys=False, width=1000).splitlines()
            out.extend("    " + line for line in dumped)
        return out + self.source(fact, "    ") + [""]

    def fact(self, fact: DraftFact) -> list[str]:
        flag = "  # review: the text does not give this fully; fill it in" if fact.needs_review else ""
        out = [
            f"# review: {fact.kind} (cue {fact.cue!r}); date: {fact.date_how} [{fact.sure}]",
            f"- id: {fact.id}  # review: rename",
            f"  kind: {fact.kind}",
            f"  occurred: {_q(fact.occurred)}{flag}",
        ]
        if fact.status != "happened":
            out.append(f"  status: {fact.status}  # future tense in the sentence")
        out.append(f"  title: {_q(clip_title(fact.quote))}  # review: write a title")
        if fact.projects:
            out.append(f"  projects: [{', '.join(fact.projects)}]")
        if fact.partners:
            out.append(f"  partners: [{', '.join(fact.partners)}]")
        if fact.people:
            out.append("  people:")
            out.extend(
                f"    - {{person: {person}" + (f", office: {office}" if office else "") + "}"
                for person, office in fact.people
            )
        if fact.figures:
            out.append("  figures:")
            for fig in fact.figures:
                out.extend(_figure(fig))
        if fact.kind == "target":
            out.append(f"  target: {fact.id}  # review: the key that groups restatements of this target")
        return out + ["  sources:"] + self.source(fact, "    ") + [""]


def _figure(fig: DraftFigure) -> list[str]:
    out = [
        f"    - metric: {_q(fig.metric)}" + ("  # review: name the metric" if fig.metric.startswith("REVIEW") else "")
    ]
    if fig.value is not None:
        value = fig.value
        out.append(f"      value: {f'[{_q(value[0])}, {_q(value[1])}]' if isinstance(value, tuple) else _q(value)}")
    if fig.unit:
        out.append(f"      unit: {_q(fig.unit)}")
    out.append(f"      as_written: {_q(fig.as_written)}")
    if fig.deadline:
        flag = "  # review: year unknown" if UNKNOWN_YEAR in fig.deadline else ""
        out.append(f"      deadline: {_q(fig.deadline)}{flag}")
    if fig.vision:
        out.append(f"      vision: {_q(fig.vision)}")
    return out


def to_yaml(result: Draft, outlet: str | None, url: str | None, known_facts: dict[str, Any] | None = None) -> str:
    """The draft in the engine's input format, with `# review:` comments; twins become new sources. Without an
    outlet, the address's site gives it (from a small table), else a REVIEW placeholder."""
    known_facts = known_facts or {}
    given = outlet if outlet and not outlet.startswith("REVIEW") else None
    found = None if given else outlet_for(url)
    name = given or found or REVIEW_OUTLET
    how = (
        "given with --outlet"
        if given
        else f"from the address's site ({url})"
        if found
        else "not given and not known from the address: fill it in"
    )
    writer = _Writer(result, name, url)
    out = _header(result, name, how)
    for fact in result.facts:
        stored = known_facts.get(fact.twin_of) if fact.twin_of else None
        out.extend(writer.twin(fact, stored) if stored is not None else writer.fact(fact))
    if result.unknown:
        out.append("# review: names not among the known entities (suggested new entities):")
        out.extend(f"#   - {name}" for name in result.unknown)
    return "\n".join(out) + "\n"
