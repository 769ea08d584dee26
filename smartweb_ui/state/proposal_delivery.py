"""The builder's delivery card: send to the client, discount approval, the client's link.

The link's token is stored only hashed, so the sender sees it once, right after sending
(``link_path``); later the card shows whether a live link exists and can revoke it.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from ..services import proposals
from ..services.core.errors import NotFound
from ..services.core.inputs import Flag, Form, LongText, Name
from ..services.core.security import Actor
from ..services.proposals import ApprovalState, DeliveryView
from . import door
from .door import Events

NO_APPROVAL = ApprovalState("0", "0", False, True, "", "", "", False)
NO_DELIVERY = DeliveryView("", "", False, "", "", "", "", 0, False, "", "", NO_APPROVAL)


class SendForm(Form):
    to_email: Name
    message: LongText = ""


class ApprovalForm(Form):
    comment: LongText = ""


class ProposalDeliveryState(rx.State):
    d: DeliveryView = NO_DELIVERY
    send_open: bool = False
    link_path: str = ""  # shown once, right after sending
    error: str = ""
    _id: str = ""

    def _id_from_url(self) -> str:
        path = str(self.router.url.path or "").rstrip("/")
        return path.rsplit("/", 1)[-1] if path.startswith("/proposals/") else ""

    def _quiet(self, exc: Exception) -> Events:
        if isinstance(exc, NotFound):
            self.d = NO_DELIVERY
        return None

    def _keep_dialog(self, exc: Any) -> Events:
        self.error = getattr(exc, "message", "")
        return None

    def _view(self) -> Any:
        pid = self._id
        return lambda s, a: proposals.delivery_view(s, a, pid)

    @door.event(on_refused="_quiet")
    async def load(self) -> Events:
        new_id = self._id_from_url()
        if new_id != self._id:
            self.link_path = ""
        self._id, self.send_open, self.error = new_id, False, ""
        [self.d] = await door.transaction(self, self._view())
        return None

    @door.event(on_refused="_quiet")
    async def set_send_open(self, is_open: Flag) -> Events:
        self.error = ""
        if is_open:  # the discount may have changed since the card loaded
            [self.d] = await door.transaction(self, self._view())
        self.send_open = is_open
        return None

    @door.event(on_refused="_keep_dialog", labels={"to_email": "The client's e-mail"})
    async def send(self, form: SendForm) -> Events:
        pid = self._id

        def step(s: Any, a: Actor) -> Any:
            return proposals.send_proposal(s, a, pid, form.to_email, form.message)

        sent, self.d = await door.transaction(self, step, self._view())
        self.link_path, self.send_open, self.error = sent.link_path, False, ""
        return [
            rx.toast.success(f"Sent to {sent.sent_to_email}."),
            _reload_builder(),
        ]

    @door.event(on_refused="_keep_dialog")
    async def request_approval(self, form: ApprovalForm) -> Events:
        pid = self._id
        comment = form.comment

        def step(s: Any, a: Actor) -> Any:
            return proposals.request_approval(s, a, pid, comment)

        _, self.d = await door.transaction(self, step, self._view())
        self.error = ""
        return rx.toast.success("Approval requested. Approvers see it on their Today page.")

    @door.event
    async def revoke_link(self) -> Events:
        pid = self._id

        def step(s: Any, a: Actor) -> Any:
            return proposals.revoke_links(s, a, pid)

        _, self.d = await door.transaction(self, step, self._view())
        self.link_path = ""
        return rx.toast.success("The client's link no longer works.")


def _reload_builder() -> Any:
    from .proposal_builder import ProposalBuilderState

    return ProposalBuilderState.load
