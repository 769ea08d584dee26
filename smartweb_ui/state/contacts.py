"""Contacts on the lead page: the people at the lead's company (add, edit, remove, primary)."""

from __future__ import annotations

import reflex as rx

from ..services import proposals
from ..services.core.inputs import Flag, Form, Id, Name, ShortText
from ..services.proposals import ContactInput, ContactRow
from . import door
from .door import Events


class ContactForm(Form):
    full_name: Name
    role: ShortText = ""
    phone: ShortText = ""
    email: Name = ""
    is_primary: bool = False


NO_CONTACT = ContactRow(id="", name="", role="", phone="", email="", is_primary=False)


class LeadContactsState(rx.State):
    rows: list[ContactRow] = []
    editing: ContactRow = NO_CONTACT
    dialog_open: bool = False
    error: str = ""
    _lead_id: str = ""

    def _lead_from_url(self) -> str:
        path = str(self.router.url.path or "").rstrip("/")
        return path.rsplit("/", 1)[-1] if path.startswith("/leads/") else ""

    def _quiet(self, _exc: Exception) -> Events:
        self.rows = []
        return None

    @door.event(on_refused="_quiet")
    async def load(self) -> Events:
        """on_load of the lead page (a lead that is not there: the lead page says so)."""
        self.rows, self.dialog_open = [], False
        self._lead_id = self._lead_from_url()
        if self._lead_id:
            self.rows = await door.run(self, proposals.lead_contacts, self._lead_id)
        return None

    @door.event
    async def open_new(self) -> Events:
        self.editing, self.error, self.dialog_open = NO_CONTACT, "", True
        return None

    @door.event
    async def open_edit(self, contact_id: Id) -> Events:
        match = next((r for r in self.rows if r.id == str(contact_id)), None)
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

    @door.event(on_refused="_refused")
    async def save(self, form: ContactForm) -> Events:
        data = ContactInput(form.full_name, form.role, form.phone, form.email, form.is_primary)
        lid, cid = self._lead_id, self.editing.id or None
        _, self.rows = await door.transaction(
            self,
            lambda s, a: proposals.save_contact(s, a, lid, cid, data),
            lambda s, a: proposals.lead_contacts(s, a, lid),
        )
        self.dialog_open = False
        return rx.toast.success("Contact saved.")

    @door.event
    async def remove(self, contact_id: Id) -> Events:
        lid = self._lead_id
        _, self.rows = await door.transaction(
            self,
            lambda s, a: proposals.remove_contact(s, a, lid, contact_id),
            lambda s, a: proposals.lead_contacts(s, a, lid),
        )
        return rx.toast.success("Contact removed.")
