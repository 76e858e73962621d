"""Reading input files (YAML, JSON, JSONL) into raw records that remember where they came from."""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from events.inputs import ENTITY_KINDS, ENTITY_SECTIONS
from events.text import clip, quoted
from timeline.errors import Problem
from timeline.intake.drafts import unedited_draft
from timeline.intake.limits import Limits, limits, oversized_text
from timeline.intake.plain import yaml_message

SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".csv")
_SECTIONS = {**ENTITY_SECTIONS, "facts": "fact"}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"
_MERGE = "tag:yaml.org,2002:merge"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML that keeps dates as text (EDTF is ours to parse) and reads only true/false as booleans,
    so that `on:` in `retracted: {on: ...}` stays a key, not True."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_TIMESTAMP, _BOOL)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str, alias_values: int = Limits.alias_values) -> None:
        super().__init__(stream)
        self.anchors: dict[str, Any] = {}  # the state of the Python composer (below)
        self.duplicates: list[tuple[str, int, int]] = []  # key, line, line first written
        self.alias_limit = self.alias_budget = alias_values  # values that aliases may (still) add, once expanded
        self.composing: list[str] = []  # anchors of the nodes being composed (an alias to one is a cycle)
        self.weights: dict[int, int] = {}  # values in a composed node, by id, aliases expanded

    def compose_node(self, parent: Any, index: Any) -> Any:
        """PyYAML's composer, counting what each alias adds once expanded: refuse a file whose aliases would
        expand past the budget (a few hundred bytes of nested aliases can stand for billions of values), and
        an alias to a node that contains it."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            if event.anchor in self.composing:
                raise yaml.composer.ComposerError(
                    None, None, f"the alias *{event.anchor} refers to a node that contains it", event.start_mark
                )
            node = yaml.composer.Composer.compose_node(self, parent, index)
            self.alias_budget -= self._weight(node)
            if self.alias_budget < 0:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"aliases expand to over {self.alias_limit:,} values (TIMELINE_MAX_ALIAS_VALUES); "
                    "write the values out",
                    event.start_mark,
                )
            return node
        anchor = self.peek_event().anchor
        self.composing.append(anchor)
        try:
            return yaml.composer.Composer.compose_node(self, parent, index)
        finally:
            self.composing.pop()

    def _weight(self, node: Any) -> int:
        """How many values a node stands for, aliases expanded (counted once per node: linear time)."""
        known = self.weights.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.MappingNode):
            weight = 1 + sum(self._weight(key) + self._weight(value) for key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            weight = 1 + sum(self._weight(item) for item in node.value)
        else:
            weight = 1
        self.weights[id(node)] = weight
        return weight

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """A key written twice in one mapping is an error, not a silent "the last one wins"; it is noted and the
        rest of the file is still read and checked."""
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE:
                    if key.value in seen:
                        self.duplicates.append((key.value, key.start_mark.line + 1, seen[key.value]))
                    seen.setdefault(key.value, key.start_mark.line + 1)
        return super().construct_mapping(node, deep=deep)


_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
# libyaml's composer recurses in C: input nested ~20,000 levels deep overflows the C stack (a segfault). PyYAML's
# composer (on libyaml's events) recurses in Python, where the depth is bounded and RecursionError is caught.
for _name in (
    "get_single_node",
    "compose_document",
    "compose_scalar_node",
    "compose_sequence_node",
    "compose_mapping_node",
):
    setattr(_Loader, _name, getattr(yaml.composer.Composer, _name))


def _no_sets(loader: yaml.BaseLoader, node: yaml.Node) -> Any:
    """`!!set` would be read as a list in no stable order (it is a Python set): refuse it."""
    raise yaml.constructor.ConstructorError(None, None, "a !!set is not allowed here; write a list", node.start_mark)


_Loader.add_constructor("tag:yaml.org,2002:set", _no_sets)


@dataclass(frozen=True, slots=True)
class Record:
    """One entity or fact as written: its kind ('fact' or an entity kind), raw data and location."""

    kind: str
    data: Any
    file: str
    line: int | None
    fields: dict[str, int] | None = None  # field path ('sources[0].language') -> its line, for YAML

    def problem(self, message: str, field: str | None = None) -> Problem:
        fact = self.data.get("id") if self.kind == "fact" and isinstance(self.data, dict) else None
        return Problem(
            self.file, message, self.line_of(field), _shown_id(fact) if isinstance(fact, str) else None, field
        )

    def line_of(self, field: str | None) -> int | None:
        """The line of the field (or of its nearest enclosing field written), else of the record."""
        path = field or ""
        while path and self.fields:
            if path in self.fields:
                return self.fields[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.line


def _shown_id(text: str) -> str:
    """A fact's id as messages name it: as written, unless it is huge or holds control characters (it is
    invalid then, and shown escaped and clipped, so that each problem stays one readable line)."""
    shown = text if text.isprintable() else repr(text)[1:-1]
    return shown if len(shown) <= 200 else f"{shown[:60]}… ({len(text)} characters)"


def input_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files named, and input files found under directories named, in a stable order; a directory that cannot
    be read is a problem, not an empty directory."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            problems.append(Problem(str(path), "no such file or directory"))
            continue
        except OSError as error:
            problems.append(Problem(str(path), f"cannot read: {error.strerror}"))
            continue
        if stat.S_ISDIR(mode):
            found, unreadable = _walk(path)
            files.extend(found)
            problems.extend(unreadable)
        elif path.suffix.lower() not in SUFFIXES:
            problems.append(Problem(str(path), f"not an input file; expected one of {', '.join(SUFFIXES)}"))
        else:
            files.append(path)
    return files, problems


def _walk(directory: Path) -> tuple[list[Path], list[Problem]]:
    """Input files under a directory (sorted), and a problem for each directory that cannot be listed."""
    problems: list[Problem] = []

    def unreadable(error: OSError) -> None:
        problems.append(Problem(str(error.filename), f"cannot read the directory: {error.strerror}"))

    found = [
        Path(root) / name
        for root, _, names in os.walk(directory, onerror=unreadable)
        for name in names
        if Path(name).suffix.lower() in SUFFIXES
    ]
    return sorted(found), problems


def load(paths: Iterable[str | Path]) -> tuple[list[Record], list[Problem]]:
    problems: list[Problem] = []
    records = list(stream(paths, problems))
    return records, problems


def stream(paths: Iterable[str | Path], problems: list[Problem]) -> Iterator[Record]:
    """Every record of the files, a YAML or JSON file at a time and a JSONL file a line at a time (memory does not
    grow with the input); file-level problems, and records over a limit, are added to `problems` as found."""
    limit = limits()
    files, found = input_files(paths)
    problems.extend(found)
    for path in files:
        try:
            text: str | None = None
            if path.suffix.lower() == ".jsonl":
                records = _jsonl(_lines(path, limit.file_bytes), str(path))
            else:
                text = read_input(path, limit.file_bytes)
                records = parse(text, str(path), limit.alias_values)
            read: list[Record] = []  # a YAML or JSON file's records (parsed whole anyway), for the draft check
            for record in records:
                too_long = oversized_text(record.data, limit.text_chars)
                if too_long is None:
                    if text is not None:
                        read.append(record)
                    yield record
                    continue
                field, length = too_long
                message = f"{length:,} characters, over the limit of {limit.text_chars:,} (TIMELINE_MAX_TEXT)"
                problems.append(record.problem(message, field))
            if text is not None:
                problems.extend(unedited_draft(text, str(path), read))
        except _FileProblem as error:
            problems.extend(error.problems)
        except OSError as error:
            problems.append(Problem(str(path), f"cannot read: {error.strerror}"))


def _lines(path: Path, most: int) -> Iterator[str]:
    """A JSONL file's lines, split at '\\n' only (as `text.split("\\n")`: U+2028 or NEL may be in a string), each
    up to `most` bytes. A file that is not UTF-8 gives that one problem and no lines."""
    handle, _ = _open_regular(path)
    with os.fdopen(handle, "rb") as file:
        bad = _first_bad_byte(file)
        if bad is not None:
            raise _FileProblem(Problem(str(path), f"not UTF-8 text (byte {bad})"))
        file.seek(0)
        for number, line in enumerate(iter(lambda: file.readline(most + 1), b""), start=1):
            if len(line) > most and not line.endswith(b"\n"):
                limit = f"over the limit of {most:,} bytes (TIMELINE_MAX_FILE_BYTES)"
                raise _FileProblem(Problem(str(path), f"line {number} is {limit}", number))
            text = line.removesuffix(b"\n").decode("utf-8")
            yield text.removeprefix("\ufeff") if number == 1 else text  # a byte-order mark, as Notepad writes


def _first_bad_byte(file: BinaryIO, chunk: int = 1 << 20) -> int | None:
    """Where the file stops being UTF-8 (a byte offset), read a chunk at a time; None if it is UTF-8 throughout."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    fed = 0
    while True:
        data = file.read(chunk)
        pending = len(decoder.getstate()[0])  # bytes of the last chunk's unfinished character
        try:
            decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            return fed - pending + error.start
        if not data:
            return None
        fed += len(data)


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """A descriptor of a regular file (never a FIFO, a device or a link to one: they block or never end)."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # opening a FIFO would wait for a writer
    except OSError as error:
        raise _FileProblem(Problem(str(path), f"cannot read: {error.strerror}")) from None
    try:
        info = os.fstat(handle)
    except OSError as error:
        os.close(handle)
        raise _FileProblem(Problem(str(path), f"cannot read: {error.strerror}")) from None
    if not stat.S_ISREG(info.st_mode):
        os.close(handle)
        raise _FileProblem(Problem(str(path), f"not a regular file ({_kind(info.st_mode)}); only files are read"))
    return handle, info


def read_input(path: Path, most: int) -> str:
    """A regular file's text, up to `most` bytes."""
    handle, info = _open_regular(path)
    try:
        if info.st_size > most:
            raise _FileProblem(
                Problem(str(path), f"{info.st_size:,} bytes, over the limit of {most:,} (TIMELINE_MAX_FILE_BYTES)")
            )
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(most + 1)
    except OSError as error:
        raise _FileProblem(Problem(str(path), f"cannot read: {error.strerror}")) from None
    finally:
        os.close(handle)
    if len(data) > most:
        raise _FileProblem(Problem(str(path), f"over the limit of {most:,} bytes (TIMELINE_MAX_FILE_BYTES)"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _FileProblem(Problem(str(path), f"not UTF-8 text (byte {error.start})")) from None


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a file")


def _json(text: str) -> Any:
    """JSON where a key written twice in one object is an error, not a silent "the last one wins"."""
    return json.loads(text, object_pairs_hook=_unique_keys)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"duplicate key {key!r} in one object")
        found[key] = value
    return found


def _value_message(error: ValueError) -> str:
    """A duplicate key, or an integer too long for Python to convert (over 4300 digits by default)."""
    text = str(error)
    return "a number has too many digits" if "integer string conversion" in text else text


class _FileProblem(Exception):
    def __init__(self, *problems: Problem):
        self.problems = list(problems)


def parse(text: str, file: str, alias_values: int = Limits.alias_values) -> Iterator[Record]:
    """Records in one file's text; the format follows the file name's suffix."""
    suffix = Path(file).suffix.lower()
    text = text.removeprefix("\ufeff")  # a byte-order mark, as Excel and Notepad write UTF-8
    if suffix == ".csv":
        from timeline.intake.spreadsheet import RowProblems, read_csv

        try:
            yield from (Record("fact", data, file, line) for data, line in read_csv(text, file))
        except RowProblems as error:
            raise _FileProblem(*error.problems) from None
    elif suffix == ".jsonl":
        yield from _jsonl(iter(text.split("\n")), file)
    elif suffix == ".json":
        try:
            data = _json(text)
        except json.JSONDecodeError as error:
            raise _FileProblem(Problem(file, f"invalid JSON: {error.msg}", error.lineno)) from None
        except RecursionError:
            raise _FileProblem(Problem(file, "invalid JSON: nested too deeply")) from None
        except ValueError as error:
            raise _FileProblem(Problem(file, f"invalid JSON: {_value_message(error)}")) from None
        yield from _document(data, file, lines=None)
    else:
        yield from _yaml(text, file, alias_values)


def _jsonl(lines: Iterator[str], file: str) -> Iterator[Record]:
    """Each line is independent: every bad line is reported, not only the first."""
    bad: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = _json(line)
        except (RecursionError, ValueError) as error:
            message = (
                error.msg
                if isinstance(error, json.JSONDecodeError)
                else _value_message(error)
                if isinstance(error, ValueError)
                else "nested too deeply"
            )
            bad.append(Problem(file, f"invalid JSON line: {message}", number))
            continue
        if isinstance(data, dict) and "entity" in data:
            kind = data["entity"]
            if kind not in ENTITY_KINDS:
                shown = quoted(kind) if isinstance(kind, str) else clip(repr(kind), 60)
                bad.append(
                    Problem(
                        file,
                        f"unknown entity kind {shown}; expected one of {', '.join(ENTITY_KINDS)}",
                        number,
                        field="entity",
                    )
                )
                continue
            yield Record(kind, {k: v for k, v in data.items() if k != "entity"}, file, number)
        else:
            yield Record("fact", data, file, number)
    if bad:
        raise _FileProblem(*bad)


def _yaml(text: str, file: str, alias_values: int) -> Iterator[Record]:
    loader = _Loader(text, alias_values)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise _FileProblem(Problem(file, f"invalid YAML: {yaml_message(error.problem, error.context)}", line)) from None
    except yaml.reader.ReaderError as error:  # its text spans lines; say what and where on one
        what = f"U+{error.character:04X} " if isinstance(error.character, int) else ""
        raise _FileProblem(Problem(file, f"invalid YAML: {error.reason} ({what}at offset {error.position})")) from None
    except yaml.YAMLError as error:
        raise _FileProblem(Problem(file, f"invalid YAML: {error}")) from None
    except RecursionError:
        raise _FileProblem(Problem(file, "invalid YAML: nested too deeply")) from None
    except ValueError as error:
        raise _FileProblem(Problem(file, f"invalid YAML: {_value_message(error)}")) from None
    finally:
        duplicates = loader.duplicates
        loader.dispose()
    yield from _document(data, file, node)
    if duplicates:
        raise _FileProblem(
            *(
                Problem(
                    file,
                    f"duplicate key {quoted(key)}: written twice in one mapping (first on line {first}); keep one",
                    line,
                )  # fmt: skip
                for key, line, first in duplicates
            )
        )


def _item_lines(node: Any) -> list[int | None]:
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    return []


def _document(data: Any, file: str, lines: Any) -> Iterator[Record]:
    """A document is a list of facts, or a mapping of sections (projects, organisations, ..., facts)."""
    if data is None:
        return
    if isinstance(data, list):
        yield from _section("fact", data, file, lines)
        return
    if not isinstance(data, dict):
        raise _FileProblem(
            Problem(
                file,
                "expected a list of facts or a mapping of sections "
                f"({', '.join(_SECTIONS)}), found {type(data).__name__}",
            )
        )
    section_nodes = {}
    if isinstance(lines, yaml.MappingNode):
        section_nodes = {key.value: value for key, value in lines.value if isinstance(key, yaml.ScalarNode)}
    for key, items in data.items():
        kind = _SECTIONS.get(key) if isinstance(key, str) else None
        if kind is None:
            shown = quoted(key) if isinstance(key, str) else clip(repr(key), 60)
            raise _FileProblem(Problem(file, f"unknown section {shown}; expected one of {', '.join(_SECTIONS)}"))
        if items is None:
            continue
        if not isinstance(items, list):
            raise _FileProblem(Problem(file, f"section {key!r} must be a list, found {type(items).__name__}"))
        yield from _section(kind, items, file, section_nodes.get(key))


def _section(kind: str, items: list[Any], file: str, node: Any) -> Iterator[Record]:
    lines = _item_lines(node) if node is not None else []
    nodes = node.value if isinstance(node, yaml.SequenceNode) else []
    for index, item in enumerate(items):
        fields = field_lines(nodes[index]) if index < len(nodes) else None
        yield Record(kind, item, file, lines[index] if index < len(lines) else None, fields)


def field_lines(node: Any, prefix: str = "", found: dict[str, int] | None = None, depth: int = 0) -> dict[str, int]:
    """Each field path under a YAML node ('title', 'sources[0].language') with the line it is written on."""
    found = {} if found is None else found
    if depth > 20:
        return found
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                path = f"{prefix}.{key.value}" if prefix else str(key.value)
                found.setdefault(path, key.start_mark.line + 1)
                field_lines(value, path, found, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = f"{prefix}[{index}]"
            found.setdefault(path, item.start_mark.line + 1)
            field_lines(item, path, found, depth + 1)
    return found
