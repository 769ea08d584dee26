"""CSV import on /leads: upload, column mapping with preview, mode, progress, downloadable result."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Literal

import reflex as rx
from pydantic import BeforeValidator

from ..services import leads
from ..services.core.errors import DomainError, Forbidden
from ..services.core.inputs import Choices, Flag, TextRule
from ..services.leads import IMPORT_FIELDS as FIELDS
from . import door
from .door import Events

SKIP = "— not imported —"
GENERIC_FAILURE = "Something went wrong while importing; try again, or with a smaller file."
ImportField = Annotated[str, BeforeValidator(Choices(FIELDS))]
Header = Annotated[str, BeforeValidator(TextRule(200, strip=False))]


class LeadImportState(rx.State):
    open: bool = False
    step: str = "upload"  # upload -> map -> running -> done | failed
    failure: str = ""  # why the import failed (step "failed"); nothing was written
    file_name: str = ""
    headers: list[str] = []
    preview: list[list[str]] = []
    mapping: dict[str, str] = {}
    mode: str = "skip"
    done: int = 0
    total: int = 0
    created: int = 0
    duplicates: list[dict[str, str]] = []
    rejected: list[dict[str, str]] = []
    aborted: bool = False
    _data: bytes = b""
    _report: str = ""

    @rx.var
    def field_rows(self) -> list[dict[str, str]]:
        return [
            {"key": k, "label": label, "header": self.mapping.get(k) or SKIP}
            for k, label in FIELDS.items()
        ]

    @rx.var
    def header_choices(self) -> list[str]:
        return [SKIP, *self.headers]

    @rx.var
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0

    @door.event
    async def set_open(self, value: Flag) -> Events:
        if self.step == "running":
            return None
        self.open = value
        if value:
            self.step, self.file_name, self.headers, self.preview, self.mapping = (
                "upload",
                "",
                [],
                [],
                {},
            )
            self._data, self._report, self.failure = b"", "", ""
        return None

    @door.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> Events:
        if not door.actor_of(self).can("leads.import"):
            raise Forbidden("You do not have permission to do that.")
        if not files:
            return rx.toast.error("Choose a CSV file first.")
        upload = files[0]
        data = await upload.read()
        header, rows = await door.offload(leads.read_csv, data)
        self._data, self.file_name = data, (upload.name or "import.csv")[:200]
        self.headers = header
        self.preview = [
            [(r[i] if i < len(r) else "") for i in range(len(header))] for r in rows[:5]
        ]
        self.mapping = leads.guess_mapping(header)
        self.total, self.step = len(rows), "map"
        return None

    @door.event
    async def set_mapping(self, field: ImportField, header: Header) -> Events:
        mapping = dict(self.mapping)
        if header == SKIP or header not in self.headers:
            mapping.pop(field, None)
        else:
            mapping[field] = header
        self.mapping = mapping
        return None

    @door.event
    async def set_mode(self, value: Literal["all", "skip"]) -> Events:
        self.mode = value
        return None

    @door.event(background=True)
    async def start(self) -> AsyncIterator[Events]:
        async with self:
            if self.step != "map":
                return
            data, mapping, mode, name = self._data, dict(self.mapping), self.mode, self.file_name
            self.step, self.done = "running", 0
        progress = {"done": 0, "total": 0}

        def tick(done: int, total: int) -> None:
            progress["done"], progress["total"] = done, total

        task = asyncio.create_task(
            door.run(
                self,
                leads.run_import,
                data,
                mapping=mapping,
                mode=mode,
                file_name=name,
                progress=tick,
            )
        )
        while not task.done():
            await asyncio.sleep(0.3)
            async with self:
                self.done, self.total = progress["done"], progress["total"] or self.total
        try:
            result = task.result()
        except Exception as exc:  # the transaction rolled back: nothing of it was written
            async with self:
                self.step = "failed"
                self.failure = exc.message if isinstance(exc, DomainError) else GENERIC_FAILURE
            raise
        async with self:
            self.done = self.total = result.total
            self.created = len(result.created)
            self.duplicates = [
                {"row": str(i.row), "name": i.name, "reason": i.reason, "lead_id": i.lead_id}
                for i in result.duplicates[:500]
            ]
            self.rejected = [
                {"row": str(i.row), "name": i.name, "reason": i.reason, "lead_id": ""}
                for i in result.rejected[:500]
            ]
            self.aborted = result.aborted
            self._report = leads.result_csv(result)
            self.step = "done"
        if result.aborted:
            yield rx.toast.error(f"Nothing imported: {len(result.rejected)} row(s) rejected.")
        else:
            yield rx.toast.success(f"Imported {len(result.created)} lead(s).")

    @door.event
    async def download_report(self) -> Events:
        if not self._report:
            return None
        return rx.download(data=self._report, filename="import-report.csv")
