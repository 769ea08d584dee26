"""The door: every handler of every page state goes through it, and its input types refuse
what a hostile browser could send before any service runs."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID, uuid4

import pytest
import reflex as rx
from annotated_types import MaxLen
from pydantic import ValidationError
from starlette.datastructures import UploadFile

import smartweb_ui.smartweb_ui  # noqa: F401  (registers every page and state)
from smartweb_ui.services.core.inputs import (
    Day,
    Flag,
    Form,
    Id,
    Index,
    Line,
    LongText,
    Minutes,
    Money,
    Name,
    OptionalDay,
    Password,
    explain,
)
from smartweb_ui.state import door
from smartweb_ui.state.door import HandlerSpec, Refused, spec_of


def app_handlers() -> list[tuple[str, object]]:
    """Every event handler the app's own states define (Reflex's built-ins excluded)."""
    import reflex as rx

    found = []
    pending = list(rx.State.get_substates())
    while pending:
        cls = pending.pop()
        pending.extend(cls.get_substates())
        for name, handler in cls.event_handlers.items():
            fn = getattr(handler, "fn", None)
            if fn is not None and getattr(fn, "__module__", "").startswith("smartweb_ui."):
                found.append((f"{cls.__name__}.{name}", handler))
    return found


def test_every_handler_of_the_app_goes_through_the_door() -> None:
    handlers = app_handlers()
    assert len(handlers) > 80  # the pages' states are really enumerated
    outside = [name for name, handler in handlers if spec_of(handler) is None]
    assert outside == []


def test_only_the_sign_in_handlers_are_public() -> None:
    """And the live pages' ``stop_watch``: it only ends the tab's own live task, and it fires
    as the page unmounts — after a sign-out too, when a refusal would send the tab to the
    sign-in page with a stale ``next``."""
    public = sorted(
        name
        for name, h in app_handlers()
        if (spec := spec_of(h)) and spec.public and not name.endswith(".setvar")
    )
    assert public == [
        "AuthState.open_sign_in",
        "AuthState.sign_in",
        "AuthState.sign_out",
        "CampaignMonitorState.stop_watch",
        "CampaignsState.stop_watch",
        "DashboardState.stop_watch",
        "LeadInboxState.stop_watch",
        "PipelineState.stop_watch",
        "TodayState.stop_watch",
    ]


def test_an_unbounded_argument_type_is_refused_at_import_time() -> None:
    async def handler(self, note: str) -> None: ...

    with pytest.raises(TypeError, match="unbounded"):
        HandlerSpec.of(handler, public=False, background=False, labels={})

    async def listy(self, ids: list[Id]) -> None: ...

    with pytest.raises(TypeError, match="unbounded"):
        HandlerSpec.of(listy, public=False, background=False, labels={})


def _spec(fn):  # type: ignore[no-untyped-def]
    return HandlerSpec.of(fn, public=False, background=False, labels={"deal_id": "Deal"})


async def _move(self, deal_id: Id, position: Index, won: Flag, day: OptionalDay = None) -> None: ...


def test_arguments_are_converted_and_bounded() -> None:
    spec = _spec(_move)
    deal = uuid4()
    args = spec.validate({"deal_id": str(deal), "position": 3, "won": True, "day": "2026-03-31"})
    assert args == {"deal_id": deal, "position": 3, "won": True, "day": date(2026, 3, 31)}
    assert isinstance(args["deal_id"], UUID)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"deal_id": "x' OR 1=1", "position": 1, "won": True}, "That deal no longer exists."),
        ({"deal_id": "a" * 900_000, "position": 1, "won": True}, "more than SmartWeb takes"),
        ({"deal_id": "a" * 9_000, "position": 1, "won": True}, "That deal no longer exists."),
        ({"deal_id": {"$ne": 1}, "position": 1, "won": True}, "That deal no longer exists."),
        ({"deal_id": str(uuid4()), "position": -1, "won": True}, "Position must be at least 0."),
        ({"deal_id": str(uuid4()), "position": 10**12, "won": True}, "Position must be at most"),
        ({"deal_id": str(uuid4()), "position": 1.5, "won": True}, "must be a whole number"),
        ({"deal_id": str(uuid4()), "position": True, "won": True}, "must be a whole number"),
        ({"deal_id": str(uuid4()), "position": 1, "won": "false"}, "Won must be yes or no."),
        ({"deal_id": str(uuid4()), "position": 1, "won": True, "day": "0001-01-01"}, "Day"),
        ({"deal_id": str(uuid4()), "position": 1, "won": True, "day": "9999-12-31"}, "Day"),
        ({"deal_id": str(uuid4()), "position": 1}, "isn't valid"),  # a missing argument
        ({"deal_id": str(uuid4()), "position": 1, "won": True, "extra": 1}, "isn't valid"),
    ],
)
def test_hostile_arguments_are_refused_with_a_message(payload: dict, message: str) -> None:
    with pytest.raises(Refused) as refused:
        _spec(_move).validate(payload)
    assert message in refused.value.message


class NoteForm(Form):
    title: Name
    body: LongText = ""
    minutes: Minutes = 0
    when: Day | None = None
    amount: Money | None = None


def test_forms_take_blank_optional_fields_as_defaults_and_refuse_extras() -> None:
    form = NoteForm.model_validate(
        {"title": "  Call back ", "body": "", "minutes": "15", "when": ""}
    )
    assert (form.title, form.body, form.minutes, form.when) == ("Call back", "", 15, None)
    assert NoteForm.model_validate({"title": "x", "amount": "$12,500.50"}).amount == Decimal(
        "12500.50"
    )
    with pytest.raises(ValidationError):
        NoteForm.model_validate({"title": "x", "is_admin": "1"})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Title is required."),
        ({"title": "x" * 201}, "Title is too long (200 characters at most)."),
        ({"title": "nul\x00byte"}, "Title contains characters that can't be stored."),
        ({"title": "line\nbreak"}, "Title contains characters that can't be stored."),
        ({"title": ["a list"]}, "Title must be text."),
        ({"title": {"a": "dict"}}, "Title must be text."),
        ({"title": "x", "minutes": "2000"}, "Minutes must be at most 1440."),
        ({"title": "x", "amount": "lots"}, "Amount must be an amount"),
    ],
)
def test_form_errors_read_as_sentences(data: dict, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        NoteForm.model_validate(data)
    assert message in explain(err.value)


def test_long_text_keeps_line_breaks_and_passwords_are_taken_as_typed() -> None:
    from pydantic import TypeAdapter

    assert TypeAdapter(LongText).validate_python("one\ntwo") == "one\ntwo"
    assert TypeAdapter(Password).validate_python("  spaced secret ") == "  spaced secret "
    with pytest.raises(ValidationError):
        TypeAdapter(Password).validate_python("x" * 5000)
    with pytest.raises(ValidationError):
        TypeAdapter(Line).validate_python("x" * 501)


def test_run_outside_a_door_handler_is_a_programming_error() -> None:
    import asyncio

    with pytest.raises(RuntimeError, match="outside a door handler"):
        asyncio.run(door.run(object(), lambda s, a: None))  # type: ignore[arg-type]


def test_list_arguments_need_and_respect_a_maximum_length() -> None:
    async def bulk(self, ids: Annotated[list[Id], MaxLen(3)]) -> None: ...

    spec = HandlerSpec.of(bulk, public=False, background=False, labels={})
    assert len(spec.validate({"ids": [str(uuid4()) for _ in range(3)]})["ids"]) == 3
    with pytest.raises(Refused):
        spec.validate({"ids": [str(uuid4()) for _ in range(4)]})


def test_an_oversized_event_is_refused_before_validation() -> None:
    async def note(self, text: LongText) -> None: ...

    spec = HandlerSpec.of(note, public=False, background=False, labels={})
    with pytest.raises(Refused, match="more than SmartWeb takes"):
        spec.validate({"text": "x" * (door.MAX_PAYLOAD_BYTES + 1)})


def test_reflex_setvar_is_sealed_on_every_state_of_the_app() -> None:
    """Reflex's ``setvar(var_name, value)`` would call ``set_<var>`` with whatever a browser
    sends, outside the door: on every app state it is a door handler that takes nothing."""
    states = []
    pending = list(rx.State.get_substates())
    while pending:
        cls = pending.pop()
        pending.extend(cls.get_substates())
        if cls.__module__.startswith("smartweb_ui."):
            states.append(cls)
    assert len(states) > 10
    for cls in states:
        spec = spec_of(cls.event_handlers["setvar"])
        assert spec is not None, cls.__name__
        assert spec.validate({}) == {}
        with pytest.raises(Refused):
            spec.validate({"var_name": "token", "value": "x"})
    assert door.seal_framework_setters() == 0  # idempotent: nothing left to seal


def test_upload_parameters_take_only_files() -> None:
    async def upload(self, files: list[rx.UploadFile]) -> None: ...

    spec = HandlerSpec.of(upload, public=False, background=False, labels={})
    for forged in ({}, {"files": "x"}, {"files": [{"name": "a.csv"}]}, {"files": None}):
        with pytest.raises(Refused):
            spec.validate(forged)
    files = [UploadFile(io.BytesIO(b"name\nAcme"), filename="a.csv")]
    assert spec.validate({"files": files})["files"] == files


def test_a_page_load_run_for_a_lost_state_re_opens_the_page_once() -> None:
    """Reflex runs a page's load itself when an ordinary event meets a state the store lost
    (a Redis restart), without the browser's storage: that load re-opens the page (the
    browser's own hydration then sends the token) instead of sending the user to /login; the
    load after it is an ordinary one, so a signed-out visitor goes to /login, not round."""
    import asyncio

    from reflex.state import State
    from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

    from smartweb_ui.state.auth import AuthState

    assert getattr(BaseStateEventProcessor._rehydrate, "smartweb_marks", False)
    root = State(_reflex_internal_init=True)  # type: ignore[call-arg]
    auth = root.get_substate(AuthState.get_full_name().split(".")[1:])
    auth._storage_unsent = True  # what the marked rehydration sets
    actor, answer = asyncio.run(door.page_load(auth))
    assert actor is None and answer is not None
    assert door.RESUME_SCRIPT in str(answer.args) and not auth._page_loaded
    actor, answer = asyncio.run(door.page_load(auth))  # the browser's hydration, no token
    assert actor is None and answer is not None
    assert "/login" in str(answer.args) and auth._page_loaded


def test_a_moves_patch_waits_for_a_database_back_from_a_restart(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The move is committed; its patch (the card's new version) is read after it. A database
    lost in between is tried again for a restart's few seconds, so the tab gets the patch and
    its next drop of the card is not refused as someone else's change; a database that stays
    away is given up on quietly (the move is saved, no error toast)."""
    import asyncio

    from reflex.state import State

    from smartweb_ui.services.core.errors import Unavailable
    from smartweb_ui.services.pipeline import BoardPatch
    from smartweb_ui.state import pipeline

    root = State(_reflex_internal_init=True)  # type: ignore[call-arg]
    board = root.get_substate(pipeline.PipelineState.get_full_name().split(".")[1:])
    pushed: list[dict] = []
    tries: list[int] = []
    monkeypatch.setattr(pipeline, "PATCH_RETRY_S", (0.0, 0.0, 0.0))
    monkeypatch.setattr(pipeline.PipelineState, "_push", lambda self, d: pushed.append(d))

    def away_for(n: int):  # type: ignore[no-untyped-def]
        async def transaction(state, *steps, **kw):  # type: ignore[no-untyped-def]
            tries.append(1)
            if len(tries) <= n:
                raise Unavailable()
            return (BoardPatch(pipeline_id="p"),)

        return transaction

    monkeypatch.setattr(pipeline.door, "transaction", away_for(2))
    asyncio.run(board._patch_after(["d"], ["s"]))
    assert len(tries) == 3 and len(pushed) == 1  # the third try found the database back
    tries.clear()
    pushed.clear()
    monkeypatch.setattr(pipeline.door, "transaction", away_for(99))
    asyncio.run(board._patch_after(["d"], ["s"]))
    assert len(tries) == 4 and pushed == []  # every wait used, then given up without a word
