"""What a sales team meets in its first week, in Chromium: Undo after a move, stages added and
deleted from the board, the monthly chart following the chosen period, the 404 page, and the
board at phone width with nothing spilling out of its card."""

from __future__ import annotations

import re
from collections.abc import Iterator
from uuid import uuid4

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .helpers import (
    OVERFLOW_JS,
    board_context,
    column,
    column_names,
    drag,
    goto,
    login,
    movable_card,
    screenshot,
    show_board,
)

MANAGER, EXEC = "manager@demo.smartweb.test", "exec@demo.smartweb.test"


@pytest.fixture
def board(browser: Browser, base_url: str) -> Iterator[Page]:
    """The manager's board in a wide context (every column on screen)."""
    ctx, page = board_context(browser, base_url)
    show_board(page, MANAGER)
    yield page
    ctx.close()


@pytest.fixture
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    ctx: BrowserContext = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=base_url, has_touch=True
    )
    ctx.set_default_timeout(20_000)
    yield ctx.new_page()
    ctx.close()


def test_undo_in_the_toast_moves_the_deal_back(board: Page) -> None:
    names = column_names(board)
    src, dst = column(board, names[0]), column(board, names[1])
    card = movable_card(src)
    deal_id = card.get_attribute("data-deal-id")

    drag(board, card, dst.locator("[data-deal-id]").first)
    expect(dst.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
    toast = board.locator("[data-sonner-toast]").filter(has_text=f"Moved to {names[1]}")
    expect(toast).to_be_visible()
    screenshot(board, "first-week-undo-toast", full_page=False)
    toast.get_by_role("button", name="Undo").click()

    expect(src.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
    expect(dst.locator(f'[data-deal-id="{deal_id}"]')).to_have_count(0)
    expect(board.locator("[data-sonner-toast]").filter(has_text="Move undone")).to_be_visible()
    # It is the server's truth: a fresh board has the deal back where it was.
    board.goto("/pipeline")
    expect(column(board, names[0]).locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()


def test_a_manager_adds_a_stage_and_deletes_it_moving_its_deals(board: Page) -> None:
    names = column_names(board)
    stage = f"Walkthrough {uuid4().hex[:4]}"  # the tests share the demo data
    board.get_by_role("button", name="Stages").click()
    dialog = board.get_by_role("dialog")
    expect(dialog).to_contain_text("Pipeline and stages")
    add = dialog.locator("#stage-form-add")
    add.get_by_placeholder("New stage name").fill(stage)
    add.get_by_role("button", name="Add stage").click()
    expect(
        board.locator("[data-sonner-toast]").filter(has_text=f"Stage {stage} added")
    ).to_be_visible()
    # The new column sits just before Won.
    expect(column(board, stage)).to_be_visible()
    after = column_names(board)
    assert after.index(stage) == after.index("Won") - 1 and len(after) == len(names) + 1

    # Drop a deal into it from the column just left of it, then delete the stage: its
    # deal moves to the chosen stage.
    board.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    # the nearest column to its left with a deal the manager can move
    before = next(
        name for name in reversed(after[: after.index(stage)])
        if column(board, name).locator("[data-deal-id]:not(.kb-card--locked)").count()
    )  # fmt: skip
    target = column(board, stage)
    target.scroll_into_view_if_needed()
    card = movable_card(column(board, before))
    deal_id = card.get_attribute("data-deal-id")
    drag(board, card, target)
    expect(target.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
    expect(
        board.locator("[data-sonner-toast]").filter(has_text=f"Moved to {stage}")
    ).to_be_visible()

    board.get_by_role("button", name="Stages").click()
    dialog.get_by_role("combobox").first.click()
    board.get_by_role("option", name=stage).click()
    dialog.get_by_role("combobox", name="Move its deals to").click()
    board.get_by_role("option", name=before, exact=True).click()
    screenshot(board, "first-week-stages-dialog", full_page=False)
    dialog.get_by_role("button", name="Delete stage").click()
    confirm = board.get_by_role("alertdialog")
    expect(confirm).to_contain_text("Delete this stage?")
    confirm.get_by_role("button", name="Delete stage").click()
    expect(
        board.locator("[data-sonner-toast]").filter(has_text=f"Stage {stage} deleted")
    ).to_be_visible()
    expect(column(board, stage)).to_have_count(0)
    expect(column(board, before).locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
    assert column_names(board) == names


def test_a_manager_creates_a_pipeline_and_renames_it(board: Page) -> None:
    switcher = board.get_by_role("combobox", name="Pipeline")
    original = switcher.inner_text().strip()
    name = f"Service plans {uuid4().hex[:4]}"  # the tests share the demo data
    board.get_by_role("button", name="Stages").click()
    dialog = board.get_by_role("dialog")
    create = dialog.locator("#stage-form-new-pipeline")
    create.get_by_placeholder("New pipeline name").fill(name)
    create.get_by_role("button", name="Create pipeline").click()
    expect(
        board.locator("[data-sonner-toast]").filter(has_text=f"Pipeline {name} created")
    ).to_be_visible()
    # The board switched to it: its starting stages, no deals yet.
    expect(switcher).to_have_text(name)
    expect(column(board, "Qualified")).to_be_visible()
    assert column_names(board) == ["New", "Qualified", "Proposal", "Won", "Lost"]
    assert board.locator("[data-deal-id]").count() == 0

    renamed = f"{name} (residential)"
    board.get_by_role("button", name="Stages").click()
    rename = dialog.locator("#stage-form-rename")
    field = rename.get_by_placeholder("Pipeline name")
    expect(field).to_have_value(name)
    field.fill(renamed)
    rename.get_by_role("button", name="Rename").click()
    expect(
        board.locator("[data-sonner-toast]").filter(has_text=f"Pipeline renamed to {renamed}")
    ).to_be_visible()
    board.keyboard.press("Escape")  # the dialog is modal: the switcher is behind it
    expect(switcher).to_have_text(renamed)
    # A name already taken is refused in the dialog, and nothing changes.
    board.get_by_role("button", name="Stages").click()
    rename.get_by_placeholder("Pipeline name").fill(original)
    rename.get_by_role("button", name="Rename").click()
    expect(dialog).to_contain_text(f"There is already a pipeline called {original}")
    board.keyboard.press("Escape")
    expect(switcher).to_have_text(renamed)

    # Back to the demo pipeline (the board remembers the last one per user).
    switcher.click()
    board.get_by_role("option", name=original, exact=True).click()
    expect(switcher).to_have_text(original)
    expect(board.locator("[data-deal-id]").first).to_be_visible()
    board.goto("/pipeline")
    expect(board.get_by_role("combobox", name="Pipeline")).to_have_text(original)


def _monthly_csv(page: Page) -> list[str]:
    with page.expect_download() as info:
        page.locator('[data-chart="monthly"]').get_by_role("button", name=re.compile("CSV")).click()
    with open(info.value.path(), encoding="utf-8") as f:
        return f.read().strip().splitlines()


def test_the_monthly_chart_follows_the_chosen_period(page: Page) -> None:
    login(page, EXEC)
    goto(page, "/dashboard?period=year")
    bars = page.locator('[data-chart="monthly"] .js-plotly-plot .bars .point')
    expect(bars).to_have_count(12)  # January to December
    lines = _monthly_csv(page)
    assert len(lines) == 13 and lines[0].startswith("month,won_revenue")
    # Choosing a period in the bar: the label and the chart change together, and the CSV too.
    page.get_by_role("radio", name="This quarter").click()
    expect(page.get_by_test_id("dashboard")).to_contain_text(re.compile(r"Q\d \d{4} · vs "))
    expect(bars).to_have_count(3)
    assert len(_monthly_csv(page)) == 4
    screenshot(page, "first-week-dashboard-quarter", full_page=False)


def test_an_unknown_address_gets_the_styled_404_with_a_way_back(page: Page) -> None:
    login(page, MANAGER)
    page.goto("/no/such/page")
    card = page.locator("#not-found")
    expect(card).to_contain_text("This page doesn't exist")
    screenshot(page, "first-week-404", full_page=False)
    card.get_by_role("link", name="Go to Today").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Today")).to_be_visible()


def test_the_board_at_phone_width_keeps_everything_inside_its_card(phone: Page) -> None:
    show_board(phone, MANAGER)
    cards = phone.locator("[data-deal-id]")
    expect(cards.first).to_be_visible()
    screenshot(phone, "first-week-board-390", full_page=False)
    checked = 0
    for i in range(min(cards.count(), 12)):
        card = cards.nth(i)
        box = card.bounding_box()
        if not box or box["x"] > 390:  # a column scrolled out of view
            continue
        for child in card.locator("*").all():
            inner = child.bounding_box()
            if not inner or inner["width"] == 0:
                continue
            assert inner["x"] >= box["x"] - 0.5, (child.inner_text()[:40], inner, box)
            assert inner["x"] + inner["width"] <= box["x"] + box["width"] + 0.5, (
                child.inner_text()[:40], inner, box,
            )  # fmt: skip
        checked += 1
    assert checked >= 3
    # The column header says what its numbers count.
    head = phone.locator(".kb-col-head").first
    expect(head.locator(".kb-pill")).to_contain_text(re.compile(r"^\d+ deals?$"))


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/products", "product"),
        ("/proposals", "proposal"),
        ("/contracts", "contract"),
        ("/", "rep"),  # the manager's team on Today
    ],
)
def test_a_record_list_is_a_table_when_wide_and_cards_at_phone_width(
    browser: Browser, base_url: str, path: str, key: str
) -> None:
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, base_url=base_url)
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    try:
        login(page, MANAGER)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
            page.set_viewport_size({"width": 1600, "height": 1000})
            goto(page, path)
            expect(page.locator(f"tr[data-{key}-id]").first).to_be_visible()
            expect(page.locator(f"[data-{key}-card]").first).to_be_hidden()
            screenshot(page, f"list-{key}-1600-{scheme}", full_page=False)

            page.set_viewport_size({"width": 390, "height": 844})
            cards = page.locator(f"[data-{key}-card]")
            expect(cards.first).to_be_visible()
            expect(page.locator(f"tr[data-{key}-id]").first).to_be_hidden()
            assert page.evaluate(OVERFLOW_JS) == [], f"{path} at 390 px"
            screenshot(page, f"list-{key}-390-{scheme}", full_page=False)
        if key in ("proposal", "contract"):  # a whole card opens its record
            cards.first.locator("div").last.click()
            page.wait_for_url(re.compile(rf"{path}/[0-9a-f-]{{36}}$"))
    finally:
        ctx.close()
