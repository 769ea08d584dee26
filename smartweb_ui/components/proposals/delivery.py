"""The builder's delivery card: send to the client (with discount approval), the client's link,
views, and the contract once accepted."""

from __future__ import annotations

import reflex as rx

from ...state.proposal_delivery import ProposalDeliveryState as S

D = S.d
A = D.approval


def _label(text: str) -> rx.Component:
    return rx.text(text, size="1", weight="medium", color=rx.color("gray", 11))


def _fact(label: str, value: rx.Var, test_id: str = "") -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color=rx.color("gray", 10)),
        rx.spacer(),
        rx.text(value, size="2", weight="medium", id=test_id or None),
        width="100%",
    )


def _approval_box() -> rx.Component:
    """Above the threshold and not approved: ask for approval (or see the answer)."""
    return rx.cond(
        A.needs_approval & ~A.approved & ~A.can_approve,
        rx.callout(
            rx.vstack(
                rx.text(
                    "This proposal gives ", A.discount_percent, " % off list price; your "
                    "organization allows ", A.threshold_percent, " % without approval.",
                    size="2",
                ),
                rx.cond(
                    A.request_status == "pending",
                    rx.badge("Waiting for approval", color_scheme="amber", id="approval-status"),
                    rx.vstack(
                        rx.cond(
                            A.request_status == "declined",
                            rx.text("Declined: ", A.decision_comment, size="2",
                                    id="approval-status"),
                        ),
                        rx.form(
                            rx.hstack(
                                rx.input(name="comment", placeholder="Why this discount?",
                                         max_length=1000, flex="1"),
                                rx.button("Request approval", type="submit", size="2",
                                          id="request-approval"),
                                width="100%",
                            ),
                            on_submit=S.request_approval,
                            reset_on_submit=True,
                            width="100%",
                        ),
                        width="100%",
                        spacing="2",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            icon="shield-alert",
            color_scheme="amber",
            size="1",
            width="100%",
        ),
    )  # fmt: skip


def _send_dialog() -> rx.Component:
    blocked = A.needs_approval & ~A.approved & ~A.can_approve
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("send", size=16), "Send to client", width="100%", id="send-open"),
        ),
        rx.dialog.content(
            rx.dialog.title("Send to client"),
            rx.dialog.description(
                "The client gets an e-mail with a private link to read, download, accept or "
                "decline this proposal.",
                size="2",
            ),
            rx.vstack(
                _approval_box(),
                rx.form(
                    rx.vstack(
                        _label("Client e-mail"),
                        rx.input(name="to_email", type="email", default_value=D.default_email,
                                 required=True, max_length=254, width="100%",
                                 key="email-" + D.proposal_id),
                        _label("Message (optional)"),
                        rx.text_area(name="message", max_length=2000, rows="4", width="100%"),
                        rx.cond(S.error != "", rx.text(S.error, color=rx.color("red", 11),
                                                       size="2", role="alert")),
                        rx.hstack(
                            rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray",
                                                      type="button")),
                            rx.button(rx.icon("send", size=16), "Send", type="submit",
                                      disabled=blocked, id="send-submit"),
                            justify="end",
                            width="100%",
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=S.send,
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="480px",
        ),
        open=S.send_open,
        on_open_change=S.set_send_open,
    )  # fmt: skip


def _link_box() -> rx.Component:
    return rx.cond(
        S.link_path != "",
        rx.callout(
            rx.vstack(
                rx.text("The client's link (shown once — it is stored only in a form nobody "
                        "can read back):", size="1"),
                rx.el.a(S.link_path, href=S.link_path, target="_blank", rel="noopener noreferrer",
                        id="client-link",
                        style={"word_break": "break-all", "font_size": "12px",
                               "color": rx.color("accent", 11)}),
                spacing="1",
            ),
            icon="link",
            size="1",
            width="100%",
        ),
    )  # fmt: skip


def delivery_card() -> rx.Component:
    return rx.cond(
        D.proposal_id != "",
        rx.card(
            rx.vstack(
                rx.heading("Client", size="4"),
                rx.cond(D.can_send, _send_dialog()),
                _link_box(),
                rx.cond(
                    D.sent_to != "",
                    rx.vstack(
                        _fact("Sent to", D.sent_to, "delivery-sent-to"),
                        _fact("Sent", D.sent_at),
                        _fact("Opened", D.view_count.to(str) + "×", "delivery-views"),
                        rx.cond(D.viewed_at != "", _fact("First opened", D.viewed_at)),
                        width="100%",
                        spacing="1",
                    ),
                    rx.cond(~D.can_send,
                            rx.text("Not sent.", size="2", color=rx.color("gray", 10))),
                ),
                rx.cond(
                    D.contract_id != "",
                    rx.link(
                        rx.button(rx.icon("signature", size=16), "Contract ",
                                  D.contract_number, variant="soft", width="100%"),
                        href="/contracts/" + D.contract_id,
                        width="100%",
                        id="delivery-contract",
                    ),
                ),
                rx.cond(
                    D.live_link & (D.status != "accepted"),
                    rx.button(rx.icon("link-2-off", size=16), "Revoke link", variant="soft",
                              color_scheme="red", size="1", on_click=S.revoke_link,
                              id="revoke-link"),
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
            data_testid="delivery",
        ),
    )  # fmt: skip
