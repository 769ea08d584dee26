"""The edit dialog of a list page (a product in the catalog, a contact on the lead page): open
it blank or for one of the rows the server loaded (never a row the browser sends), close it,
and show a refusal inside it. A Reflex state mixin: each page's state adds its own rows, its
blank row and its ``save``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import reflex as rx

from ..services.core.inputs import Flag, Id
from . import door
from .door import Events


class EditDialogState(rx.State, mixin=True):
    dialog_open: bool = False
    error: str = ""

    if TYPE_CHECKING:  # declared by each state with its own row type
        rows: list[Any]
        editing: Any

    def _blank(self) -> Any:
        """The row a new item starts from."""
        raise NotImplementedError

    @door.event
    async def open_new(self) -> Events:
        self.editing, self.error, self.dialog_open = self._blank(), "", True
        return None

    @door.event
    async def open_edit(self, row_id: Id) -> Events:
        match = next((r for r in self.rows if r.id == str(row_id)), None)
        if match is not None:
            self.editing, self.error, self.dialog_open = match, "", True
        return None

    @door.event
    async def set_dialog(self, is_open: Flag) -> Events:
        self.dialog_open = is_open
        return None

    def _refused(self, exc: Exception) -> Events:
        self.error = getattr(exc, "message", "")
        return None
