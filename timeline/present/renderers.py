"""Which console renderer draws which view: one entry per view type, so the CLI never picks one by name. A
renderer's module is imported when its view is drawn: `project` loads neither the daily loop's nor search's."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import RenderableType

# View type name -> (its renderer's module in timeline.present, the function).
RENDERERS = {
    "ProjectTimeline": ("entity_render", "project_timeline"),
    "PartnerView": ("entity_render", "partner_history"),
    "TargetsView": ("entity_render", "targets"),
    "OfficeView": ("entity_render", "office"),
    "PersonView": ("entity_render", "person"),
    "SearchView": ("result_render", "search"),
    "DiffView": ("result_render", "diff"),
    "FactDetail": ("browse_render", "fact_detail"),
    "FactList": ("browse_render", "fact_list"),
    "EntityList": ("browse_render", "entity_list"),
    "ChangesView": ("browse_render", "changes"),
}


def renderable(view: object) -> RenderableType:
    """The rich renderable of a query's view (KeyError names a view type with no renderer: a bug, not input)."""
    module, function = RENDERERS[type(view).__name__]
    draw = getattr(import_module(f"timeline.present.{module}"), function)
    return draw(view)
