"""Reading input files (YAML, JSON, JSONL) into raw records that remember where they came from."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from events.inputs import ENTITY_KINDS, ENTITY_SECTIONS
from events.text import clip, quoted
from timeline.errors import Problem

SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")
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

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.anchors: dict[str, Any] = {}  # the state of the Python composer (below)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """A key written twice in one mapping is an error, not a silent "the last one wins"."""
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE:
                    if key.value in seen:
                        raise yaml.constructor.ConstructorError(
                            "while constructing a mapping",
                            node.start_mark,
                            f"found duplicate key {key.value!r}",
                            key.start_mark,
                        )
                    seen.add(key.value)
        return super().construct_mapping(node, deep=deep)


_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
# libyaml's composer recurses in C: input nested ~20,000 levels deep overflows the C stack (a segfault). PyYAML's
# composer (on libyaml's events) recurses in Python, where the depth is bounded and RecursionError is caught.
for _name in (
    "get_single_node",
    "compose_document",
    "compose_node",
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

    def problem(self, message: str, field: str | None = None) -> Problem:
        fact = self.data.get("id") if self.kind == "fact" and isinstance(self.data, dict) else None
        return Problem(self.file, message, self.line, _shown_id(fact) if isinstance(fact, str) else None, field)


def _shown_id(text: str) -> str:
    """A fact's id as messages name it: as written, unless it is huge or holds control characters (it is
    invalid then, and shown escaped and clipped, so that each problem stays one readable line)."""
    shown = text if text.isprintable() else repr(text)[1:-1]
    return shown if len(shown) <= 200 else f"{shown[:60]}… ({len(text)} characters)"


def input_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files named, and input files found under directories named, in a stable order."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif not path.exists():
            problems.append(Problem(str(path), "no such file or directory"))
        elif path.suffix.lower() not in SUFFIXES:
            problems.append(Problem(str(path), f"not an input file; expected one of {', '.join(SUFFIXES)}"))
        else:
            files.append(path)
    return files, problems


def load(paths: Iterable[str | Path]) -> tuple[list[Record], list[Problem]]:
    problems: list[Problem] = []
    records = list(stream(paths, problems))
    return records, problems


def stream(paths: Iterable[str | Path], problems: list[Problem]) -> Iterator[Record]:
    """Every record of the files, one file at a time and a JSONL file one line at a time (memory does not grow
    with the input); file-level problems are added to `problems` as they are found."""
    files, found = input_files(paths)
    problems.extend(found)
    for path in files:
        try:
            if path.suffix.lower() == ".jsonl":
                bad = _first_bad_byte(path)  # a file that is not UTF-8 gives this one problem and no records
                if bad is not None:
                    problems.append(Problem(str(path), f"not UTF-8 text (byte {bad})"))
                    continue
                yield from _jsonl(_lines(path), str(path))
            else:
                yield from parse(path.read_text(encoding="utf-8"), str(path))
        except UnicodeDecodeError as error:
            problems.append(Problem(str(path), f"not UTF-8 text (byte {error.start})"))
        except OSError as error:
            problems.append(Problem(str(path), f"cannot read: {error.strerror}"))
        except _FileProblem as error:
            problems.extend(error.problems)


def _first_bad_byte(path: Path, chunk: int = 1 << 20) -> int | None:
    """Where the file stops being UTF-8 (a byte offset), read a chunk at a time; None if it is UTF-8 throughout."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    fed = 0
    with path.open("rb") as file:
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


def _lines(path: Path) -> Iterator[str]:
    """The file's lines split at '\\n' only (as `text.split("\\n")`: U+2028 or NEL may be in a string)."""
    with path.open(encoding="utf-8", newline="\n") as file:
        for line in file:
            yield line[:-1] if line.endswith("\n") else line


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


def parse(text: str, file: str) -> Iterator[Record]:
    """Records in one file's text; the format follows the file name's suffix."""
    suffix = Path(file).suffix.lower()
    if suffix == ".jsonl":
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
        yield from _yaml(text, file)


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


def _yaml(text: str, file: str) -> Iterator[Record]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise _FileProblem(Problem(file, f"invalid YAML: {error.problem or error.context}", line)) from None
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
        loader.dispose()
    yield from _document(data, file, node)


def _item_lines(node: Any) -> list[int | None]:
    items = getattr(node, "value", None)
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in items]
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
    for index, item in enumerate(items):
        yield Record(kind, item, file, lines[index] if index < len(lines) else None)
