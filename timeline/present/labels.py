"""Labels: how values read for people, the same in every printout and export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from events.records import Figure, PersonRole, Source
from events.text import counted


def source_label(source: Source) -> str:
    return f"{source.outlet} ({source.language}, {source.reported})"


def number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


def figure_text(figure: Figure) -> str:
    """'urban railway completed: 96.8 km (as written "96,8 km"), deadline 2030'."""
    return "".join(text for text, _ in figure_parts(figure))


def figure_parts(figure: Figure, amount: Callable[[float], str] = number) -> list[tuple[str, bool]]:
    """The pieces of `figure_text` in order, each with whether it is one of the figure's own texts (its metric,
    unit or as written) rather than a marker, a number, a date or the note (the last piece, whatever it holds)."""
    value = figure.value
    parts = [(figure.metric, True)]
    if value is not None:
        low, high = value if isinstance(value, (tuple, list)) else (value, None)
        parts.append((f": {amount(low)}" + (f"–{amount(high)}" if high is not None else ""), False))
        parts += [(" ", False), (figure.unit, True)] if figure.unit else []
    elif figure.unit:
        parts += [(" (", False), (figure.unit, True), (")", False)]
    if figure.as_written:
        parts += [(' (as written "', False), (figure.as_written, True), ('")', False)]
    for label, said in ((", deadline ", figure.deadline), (", vision ", figure.vision), (", note: ", figure.note)):
        parts += [(label + said, False)] if said else []
    return parts


def person_text(person: PersonRole, names: dict[str, str]) -> str:
    details = [names.get(person.office, person.office)] if person.office else []
    details += [person.role] if person.role and person.role not in details else []
    name = names.get(person.person, person.person)
    return f"{name} ({', '.join(details)})" if details else name


def source_text(source: Source) -> str:
    return source_label(source) + (f" {source.url}" if source.url else "")


def stated_text(value: Any, names: dict[str, str]) -> str:
    """A value a source states differently, for people: entity ids as names, lists joined."""
    if isinstance(value, (list, tuple)):
        return "; ".join(stated_text(item, names) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {stated_text(item, names)}" for key, item in value.items() if item is not None)
    if isinstance(value, float):
        return number(value)
    return names.get(value, value) if isinstance(value, str) else str(value)


def field_text(field: str, value: Any, names: dict[str, str]) -> str:
    """A field's value for people, whatever its shape: figures and people read as the printouts write them,
    entity ids as names, lists joined with '; ', nothing left as a Python literal."""
    if value is None or value == [] or value == ():
        return "(none)"
    if field == "figures":
        return "; ".join(figure_text(f if isinstance(f, Figure) else Figure.model_validate(f)) for f in value)
    if field == "people":
        return "; ".join(
            person_text(p if isinstance(p, PersonRole) else PersonRole.model_validate(p), names) for p in value
        )
    if field == "retracted" and isinstance(value, dict):
        return f"on {value.get('on')}: {value.get('reason')}"
    if field == "sources" and isinstance(value, (list, tuple)):
        return "; ".join(source_label(s if isinstance(s, Source) else Source.model_validate(s)) for s in value)
    return stated_text(value, names)


def count_noun(n: int, noun: str, plural: str | None = None) -> str:
    """'1 fact', '2 facts', '0 entities': events.text.counted (the one plural rule), or the plural given."""
    return f"{n} {plural}" if plural and n != 1 else counted(n, noun)
