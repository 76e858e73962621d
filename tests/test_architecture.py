"""The tree is the architecture (docs/design.md §8): imports go one way, and contracts the CLI relies on hold."""

from __future__ import annotations

import ast
from pathlib import Path

import click
import pytest

pytestmark = pytest.mark.store_free

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("events", "projections", "timeline", "cli")  # each may import only the ones before it


def first_party_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(LAYERS)


def product_modules() -> list[Path]:
    modules = [ROOT / "cli.py"]
    for package in LAYERS[:-1]:
        modules += sorted((ROOT / package).rglob("*.py"))
    return modules


@pytest.mark.parametrize("path", product_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_one_way_from_events_to_cli(path: Path) -> None:
    layer = path.relative_to(ROOT).parts[0].removesuffix(".py")
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    assert first_party_imports(path) <= allowed, f"{path.name} imports a later layer"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


BELOW_THE_CLI = [p for p in sorted((ROOT / "timeline").rglob("*.py")) if "commands" not in p.parts]


@pytest.mark.parametrize("path", BELOW_THE_CLI, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_cli_imports_its_commands(path: Path) -> None:
    """timeline/commands/ is the CLI layer kept inside the package: the service and the presentation never
    reach up into it."""
    assert not any(name.startswith("timeline.commands") for name in imported_modules(path)), path.name


def test_export_formats_offered_by_the_cli_are_the_registry() -> None:
    from cli import main
    from timeline.exports import FORMATS, writer

    command = main.get_command(click.Context(main), "export")
    assert command is not None
    option = next(p for p in command.params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    assert list(option.type.choices) == list(FORMATS)
    for fmt in FORMATS:
        assert callable(writer(fmt).write), fmt


def test_entity_lists_offered_by_the_cli_are_the_entity_sections() -> None:
    from cli import main
    from events.inputs import ENTITY_SECTIONS
    from timeline.present.browse_views import ENTITY_LISTS

    command = main.get_command(click.Context(main), "list")
    assert command is not None
    argument = next(p for p in command.params if p.name == "what")
    assert isinstance(argument.type, click.Choice)
    assert list(argument.type.choices) == [*ENTITY_LISTS, "facts"]
    assert ENTITY_LISTS == tuple(ENTITY_SECTIONS)


def test_the_group_loads_each_command_from_the_module_that_defines_it() -> None:
    """root.py names each command's module so that a command imports only its own; the names are the modules'."""
    from importlib import import_module

    from timeline.commands.root import COMMAND_MODULES

    defined = {
        command.name: module
        for module in set(COMMAND_MODULES.values())
        for command in import_module(f"timeline.commands.{module}").COMMANDS
    }
    assert defined == COMMAND_MODULES


def test_a_query_command_imports_neither_the_other_commands_nor_the_write_side() -> None:
    """`timeline project --help` loads the queries' module only: no ingest, export or daily-loop code, no
    pydantic, no eventsourcing (each costs a new process part of its start, issue 15)."""
    import subprocess
    import sys

    code = (
        "import sys, cli\n"
        "sys.argv = ['timeline', 'project', '--help']\n"
        "try:\n    cli.run()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    loaded = set(done.stdout.split())
    assert "timeline.commands.queries" in loaded
    unwanted = {"timeline.commands.writing", "timeline.commands.exporting", "timeline.commands.browsing"}
    unwanted |= {"pydantic", "eventsourcing", "timeline.intake.loader", "rich"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_the_service_exports_what_it_lists() -> None:
    import timeline.service

    assert all(callable(getattr(timeline.service, name)) for name in timeline.service.__all__)
    with pytest.raises(AttributeError):
        timeline.service.nothing_of_that_name  # noqa: B018


def test_every_view_a_query_returns_has_a_renderer_taking_that_view() -> None:
    """renderers.py names views and renderers as text (imported when drawn): each name is a view class of
    timeline.present whose renderer exists and is annotated with that very class."""
    import inspect
    from importlib import import_module

    from timeline.present import browse_views, result_views, views
    from timeline.present.renderers import RENDERERS

    classes = {name: getattr(module, name) for module in (views, result_views, browse_views) for name in dir(module)}
    for view, (module, function) in RENDERERS.items():
        draw = getattr(import_module(f"timeline.present.{module}"), function)
        (parameter,) = inspect.signature(draw, eval_str=True).parameters.values()
        assert parameter.annotation is classes[view], view
