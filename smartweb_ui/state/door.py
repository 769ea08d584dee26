"""The one door: how every event handler reaches the services.

Any browser can call any public handler with any arguments, so a handler is declared with the
door and its arguments with the input types of ``services.core.inputs``::

    class PipelineState(rx.State):
        @door.event(on_refused="_snap_back")
        async def move_deal(self, deal_id: Id, to_stage_id: Id, position: Index) -> Events:
            result = await door.run(self, moves.move_deal, deal_id, to_stage_id, position, ...)
            ...

Before the body runs, the door

1. validates and converts every argument against its declared type and bounds (an id becomes
   a UUID, text is length-checked and free of control characters, numbers are in range, dates
   sane, booleans real booleans, choices from their set) — a bad one is refused with a
   message and nothing runs;
2. resolves the actor from the server-side session; a signed-out visitor goes to
   ``/login?next=<this page>`` (``public=True`` handlers — sign-in — skip this), while a tab
   whose state the shared store lost re-opens its page to hydrate with its stored token.

``door.run(self, fn, *args)`` then calls ``fn(session, actor, *args)`` in ONE tenant transaction
on a worker thread, so a slow query never holds the event loop (or other users). A
``DomainError`` becomes the same error toast everywhere (plus the state's ``on_refused`` hook,
e.g. to snap a card back); anything else becomes one logged line and a generic toast — never a
stack trace to the client, never half a change (the transaction rolls back).
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import functools
import inspect
import json
import logging
import types
import typing
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeAlias, TypeVar, get_args, get_origin
from urllib.parse import quote

import reflex as rx
from annotated_types import MaxLen
from pydantic import BaseModel, TypeAdapter, ValidationError
from reflex.event import EventHandler, EventSpec
from reflex.istate.proxy import MutableProxy

from ..config import settings
from ..services.core.changes import shown_by
from ..services.core.errors import DomainError
from ..services.core.inputs import explain
from ..services.core.security import Actor
from ..services.core.unit_of_work import in_system, in_system_connection, in_tenant

log = logging.getLogger("smartweb.door")

Event: TypeAlias = EventSpec | EventHandler
Events: TypeAlias = Event | Sequence[Event] | None
T = TypeVar("T")
StateClass = TypeVar("StateClass", bound=type[rx.State])

GENERIC_ERROR = "Something went wrong on our side and nothing was saved. Please try again."
BAD_REQUEST = "That request isn't valid. Reload the page and try again."
TOO_LARGE = "That is more than SmartWeb takes in one go."
# What one event may carry (the largest form: a few long texts). Every argument has its own
# bound too, so what a tab's state can hold is bounded by construction.
MAX_PAYLOAD_BYTES = 256 * 1024

# One thread per pooled connection: a handler's service call holds one connection at a time.
_EXECUTOR = ThreadPoolExecutor(
    max_workers=settings.db_pool_size + settings.db_max_overflow, thread_name_prefix="door"
)
# The actor of each handler in flight, by the identity of the state (or background proxy)
# it runs on; ``run`` finds it there, so the body never handles identity itself.
_ACTORS: dict[int, Actor] = {}
DOOR_ATTR = "__smartweb_door__"


class Refused(Exception):
    """An argument failed validation: the message is for the person who sent it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ------------------------------------------------------------------ argument validation
_UNBOUNDED = (str, int, float, dict, list, tuple, set, object, bytes)


def _is_upload(annotation: Any) -> bool:
    return "UploadFile" in repr(annotation)


def _check_bounded(where: str, annotation: Any) -> None:
    """Refuse (at import time) a parameter type that would let any value through."""
    if annotation is inspect.Parameter.empty or annotation is Any:
        raise TypeError(f"{where}: every argument of a door handler needs a declared input type")
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = get_args(annotation)
        if get_origin(base) in (list, tuple, set, frozenset) and not any(
            isinstance(m, MaxLen) for m in meta
        ):
            raise TypeError(f"{where}: a list argument needs a maximum length (MaxLen)")
        if get_origin(base) in (list, tuple, set, frozenset):
            _check_bounded(where, get_args(base)[0])
        return
    if origin in (types.UnionType, typing.Union):
        for member in get_args(annotation):
            if member is not type(None):
                _check_bounded(where, member)
        return
    if origin is Literal or annotation is bool:
        return
    if isinstance(annotation, type) and issubclass(annotation, (BaseModel, enum.Enum)):
        return
    if annotation in _UNBOUNDED or origin in (list, tuple, set, dict, frozenset):
        raise TypeError(
            f"{where}: {annotation!r} is unbounded; use an input type from services.core.inputs"
        )


@dataclasses.dataclass(frozen=True)
class HandlerSpec:
    """What the door knows about one handler: its validated parameters and options."""

    name: str
    adapters: Mapping[str, TypeAdapter[Any]]
    required: frozenset[str]
    uploads: frozenset[str]
    public: bool
    background: bool
    labels: Mapping[str, str]
    loads_page: bool = False

    @classmethod
    def of(
        cls,
        fn: Callable[..., Any],
        *,
        public: bool,
        background: bool,
        labels: Mapping[str, str],
        loads_page: bool = False,
    ) -> HandlerSpec:
        hints = typing.get_type_hints(fn, include_extras=True)
        params = list(inspect.signature(fn).parameters.values())[1:]  # after self
        adapters: dict[str, TypeAdapter[Any]] = {}
        uploads: set[str] = set()
        required: set[str] = set()
        for p in params:
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"{fn.__qualname__}: door handlers take named arguments only")
            annotation = hints.get(p.name, inspect.Parameter.empty)
            if _is_upload(annotation):
                uploads.add(p.name)
                required.add(p.name)  # files come from the upload route, never left out
                continue
            _check_bounded(f"{fn.__qualname__}({p.name})", annotation)
            adapters[p.name] = TypeAdapter(annotation)
            if p.default is inspect.Parameter.empty:
                required.add(p.name)
        return cls(
            name=fn.__qualname__,
            adapters=adapters,
            required=frozenset(required),
            uploads=frozenset(uploads),
            public=public,
            background=background,
            labels=dict(labels),
            loads_page=loads_page,
        )

    def validate(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The converted arguments, or Refused with a sentence naming what is wrong."""
        if _payload_size(payload, self.uploads) > MAX_PAYLOAD_BYTES:
            raise Refused(TOO_LARGE)
        unknown = set(payload) - set(self.adapters) - self.uploads
        missing = self.required - set(payload)
        if unknown or missing:
            raise Refused(BAD_REQUEST)
        out: dict[str, Any] = {}
        for name, value in payload.items():
            if name in self.uploads:
                # Only the upload route hands files over; over the websocket a browser can
                # send any JSON in their place.
                if not _are_files(value):
                    raise Refused(BAD_REQUEST)
                out[name] = value
                continue
            try:
                out[name] = self.adapters[name].validate_python(value)
            except ValidationError as exc:
                raise Refused(explain(exc, self.labels, name)) from None
        return out


def _are_files(value: Any) -> bool:
    from starlette.datastructures import UploadFile

    return isinstance(value, list) and all(isinstance(f, UploadFile) for f in value)


def _payload_size(payload: Mapping[str, Any], skip: frozenset[str]) -> int:
    try:
        return len(json.dumps({k: v for k, v in payload.items() if k not in skip}, default=str))
    except (TypeError, ValueError):
        return MAX_PAYLOAD_BYTES + 1


def spec_of(handler: Any) -> HandlerSpec | None:
    """The door's spec of a state's event handler (None: the handler does not use the door)."""
    fn = getattr(handler, "fn", handler)
    return getattr(fn, DOOR_ATTR, None)


# ------------------------------------------------------------------ identity
_IDENTITY: list[type[rx.State]] = []  # the state holding the browser's session token


def identity_state(cls: StateClass) -> StateClass:
    """Class decorator of the one state that holds the session token (``AuthState``); the
    door reads the token from it (registered this way because its handlers use the door)."""
    _IDENTITY[:] = [cls]
    return cls


async def _identity(state: rx.State) -> Any:
    if not _IDENTITY:
        raise RuntimeError("no state registered with door.identity_state")
    holder = _IDENTITY[0]
    return state if isinstance(state, holder) else await state.get_state(holder)


def _page_state_classes() -> list[type[rx.State]]:
    """Every state of the app but the identity state (what holds one user's data)."""
    found: list[type[rx.State]] = []
    pending = list(rx.State.get_substates())
    while pending:
        cls = pending.pop()
        pending.extend(cls.get_substates())
        if cls.__module__.startswith("smartweb_ui.") and cls not in _IDENTITY:
            found.append(cls)
    return found


async def _reset_page_states(state: rx.State) -> None:
    for cls in _page_state_classes():
        (await state.get_state(cls)).reset()


async def claim_for(state: rx.State, actor: Actor) -> None:
    """The tab's page states hold this actor's data from now on: if they held someone else's
    (a sign-in as another user in the same tab), they are reset first — one mechanism for every
    page, loaded or not."""
    auth = await _identity(state)
    owner = str(actor.user_id)
    if auth._owner != owner:
        await _reset_page_states(state)
        auth._owner = owner


async def forget_user(state: rx.State) -> None:
    """Signed out: every page state goes back to empty."""
    auth = await _identity(state)
    await _reset_page_states(state)
    auth._owner = ""


async def _resolve(state: rx.State) -> Actor | None:
    from ..services import access

    ref = (await _identity(state))._reference()
    if not ref:
        return None
    actor = await _off_loop(in_system_connection, access.resume_ref, ref)
    if actor is not None:
        await claim_for(state, actor)
    return actor


async def page_load(state: rx.State) -> tuple[Actor | None, EventSpec | None]:
    """A protected page loads: one look-up confirms the session and brings the profile the
    app shell shows. Signed out (or the session ended): the tab forgets it, every page state
    empties, and the answer sends the visitor to /login, coming back here."""
    from ..services import access

    auth = await _identity(state)
    unsent, auth._storage_unsent = auth._storage_unsent, False
    ref = auth._reference()
    if not ref and unsent:
        # The server ran this load for an event that met a lost state: the browser has not
        # sent its storage yet. Re-open the page (its hydration brings the token); the load
        # after that is an ordinary one, so a signed-out visitor is not reloaded twice.
        return None, rx.call_script(RESUME_SCRIPT)
    auth._page_loaded = True
    found = await _off_loop(in_system_connection, access.resume_with_profile, ref) if ref else None
    if found is None:
        auth._forget()
        await forget_user(state)
        return None, login_redirect(state)
    actor, profile = found
    await claim_for(state, actor)
    auth._apply_profile(actor, profile)
    return actor, None


def mark_unsent_storage() -> None:
    """Reflex gives an ordinary event that meets a state it does not have (the shared store
    was restarted or flushed) a hydration and the page's load, run there and then — with none
    of the browser's storage, which only the browser's own hydration sends. The tab's
    identity is marked first, so that load re-opens the page instead of finding no token and
    sending a signed-in user to /login (``page_load``)."""
    from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

    rehydrate = BaseStateEventProcessor._rehydrate
    if getattr(rehydrate, "smartweb_marks", False):
        return

    @functools.wraps(rehydrate)
    async def marking(self: Any, root_state: Any) -> None:
        if _IDENTITY and root_state.router_data:  # only a routed event runs the page's load
            (await _identity(root_state))._storage_unsent = True
        await rehydrate(self, root_state)

    marking.smartweb_marks = True  # type: ignore[attr-defined]
    BaseStateEventProcessor._rehydrate = marking  # type: ignore[method-assign]


def seal_framework_setters() -> int:
    """Reflex gives every state a ``setvar(var_name, value)`` event that calls ``set_<var>``
    with whatever the browser sends — outside the door, signed out too. No page of the app
    uses it, so on every state of the app it becomes a door handler that takes no argument and
    does nothing (an argument is refused with the door's message). Returns how many."""
    sealed = 0
    for cls in [*_IDENTITY, *_page_state_classes()]:
        if spec_of(cls.event_handlers.get("setvar")) is not None:
            continue

        async def setvar(self: rx.State) -> Events:
            return None

        setvar.__qualname__ = f"{cls.__name__}.setvar"
        setvar.__module__ = __name__
        fn = event(public=True)(setvar)
        handler = cls._create_event_handler(fn)
        cls.setvar = cls.event_handlers["setvar"] = handler  # type: ignore[assignment]
        sealed += 1
    return sealed


# Re-open the page: the browser hydrates again and sends its stored session token with it.
RESUME_SCRIPT = "window.location.reload()"


async def signed_out_answer(state: rx.State) -> EventSpec:
    """What a protected handler answers when the tab has no session.

    A tab whose state never ran a page load (``page_load`` marks it) has lost its
    state — the shared store (Redis) was restarted or flushed — while the browser still holds
    its token: the page is re-opened, its hydration sends the token and the session resumes on
    the same page. Otherwise the visitor is signed out: to /login, coming back here.
    """
    auth = await _identity(state)
    if not getattr(auth, "_page_loaded", True):
        return rx.call_script(RESUME_SCRIPT)
    return login_redirect(state)


def login_redirect(state: rx.State) -> EventSpec:
    """Send the visitor to /login, coming back to this page (same-site paths only)."""
    url = state.router.url
    target = url.path + (f"?{url.query}" if url.query else "")
    suffix = f"?next={quote(target, safe='')}" if target not in ("", "/", "/login") else ""
    return rx.redirect(f"/login{suffix}", replace=True)


async def _off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_EXECUTOR, functools.partial(fn, *args, **kwargs))


def _plain(value: Any) -> Any:
    """A state value as the services get it: never a Reflex change-tracking proxy."""
    return value.__wrapped__ if isinstance(value, MutableProxy) else value


async def run(state: rx.State, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(session, actor, *args, **kwargs)`` as the handler's actor, in one tenant
    transaction on a worker thread. Raises what ``fn`` raises (the door turns it into a toast)."""
    actor = _ACTORS.get(id(state))
    if actor is None:
        raise RuntimeError(f"door.run({fn.__qualname__}) called outside a door handler")
    args = tuple(_plain(a) for a in args)
    kwargs = {k: _plain(v) for k, v in kwargs.items()}
    return await _off_loop(in_tenant, actor, fn, *args, **kwargs)


def _steps(session: Any, actor: Actor, steps: Sequence[Callable[[Any, Actor], Any]]) -> list[Any]:
    return [step(session, actor) for step in steps]


async def transaction(
    state: rx.State, *steps: Callable[[Any, Actor], Any], shown_here: bool = False
) -> list[Any]:
    """Several service calls, each ``step(session, actor)``, in ONE tenant transaction (a change
    and the fresh view it leads to); all commit together or nothing does. Returns their results.

    ``shown_here``: the handler shows what its change did on this tab itself (a drop and its
    patch), so this tab's live task skips the notification
    of it instead of fetching and applying the same patch again (other tabs still get it)."""
    actor = _ACTORS.get(id(state))
    if actor is None:
        raise RuntimeError("door.transaction called outside a door handler")
    if shown_here:
        tab = state.router.session.client_token
        return await _off_loop(shown_by, tab, in_tenant, actor, _steps, steps)
    return await _off_loop(in_tenant, actor, _steps, steps)


async def run_system(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(session, *args)`` in an owner transaction off the loop: sign-in and sessions only."""
    return await _off_loop(in_system, fn, *args, **kwargs)


async def offload(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Pure CPU work of a handler (parsing an upload, say) on a worker thread, off the loop."""
    return await _off_loop(fn, *args, **kwargs)


async def recheck(state: rx.State) -> bool:
    """For long-running (background) handlers: resolve the session again. False when it ended
    (signed out, suspended, expired) — the handler then stops; ``run`` refuses from then on."""
    key = id(state)
    if key not in _ACTORS:
        return False
    async with state:  # type: ignore[attr-defined]  # background proxies lock like this
        actor = await _resolve(state)
    if actor is None:
        _ACTORS.pop(key, None)
        return False
    _ACTORS[key] = actor
    return True


def actor_of(state: rx.State) -> Actor:
    """The actor of the handler in flight (for display decisions; services re-check)."""
    actor = _ACTORS.get(id(state))
    if actor is None:
        raise RuntimeError("door.actor_of called outside a door handler")
    return actor


# ------------------------------------------------------------------ errors
def _hook_events(state: rx.State, hook: str | None, exc: DomainError) -> list[Event]:
    if hook is None:
        return []
    produced = getattr(state, hook)(exc)
    if produced is None:
        return []
    return list(produced) if isinstance(produced, (list, tuple)) else [produced]


def _failure(
    state: rx.State,
    spec: HandlerSpec,
    hook: str | None,
    exc: BaseException,
    failure_hook: str | None = None,
) -> list[Event]:
    """The events that answer a failed handler (one toast, plus the state's hook)."""
    if isinstance(exc, Refused):
        return [rx.toast.error(exc.message)]
    if isinstance(exc, DomainError):
        try:
            return [*_hook_events(state, hook, exc), rx.toast.error(exc.message)]
        except Exception:  # the hook itself failed: still one line and one toast
            log.exception("door: %s refused (%s) and its on_refused hook failed", spec.name, exc)
            return [rx.toast.error(exc.message)]
    log.exception("door: %s failed", spec.name)
    undo: list[Event] = []
    if failure_hook is not None and isinstance(exc, Exception):
        try:  # e.g. a drop the browser already shows: the card goes back to where it is
            undo = _hook_events(state, failure_hook, exc)  # type: ignore[arg-type]
        except Exception:
            log.exception("door: %s failed and its on_failure hook failed too", spec.name)
    return [*undo, rx.toast.error(GENERIC_ERROR)]


# ------------------------------------------------------------------ the decorator
def event(
    fn: Callable[..., Any] | None = None,
    *,
    public: bool = False,
    background: bool = False,
    loads_page: bool = False,
    on_refused: str | None = None,
    on_failure: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> Any:
    """Declare an event handler that goes through the door (and register it with Reflex).

    Args:
        fn: the handler (``async def``, plain or async generator).
        public: callable signed out (sign-in form only); no actor, no ``run``.
        background: a Reflex background task (``async with self`` to touch the state).
        on_refused: name of a state method ``(exc) -> events`` called when a service refuses.
        on_failure: the same for an unexpected failure (the database gone, a bug), for what
            must be undone on the page whatever the cause; the generic toast follows.
        labels: argument (or form field) name -> the name a person knows it by.
        loads_page: the page's on_load handler. Its session look-up is the page load's check
            (``page_load``: the profile for the app shell, or /login when signed out), so the
            page needs no separate checking event before it.
    """

    def decorate(handler: Callable[..., Any]) -> Any:
        spec = HandlerSpec.of(
            handler, public=public, background=background, labels=labels or {},
            loads_page=loads_page,
        )  # fmt: skip
        if inspect.isasyncgenfunction(handler):
            wrapper = _generator_wrapper(handler, spec, on_refused, on_failure)
        elif inspect.iscoroutinefunction(handler):
            wrapper = _coroutine_wrapper(handler, spec, on_refused, on_failure)
        else:
            raise TypeError(f"{handler.__qualname__}: door handlers are async")
        functools.update_wrapper(wrapper, handler)
        # Reflex reads the wrapper's own annotations to transform payloads; the door does
        # that itself (strictly), so Reflex gets none — except upload parameters it must see.
        hints = typing.get_type_hints(handler)
        wrapper.__annotations__ = {k: v for k, v in hints.items() if k in spec.uploads}
        setattr(wrapper, DOOR_ATTR, spec)
        return rx.event(wrapper, background=background) if background else rx.event(wrapper)

    return decorate(fn) if fn is not None else decorate


async def _enter(
    state: rx.State, spec: HandlerSpec, payload: Mapping[str, Any]
) -> tuple[dict[str, Any], Actor | None, EventSpec | None]:
    """Validated arguments, the actor, and (signed out: actor None) what to answer instead;
    raises Refused."""
    args = spec.validate(payload)
    if spec.public:
        return args, None, None
    if spec.loads_page:
        actor, answer = await page_load(state)
    elif spec.background:
        async with state:  # type: ignore[attr-defined]  # background proxies lock like this
            actor = await _resolve(state)
            answer = await signed_out_answer(state) if actor is None else None
    else:
        actor = await _resolve(state)
        answer = await signed_out_answer(state) if actor is None else None
    return args, actor, answer


def _coroutine_wrapper(
    handler: Callable[..., Any], spec: HandlerSpec, hook: str | None, failure_hook: str | None
) -> Callable[..., Any]:
    async def wrapper(self: rx.State, **payload: Any) -> Any:
        key = id(self)
        try:
            args, actor, signed_out = await _enter(self, spec, payload)
            if signed_out is not None:
                return signed_out
            if actor is not None:
                _ACTORS[key] = actor
            return await handler(self, **args)
        except Exception as exc:  # noqa: BLE001 - the door answers every failure
            return _failure(self, spec, hook, exc, failure_hook)
        finally:
            _ACTORS.pop(key, None)

    return wrapper


def _generator_wrapper(
    handler: Callable[..., Any], spec: HandlerSpec, hook: str | None, failure_hook: str | None
) -> Callable[..., Any]:
    async def wrapper(self: rx.State, **payload: Any) -> AsyncIterator[Any]:
        key = id(self)
        try:
            args, actor, signed_out = await _enter(self, spec, payload)
            if signed_out is not None:
                yield signed_out
                return
            if actor is not None:
                _ACTORS[key] = actor
            async for item in handler(self, **args):
                yield item
        except Exception as exc:  # noqa: BLE001 - the door answers every failure
            for item in _failure(self, spec, hook, exc, failure_hook):
                yield item
        finally:
            _ACTORS.pop(key, None)

    return wrapper
