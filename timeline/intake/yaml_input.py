"""YAML input: safe, with dates kept as text, only true/false as booleans, no sets, aliases within a budget,
and a key written twice in one mapping reported (not "the last one wins")."""

from __future__ import annotations

import re
from typing import Any

import yaml

from events.text import quoted
from timeline.errors import Problem
from timeline.intake.files import FileProblem
from timeline.intake.json_input import value_message
from timeline.intake.limits import Limits
from timeline.intake.plain import yaml_message

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


def read_yaml(text: str, file: str, alias_values: int) -> tuple[Any, Any, list[Problem]]:
    """A YAML file's document, its node (for the lines of its items and fields) and a problem for each key
    written twice; FileProblem if it cannot be read."""
    loader = _Loader(text, alias_values)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise FileProblem(Problem(file, f"invalid YAML: {yaml_message(error.problem, error.context)}", line)) from None
    except yaml.reader.ReaderError as error:  # its text spans lines; say what and where on one
        what = f"U+{error.character:04X} " if isinstance(error.character, int) else ""
        raise FileProblem(Problem(file, f"invalid YAML: {error.reason} ({what}at offset {error.position})")) from None
    except yaml.YAMLError as error:
        raise FileProblem(Problem(file, f"invalid YAML: {error}")) from None
    except RecursionError:
        raise FileProblem(Problem(file, "invalid YAML: nested too deeply")) from None
    except ValueError as error:
        raise FileProblem(Problem(file, f"invalid YAML: {value_message(error)}")) from None
    finally:
        duplicates = loader.duplicates
        loader.dispose()
    return data, node, [_duplicate(file, *duplicate) for duplicate in duplicates]


def _duplicate(file: str, key: str, line: int, first: int) -> Problem:
    message = f"duplicate key {quoted(key)}: written twice in one mapping (first on line {first}); keep one"
    return Problem(file, message, line)


def item_lines(node: Any) -> list[int | None]:
    """The line of each item of a YAML sequence."""
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    return []


def section_nodes(node: Any) -> dict[str, Any]:
    """The value node of each key of a YAML mapping (a document's sections)."""
    if isinstance(node, yaml.MappingNode):
        return {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}
    return {}


def item_nodes(node: Any) -> list[Any]:
    return node.value if isinstance(node, yaml.SequenceNode) else []


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
