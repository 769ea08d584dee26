"""Contacts on the lead page: the people at the lead's company (add, edit, remove, primary)."""

from __future__ import annotations

import reflex as rx

from ..services import proposals
from ..services.core.inputs import Form, Id, Name, ShortText
from ..services.proposals import ContactInput, ContactRow
from . import door
from .door import Events
from .edit_dialog import EditDialogState


class ContactForm(Form):
    full_name: Name
    role: ShortText = ""
    phone: ShortText = ""
    email: Name = ""
    is_primary: bool = False


NO_CONTACT = ContactRow(id="", name="", role="", phone="", email="", is_primary=False)


class LeadContactsState(EditDialogState, rx.State):
    rows: list[ContactRow] = []
    editing: ContactRow = NO_CONTACT
    _lead_id: str = ""

    def _blank(self) -> ContactRow:
        return NO_CONTACT

    def _opened(self, lead_id: str) -> None:
        """The lead page loads (``LeadDetailState.load`` fills ``rows`` in its transaction)."""
        self.rows, self.dialog_open, self._lead_id = [], False, lead_id

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
