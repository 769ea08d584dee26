"""The pipeline: the kanban board, moving deals, deal edits, the deal drawer, stage settings.

"Move a deal" is ``moves.move_deal``; the board is ``kanban.board``.
"""

from . import owners, search_source  # noqa: F401  (owners: the change feed's ORM hook)
from .common import BoardFilters, weighted
from .deals import DealBrief, create_deal, deal_brief, update_deal
from .drawer import CompanyMatch, DealDetail, deal_detail, deal_pipeline_id, search_companies
from .kanban import (
    Board,
    Card,
    Column,
    board,
    board_params_for,
    list_owners,
    list_pipelines,
    more_cards,
    remember_pipeline,
)
from .moves import MoveResult, move_deal, undo_move
from .patches import BoardPatch, ColumnTotals, PlacedCard, board_patch
from .stages import StageSettings, StageView, stage_settings, update_stage
from .structure import add_stage, create_pipeline, delete_stage, rename_pipeline

search_source.register()  # deals / leads and contacts in the global search

__all__ = [
    "Board",
    "BoardFilters",
    "BoardPatch",
    "Card",
    "Column",
    "ColumnTotals",
    "CompanyMatch",
    "DealBrief",
    "DealDetail",
    "MoveResult",
    "PlacedCard",
    "StageSettings",
    "StageView",
    "add_stage",
    "board",
    "board_params_for",
    "board_patch",
    "create_deal",
    "create_pipeline",
    "deal_brief",
    "deal_detail",
    "deal_pipeline_id",
    "delete_stage",
    "list_owners",
    "list_pipelines",
    "more_cards",
    "move_deal",
    "remember_pipeline",
    "rename_pipeline",
    "search_companies",
    "stage_settings",
    "undo_move",
    "update_deal",
    "update_stage",
    "weighted",
]
