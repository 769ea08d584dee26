"""Reflex 0.10's websocket protocol without a browser: a minimal Socket.IO client.

What the browser does (``reflex_base/.templates/web/utils/state.js``, ``reflex/app.py``
``EventNamespace``, ``reflex_base/event/processor/``), and so what this client does:

* One websocket at ``/_event/?EIO=4&transport=websocket&token=<tab token>`` (Engine.IO v4;
  the server pings with ``2``, the client answers ``3``), Socket.IO v5 packets in the
  ``/_event`` namespace.
* The namespace CONNECT packet carries the boot event as its auth, ``{"event":
  <State.hydrate_and_load>}``: the backend resets client storage, applies the storage values
  the browser sends in ``payload.vars`` (the session token is ``AuthState.token``, the
  LocalStorage key ``smartweb_session``), sends the whole state and queues the on_load events
  of the page named by ``router_data.pathname``. The same event, sent later, re-hydrates.
* An event is ``42/_event,["event", {"name", "payload", "router_data"}]`` (``name`` is the
  state's full name + handler, ``router_data`` is ``pathname``/``asPath``/``query``); the server
  answers with ``event`` messages ``{"delta": {...}, "events": [...]}``. Backend events a
  handler returns are queued on the server (one client token's events run one at a time, in
  arrival order); only frontend events (redirects, scripts, toasts) come back in ``events``.

Reflex 0.10 sends no "final" message for an event (``StateUpdate.final`` is deprecated), so
``call`` waits with *probes*: after the event it sends ``OnLoadInternalState.set_is_hydrated``
with a unique ``__attack_probe`` query parameter, whose delta echoes that URL. The probe's
answer means everything queued before it has run. Events the handler chained may be queued
behind the probe, so it probes again until a round brings nothing but the probe's answer, and
at least ``MIN_ROUNDS`` times (a chain that deep has run even when it sends nothing).
Background tasks (``background=True``) run outside that order and are not waited for.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from simple_websocket import AioClient
from simple_websocket.errors import ConnectionClosed

NAMESPACE = "/_event"
PROBE_KEY = "__attack_probe"
MIN_ROUNDS = 3
MAX_ROUNDS = 25
# No handler of the app takes seconds; an event unanswered this long is reported ("no-answer").
ANSWER_TIMEOUT_S = float(os.environ.get("SMARTWEB_ATTACK_TIMEOUT", "20"))


class ProtocolError(RuntimeError):
    """The server did not speak the protocol as expected (or went away)."""


class TooLarge(ProtocolError):
    """The event's frame is over the size the server announced (it would drop the socket)."""


class NoAnswer(ProtocolError):
    """The server did not answer a probe in time: the event is still running (or stuck)."""


@dataclass
class Received:
    """One ``event`` message from the server."""

    name: str  # the Socket.IO event name: "event" (a state update), "new_token", ...
    data: Any
    text: str  # the packet's JSON text
    probe: int | None = None  # set when this is the answer to a probe


@dataclass
class Router:
    """Where the (pretend) browser is: what ``router_data`` says and hydrate's page."""

    path: str
    query: dict[str, str] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        qs = urlencode(self.query)
        return {
            "pathname": self.path,
            "asPath": self.path + (f"?{qs}" if qs else ""),
            "query": dict(self.query),
        }

    @property
    def url(self) -> str:
        return str(self.data()["asPath"])


class _WebSocket(AioClient):
    """simple_websocket's asyncio client, minus one stall: frames that arrive in the same read
    as the handshake's response stay in wsproto's buffer until more data comes in (here the
    server's next ping, 25 s later). Hand them over right after the handshake."""

    async def handshake(self) -> None:
        await super().handshake()
        self.connected = await self._handle_events()


def _probe_of(data: Any) -> int | None:
    """The probe number an update echoes (in the router vars of the root state), if any."""
    if isinstance(data, Mapping):
        if PROBE_KEY in data and isinstance(data[PROBE_KEY], str) and data[PROBE_KEY].isdigit():
            return int(data[PROBE_KEY])
        for value in data.values():
            if (found := _probe_of(value)) is not None:
                return found
    return None


class ReflexSocket:
    """One browser tab: a client token, a websocket and everything the server sent on it."""

    def __init__(self, base_url: str, probe_event: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.probe_event = probe_event  # full name of OnLoadInternalState.set_is_hydrated
        self.client_token = ""
        self.received: list[Received] = []
        self._ws: _WebSocket | None = None
        self._reader: asyncio.Task[None] | None = None
        self._arrived: asyncio.Event | None = None
        self._connected: asyncio.Event | None = None
        self._connect_error = ""
        self._alive = False
        self._probe = 0
        self.max_payload = 1_000_000  # what the server's OPEN packet announces

    @property
    def alive(self) -> bool:
        return self._alive and self._ws is not None and self._ws.connected

    # ------------------------------------------------------------------ connection
    async def connect(
        self,
        boot: Mapping[str, Any],
        timeout_s: float = ANSWER_TIMEOUT_S,
        *,
        same_tab: bool = False,
    ) -> None:
        """Open a new tab (fresh client token) whose CONNECT packet carries ``boot``; with
        ``same_tab``, reconnect this tab under its client token (what the browser does after
        losing its socket: a new CONNECT, hydrating again)."""
        await self.close()
        self.received = []
        if not (same_tab and self.client_token):
            self.client_token = str(uuid.uuid4())
        self._arrived, self._connected = asyncio.Event(), asyncio.Event()
        self._connect_error = ""
        host = urlsplit(self.base_url).netloc
        url = f"ws://{host}{NAMESPACE}/?EIO=4&transport=websocket&token={self.client_token}"
        self._ws = await _WebSocket.connect(url, receive_bytes=1 << 16)
        opening = await self._ws.receive(timeout=timeout_s)
        if not isinstance(opening, str) or not opening.startswith("0"):
            raise ProtocolError(f"no Engine.IO OPEN packet, got {opening!r:.200}")
        self.max_payload = int(json.loads(opening[1:]).get("maxPayload") or self.max_payload)
        self._alive = True
        self._reader = asyncio.create_task(self._read(), name="attack-socket-reader")
        await self._ws.send("40" + NAMESPACE + "," + json.dumps({"event": dict(boot)}))
        try:
            await asyncio.wait_for(self._connected.wait(), timeout_s)
        except TimeoutError:
            raise ProtocolError("no answer to the Socket.IO CONNECT") from None
        if self._connect_error:
            raise ProtocolError(f"connection refused: {self._connect_error:.500}")

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None
        if self._ws is not None:
            if self._ws.connected:
                with contextlib.suppress(ConnectionClosed, OSError):
                    await self._ws.close()
            self._ws = None
        self._alive = False

    async def _read(self) -> None:
        assert self._ws is not None and self._arrived is not None
        try:
            while True:
                text = await self._ws.receive()
                if text is None or isinstance(text, bytes):
                    continue
                if text == "2":  # Engine.IO ping
                    await self._ws.send("3")
                elif text.startswith("1"):  # Engine.IO close
                    break
                elif text.startswith("4"):
                    self._packet(text[1:])
        except (ConnectionClosed, OSError):
            pass
        finally:
            self._alive = False
            self._arrived.set()
            if self._connected is not None:
                self._connected.set()

    def _packet(self, packet: str) -> None:
        kind, rest = packet[:1], packet[1:]
        if rest.startswith(NAMESPACE):
            rest = rest[len(NAMESPACE) :].removeprefix(",")
        body = rest.lstrip("0123456789")  # an ack id, never used by Reflex
        assert self._connected is not None and self._arrived is not None
        if kind == "0":  # CONNECT ack
            self._connected.set()
        elif kind == "4":  # CONNECT_ERROR
            self._connect_error = body or "refused"
            self._connected.set()
        elif kind == "1":  # DISCONNECT of the namespace
            self._alive = False
            self._arrived.set()
        elif kind == "2":  # EVENT
            args = json.loads(body)
            name = args[0] if args else ""
            data = args[1] if len(args) > 1 else None
            if name == "new_token" and isinstance(data, str):  # the server renamed this tab
                self.client_token = data
            probe = _probe_of(data) if PROBE_KEY in body else None
            self.received.append(Received(name, data, body, probe))
            self._arrived.set()

    # ------------------------------------------------------------------ events
    async def emit(self, event: Mapping[str, Any]) -> None:
        if not self.alive:
            raise ProtocolError("the websocket is closed")
        assert self._ws is not None
        text = "42" + NAMESPACE + "," + json.dumps(["event", dict(event)])
        if len(text) + 1 > self.max_payload:  # + the Engine.IO message type
            raise TooLarge(f"{len(text):,} characters, the server takes {self.max_payload:,}")
        await self._ws.send(text)

    async def call(
        self, event: Mapping[str, Any], *, min_rounds: int = MIN_ROUNDS
    ) -> list[Received]:
        """Send ``event``; return what the server sent until it and its chain have run."""
        start = len(self.received)
        await self.emit(event)
        router = event.get("router_data") or {}
        await self.settle(str(router.get("pathname") or "/"), min_rounds=min_rounds)
        return [r for r in self.received[start:] if r.probe is None]

    async def settle(self, path: str, *, min_rounds: int = MIN_ROUNDS) -> None:
        """Probe until a round (after ``min_rounds``) brings nothing but the probe's answer."""
        mark = len(self.received)
        for rounds in range(1, MAX_ROUNDS + 1):
            self._probe += 1
            number = self._probe
            query = {PROBE_KEY: str(number)}
            await self.emit(
                {
                    "name": self.probe_event,
                    "payload": {"value": True},
                    "router_data": Router(path, query).data(),
                }
            )
            answer = await self._wait_for(
                lambda n=number, start=mark: self._index_of_probe(n, start)
            )
            others = [r for r in self.received[mark:answer] if r.probe is None]
            mark = answer + 1
            if rounds >= min_rounds and not others:
                return
        # Still busy after MAX_ROUNDS (a background task streaming updates): go on.

    def _index_of_probe(self, number: int, start: int) -> int | None:
        for index in range(start, len(self.received)):
            if self.received[index].probe == number:
                return index
        return None

    async def _wait_for(self, found: Callable[[], int | None]) -> int:
        assert self._arrived is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ANSWER_TIMEOUT_S
        while (index := found()) is None:
            if not self.alive:
                raise ProtocolError("the server closed the websocket")
            left = deadline - loop.time()
            if left <= 0:
                raise NoAnswer(f"no answer within {ANSWER_TIMEOUT_S:.0f}s")
            self._arrived.clear()
            if (index := found()) is not None:
                return index
            try:
                await asyncio.wait_for(self._arrived.wait(), left)
            except TimeoutError:
                continue
        return index

    def forget_received(self) -> None:
        """Drop what was received so far (memory: a long run receives a lot)."""
        self.received.clear()
