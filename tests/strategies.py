"""Hypothesis strategies for generated timeline inputs: an entities mapping and facts that reference it.

An `Input` is plain data (what a person would write): `entities` is the entities file's mapping and `facts`
a list of fact mappings whose references name entities by id, name or alias, sometimes in another case,
without diacritics or in NFD form. `write_input` puts it on disk in YAML, JSON or JSONL.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from events.dates import parse_edtf
from events.inputs import FACT_KINDS, STATED_FIELDS, STATUSES
from events.text import match_key

# (id, name, Vietnamese alias[, kind or organisation index]); every match key is distinct within its kind.
PROJECTS = [
    ("metro-line-2", "Hanoi Metro Line 2", "Tuyến đường sắt đô thị số 2"),
    ("yen-xa-wastewater", "Yen Xa Wastewater Treatment", "Hệ thống xử lý nước thải Yên Xá"),
    ("north-hanoi-smart-city", "North Hanoi Smart City", "Thành phố thông minh Bắc Hà Nội"),
    ("vietnam-japan-university", "Vietnam-Japan University", "Trường Đại học Việt Nhật"),
    ("ring-road-4", "Ring Road 4", "Đường Vành đai 4 Vùng Thủ đô"),
    ("nhon-line", "Nhon - Hanoi Station Line", "Tuyến Nhổn - ga Hà Nội"),
]
ORGANISATIONS = [
    ("sumitomo", "Sumitomo Corporation", "Tập đoàn Sumitomo", "company"),
    ("brg", "BRG Group", "Công ty Cổ phần Tập đoàn BRG", "company"),
    ("japan", "Japan", "Nhật Bản", "country"),
    ("hanoi-pc", "Hanoi People's Committee", "Ủy ban nhân dân thành phố Hà Nội", "government"),
    ("guangzhou", "Guangzhou", "Quảng Châu", "city"),
    ("korea", "Republic of Korea", "Hàn Quốc", "country"),
    ("jica", "Japan International Cooperation Agency", "Cơ quan Hợp tác Quốc tế Nhật Bản", "agency"),
]
PEOPLE = [
    ("tran-sy-thanh", "Tran Sy Thanh", "Trần Sỹ Thanh"),
    ("dinh-tien-dung", "Dinh Tien Dung", "Đinh Tiến Dũng"),
    ("yamada-takio", "Yamada Takio", "Ngài Yamada Takio"),
    ("ito-naoki", "Ito Naoki", "Đại sứ Itō Naoki"),
]
OFFICES = [
    ("hanoi-pc-chairman", "Chairman of the Hanoi People's Committee", "Chủ tịch UBND thành phố Hà Nội"),
    ("japan-ambassador-vietnam", "Ambassador of Japan to Vietnam", "Đại sứ Nhật Bản tại Việt Nam"),
]

OUTLETS = ("VNA", "Hanoi Times", "Thời Đại", "Kinh tế & Đô thị", "VnExpress", "Nhân Dân")
LANGUAGES = ("vi", "en")
VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"

FIRST_DAY = date(2020, 1, 1)
LAST_DAY = date(2025, 12, 31)


def strip_diacritics(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D")


@st.composite
def spelling(draw: st.DrawFn, text: str) -> str:
    """The same name as a person might write it: other case, no diacritics, NFD form."""
    how = draw(st.sampled_from(("as-is", "upper", "lower", "bare", "nfd", "bare-lower")))
    return {
        "as-is": text,
        "upper": text.upper(),
        "lower": text.lower(),
        "bare": strip_diacritics(text),
        "nfd": unicodedata.normalize("NFD", text),
        "bare-lower": strip_diacritics(text).lower(),
    }[how]


@dataclass
class Entity:
    kind: str
    id: str
    name: str
    aliases: list[str]
    extra: dict[str, Any] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [self.id, self.name, *self.aliases]

    def as_input(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "aliases": list(self.aliases), **self.extra}


generated_alias = (
    st.lists(st.sampled_from(VIETNAMESE_LETTERS), min_size=3, max_size=8)
    .map("".join)
    .flatmap(
        lambda first: st.lists(st.sampled_from(VIETNAMESE_LETTERS), min_size=2, max_size=6).map(
            lambda second: (first + " " + "".join(second)).capitalize()
        )
    )
)


@st.composite
def entity_pool(draw: st.DrawFn) -> dict[str, list[Entity]]:
    """2-4 projects, 2-4 organisations, 1-3 people, 1-2 offices, each with Vietnamese aliases."""

    def pick(table: list[tuple], low: int, high: int) -> list[tuple]:
        return draw(st.lists(st.sampled_from(table), min_size=low, max_size=high, unique=True))

    def aliases(alias: str, taken: set[str]) -> list[str]:
        """The table's Vietnamese alias (sometimes written in NFD form) and sometimes a generated one."""
        found = [unicodedata.normalize("NFD", alias) if draw(st.booleans()) else alias]
        if draw(st.booleans()):
            extra = draw(generated_alias)
            if match_key(extra) not in taken:
                found.append(extra)
        return found

    pool: dict[str, list[Entity]] = {}
    for kind, table, low, high in (
        ("project", PROJECTS, 2, 4),
        ("organisation", ORGANISATIONS, 2, 4),
        ("person", PEOPLE, 1, 3),
    ):
        taken = {match_key(name) for row in table for name in row[:3]}
        entities = []
        for row in pick(table, low, high):
            entity = Entity(kind, row[0], row[1], aliases(row[2], taken))
            taken |= {match_key(name) for name in entity.aliases}
            if kind == "organisation":
                entity.extra["kind"] = row[3]
            if draw(st.booleans()):
                entity.extra["description"] = draw(st.sampled_from(("Đối tác", "Partner", "Dự án trọng điểm")))
            entities.append(entity)
        pool[kind] = entities
    organisations = pool["organisation"]
    offices = []
    for row in pick(OFFICES, 1, 2):
        owner = draw(st.sampled_from(organisations))
        offices.append(
            Entity(
                "office",
                row[0],
                row[1],
                [row[2]],
                {"organisation": draw(st.sampled_from(owner.names()).flatmap(spelling))},
            )
        )
    pool["office"] = offices
    return pool


def entities_mapping(pool: dict[str, list[Entity]]) -> dict[str, list[dict[str, Any]]]:
    return {
        "projects": [e.as_input() for e in pool["project"]],
        "organisations": [e.as_input() for e in pool["organisation"]],
        "people": [e.as_input() for e in pool["person"]],
        "offices": [e.as_input() for e in pool["office"]],
    }


def ref(entity: Entity) -> st.SearchStrategy[str]:
    return st.sampled_from(entity.names()).flatmap(spelling)


def refs(entities: list[Entity], min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(
        st.sampled_from(entities), min_size=min_size, max_size=len(entities), unique_by=lambda e: e.id
    ).flatmap(lambda chosen: st.tuples(*(ref(e) for e in chosen)).map(list))


days = st.dates(FIRST_DAY, LAST_DAY)


@st.composite
def edtf(draw: st.DrawFn, lo: date = date(2015, 1, 1), hi: date = date(2035, 12, 31), intervals: bool = True) -> str:
    """A mixed EDTF date: a day, month or year, ~ or ?, an interval, an open start."""
    day = draw(st.dates(lo, hi))
    single = draw(st.sampled_from(("day", "month", "year")))
    text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": day.isoformat()[:4]}[single]
    form = draw(
        st.sampled_from(("plain", "plain", "approx", "uncertain", "interval", "open-start", "open-end"))
        if intervals
        else st.just("plain")
    )
    if form == "approx":
        return text + "~"
    if form == "uncertain":
        return text + "?"
    if form == "interval":
        end = day + timedelta(days=draw(st.integers(0, 20 * 365)))
        return f"{text}/{end.isoformat()[: draw(st.sampled_from((4, 7, 10)))]}"
    if form == "open-start":
        return f"../{day.isoformat()}"
    if form == "open-end":
        return f"{text}/.."
    return text


@st.composite
def reported_date(draw: st.DrawFn) -> str:
    """A source's publication date in 2020-2025: mostly a day, sometimes only a month or a year."""
    day = draw(days)
    return day.isoformat()[: draw(st.sampled_from((10, 10, 10, 7, 4)))]


FIGURE_VALUES = (96.8, 120, 11.5, 0, 1e12, [50.0, 55.0], [3, 3], [0.5, 2], None)


@st.composite
def figure(draw: st.DrawFn) -> dict[str, Any]:
    """A figure in every value shape: an integer, a float, a range (a list, as YAML and JSON write it), none;
    each optional key left out, written as null or given (as written with or without a value)."""
    found: dict[str, Any] = {"metric": draw(st.sampled_from(("urban railway completed", "investment")))}
    value = draw(st.sampled_from(FIGURE_VALUES))
    if value is not None or draw(st.booleans()):
        found["value"] = value
    if draw(st.booleans()):
        found["unit"] = draw(st.sampled_from(("km", "million USD", None)))
    if draw(st.booleans()):
        found["as_written"] = "96,8 km" if value == 96.8 else "khoảng 3 km" if value is None else str(value)
    for key in ("deadline", "vision"):
        if draw(st.booleans()):
            found[key] = draw(st.one_of(st.none(), edtf(date(2025, 1, 1), date(2065, 12, 31), intervals=False)))
    if draw(st.booleans()):
        found["note"] = draw(st.sampled_from(("estimated", "khoảng", None)))
    return found


def people(pool: dict[str, list[Entity]]) -> st.SearchStrategy[list[dict[str, Any]]]:
    @st.composite
    def role(draw: st.DrawFn, person: Entity) -> dict[str, Any]:
        found: dict[str, Any] = {"person": draw(ref(person))}
        if draw(st.booleans()):
            found["office"] = draw(st.sampled_from(pool["office"]).flatmap(ref))
        if draw(st.booleans()):
            found["role"] = draw(st.sampled_from(("Chủ tịch", None)))
        return found

    return st.lists(st.sampled_from(pool["person"]), min_size=1, unique_by=lambda p: p.id).flatmap(
        lambda chosen: st.tuples(*(role(person) for person in chosen)).map(list)
    )


@st.composite
def differs(draw: st.DrawFn, pool: dict[str, list[Entity]], target: str | None = None) -> dict[str, Any]:
    """What a source states differently: any of the fields a source may differ on (events.inputs.STATED_FIELDS),
    in every shape a value takes (lists, integers and floats, ranges, null, the main value itself)."""
    stated = {
        "kind": st.sampled_from(FACT_KINDS),
        "occurred": edtf(),
        "status": st.sampled_from(STATUSES),
        "title": st.sampled_from(("Lễ ký kết", "Preview: a meeting is scheduled", "Hội nghị")),
        "summary": st.sampled_from(("Tóm tắt khác.", "Another summary.", None)),
        "projects": refs(pool["project"]),
        "partners": refs(pool["organisation"]),
        "people": people(pool),
        "place": st.sampled_from(("Hà Nội", "Tokyo", None)),
        "figures": st.lists(figure(), max_size=2),
        "target": st.sampled_from((target, "another-target", None)),
        "fulfils": st.sampled_from((target, None)),  # a key the input defines, or none
    }
    assert set(stated) == set(STATED_FIELDS), "a field a source may differ on has no strategy"
    names = draw(st.lists(st.sampled_from(sorted(stated)), min_size=1, max_size=3, unique=True))
    return {name: draw(stated[name]) for name in names}


@st.composite
def source(
    draw: st.DrawFn, pool: dict[str, list[Entity]], number: int, outlet: str, target: str | None = None
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "outlet": outlet,
        "language": draw(st.sampled_from(LANGUAGES)),
        "reported": draw(reported_date()),
    }
    if draw(st.booleans()):
        found["url"] = f"https://news.example/{number}"
    if draw(st.booleans()):
        found["quote"] = draw(
            st.sampled_from(
                ("Ngày 23/3, Bí thư Thành ủy tiếp Đại sứ Nhật Bản.", "on March 23 hosted a reception", "96,8 km")
            )
        )
    if draw(st.integers(0, 2)) == 0:
        found["differs"] = draw(differs(pool, target))
    if draw(st.booleans()):
        found["note"] = "calls BRG 'of Japan'"
    return found


@st.composite
def fact(draw: st.DrawFn, pool: dict[str, list[Entity]], number: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(FACT_KINDS))
    found: dict[str, Any] = {
        "id": f"fact-{number}-{draw(st.sampled_from(('hn', 'gz', 'seoul', 'tokyo')))}",
        "kind": kind,
        "occurred": draw(edtf()),
    }
    if draw(st.booleans()):
        found["status"] = draw(st.sampled_from(STATUSES))
    found["title"] = (
        draw(
            st.sampled_from(
                (
                    "Hanoi receives the Japanese Ambassador",
                    "Lễ khởi công tuyến số 2",
                    "Target restated",
                    "Hội nghị Đô thị Seoul – Hà Nội",
                )
            )
        )
        + f" #{number}"
    )
    if draw(st.booleans()):
        found["summary"] = "Tóm tắt: hợp tác Việt – Nhật."
    found["projects"] = draw(refs(pool["project"], min_size=1))
    partners = draw(refs(pool["organisation"]))
    if partners:
        found["partners"] = partners
    if draw(st.booleans()):
        found["people"] = draw(people(pool))
    if draw(st.booleans()):
        found["place"] = draw(st.sampled_from(("Hanoi", "Hà Nội", "Tokyo")))
    if kind in ("target", "statistic", "milestone") and draw(st.booleans()):
        found["figures"] = draw(st.lists(figure(), min_size=1, max_size=3))
        if kind == "target":
            found["target"] = f"target-{number}"
    outlets = draw(st.lists(st.sampled_from(OUTLETS), min_size=1, max_size=3, unique=True))  # distinct sources
    found["sources"] = [
        draw(source(pool, number * 10 + i, outlet, found.get("target"))) for i, outlet in enumerate(outlets)
    ]
    if draw(st.integers(0, 3)) == 0:
        # never before the first report is public, its last possible day (an impossible date is refused)
        first = min(parse_edtf(s["reported"]).upper_or_max for s in found["sources"])
        on = draw(st.dates(first, max(first, LAST_DAY)))
        found["retracted"] = {"on": on.isoformat(), "reason": "the outlet withdrew the report"}
    if draw(st.booleans()):
        found["notes"] = "Năm 2022 suy ra từ bản tiếng Anh."
    return found


@dataclass
class Input:
    entities: dict[str, list[dict[str, Any]]]
    facts: list[dict[str, Any]]
    formats: tuple[str, str]  # entities file, facts file: yaml | json | jsonl
    pool: dict[str, list[Entity]] = field(repr=False, default_factory=dict)

    def copy(self) -> Input:
        return Input(copy.deepcopy(self.entities), copy.deepcopy(self.facts), self.formats, self.pool)


@st.composite
def inputs(draw: st.DrawFn, min_facts: int = 1, max_facts: int = 8) -> Input:
    pool = draw(entity_pool())
    count = draw(st.integers(min_facts, max_facts))
    facts = [draw(fact(pool, number)) for number in range(count)]
    formats = (draw(st.sampled_from(("yaml", "json", "jsonl"))), draw(st.sampled_from(("yaml", "json", "jsonl"))))
    return Input(entities_mapping(pool), facts, formats, pool)


# What a spreadsheet cell separates items and details with ('; ', ', ', brackets) and the backslash that escapes
# a separator there, in names, roles and outlets (timeline.exports.sheet_cells).
AWKWARD_SUFFIXES = (" (Đợt 2)", "; phase, one", " (A; B), C", ")(", " \\; x\\")
AWKWARD_ROLES = ("Phó Chủ tịch; phụ trách (đô thị), kiêm", "deputy\\", "a\\; b;c; \\\\; d;", "(acting)", ", chair")
# A figure's details: its note is its last one and may hold what starts a figure or another detail.
AWKWARD_METRICS = ("tỷ lệ: đô thị; nông thôn", "\\tracks", "length; total", "x: 5", "a, note: b", "m (km)")
AWKWARD_UNITS = ("km; est.", "USD\\", "km (approx)", "m, deadline 2030")
AWKWARD_AS_WRITTEN = ('3"), vision 2050', "ends with\\", " 96,8 km ", 'a (as written "b")')
AWKWARD_NOTES = (
    "first; then more",
    "count: 5",
    "see; area: 2 km",
    "a, note: b; investment (million USD)",
    ", deadline 2030",
    'x; y (as written "3")',
    "a\\; b; \\investment",
    "ends with\\",
)
# Numbers the display rounds (`:g`) but a spreadsheet must hold exactly.
AWKWARD_VALUES = (1234567.891, 0.30000000000000004, [1e-07, 2.5e-05], -96.80000000000001)
# Everything a figure's or a source's text in a spreadsheet cell is made of: each marker of the figure format
# (`: ` and a number, a range, ` (unit)`, ` (as written "…")`, `, deadline `, `, vision `, `, note: `), of the
# sources format (` (language, reported) url`), the list's `; `, backslashes, quotes, line breaks and what starts
# a formula; texts are drawn as a few of these pieces in a row (`marked_text`).
MARKER_PIECES = (
    "x", "km", " ", ": ", ":", "5", "-1.5", "–", "–7", "e+3", ", ", ",", ", note: ", ", deadline 2030",
    ", vision 2050", " (", "(", ")", '"', '")', ' (as written "', "(approx)", "; ", ";", "\\", "\\; ", "\\ ",
    "\n", "\r\n", "\t", "\u00a0", "'", "=", "@", " (vi, 2024)", " (en, 2024-05) https://a.example/b", "Báo",
)  # fmt: skip
marked_text = (
    st.lists(st.sampled_from(MARKER_PIECES), min_size=1, max_size=6).map("".join).filter(lambda text: text.strip())
)
# A source's address is the last word of its item: spaces, separators, brackets and backslashes in it.
AWKWARD_ADDRESSES = (
    "https://news.example/a b",
    "https://news.example/x; y (vi, 2024) z\\ w",
    "https://news.example/n\u00a0d\\",
    "https://news.example/q?a=1;b=2",
)


@st.composite
def with_separators(draw: st.DrawFn, data: Input) -> Input:
    """The input with some entities renamed to hold separators (the old name kept as an alias, so references
    still resolve), and some roles and outlets holding them."""
    data = data.copy()
    for section in data.entities.values():
        for entity in section:
            if draw(st.booleans(), label="rename"):
                entity["aliases"] = [*entity.get("aliases", []), entity["name"]]
                entity["name"] += draw(st.sampled_from(AWKWARD_SUFFIXES), label="suffix")
    for fact in data.facts:
        statements = [fact, *(source.get("differs", {}) for source in fact["sources"])]
        for person in (person for stated in statements for person in stated.get("people") or []):
            if draw(st.booleans(), label="awkward role"):
                person["role"] = draw(st.sampled_from(AWKWARD_ROLES), label="role")
        for figure in (figure for stated in statements for figure in stated.get("figures") or []):
            awkward_figure(draw, figure)
        for number, source in enumerate(fact["sources"]):
            if draw(st.booleans(), label="awkward outlet"):
                suffix = st.one_of(st.sampled_from(AWKWARD_SUFFIXES), marked_text)
                source["outlet"] += draw(suffix, label="suffix")
            if draw(st.booleans(), label="awkward address"):
                source["url"] = draw(st.sampled_from(AWKWARD_ADDRESSES), label="address") + f"/{number}"
    return data


def awkward_figure(draw: st.DrawFn, figure: dict[str, Any]) -> None:
    """Some of the figure's metric, unit, as-written text and note holding separators or any of the format's
    markers, and sometimes a value the display rounds."""
    awkward = {
        "metric": AWKWARD_METRICS,
        "unit": AWKWARD_UNITS,
        "as_written": AWKWARD_AS_WRITTEN,
        "note": AWKWARD_NOTES,
    }
    for key, texts in awkward.items():
        if draw(st.booleans(), label=f"awkward {key}"):
            figure[key] = draw(st.one_of(st.sampled_from(texts), marked_text), label=key)
    if draw(st.integers(0, 3), label="awkward value") == 0:
        figure["value"] = draw(st.sampled_from(AWKWARD_VALUES), label="value")


# Writing ------------------------------------------------------------------------------------------------


def dump(data: Any, fmt: str) -> str:
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1)
    raise ValueError(fmt)


def entities_text(entities: dict[str, list[dict[str, Any]]], fmt: str) -> str:
    if fmt == "jsonl":
        kinds = {"projects": "project", "organisations": "organisation", "people": "person", "offices": "office"}
        return "".join(
            json.dumps({"entity": kinds[section], **item}, ensure_ascii=False) + "\n"
            for section, items in entities.items()
            for item in items
        )
    return dump(entities, fmt)


def facts_text(facts: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in facts)
    return dump(facts, fmt)


def write_input(data: Input, directory: Path, stem: str = "facts") -> list[Path]:
    """The entities file and one facts file; returns their paths, entities first."""
    entities_fmt, facts_fmt = data.formats
    entities = directory / f"entities.{entities_fmt}"
    entities.write_text(entities_text(data.entities, entities_fmt), encoding="utf-8")
    facts = directory / f"{stem}.{facts_fmt}"
    facts.write_text(facts_text(data.facts, facts_fmt), encoding="utf-8")
    return [entities, facts]
