"""The pipeline: the kanban board, moving deals, deal edits, the deal drawer, stage settings.

"Move a deal" is ``moves.move_deal``; the board is ``kanban.board``.
"""

from .common import BoardFilters, weighted
from .deals import create_deal, update_deal
from .drawer import CompanyMatch, DealDetail, deal_detail, deal_pipeline_id, search_companies
from .kanban import (
    Board,
    Card,
    Column,
    board,
    board_params_for,
    change_marker,
    list_owners,
    list_pipelines,
    more_cards,
    remember_pipeline,
)
from .moves import MoveResult, move_deal
from .stages import StageSettings, StageView, stage_settings, update_stage

__all__ = [
    "Board",
    "BoardFilters",
    "Card",
    "Column",
    "CompanyMatch",
    "DealDetail",
    "MoveResult",
    "StageSettings",
    "StageView",
    "board",
    "board_params_for",
    "change_marker",
    "create_deal",
    "deal_detail",
    "deal_pipeline_id",
    "list_owners",
    "list_pipelines",
    "more_cards",
    "move_deal",
    "remember_pipeline",
    "search_companies",
    "stage_settings",
    "update_deal",
    "update_stage",
    "weighted",
]
