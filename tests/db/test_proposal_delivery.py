"""Sending proposals and the client's answer: lifecycle, links, approvals, contracts, expiry."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from smartweb_ui.services.proposals import approvals, contracts, lifecycle, public, sending
from smartweb_ui.services.proposals.public import ClientTenant, ResolvedLink

from .builders.delivery import make_proposal
from .builders.orgs import OrgFixture
from .builders.pipeline import PipeData, make_pipeline

pytestmark = pytest.mark.db
CLIENT = "buyer@zen-roofing.test"


@pytest.fixture
def pipe(org: OrgFixture) -> PipeData:
    return make_pipeline(org)


def _send(org: OrgFixture, pid: UUID, who: str = "rep") -> sending.SentProposal:
    with tenant_session(org.actors[who]) as s:
        return sending.send_proposal(s, org.actors[who], pid, CLIENT, "Looking forward to it.")


def _token(sent: sending.SentProposal) -> str:
    return sent.link_path.removeprefix(public.LINK_PREFIX)


def _link(token: str) -> ResolvedLink:
    with system_session() as s:
        link = public.resolve(s, token)
    assert link is not None
    return link


def _as_client(link: ResolvedLink, fn, *args):  # type: ignore[no-untyped-def]
    with tenant_session(ClientTenant(link.organization_id)) as s:
        return fn(s, link, *args)


def _proposal(pid: UUID) -> m.Proposal:
    with system_session() as s:
        p = s.get(m.Proposal, pid)
        assert p is not None
        return p


def _audits(org_id: UUID) -> int:
    with system_session() as s:
        return s.execute(
            sa.text("SELECT count(*) FROM audit_logs WHERE organization_id = :o"), {"o": org_id}
        ).scalar_one()


# ------------------------------------------------------------------ sending
def test_sending_a_draft_records_it_links_it_mails_it_and_logs_it(
    org: OrgFixture, pipe: PipeData
) -> None:
    pid = make_proposal(org, pipe)
    sent = _send(org, pid)
    p = _proposal(pid)
    assert p.status == m.ProposalStatus.SENT and p.sent_at and p.sent_to_email == CLIENT
    with system_session() as s:
        link = s.exec(
            sa.select(m.ProposalLink).where(m.ProposalLink.proposal_id == pid)
        ).scalar_one()  # type: ignore[call-overload]
        mail = s.get(m.OutboxEmail, UUID(sent.outbox_id))
        note = s.execute(
            sa.select(m.Interaction).where(m.Interaction.opportunity_id == pipe.deals["q1"])
        ).scalar_one()
        actions = set(
            s.execute(
                sa.text("SELECT action FROM audit_logs WHERE organization_id = :o"), {"o": org.id}
            ).scalars()
        )
    token = _token(sent)
    assert len(token) >= 40 and token not in link.token_hash  # only the keyed hash is stored
    assert link.token_hash == public.hash_token(token)
    assert mail is not None and mail.status == "pending" and mail.to_email == CLIENT
    assert sent.link_path in mail.body and "Looking forward to it." in mail.body
    assert note.type == m.InteractionType.EMAIL and note.direction == "outbound"
    assert {"proposal.send", "proposal.link_create", "email.queue"} <= actions


def test_a_proposal_is_sent_once(org: OrgFixture, pipe: PipeData) -> None:
    pid = make_proposal(org, pipe)
    _send(org, pid)
    with pytest.raises(Conflict, match="already been sent"):
        _send(org, pid)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"valid_until": date.today() - timedelta(days=3)}, Invalid, "valid-until"),
        ({"lines": []}, Invalid, "priced line"),
        ({"is_latest": False}, Conflict, "latest version"),
    ],
)
def test_sending_refuses_what_is_not_ready(
    org: OrgFixture, pipe: PipeData, kwargs: dict, error: type, message: str
) -> None:
    pid = make_proposal(org, pipe, **kwargs)
    before = _audits(org.id)
    with pytest.raises(error, match=message):
        _send(org, pid)
    assert _proposal(pid).status == m.ProposalStatus.DRAFT and _audits(org.id) == before


def test_only_the_latest_version_is_sent(org: OrgFixture, pipe: PipeData) -> None:
    old = make_proposal(org, pipe, version=1)
    make_proposal(org, pipe, version=2)
    with pytest.raises(Conflict, match="latest version"):
        _send(org, old)


def test_sending_needs_an_email_and_the_right_to_send(org: OrgFixture, pipe: PipeData) -> None:
    pid = make_proposal(org, pipe)
    with tenant_session(org.actors["rep"]) as s, pytest.raises(Invalid, match="e-mail"):
        sending.send_proposal(s, org.actors["rep"], pid, "not-an-address")
    with tenant_session(org.actors["rep2"]) as s, pytest.raises(Forbidden):
        sending.send_proposal(s, org.actors["rep2"], pid, CLIENT)  # a colleague's deal
    with tenant_session(org.actors["exec"]) as s, pytest.raises(Forbidden):
        sending.send_proposal(s, org.actors["exec"], pid, CLIENT)
    assert _proposal(pid).status == m.ProposalStatus.DRAFT


# ------------------------------------------------------------------ lifecycle table
@pytest.mark.parametrize("start", list(m.ProposalStatus))
@pytest.mark.parametrize("to", list(m.ProposalStatus))
def test_every_transition_is_allowed_or_refused_with_a_message(
    start: m.ProposalStatus, to: m.ProposalStatus
) -> None:
    p = m.Proposal(
        organization_id=UUID(int=1), opportunity_id=UUID(int=2), proposal_number="P", title="t",
        status=start,
    )  # fmt: skip
    legal = {
        ("draft", "sent"),
        ("sent", "viewed"),
        ("sent", "accepted"),
        ("sent", "rejected"),
        ("sent", "expired"),
        ("viewed", "accepted"),
        ("viewed", "rejected"),
        ("viewed", "expired"),
    }
    if (start.value, to.value) in legal:
        lifecycle.check_transition(p, to)
    else:
        with pytest.raises(Conflict) as refused:
            lifecycle.check_transition(p, to)
        assert refused.value.message.endswith(".")


def test_accepted_proposals_are_locked_for_edits() -> None:
    p = m.Proposal(
        organization_id=UUID(int=1), opportunity_id=UUID(int=2), proposal_number="P", title="t",
        status=m.ProposalStatus.ACCEPTED,
    )  # fmt: skip
    with pytest.raises(Conflict, match="locked"):
        lifecycle.ensure_editable(p)


# ------------------------------------------------------------------ the client's link
def test_each_open_counts_a_view_and_the_first_marks_it_viewed(
    org: OrgFixture, pipe: PipeData
) -> None:
    pid = make_proposal(org, pipe)
    link = _link(_token(_send(org, pid)))
    with tenant_session(org.actors["rep"]) as s:  # the sender's own preview counts nothing
        shown = public.preview(s, org.actors["rep"], pid)
    assert shown.status == "sent" and _proposal(pid).view_count == 0
    first = _as_client(link, public.open_link)
    assert first.status == "viewed" and first.can_respond
    assert first.organization == "Acme Plumbing" and first.total == "$2,646.00"
    _as_client(link, public.open_link)
    p = _proposal(pid)
    assert p.status == m.ProposalStatus.VIEWED and p.view_count == 2 and p.viewed_at


def test_wrong_malformed_and_revoked_tokens_find_nothing(org: OrgFixture, pipe: PipeData) -> None:
    pid = make_proposal(org, pipe)
    token = _token(_send(org, pid))
    with system_session() as s:
        assert public.resolve(s, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert public.resolve(s, "") is None
        assert public.resolve(s, "x" * 500) is None
        assert public.resolve(s, "ünïcode") is None
    with tenant_session(org.actors["rep"]) as s:
        assert public.revoke_links(s, org.actors["rep"], pid) == 1
    with system_session() as s:
        assert public.resolve(s, token) is None
    with tenant_session(org.actors["rep"]) as s, pytest.raises(Conflict):
        public.revoke_links(s, org.actors["rep"], pid)


def test_an_expired_proposal_says_so_and_cannot_be_accepted(
    org: OrgFixture, pipe: PipeData
) -> None:
    pid = make_proposal(org, pipe)
    link = _link(_token(_send(org, pid)))
    with system_session() as s:
        s.execute(
            sa.text("UPDATE proposals SET valid_until = current_date - 2 WHERE id = :p"),
            {"p": pid},
        )
    shown = _as_client(link, public.open_link)
    assert shown.expired and not shown.can_respond and shown.status_label == "Expired"
    with pytest.raises(Conflict, match="expired"):
        _as_client(link, public.accept, "Dana Client", True, "203.0.113.9")
    p = _proposal(pid)
    assert p.status == m.ProposalStatus.EXPIRED and p.accepted_at is None
    with system_session() as s:
        assert s.execute(sa.text("SELECT count(*) FROM contracts WHERE proposal_id = :p"),
                         {"p": pid}).scalar_one() == 0  # fmt: skip


def test_the_sweep_expires_overdue_proposals_once(org: OrgFixture, pipe: PipeData) -> None:
    overdue = make_proposal(org, pipe, number="P-2026-0001")
    fresh = make_proposal(org, pipe, number="P-2026-0002")
    draft = make_proposal(org, pipe, number="P-2026-0003", valid_until=date.today() - timedelta(3))
    _send(org, overdue)
    _send(org, fresh)
    with system_session() as s:
        s.execute(
            sa.text("UPDATE proposals SET valid_until = current_date - 5 WHERE id = :p"),
            {"p": overdue},
        )
        assert org.id in lifecycle.organizations_with_overdue(s)
    with tenant_session(ClientTenant(org.id)) as s:
        assert lifecycle.expire_overdue(s, org.id) == [overdue]
    with tenant_session(ClientTenant(org.id)) as s:
        assert lifecycle.expire_overdue(s, org.id) == []  # idempotent
    assert _proposal(overdue).status == m.ProposalStatus.EXPIRED
    assert _proposal(fresh).status == m.ProposalStatus.SENT
    assert _proposal(draft).status == m.ProposalStatus.DRAFT


def test_rejecting_needs_a_reason_and_ends_the_proposal(org: OrgFixture, pipe: PipeData) -> None:
    pid = make_proposal(org, pipe)
    link = _link(_token(_send(org, pid)))
    with pytest.raises(Invalid, match="reason"):
        _as_client(link, public.reject, "   ", None)
    shown = _as_client(link, public.reject, "We went with a cheaper offer.", "198.51.100.4")
    assert shown.status == "rejected" and not shown.can_respond
    p = _proposal(pid)
    assert p.rejection_reason == "We went with a cheaper offer." and p.rejected_at
    with pytest.raises(Conflict):
        _as_client(link, public.accept, "Dana Client", True, None)


# ------------------------------------------------------------------ acceptance → contract, Won
def test_accepting_draws_up_the_contract_and_wins_the_deal(org: OrgFixture, pipe: PipeData) -> None:
    pid = make_proposal(org, pipe)
    link = _link(_token(_send(org, pid)))
    with pytest.raises(Invalid, match="full name"):
        _as_client(link, public.accept, "", True, None)
    with pytest.raises(Invalid, match="Tick the box"):
        _as_client(link, public.accept, "Dana Client", False, None)
    shown = _as_client(link, public.accept, "Dana Client", True, "203.0.113.9")
    assert shown.status == "accepted" and shown.accepted_by == "Dana Client"
    year = date.today().year
    assert shown.contract_number == f"C-{year}-0001"
    with system_session() as s:
        c = s.execute(sa.select(m.Contract).where(m.Contract.proposal_id == pid)).scalar_one()
        deal = s.get(m.Opportunity, pipe.deals["q1"])
        history = s.execute(
            sa.select(m.OpportunityStageHistory).where(
                m.OpportunityStageHistory.opportunity_id == pipe.deals["q1"]
            )
        ).scalars().all()  # fmt: skip
        moved = s.execute(
            sa.text("SELECT count(*) FROM audit_logs WHERE action = 'opportunity.move' "
                    "AND entity_id = :d"), {"d": pipe.deals["q1"]},
        ).scalar_one()  # fmt: skip
    assert c.status == m.ContractStatus.PENDING_SIGNATURE
    assert c.total_value == Decimal("2646.00") and c.client_signed_by == "Dana Client"
    assert str(c.client_signature_ip) == "203.0.113.9" and c.client_signed_at
    assert c.payment_terms == "Net 30" and sum(
        Decimal(e["amount"]) for e in c.payment_schedule
    ) == Decimal("2646.00")
    assert c.start_date and c.end_date and c.end_date > c.start_date
    assert deal is not None and deal.status == m.OpportunityStatus.WON
    assert deal.current_stage_id == pipe.stages["Won"] and deal.value == Decimal("2646.00")
    assert [h.to_stage_id for h in history] == [pipe.stages["Won"]] and moved == 1
    # accepted is final and locked
    with pytest.raises(Conflict, match="locked"):
        _as_client(link, public.accept, "Dana Client", True, None)
    with pytest.raises(Conflict, match="locked"):
        _as_client(link, public.reject, "changed my mind", None)


def test_signing_internally_makes_the_contract_active(org: OrgFixture, pipe: PipeData) -> None:
    pid = make_proposal(org, pipe)
    link = _link(_token(_send(org, pid)))
    _as_client(link, public.accept, "Dana Client", True, None)
    with system_session() as s:
        cid = s.execute(sa.select(m.Contract.id).where(m.Contract.proposal_id == pid)).scalar_one()
    with tenant_session(org.actors["rep"]) as s, pytest.raises(Forbidden):
        contracts.sign_internally(s, org.actors["rep"], cid)
    with tenant_session(org.actors["manager"]) as s:
        detail = contracts.sign_internally(s, org.actors["manager"], cid)
    assert detail.status == "active" and detail.internal_signed_by == "Manager Acme"
    with tenant_session(org.actors["manager"]) as s, pytest.raises(Conflict):
        contracts.sign_internally(s, org.actors["manager"], cid)
    with tenant_session(org.actors["rep"]) as s:
        page = contracts.list_contracts(s, org.actors["rep"])
        assert [r.number for r in page.rows] == [detail.number]
        assert (
            contracts.contract_for_deal(s, org.actors["rep"], pipe.deals["q1"])[1] == detail.number
        )


# ------------------------------------------------------------------ discount approval
def test_a_large_discount_is_sent_only_once_approved(org: OrgFixture, pipe: PipeData) -> None:
    pid = make_proposal(org, pipe, discount_percent="20")  # 21.6 % off list, threshold 15 %
    rep, mgr = org.actors["rep"], org.actors["manager"]
    with pytest.raises(Conflict, match="above the 15"):
        _send(org, pid)
    with tenant_session(rep) as s:
        state = approvals.request_approval(s, rep, pid, "Competitive bid")
    assert state.needs_approval and not state.approved and state.request_status == "pending"
    with tenant_session(rep) as s, pytest.raises(Conflict, match="already been requested"):
        approvals.request_approval(s, rep, pid)
    with tenant_session(rep) as s:
        assert approvals.pending_approvals(s, rep) == []  # reps approve nothing
    with tenant_session(mgr) as s:
        [waiting] = approvals.pending_approvals(s, mgr)
    assert waiting.discount == "21.60 %" and waiting.comment == "Competitive bid"
    with pytest.raises(Conflict, match="above the 15"):
        _send(org, pid)
    with tenant_session(mgr) as s:
        approvals.decide(s, mgr, waiting.id, True, "OK this once")
    with tenant_session(mgr) as s, pytest.raises(Conflict, match="already approved"):
        approvals.decide(s, mgr, waiting.id, False, "no")
    assert _send(org, pid).status == "sent"


def test_declining_needs_a_comment_and_nobody_decides_their_own(
    org: OrgFixture, pipe: PipeData
) -> None:
    pid = make_proposal(org, pipe, deal="p1", discount_percent="25")  # rep2's deal
    mgr, admin = org.actors["manager"], org.actors["admin"]
    with tenant_session(org.actors["rep2"]) as s:
        approvals.request_approval(s, org.actors["rep2"], pid)
    with tenant_session(mgr) as s:
        [waiting] = approvals.pending_approvals(s, mgr)
    with tenant_session(mgr) as s, pytest.raises(Invalid, match="why"):
        approvals.decide(s, mgr, waiting.id, False, "")
    with tenant_session(org.actors["rep"]) as s, pytest.raises(Forbidden):
        approvals.decide(s, org.actors["rep"], waiting.id, True)
    with tenant_session(mgr) as s:
        approvals.decide(s, mgr, waiting.id, False, "Too deep; 15 % at most.")
    with tenant_session(org.actors["rep2"]) as s:
        state = approvals.approval_state(s, org.actors["rep2"], pid)
    assert state.request_status == "declined" and state.decision_comment.startswith("Too deep")
    with pytest.raises(Conflict):
        _send(org, pid, "rep2")
    # a manager's own request waits for someone else
    own = make_proposal(org, pipe, deal="m1", number="P-2026-0009", discount_percent="30")
    with tenant_session(mgr) as s:
        approvals.request_approval(s, mgr, own)
        mine = next(w for w in approvals.pending_approvals(s, mgr) if w.proposal_id == str(own))
    with tenant_session(mgr) as s, pytest.raises(Conflict, match="Someone else"):
        approvals.decide(s, mgr, mine.id, True)
    with tenant_session(admin) as s:
        approvals.decide(s, admin, mine.id, True)


def test_small_discounts_need_no_approval(org: OrgFixture, pipe: PipeData) -> None:
    pid = make_proposal(org, pipe, discount_percent="5")
    with tenant_session(org.actors["rep"]) as s, pytest.raises(Invalid, match="no approval"):
        approvals.request_approval(s, org.actors["rep"], pid)
    assert _send(org, pid).status == "sent"


def test_the_threshold_comes_from_the_organizations_settings(
    org: OrgFixture, pipe: PipeData
) -> None:
    with system_session() as s:
        s.execute(
            sa.text("UPDATE organizations SET settings = settings || "
                    "'{\"proposal_discount_approval_percent\": 1}' WHERE id = :o"), {"o": org.id},
        )  # fmt: skip
    pid = make_proposal(org, pipe)  # 2 % line discount
    with pytest.raises(Conflict, match="above the 1 %"):
        _send(org, pid)


# ------------------------------------------------------------------ forged ids
def test_ids_from_another_organization_are_not_found_and_nothing_is_written(
    org: OrgFixture, other_org: OrgFixture, pipe: PipeData
) -> None:
    theirs_pipe = make_pipeline(other_org)
    theirs = make_proposal(other_org, theirs_pipe, discount_percent="30")
    accepted = make_proposal(other_org, theirs_pipe, number="P-2026-0002")
    with tenant_session(other_org.actors["rep"]) as s:
        approvals.request_approval(s, other_org.actors["rep"], theirs)
        [req] = approvals.pending_approvals(s, other_org.actors["manager"])
    link = _link(_token(_send(other_org, accepted)))
    _as_client(link, public.accept, "Their Client", True, None)
    with system_session() as s:
        their_contract = s.execute(
            sa.select(m.Contract.id).where(m.Contract.organization_id == other_org.id)
        ).scalar_one()
    mgr = org.actors["manager"]
    before = _audits(org.id), _audits(other_org.id)
    attempts = [
        lambda s: sending.send_proposal(s, mgr, theirs, CLIENT),
        lambda s: approvals.request_approval(s, mgr, theirs),
        lambda s: approvals.approval_state(s, mgr, theirs),
        lambda s: approvals.decide(s, mgr, req.id, True),
        lambda s: public.revoke_links(s, mgr, accepted),
        lambda s: public.preview(s, mgr, accepted),
        lambda s: contracts.sign_internally(s, mgr, their_contract),
        lambda s: contracts.contract_detail(s, mgr, their_contract),
        lambda s: sending.send_proposal(s, mgr, "not-a-uuid", CLIENT),
    ]
    for attempt in attempts:
        with tenant_session(mgr) as s, pytest.raises(NotFound):
            attempt(s)
    # a link of theirs, presented as ours, finds nothing either
    forged = ResolvedLink(org.id, link.link_id, link.proposal_id)
    with pytest.raises(NotFound):
        _as_client(forged, public.open_link)
    assert (_audits(org.id), _audits(other_org.id)) == before
    with system_session() as s:
        assert s.execute(
            sa.text("SELECT status FROM proposal_approval_requests WHERE id = :r"), {"r": req.id}
        ).scalar_one() == "pending"  # fmt: skip


def test_the_approver_sees_waiting_discounts_on_today(org: OrgFixture, pipe: PipeData) -> None:
    from smartweb_ui.services.today import today_for

    pid = make_proposal(org, pipe, discount_percent="20")
    with tenant_session(org.actors["rep"]) as s:
        approvals.request_approval(s, org.actors["rep"], pid, "Big account")
        assert today_for(s, org.actors["rep"]).approvals == []
    with tenant_session(org.actors["manager"]) as s:
        [shown] = today_for(s, org.actors["manager"]).approvals
    assert shown.proposal_id == str(pid) and shown.comment == "Big account"
    assert shown.requested_by == "Rep Acme"
