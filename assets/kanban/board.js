/**
 * The board's pure logic, shared by the component (KanbanBoard.jsx) and its tests: a drop
 * applied optimistically (moveCard) and a server patch applied to the columns the board keeps
 * (applyPatch). No React here, so tests/db/test_pipeline_patches.py runs it with Node against
 * the database's fresh boards.
 */

export const COL = "col:"; // droppable ids of columns are prefixed so they never clash with card ids
export const colKey = (id) => COL + id;
export const isColKey = (key) => typeof key === "string" && key.startsWith(COL);
export const num = (v) => {
  const n = parseFloat(v);
  return Number.isFinite(n) ? n : null;
};

export const cloneColumns = (columns) =>
  (Array.isArray(columns) ? columns : []).map((c) => ({ ...c, cards: [...(c.cards || [])] }));

export const columnOf = (cols, key) => {
  if (isColKey(key)) return key.slice(COL.length);
  const col = cols.find((c) => c.cards.some((d) => d.id === key));
  return col ? col.id : null;
};

export const findCard = (cols, id) => {
  for (const c of cols) {
    const card = c.cards.find((d) => d.id === id);
    if (card) return card;
  }
  return null;
};

/** The app's money format (the same rule as services/core/formatting.format_money): whole
 * amounts without cents, cents when there are any; never rounded ($99,999.50 stays so). */
export function makeMoneyFormatter(currency, locale) {
  const make = (digits) => {
    try {
      return new Intl.NumberFormat(locale, {
        style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits,
      });
    } catch {
      return null;
    }
  };
  const whole = make(0);
  const cents = make(2);
  return (v) => {
    const n = Math.round(Number(v) * 100) / 100;
    if (!Number.isFinite(n)) return "";
    const f = Number.isInteger(n) ? whole : cents;
    return f ? f.format(n) : n.toFixed(Number.isInteger(n) ? 0 : 2);
  };
}

/** May this viewer drag the card? (The same rule as the server's; it re-checks anyway.) */
export const mayMove = (card, who) => !!who.canMove && (!!who.canManage || card.owner_id === who.me);

/** Adjust a column's count / WIP / totals after a card enters (+1) or leaves (-1). */
export function adjustColumn(col, card, sign, fmtMoney) {
  const count = (col.count ?? col.cards.length - sign) + sign;
  const out = { ...col, count };
  if (col.wip_limit && !col.is_won && !col.is_lost) {
    const wip = (col.wip_count ?? count - sign) + sign;
    out.wip_count = wip;
    out.over_wip = Math.max(0, wip - col.wip_limit);
  }
  const value = num(card.value);
  const total = num(col.total_value);
  if (value !== null && total !== null) {
    out.total_value = String(total + sign * value);
    out.total_value_display = fmtMoney(total + sign * value);
    const prob = num(col.probability);
    const weighted = num(col.weighted_value);
    if (prob !== null && weighted !== null) {
      const w = weighted + (sign * value * prob) / 100;
      out.weighted_value = String(w);
      out.weighted_value_display = fmtMoney(w);
    }
  }
  return out;
}

/** Pure move: card `cardId` to column `toId` at final index `index`. */
export function moveCard(cols, cardId, toId, index, fmtMoney) {
  const fromIdx = cols.findIndex((c) => c.cards.some((d) => d.id === cardId));
  const toIdx = cols.findIndex((c) => c.id === toId);
  if (fromIdx < 0 || toIdx < 0) return cols;
  const next = cols.slice();
  const from = { ...next[fromIdx], cards: next[fromIdx].cards.slice() };
  const [card] = from.cards.splice(from.cards.findIndex((d) => d.id === cardId), 1);
  const to = fromIdx === toIdx ? from : { ...next[toIdx], cards: next[toIdx].cards.slice() };
  to.cards.splice(Math.max(0, Math.min(index, to.cards.length)), 0, card);
  if (fromIdx === toIdx) {
    next[fromIdx] = from;
  } else {
    next[fromIdx] = adjustColumn(from, card, -1, fmtMoney);
    next[toIdx] = adjustColumn(to, card, +1, fmtMoney);
  }
  return next;
}

export const TOTAL_KEYS = [
  "count", "total_value", "weighted_value", "total_value_display", "weighted_value_display",
  "wip_count", "over_wip",
];

/**
 * One server patch applied to the board's columns. Columns it does not touch keep their
 * identity (so they do not re-render). A card whose `above_id` is not among the loaded
 * cards belongs further down the column: it is left for "load more" (the column's count,
 * from the patch, says there is more).
 */
export function applyPatch(cols, patch) {
  if (!patch) return cols;
  if (patch.kind === "append") {
    return cols.map((c) => {
      if (c.id !== patch.stage_id) return c;
      const have = new Set(c.cards.map((d) => d.id));
      const cards = [...c.cards, ...(patch.cards || []).filter((d) => !have.has(d.id))];
      return { ...c, cards, has_more: (c.count ?? cards.length) > cards.length };
    });
  }
  const placed = patch.cards || [];
  const gone = new Set([...placed.map((p) => p.card.id), ...(patch.removed || [])]);
  const totals = new Map((patch.columns || []).map((t) => [t.id, t]));
  const incoming = new Map();
  for (const p of placed) {
    if (!incoming.has(p.stage_id)) incoming.set(p.stage_id, []);
    incoming.get(p.stage_id).push(p);
  }
  return cols.map((c) => {
    const hit = c.cards.some((d) => gone.has(d.id));
    const mine = incoming.get(c.id) || [];
    const t = totals.get(c.id);
    if (!hit && mine.length === 0 && !t) return c;
    const cards = hit ? c.cards.filter((d) => !gone.has(d.id)) : c.cards.slice();
    let waiting = mine;
    let progress = true;
    while (waiting.length && progress) { // an incoming card may sit under another incoming one
      progress = false;
      waiting = waiting.filter((p) => {
        const at = p.above_id ? cards.findIndex((d) => d.id === p.above_id) + 1 : 0;
        if (p.above_id && at === 0) return true;
        cards.splice(at, 0, p.card);
        progress = true;
        return false;
      });
    }
    const out = { ...c, cards };
    if (t) for (const key of TOTAL_KEYS) if (t[key] !== undefined) out[key] = t[key];
    out.has_more = (out.count ?? cards.length) > cards.length;
    return out;
  });
}

/** Several amounts through the board's money format (for tests). */
export const formatMoneyList = (currency, locale, values) =>
  values.map(makeMoneyFormatter(currency, locale));

/** At phone width the board scrolls itself while a card is held near its edge; a drop into
 * Won/Lost counts only after the card has rested over that column this long (so a scroll
 * that overshoots into Won/Lost never closes a deal by accident). */
export const TERMINAL_DWELL_MS = 700;
export const NARROW_BOARD_PX = 640;

/** Is this drop an overshoot (to be put back) rather than a chosen Won/Lost drop? */
export function isOvershoot(col, enteredAt, now, width) {
  if (!col || !(col.is_won || col.is_lost) || width > NARROW_BOARD_PX) return false;
  return !enteredAt || now - enteredAt < TERMINAL_DWELL_MS;
}

/** Edge auto-scroll for the board: paced at phone width (one column at a time, slowly). */
export function autoScrollFor(width) {
  return width <= NARROW_BOARD_PX
    ? { acceleration: 2, interval: 16, threshold: { x: 0.12, y: 0.15 } }
    : { acceleration: 10, interval: 5, threshold: { x: 0.2, y: 0.2 } };
}
