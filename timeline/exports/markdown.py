"""Markdown: a chronology with sources as footnotes."""

from __future__ import annotations

import re
from typing import Any

from timeline.exports._common import known, subject, views
from timeline.present.labels import source_label
from timeline.present.views import ExportSet

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md_text(value: str) -> str:
    """User text inline: Markdown's markup characters escaped, line ends as spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def write(data: ExportSet) -> str:
    """A chronology: one item per fact (date, kind, title, summary, partners), each source a numbered footnote;
    a source cited by several facts (same outlet, language, day, address and headline) has one footnote."""
    names = data.names
    notes: dict[tuple[Any, ...], int] = {}
    texts: list[str] = []
    lines = [f"# {md_text(subject(data))} — chronology {known(data)}", ""]
    if data.window.since or data.window.until:
        since = data.window.since.isoformat() if data.window.since else "…"
        until = data.window.until.isoformat() if data.window.until else "…"
        lines += [f"Occurred {since} to {until}.", ""]
    count = 0
    for _, seen in views(data):
        fact = seen.fact
        count += 1
        marks = ""
        for source in fact.sources:
            key = (*source.key(), source.title)
            if key not in notes:
                notes[key] = len(notes) + 1
                text = md_text(source_label(source))
                if source.title:
                    text += f", “{md_text(source.title)}”"
                if source.url:
                    text += f", <{source.url}>"
                texts.append(f"[^{notes[key]}]: {text}")
            marks += f"[^{notes[key]}]"
        status = f", {fact.status}" if fact.status != "happened" else ""
        lines.append(f"- **{md_text(seen.occurred.display())}** ({fact.kind}{status}) {md_text(fact.title)}{marks}")
        if fact.summary:
            lines.append(f"  {md_text(fact.summary)}")
        if fact.partners:
            lines.append(f"  Partners: {md_text(', '.join(names.get(p, p) for p in fact.partners))}.")
        for d in seen.disagreements:
            said = ", ".join(source_label(s) for s in d.sources)
            lines.append(f"  Disagreement: {md_text(d.field)} = {md_text(str(d.value))} per {md_text(said)}.")
    if not count:
        lines.append("No facts.")
    if texts:
        lines += ["", *texts]
    return "\n".join(lines) + "\n"
