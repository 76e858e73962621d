"""Markdown: a chronology with sources as footnotes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from timeline.exports._common import known, printable, safe_url, subject, views
from timeline.exports.spool import Spool
from timeline.present.labels import field_text, source_label
from timeline.present.result_views import ExportSet

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
_HTML = {"<": "&lt;", ">": "&gt;"}


def md_text(value: str) -> str:
    """User text inline: Markdown's markup characters escaped, < and > as entities (so no raw HTML, no
    autolink), control characters made visible, line ends as spaces."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(printable(value).split()))
    return re.sub("[<>]", lambda found: _HTML[found.group()], escaped)


def md_link(url: str | None) -> str:
    """An autolink for an http(s) address (percent-encoded, so it cannot end early); other schemes
    (javascript:, data:) are shown as text, never linked."""
    address = safe_url(url)
    if address:
        return f"<{address}>"
    return md_text(url) if url else ""


def write(data: ExportSet) -> str:
    return "".join(stream(data))


def stream(data: ExportSet) -> Iterator[str]:
    """A chronology: one item per fact (date, kind, title, summary, partners), each source a numbered footnote;
    a source cited by several facts (same outlet, language, day, address and headline) has one footnote. The
    footnotes, written after every item, wait on disk (timeline.exports.spool), not in memory."""
    with Spool() as notes:
        yield from _items(data, notes)
        if notes.numbered:
            yield "\n"
        for _, text in notes.pieces():
            yield text + "\n"


def _items(data: ExportSet, notes: Spool) -> Iterator[str]:
    names = data.names
    lines = [f"# {md_text(subject(data))} — chronology {known(data)}", ""]
    if data.window.since or data.window.until:
        since = data.window.since.isoformat() if data.window.since else "…"
        until = data.window.until.isoformat() if data.window.until else "…"
        lines += [f"Occurred {since} to {until}.", ""]
    count = 0
    for _, seen in views(data):
        yield "".join(line + "\n" for line in lines)
        lines = []
        fact = seen.fact
        count += 1
        marks = ""
        for source in fact.sources:
            number, first = notes.number(repr((*source.key(), source.title)))
            if first:
                text = md_text(source_label(source))
                if source.title:
                    text += f", “{md_text(source.title)}”"
                if source.url:
                    text += f", {md_link(source.url)}"
                notes.add(0, f"[^{number}]: {text}")
            marks += f"[^{number}]"
        status = f", {fact.status}" if fact.status != "happened" else ""
        lines.append(f"- **{md_text(seen.occurred.display())}** ({fact.kind}{status}) {md_text(fact.title)}{marks}")
        if fact.summary:
            lines.append(f"  {md_text(fact.summary)}")
        if fact.partners:
            lines.append(f"  Partners: {md_text(', '.join(names.get(p, p) for p in fact.partners))}.")
        for d in seen.disagreements:
            said = ", ".join(source_label(s) for s in d.sources)
            stated = field_text(d.field, d.value, names)
            lines.append(f"  Disagreement: {md_text(d.field)} = {md_text(stated)} per {md_text(said)}.")
    if not count:
        lines.append("No facts.")
    yield "".join(line + "\n" for line in lines)
