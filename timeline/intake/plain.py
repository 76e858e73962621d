"""Parser messages in plain words: what is wrong, how to write it, and a one-line example of the right shape.

YAML's and pydantic's own messages ("did not find expected key", "Input should be a valid tuple") name the
parser's state, not the writer's mistake; these functions turn them into sentences for people.
"""

from __future__ import annotations

import difflib
from typing import Any

from events.inputs import FACT_KINDS, ORGANISATION_KINDS, STATUSES
from events.text import quoted

# How each field is written, for messages ("e.g. ...").
EXAMPLES = {
    "projects": "projects: [north-hanoi-smart-city]",
    "partners": "partners: [japan, sumitomo]",
    "people": "people: [{person: tran-sy-thanh, office: hanoi-pc-chairman}]",
    "figures": "figures: [{metric: urban railway, value: 96.8, unit: km}]",
    "sources": "sources: [{outlet: VNA, language: en, reported: 2022-03-24}]",
    "retracted": 'retracted: {on: 2024-05-01, reason: "the outlet withdrew the report"}',
    "differs": "differs: {occurred: 2022-03-24}",
    "aliases": 'aliases: ["Hà Nội", Ha Noi]',
    "value": "value: 96.8   (a range: value: [90, 100])",
    "language": "language: vi",
    "reported": "reported: 2022-03-24   (or 2022-03, 2022)",
    "occurred": "occurred: 2022-03-23   (or 2022-03, 2022, 2025?, ../2022-03-23)",
}
# Values people write for a language, and the code they mean.
LANGUAGE_NAMES = {"english": "en", "vietnamese": "vi", "tieng viet": "vi", "chinese": "zh", "korean": "ko",
                  "japanese": "ja", "french": "fr", "eng": "en", "vn": "vi"}  # fmt: skip
ENUMERATIONS = {"kind": FACT_KINDS, "status": STATUSES}


def example(field: str) -> str:
    """'; e.g. partners: [japan, sumitomo]' for the last named part of a field path, or ''."""
    name = field.rsplit(".", 1)[-1].split("[", 1)[0]
    return f"; e.g. {EXAMPLES[name]}" if name in EXAMPLES else ""


def yaml_message(problem: str | None, context: str | None) -> str:
    """A YAML parser error as a sentence about the text."""
    text = (problem or context or "").strip()
    if "mapping values are not allowed" in text:
        return ("a value holds ': ' (a colon and a space), which YAML reads as a new key; put the value in "
                'quotes, e.g. title: "Meeting: Hanoi and Japan"')  # fmt: skip
    if "did not find expected key" in text or "did not find expected '-' indicator" in text:
        return ("this line is not indented like the lines around it (or an earlier quote is not closed); give "
                "each field of a fact the same indentation, e.g. '    title: ...' under '  - id: ...'")  # fmt: skip
    if "could not find expected ':'" in text:
        return "a key without its ':' (or an unclosed quote); write each field as 'name: value', e.g. kind: meeting"
    if "found unexpected end of stream" in text or "found unexpected end of" in text:
        return 'a quote or bracket is opened and never closed; close it, e.g. title: "Meeting"'
    if "found character '\\t'" in text or "\\t" in text:
        return "a tab is used for indentation; YAML indents with spaces only"
    if "found undefined alias" in text:
        return "'*name' refers to no '&name' anchor; write the value out instead"
    if "expected <block end>" in text:
        return ("an item or a key is indented less or more than its neighbours; line the items of a list up "
                "under each other, e.g. '  - id: a' and '  - id: b'")  # fmt: skip
    return text


def pydantic_message(item: dict[str, Any], field: str) -> str | None:
    """A sentence for the pydantic errors people meet most; None to keep the general message."""
    kind, value, name = item["type"], item.get("input"), str(item["loc"][-1]) if item["loc"] else ""
    if kind == "literal_error":
        if name == "kind" and _is_entity(item):
            return _choice("kind of organisation", "kind", value, ORGANISATION_KINDS)
        choices = ENUMERATIONS.get(name)
        return _choice("kind of fact" if name == "kind" else name, name, value, choices) if choices else None
    if kind == "string_pattern_mismatch" and name == "language":
        return _language(value)
    if kind in ("tuple_type", "list_type"):
        return f"must be a list, found {_shown(value)}; write it in brackets or as '- ' items" + example(field)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping of fields, found {_shown(value)}" + example(field)
    if kind in ("string_type",) and isinstance(value, (list, dict)):
        return f"must be one text, found {_shown(value)}" + example(field)
    return None


def _is_entity(item: dict[str, Any]) -> bool:
    return bool(item.get("ctx", {}).get("expected") and "country" in item["ctx"]["expected"])


def _choice(what: str, name: str, value: Any, choices: tuple[str, ...]) -> str:
    shown = quoted(value) if isinstance(value, str) else _shown(value)
    close = difflib.get_close_matches(str(value).lower(), choices, n=1, cutoff=0.7) if value is not None else []
    hint = f"did you mean {close[0]!r}? " if close else ""
    sample = close[0] if close else choices[0]
    return f"{shown} is not a {what}; {hint}write one of {', '.join(choices)}, e.g. {name}: {sample}"


def _language(value: Any) -> str:
    shown = quoted(value) if isinstance(value, str) else _shown(value)
    meant = None
    if isinstance(value, str):
        lowered = value.strip().lower()
        meant = LANGUAGE_NAMES.get(lowered) or (lowered if lowered.isalpha() and 2 <= len(lowered) <= 3 else None)
    hint = f"did you mean {meant!r}? " if meant else ""
    return (
        f"{shown} is not a language code; {hint}write the two- or three-letter lowercase ISO 639 code, "
        "e.g. language: vi"
    )


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"the text {quoted(value)}"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__
