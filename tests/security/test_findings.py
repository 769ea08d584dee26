"""The served app, checked for the findings of the security review that only show there:
what a state file keeps, what a signed-out tab may store or download, malformed uploads."""

from __future__ import annotations

import json
import os
import stat
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.server import wait_until

from . import catalog, database
from .conftest import ADMIN_A, ADMIN_B, Served, World
from .harness import Tab

pytestmark = pytest.mark.security


def _event(state: str, handler: str) -> str:
    cls = next(c for c in catalog.app_states() if c.__name__ == state)
    return f"{cls.get_full_name()}.{handler}"


def _states_dir(served: Served) -> Path:
    if served.states_dir is None or not served.states_dir.exists():
        pytest.skip("the states folder of this app is not known (SMARTWEB_ATTACK_STATES)")
    return served.states_dir


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _frontend_events(received: list[Any]) -> str:
    return json.dumps([r.data.get("events") for r in received if isinstance(r.data, dict)])


async def test_state_files_keep_no_session_token_and_are_private(
    served: Served, owner: Any
) -> None:
    """Finding 8: the tab's state on disk holds only the token's keyed hash; the folder is
    the server user's only (0700) and so is every file in it (0600)."""
    folder = _states_dir(served)
    tab = Tab(served.base_url, owner, ADMIN_A)
    await tab.open()
    await tab.go("/leads")
    token = tab.token.encode()
    assert len(token) >= 32
    try:
        assert wait_until(lambda: len(_files(folder)) > 0, timeout_s=30)
        files = _files(folder)
        assert not [p for p in files if token in p.read_bytes()]
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert {stat.S_IMODE(p.stat().st_mode) & 0o077 for p in files} == {0}
    finally:
        await tab.send(f"{catalog.AUTH_STATE}.sign_out", {})
        await tab.close()


async def test_a_signed_out_tab_downloads_nothing(served: Served, owner: Any) -> None:
    """Finding 2: every download (import report, chart CSV, lead export) checks the actor
    first — signed out, the answer is the sign-in page, never a file."""
    tab = Tab(served.base_url, owner)
    await tab.open()
    try:
        for state, handler, payload, page in (
            ("LeadImportState", "download_report", {}, "/leads"),
            ("LeadInboxState", "export", {}, "/leads"),
            ("DashboardState", "download_csv", {"chart": "reps"}, "/dashboard"),
        ):
            tab.router = tab.router.__class__(page)
            got = await tab.send(_event(state, handler), payload)
            events = _frontend_events(got)
            assert "/login" in events, (handler, events[:500])
            assert "download" not in events.lower(), (handler, events[:500])
    finally:
        await tab.close()


async def test_a_signed_out_tab_stores_nothing_whatever_it_sends(
    served: Served, owner: Any
) -> None:
    """Finding 7: a never-signed-in socket cannot grow its state: a 900 kB id, a big value
    for any var through Reflex's setvar, a long search — all refused, the state stays small."""
    folder = _states_dir(served)
    tab = Tab(served.base_url, owner)
    await tab.open()
    try:
        before = {p: p.stat().st_size for p in _files(folder)}
        big = "x" * 900_000
        for state, handler, payload in (
            ("LeadInboxState", "toggle_row", {"lead_id": big}),
            ("LeadInboxState", "setvar", {"var_name": "selected", "value": [big[:400_000]]}),
            ("LeadInboxState", "set_search", {"value": big[:100_000]}),
            ("PipelineState", "setvar", {"var_name": "pipeline_name", "value": big[:400_000]}),
            ("LeadDetailState", "open_dialog", {"name": big[:200_000]}),
        ):
            await tab.send(_event(state, handler), payload)
        await tab.send(_event("LeadInboxState", "clear_filters"), {})  # one more write round

        def settled() -> bool:
            return all(p.stat().st_size < 64_000 for p in _files(folder) if p not in before)

        assert wait_until(settled, timeout_s=10)
        grown = [p for p in _files(folder) if p.stat().st_size >= 64_000]
        assert not grown, [(p.name, p.stat().st_size) for p in grown]
    finally:
        await tab.close()


def test_malformed_uploads_never_fail_the_server(served: Served) -> None:
    """Finding 11: random bytes to the upload route never make a server error — a broken
    form gets a 4xx with a message; bytes that are no form at all carry no file, so the
    handler answers as to an empty upload (here: to a stranger, storing nothing)."""
    for body, content_type, want in (
        (os.urandom(4096), "application/octet-stream", (200, 400, 413, 415, 422)),
        (b"--x\r\nnot a form", "multipart/form-data; boundary=x", (400,)),
        (os.urandom(4096), "multipart/form-data; boundary=zz", (400,)),
    ):
        request = urllib.request.Request(
            f"{served.base_url}/_upload",
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "Reflex-Client-Token": str(uuid.uuid4()),
                "Reflex-Event-Handler": _event("LeadImportState", "handle_upload"),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                status, text = response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        assert status in want, (status, text[:300])
        if status == 200:
            assert "Traceback" not in text
        else:
            assert text.strip(), "a refusal says why"


@pytest.mark.parametrize("sign_out_first", [True, False], ids=["signed-out", "switched"])
async def test_page_states_forget_the_previous_user_of_the_tab(
    served: Served, owner: Any, world: World, sign_out_first: bool
) -> None:
    """Finding 2: in one tab, A's admin opens the dashboard; then (after a sign-out, or
    straight away) B's admin signs in. The dashboard's CSV and the import report, asked for
    before any page loads again, carry nothing of A."""
    tab = Tab(served.base_url, owner, ADMIN_A)
    await tab.open()
    try:
        await tab.go("/dashboard")
        csv_event = _event("DashboardState", "download_csv")
        mine = _frontend_events(await tab.send(csv_event, {"chart": "reps"}))
        assert "download" in mine.lower()  # A's own CSV, to be sure there was something
        if sign_out_first:
            await tab.send(f"{catalog.AUTH_STATE}.sign_out", {})
        tab.email = ADMIN_B
        tab.router = tab.router.__class__("/login")
        await tab.sign_in()
        tab.router = tab.router.__class__("/dashboard")
        answers = await tab.send(csv_event, {"chart": "reps"})
        answers += await tab.send(_event("LeadImportState", "download_report"), {})
        text = "\n".join(r.text for r in answers)
        assert not [s for s in world.a.secrets if s in text]
        assert not (database.uuids_in(text) & world.a.all_ids)
    finally:
        await tab.send(f"{catalog.AUTH_STATE}.sign_out", {})
        await tab.close()
