"""Which console renderer draws which view: one entry per view type, so the CLI never picks one by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import RenderableType

from timeline.present import browse_render, entity_render, result_render
from timeline.present.browse_views import ChangesView, EntityList, FactDetail, FactList
from timeline.present.result_views import DiffView, SearchView
from timeline.present.views import OfficeView, PartnerView, PersonView, ProjectTimeline, TargetsView

RENDERERS: dict[type, Callable[[Any], RenderableType]] = {
    ProjectTimeline: entity_render.project_timeline,
    PartnerView: entity_render.partner_history,
    TargetsView: entity_render.targets,
    OfficeView: entity_render.office,
    PersonView: entity_render.person,
    SearchView: result_render.search,
    DiffView: result_render.diff,
    FactDetail: browse_render.fact_detail,
    FactList: browse_render.fact_list,
    EntityList: browse_render.entity_list,
    ChangesView: browse_render.changes,
}


def renderable(view: object) -> RenderableType:
    """The rich renderable of a query's view (KeyError names a view type with no renderer: a bug, not input)."""
    return RENDERERS[type(view)](view)
