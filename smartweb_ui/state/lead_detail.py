"""/leads/[lead_id]: the lead's profile, timeline, forms to log touchpoints, tasks, convert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import reflex as rx
from pydantic import BeforeValidator

from ..services import leads, proposals, tasks
from ..services.access.abilities import LeadAbilities, task_assignees
from ..services.core.errors import NotFound
from ..services.core.inputs import (
    Choices,
    Flag,
    Form,
    Id,
    Line,
    LongText,
    Minutes,
    Moment,
    Money,
    Name,
    OptionalDay,
    OptionalId,
    TextRule,
)
from ..services.core.labels import LABELS
from ..services.core.results import Option
from ..services.core.security import Actor
from ..services.leads import (
    BUSINESS_TYPES,
    CALL_OUTCOMES,
    CONTACT_METHODS,
    DIRECTIONS,
    SOURCE_VALUES,
    STATUS_VALUES,
    DuplicateFound,
    LeadDetail,
)
from ..services.pipeline import list_owners
from ..services.tasks import PRIORITIES
from . import door
from .contacts import LeadContactsState
from .door import Events

DIALOGS = ("call", "email", "meeting", "note", "task", "convert", "status", "edit", "entry")
Dialog = Annotated[str, BeforeValidator(Choices(DIALOGS))]
Status = Annotated[str, BeforeValidator(Choices(STATUS_VALUES))]
Tag = Annotated[str, BeforeValidator(TextRule(40))]
# What a rep picks after a call (the other outcomes come from AI calls and imports).
CALL_OUTCOME_OPTIONS = [
    (k, v) for k, v in CALL_OUTCOMES.items() if k not in ("callback_requested", "wrong_person")
]


class CallForm(Form):
    outcome: Annotated[str, BeforeValidator(Choices(CALL_OUTCOMES))]
    duration: Minutes = 0
    notes: LongText = ""


class EmailForm(Form):
    subject: Line
    body: LongText = ""
    direction: Annotated[str, BeforeValidator(Choices(DIRECTIONS))] = "outbound"


class MeetingForm(Form):
    meeting_at: Moment
    duration: Minutes = 0
    location: Line = ""
    attendees: Line = ""
    notes: LongText = ""


class NoteForm(Form):
    text: LongText


class TaskForm(Form):
    title: Name
    due_at: Moment | None = None
    assignee: OptionalId = None
    priority: Annotated[str, BeforeValidator(Choices(PRIORITIES))] = "normal"


class ConvertForm(Form):
    pipeline: Id
    value: Money
    expected_close: OptionalDay = None
    name: Name = ""
    owner: OptionalId = None


Short = Annotated[str, BeforeValidator(TextRule(100))]
Code = Annotated[str, BeforeValidator(TextRule(10))]


class ProfileEditForm(Form):
    """The company / lead edit form (every field a user maintains; the service validates)."""

    name: Name
    dba_name: Name = ""
    business_type: Annotated[str, BeforeValidator(Choices(BUSINESS_TYPES))] = "other"
    phone: Short = ""
    email: Annotated[str, BeforeValidator(TextRule(254))] = ""
    website: Line = ""
    street_address: Line = ""
    city: Short = ""
    state: Code = ""
    zip_code: Code = ""
    country: Code = "US"
    license_number: Short = ""
    license_state: Code = ""
    license_expiry: Code = ""
    years_in_business: Code = ""
    employee_count: Code = ""
    annual_revenue: Short = ""
    facebook_url: Line = ""
    linkedin_url: Line = ""
    instagram_url: Line = ""
    source: Annotated[str, BeforeValidator(Choices(SOURCE_VALUES))] = "manual"
    preferred_contact_method: Annotated[str, BeforeValidator(Choices(["", *CONTACT_METHODS]))] = ""
    best_call_time: Short = ""
    timezone: Short = ""


class EntryForm(Form):
    subject: Line = ""
    text: LongText = ""


class StatusForm(Form):
    reason: Line = ""


class TagForm(Form):
    tag: Tag


BLANK = LeadDetail(
    id="", company_id="", company_name="", status="", next_statuses=[], reason_statuses=[],
    lost_reason="", source="", score=0, breakdown=[], assignee="", assignee_id="", created="",
    sla_due="", overdue=False, first_contact="", last_contact="", attempts=0, converted="",
    conversion_value="", profile=[], contact=[], tags=[], enrichment=[], timeline=[], tasks=[],
    deals=[],
)  # fmt: skip
# What the edit form's selects offer (components read these, never the services).
TRADE_OPTIONS = [(t, LABELS.get(t, t)) for t in BUSINESS_TYPES]
SOURCE_OPTIONS = [(t, LABELS.get(t, t)) for t in SOURCE_VALUES]
CONTACT_OPTIONS = list(CONTACT_METHODS.items())


class LeadDetailState(rx.State):
    loading: bool = True
    missing: bool = False
    lead: LeadDetail = BLANK
    pipelines: list[Option] = []
    people: list[Option] = []  # who may be given the lead's tasks (lead holders)
    owners: list[Option] = []  # who may own the deal Convert creates (deal holders)
    abilities: LeadAbilities = LeadAbilities()  # the actions this user may take here
    profile_values: dict[str, str] = {}  # the edit form's current values
    edit_error: str = ""
    entry_id: str = ""
    entry_subject: str = ""
    entry_text: str = ""
    dialog: str = ""  # one of DIALOGS, or "" when none is open
    status_target: str = ""
    _lead_id: str = ""

    def _id_from_url(self) -> str:
        path = str(self.router.url.path or "").rstrip("/")
        return path.rsplit("/", 1)[-1] if path.startswith("/leads/") else ""

    def _not_found(self, exc: Exception) -> Events:
        """A lead that is not there (or not the actor's to see): the page says so."""
        self.loading = False
        if isinstance(exc, NotFound):
            self.missing, self.lead = True, BLANK
        return None

    async def _act(self, step: Callable[[Any, Actor], Any], success: str) -> Events:
        """Run one change on this lead, then show the lead as it is now (one transaction)."""
        lid = self._lead_id
        _, detail = await door.transaction(self, step, lambda s, a: leads.lead_detail(s, a, lid))
        self._show(detail)
        self.dialog = ""
        return rx.toast.success(success)

    def _show(self, detail: LeadDetail) -> None:
        self.lead, self.abilities = detail, detail.abilities

    @door.event(loads_page=True, on_refused="_not_found")
    async def load(self) -> Events:
        self.loading, self.dialog, self.pipelines, self.people = True, "", [], []
        self.owners, self.abilities = [], LeadAbilities()
        self._lead_id = self._id_from_url()
        lid = self._lead_id
        contacts = await self.get_state(LeadContactsState)  # the page's contacts card
        contacts._opened(lid)

        def page(
            s: Any, a: Actor
        ) -> tuple[LeadDetail, list[Option], list[Option], list[Option], Any]:
            detail = leads.lead_detail(s, a, lid)
            can = detail.abilities
            pipes = leads.convertible_pipelines(s, a) if can.can_convert else []
            people = task_assignees(s, a) if can.can_task else []
            owners = list_owners(s, a) if can.can_convert and a.can("pipeline.manage") else []
            return detail, pipes, people, owners, proposals.lead_contacts(s, a, lid)

        (found,) = await door.transaction(self, page)
        detail, self.pipelines, self.people, self.owners, contacts.rows = found
        self._show(detail)
        self.missing, self.loading = False, False
        wanted = self.router.url.query_parameters.get("log", "")
        if wanted in ("call", "email", "meeting", "note"):
            self.dialog = wanted
        return None

    @door.event
    async def open_dialog(self, name: Dialog) -> Events:
        self.dialog = name
        return None

    # ------------------------------------------------------------ editing the record
    @door.event
    async def open_edit(self) -> Events:
        form = await door.run(self, leads.profile_form, self._lead_id)
        self.profile_values, self.edit_error, self.dialog = form.values, "", "edit"
        return None

    @door.event(on_refused="_edit_refused")
    async def save_profile(self, form: ProfileEditForm) -> Events:
        lid, values = self._lead_id, form.model_dump()
        self.edit_error = ""
        try:
            changed, detail = await door.transaction(
                self,
                lambda s, a: leads.update_lead_profile(s, a, lid, values),
                lambda s, a: leads.lead_detail(s, a, lid),
            )
        except DuplicateFound as dup:  # the dialog stays open and says which company
            self.edit_error = dup.message
            return rx.toast.warning(dup.message)
        self._show(detail)
        self.dialog = ""
        return rx.toast.success("Saved." if changed else "Nothing changed.")

    def _edit_refused(self, exc: Exception) -> Events:
        self.edit_error = str(getattr(exc, "message", "")) or "Could not save."
        return None

    @door.event
    async def open_entry(self, entry_id: Id) -> Events:
        wanted = str(entry_id)
        for item in self.lead.timeline:
            if item.id == wanted and item.can_change:
                self.entry_id, self.entry_subject, self.entry_text = (
                    item.id,
                    item.subject,
                    item.text,
                )
                self.dialog = "entry"
        return None

    @door.event
    async def save_entry(self, form: EntryForm) -> Events:
        entry = self.entry_id
        return await self._act(
            lambda s, a: leads.edit_entry(s, a, entry, subject=form.subject, text=form.text),
            "Entry updated.",
        )

    @door.event
    async def delete_entry(self, entry_id: Id) -> Events:
        return await self._act(lambda s, a: leads.delete_entry(s, a, entry_id), "Entry deleted.")

    @door.event
    async def ask_status(self, status: Status) -> Events:
        self.status_target, self.dialog = status, "status"
        return None

    @door.event
    async def close_dialog(self, is_open: Flag = False) -> Events:
        if not is_open:
            self.dialog = ""
        return None

    @door.event
    async def log_call(self, form: CallForm) -> Events:
        lid = self._lead_id
        return await self._act(
            lambda s, a: leads.log_call(
                s, a, lid, duration_minutes=form.duration, outcome=form.outcome, notes=form.notes
            ),
            "Call logged.",
        )

    @door.event
    async def log_email(self, form: EmailForm) -> Events:
        lid = self._lead_id
        return await self._act(
            lambda s, a: leads.log_email(
                s, a, lid, subject=form.subject, body=form.body, direction=form.direction
            ),
            "E-mail logged.",
        )

    @door.event
    async def log_meeting(self, form: MeetingForm) -> Events:
        lid = self._lead_id
        return await self._act(
            lambda s, a: leads.log_meeting(
                s,
                a,
                lid,
                meeting_at=form.meeting_at,
                duration_minutes=form.duration,
                location=form.location,
                attendees=form.attendees,
                notes=form.notes,
            ),
            "Meeting logged.",
        )

    @door.event
    async def log_note(self, form: NoteForm) -> Events:
        lid = self._lead_id
        return await self._act(
            lambda s, a: leads.log_note(s, a, lid, text=form.text), "Note added."
        )

    @door.event
    async def add_task(self, form: TaskForm) -> Events:
        lid = self._lead_id
        return await self._act(
            lambda s, a: tasks.add_task(
                s,
                a,
                lead_id=lid,
                title=form.title,
                due_at=form.due_at,
                assignee_id=form.assignee,
                priority=form.priority,
            ),
            "Task added.",
        )

    @door.event
    async def complete_task(self, task_id: Id) -> Events:
        return await self._act(lambda s, a: tasks.complete_task(s, a, task_id), "Task completed.")

    @door.event
    async def convert(self, form: ConvertForm) -> Events:
        lid = self._lead_id
        return await self._act(
            lambda s, a: leads.convert_lead(
                s,
                a,
                lid,
                pipeline_id=form.pipeline,
                value=form.value,
                expected_close=form.expected_close,
                name=form.name,
                owner_id=form.owner,
            ),
            "Converted to a deal.",
        )

    @door.event
    async def change_status(self, form: StatusForm) -> Events:
        lid, target = self._lead_id, self.status_target
        return await self._act(
            lambda s, a: leads.set_status(s, a, lid, target, form.reason), "Status updated."
        )

    @door.event
    async def quick_status(self, status: Status) -> Events:
        if status in ("lost", "unqualified"):
            self.status_target, self.dialog = status, "status"
            return None
        self.status_target = status
        lid = self._lead_id
        return await self._act(
            lambda s, a: leads.set_status(s, a, lid, status, ""), "Status updated."
        )

    @door.event
    async def add_tag(self, form: TagForm) -> Events:
        lid = self._lead_id
        return await self._act(lambda s, a: leads.tag_leads(s, a, [lid], form.tag), "Tag added.")

    @door.event
    async def remove_tag(self, tag: Tag) -> Events:
        lid = self._lead_id
        return await self._act(
            lambda s, a: leads.tag_leads(s, a, [lid], tag, remove=True), "Tag removed."
        )
