"""What every export shares: the facts as the record stated them on the knowledge date, and titles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

from events.records import Fact
from projections.knowledge import FactView
from timeline.occurred import shown
from timeline.present.result_views import ExportSet


def views(data: ExportSet, retracted: bool = False) -> Iterator[tuple[Fact, FactView]]:
    for fact in data.facts:
        if fact.retracted and not retracted:
            continue
        seen = shown(fact, data.as_of)
        if seen is not None:
            yield fact, seen


def subject(data: ExportSet) -> str:
    """What the export is about, for titles: the project and partner names, or 'Timeline'."""
    return " × ".join(entity.name for entity in data.scope) or "Timeline"


def known(data: ExportSet) -> str:
    return f"as of {data.as_of.isoformat()}" if data.as_of else "as known now"


_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"  # RFC 3986's reserved and unreserved marks; everything else is %-encoded


def safe_url(url: str | None) -> str | None:
    """An address fit to link to from any export: http or https only (never javascript:, data: or file:), with
    every character that could end a link, a line, an attribute or a Markdown autolink (space, quotes, <, >,
    backslash, backquote, control characters, line ends) percent-encoded; None for anything else."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    return quote(url.strip(), safe=_URL_SAFE)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """Text without control characters (tab and line ends kept): each becomes U+FFFD, so nothing is hidden."""
    return _CONTROL.sub("\ufffd", text)
