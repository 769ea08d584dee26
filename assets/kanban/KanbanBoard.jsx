/**
 * KanbanBoard: drag-and-drop sales pipeline board (React + @dnd-kit).
 *
 * Wrapped for Reflex by smartweb_ui/components/pipeline/kanban.py. Props:
 *   columns     the board as first drawn: [{id, name, count, total_value, weighted_value,
 *                 total_value_display, weighted_value_display, wip_limit, wip_count, over_wip,
 *                 is_won, is_lost, collapsed, rotting_days, has_more, probability, cards}]
 *   card        {id, name, company, value_display, value, owner_id, owner_initials, owner_name,
 *                 expected_close, close_overdue, days_in_stage, aging, stuck, next_task_due,
 *                 next_task_overdue, version}
 *   rev         which board `columns` is: a new rev redraws from `columns`
 *   patches     the last few changes since, each {rev, seq, kind, ...}, applied in seq order:
 *                 kind "cards": {cards: [{stage_id, above_id, card}], removed: [id],
 *                                columns: [{id, count, total_value, ... over_wip}]}
 *   appended    the last "load more" answer: {rev, n, stage_id, cards} (applied once per n)
 *   me, canManage, canMove   the viewer: which cards they may drag (the server re-checks)
 *   onMove(dealId, fromStageId, toStageId, position, version, beforeId, afterId)
 *               position = 0-based index in the target column; beforeId / afterId = the
 *               cards shown just below / above the drop ("" = none), for filtered views
 *   onOpen(dealId)               click / Enter on a card
 *   onLoadMore(stageId, offset)  a column with has_more scrolled to its end
 *   onStale()                    patches were missed: ask for the whole board again
 *   currency, locale             date formatting + optimistic totals
 *   pageSize                     cards rendered per column before "show more" (50)
 *
 * The board keeps its own copy of the cards, applies a drop at once (optimistically) and
 * then each patch as it comes: only the columns a patch touches re-render. Patches that
 * arrive during a drag wait until it ends.
 */
import React, { memo, useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MeasuringStrategy,
  PointerSensor,
  TouchSensor,
  closestCenter,
  getFirstCollision,
  pointerWithin,
  rectIntersection,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import { CSS as DndCSS } from "@dnd-kit/utilities";
import {
  applyPatch,
  cloneColumns,
  colKey,
  COL,
  columnOf,
  findCard,
  autoScrollFor,
  isColKey,
  isOvershoot,
  makeMoneyFormatter,
  mayMove,
  moveCard,
} from "./board.js";

/* ----------------------------------------------------------------- helpers */

const cx = (...names) => names.filter(Boolean).join(" ");

function makeDateFormatter(locale) {
  const thisYear = new Date().getFullYear();
  let short, long;
  try {
    short = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric" });
    long = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", year: "numeric" });
  } catch {
    return (s) => s;
  }
  return (s) => {
    if (!s) return "";
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
    if (!m) return s;
    const d = new Date(+m[1], +m[2] - 1, +m[3]);
    return (d.getFullYear() === thisYear ? short : long).format(d);
  };
}

/** A callback whose identity never changes but that always calls the latest `fn`. */
function useStable(fn) {
  const ref = useRef(fn);
  ref.current = fn;
  return useCallback((...args) => (ref.current ? ref.current(...args) : undefined), []);
}

/* ------------------------------------------------------------------- icons */

const Icon = ({ d, size = 12 }) => (
  <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor"
    strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    {d.map((p, i) => <path key={i} d={p} />)}
  </svg>
);
const BOUNCE_MS = 150; // a drag does not re-enter the column it just left sooner than this
const CALENDAR = ["M8 2v4", "M16 2v4", "M3 10h18", "M5 4h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"];
const CLOCK = ["M12 6v6l4 2", "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z"];
const TASK = ["M9 11l3 3L22 4", "M21 12v7a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h11"];
const LOCK = ["M7 11V7a5 5 0 0 1 10 0v4", "M5 11h14v10H5z"];
const CHEVRON_LEFT = ["M15 18l-6-6 6-6"];
const CHEVRON_RIGHT = ["M9 18l6-6-6-6"];

/* -------------------------------------------------------------------- card */

function CardView({ card, movable, fmtDate, overlay, placeholder, nodeRef, style, closedLabel = "Closed", ...rest }) {
  const idAttr = overlay ? { "data-overlay-deal-id": card.id } : { "data-deal-id": card.id };
  return (
    <article
      ref={nodeRef}
      style={style}
      className={cx(
        "kb-card",
        overlay && "kb-card--overlay",
        placeholder && "kb-card--placeholder",
        !movable && "kb-card--locked",
        card.stuck && "kb-card--stuck",
      )}
      {...idAttr}
      {...rest}
    >
      <div className="kb-card-top">
        <div className="kb-card-main">
          <div className="kb-card-name">{card.name}</div>
          {card.company ? <div className="kb-card-company">{card.company}</div> : null}
        </div>
        <span className="kb-avatar" title={card.owner_name || undefined}>
          {card.owner_initials}
        </span>
      </div>
      <div className="kb-card-value">
        {card.value_display}
        {!movable ? (
          <span className="kb-lock" title="You can't move this deal"><Icon d={LOCK} /></span>
        ) : null}
      </div>
      <div className="kb-card-meta">
        {card.closed_on ? (
          <span className="kb-meta kb-closed" title={`${closedLabel} on this date`}>
            <Icon d={CALENDAR} />
            {closedLabel} {fmtDate(card.closed_on)}
          </span>
        ) : card.expected_close ? (
          <span className={cx("kb-meta", card.close_overdue && "kb-danger")}
            title={card.close_overdue ? "Expected close date has passed" : "Expected close"}>
            <Icon d={CALENDAR} />
            {fmtDate(card.expected_close)}
          </span>
        ) : null}
        {card.closed_on ? null : (
          <span className={cx("kb-meta", "kb-age", `kb-age--${card.aging || "fresh"}`)} title="Time in this stage">
            <Icon d={CLOCK} />
            {card.days_in_stage ?? 0} d in stage
          </span>
        )}
        {card.stuck ? <span className="kb-badge-stuck">Stuck</span> : null}
      </div>
      {card.next_task_due ? (
        <div className={cx("kb-meta", "kb-task", card.next_task_overdue && "kb-danger")}
          title={card.next_task_overdue ? "Next task is overdue" : "Next task due"}>
          <Icon d={TASK} />
          Next task {fmtDate(card.next_task_due)}
        </div>
      ) : null}
    </article>
  );
}

function SortableCard({ card, movable, columnId, fmtDate, dragging, onOpen, justDragged, closedLabel }) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: card.id,
    data: { type: "card", columnId },
    disabled: { draggable: !movable, droppable: false },
  });
  const open = () => onOpen && onOpen(card.id);
  const onKeyDown = (e) => {
    listeners?.onKeyDown?.(e);
    if (e.key === "Enter" && !dragging && !e.defaultPrevented) open();
  };
  return (
    <CardView
      card={card}
      movable={movable}
      fmtDate={fmtDate}
      closedLabel={closedLabel}
      placeholder={isDragging}
      nodeRef={setNodeRef}
      style={{ transform: DndCSS.Translate.toString(transform), transition }}
      {...attributes}
      {...listeners}
      aria-roledescription="deal card"
      onKeyDown={onKeyDown}
      onClick={() => {
        if (!justDragged.current) open();
      }}
    />
  );
}

/* ------------------------------------------------------------------ column */

/** Invisible-until-needed "show more" row; also triggers itself when scrolled into view. */
function LoadMore({ rootRef, onVisible, label, token }) {
  const ref = useRef(null);
  const cb = useRef(onVisible);
  cb.current = onVisible;
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === "undefined") return undefined;
    // Re-created whenever `token` changes so a still-visible sentinel fires again.
    const io = new IntersectionObserver(
      (entries) => entries.some((e) => e.isIntersecting) && cb.current(),
      { root: rootRef.current, rootMargin: "0px 0px 300px 0px" },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [rootRef, token]);
  return (
    <button type="button" ref={ref} className="kb-more" onClick={() => cb.current()}>
      {label}
    </button>
  );
}

function ColumnHeader({ col, collapsed, onToggle }) {
  const collapsible = col.is_won || col.is_lost;
  const over = col.over_wip > 0 ? col.over_wip : 0;
  const toggle = collapsible ? (
    <button type="button" className="kb-icon-btn" onClick={onToggle} aria-expanded={!collapsed}
      aria-label={`${collapsed ? "Expand" : "Collapse"} ${col.name}`} title={collapsed ? "Expand" : "Collapse"}>
      <Icon d={collapsed ? CHEVRON_RIGHT : CHEVRON_LEFT} size={14} />
    </button>
  ) : null;
  if (collapsed) {
    return (
      <div className="kb-collapsed">
        {toggle}
        <span className="kb-pill">{col.count}</span>
        <span className="kb-vertical kb-col-name">{col.name}</span>
        <span className="kb-vertical kb-sum">{col.total_value_display}</span>
      </div>
    );
  }
  const rot = col.rotting_days ? ` · deals rot after ${col.rotting_days} d` : "";
  const closed = col.is_won || col.is_lost;
  const deals = `${col.count} ${col.count === 1 ? "deal" : "deals"}`;
  const wip = col.wip_limit && !closed ? (
    <span className={cx("kb-wip", over && "kb-wip--over")}
      title={`Open deals in this stage (every owner) against its ${col.wip_hard ? "hard " : ""}WIP limit of ${col.wip_limit}` +
        (over ? ` — ${over} over` : "") +
        (col.wip_hard ? ". Only managers can drop deals over it." : ". Drops over it are allowed, with a warning.")}>
      WIP {col.wip_count ?? 0}/{col.wip_limit}{col.wip_hard ? " max" : ""}
    </span>
  ) : null;
  return (
    <header className="kb-col-head" title={`${col.name}${rot}`}>
      <div className="kb-col-title">
        <span className="kb-col-name">{col.name}</span>
        <span className="kb-spacer" />
        {toggle}
      </div>
      <div className="kb-col-counts">
        <span className="kb-pill" title={closed ? "Deals closed in this window that match the filters" : "Deals that match the filters"}>
          {deals}
        </span>
        {wip}
      </div>
      <div className="kb-col-sums">
        <span className="kb-sum" title={closed ? "Total value closed" : "Total value"}>{col.total_value_display}</span>
        {closed ? null : (
          <span className="kb-weighted" title="Value weighted by the stage's win probability">
            <span className="kb-weighted-label">Weighted</span> {col.weighted_value_display}
          </span>
        )}
      </div>
    </header>
  );
}

/** One stage. Memoised: a patch re-renders only the columns whose data it changed. */
const Column = memo(function Column({ col, collapsed, onToggle, limit, pageSize, onShowMore,
  onLoadMore, isTarget, dragging, who, fmtDate, onOpen, justDragged }) {
  const { setNodeRef } = useDroppable({ id: colKey(col.id), data: { type: "column" } });
  const scrollRef = useRef(null);
  const [requestedAt, setRequestedAt] = useState(-1); // card count when on_load_more was sent
  const cards = collapsed ? [] : col.cards.slice(0, limit);
  const ids = useMemo(() => cards.map((c) => c.id), [col.cards, limit, collapsed]);
  const hidden = col.cards.length - cards.length;
  const canLoad = col.has_more && !!onLoadMore;
  const loading = canLoad && requestedAt === col.cards.length;
  const toggle = () => onToggle(col.id);

  const more = () => {
    if (hidden > 0) onShowMore(col.id);
    else if (canLoad && !loading) {
      setRequestedAt(col.cards.length);
      onLoadMore(col.id, col.cards.length);
    }
  };

  return (
    <section
      ref={setNodeRef}
      data-stage-id={col.id}
      aria-label={col.name}
      className={cx(
        "kb-col",
        col.is_won && "kb-col--won",
        col.is_lost && "kb-col--lost",
        col.over_wip > 0 && "kb-col--over",
        collapsed && "kb-col--collapsed",
        isTarget && "kb-col--target",
      )}
    >
      {collapsed ? (
        <ColumnHeader col={col} collapsed onToggle={toggle} />
      ) : (
        <div className="kb-col-scroll" ref={scrollRef}>
          <ColumnHeader col={col} collapsed={false} onToggle={toggle} />
          <SortableContext id={col.id} items={ids} strategy={verticalListSortingStrategy}>
            <div className="kb-col-list">
              {cards.map((card) => (
                <SortableCard key={card.id} card={card} movable={mayMove(card, who)}
                  columnId={col.id} fmtDate={fmtDate} dragging={dragging} onOpen={onOpen}
                  justDragged={justDragged} closedLabel={col.is_won ? "Won" : col.is_lost ? "Lost" : "Closed"} />
              ))}
            </div>
          </SortableContext>
          {cards.length === 0 && !col.has_more ? <div className="kb-empty">No deals</div> : null}
          {hidden > 0 || canLoad ? (
            <LoadMore rootRef={scrollRef} onVisible={more} token={`${limit}:${col.cards.length}`}
              label={hidden > 0 ? `Show ${Math.min(hidden, pageSize)} more` : loading ? "Loading…" : "Load more"} />
          ) : null}
        </div>
      )}
    </section>
  );
});

/* ------------------------------------------------------------------- board */

/** Mouse / pen only: on touch screens a long press (TouchSensor) starts a drag so swipes still scroll. */
class MousePointerSensor extends PointerSensor {}
MousePointerSensor.activators = [
  {
    eventName: "onPointerDown",
    handler: (event, options) =>
      event.nativeEvent.pointerType !== "touch" && PointerSensor.activators[0].handler(event, options),
  },
];

/** Arrow Left/Right jump to the neighbouring column at the same height; Up/Down reorder. */
function keyboardCoordinates(event, args) {
  const dir = event.code === "ArrowRight" ? 1 : event.code === "ArrowLeft" ? -1 : 0;
  if (!dir) return sortableKeyboardCoordinates(event, args);
  event.preventDefault();
  const { collisionRect: r, droppableRects, droppableContainers } = args.context;
  if (!r) return undefined;
  const x = r.left + r.width / 2;
  let best = null;
  for (const entry of droppableContainers.getEnabled()) {
    const rect = isColKey(entry.id) ? droppableRects.get(entry.id) : null;
    if (!rect) continue;
    const dx = (rect.left + rect.width / 2 - x) * dir;
    if (dx > 1 && (!best || dx < best.dx)) best = { dx, rect };
  }
  if (!best) return undefined;
  const { rect } = best;
  const top = Math.max(rect.top, Math.min(r.top, rect.bottom - r.height));
  return { x: rect.left + rect.width / 2 - r.width / 2, y: top };
}

export function KanbanBoard({
  columns,
  rev = 0,
  patches,
  appended,
  me = "",
  canManage = false,
  canMove = false,
  onMove,
  onOpen,
  onLoadMore,
  onStale,
  currency = "USD",
  locale = "en-US",
  pageSize = 50,
  className,
  style,
  id,
}) {
  const dndId = useId();
  const [cols, setCols] = useState(() => cloneColumns(columns));
  const [activeId, setActiveId] = useState(null);
  const [collapsed, setCollapsed] = useState({}); // stage id -> bool (client-side override)
  const [limits, setLimits] = useState({}); // stage id -> rendered card count
  const colsRef = useRef(cols);
  colsRef.current = cols;
  const drag = useRef(null); // {snapshot, fromCol, fromIndex, version, base, queued}
  const seen = useRef({ rev: null, seq: 0 }); // the board drawn and the last patch applied
  const lastOver = useRef(null);
  const movedToNewColumn = useRef(false);
  const justDragged = useRef(false);

  const who = useMemo(() => ({ me, canManage, canMove }), [me, canManage, canMove]);
  const fmtDate = useMemo(() => makeDateFormatter(locale), [locale]);
  const fmtMoney = useMemo(() => makeMoneyFormatter(currency, locale), [currency, locale]);
  const [width, setWidth] = useState(() => (typeof window === "undefined" ? 1600 : window.innerWidth));
  useEffect(() => {
    const onResize = () => setWidth(window.innerWidth);
    window.addEventListener("resize", onResize);
    return () => window.removeEventListener("resize", onResize);
  }, []);
  const autoScroll = useMemo(() => autoScrollFor(width), [width]);
  const limitOf = (col) => Math.max(limits[col.id] ?? pageSize, 1);
  const isCollapsed = (col) => collapsed[col.id] ?? !!col.collapsed;
  const open = useStable(onOpen);
  const loadMore = useStable(onLoadMore);
  const stale = useStable(onStale);

  // A new board (rev) redraws from `columns`; then each patch is applied once, in order. A
  // gap in the sequence means patches were missed: the whole board is asked for again.
  useEffect(() => {
    const list = (Array.isArray(patches) ? patches : []).filter((p) => p && p.rev === rev);
    let base = null;
    if (seen.current.rev !== rev) {
      seen.current = { rev, seq: 0 };
      base = cloneColumns(columns);
    }
    const fresh = list.filter((p) => p.seq > seen.current.seq).sort((a, b) => a.seq - b.seq);
    if (fresh.length && fresh[0].seq !== seen.current.seq + 1) {
      stale();
      return;
    }
    if (!base && fresh.length === 0) return;
    if (fresh.length) seen.current.seq = fresh[fresh.length - 1].seq;
    const d = drag.current;
    if (d) { // applied when the drag ends
      if (base) {
        d.base = base;
        d.queued = [];
      }
      d.queued.push(...fresh);
    } else if (base) {
      setCols(fresh.reduce(applyPatch, base));
    } else {
      setCols((prev) => fresh.reduce(applyPatch, prev));
    }
  }, [columns, rev, patches]);

  // A column's next cards (asked for by this board): once per answer.
  const appendedSeen = useRef({ rev: null, n: 0 });
  useEffect(() => {
    if (!appended || appended.rev !== rev || !appended.n) return;
    const seenAppend = appendedSeen.current;
    if (seenAppend.rev === rev && seenAppend.n === appended.n) return;
    appendedSeen.current = { rev, n: appended.n };
    const patch = { ...appended, kind: "append" };
    if (drag.current) drag.current.queued.push(patch);
    else setCols((prev) => applyPatch(prev, patch));
  }, [appended, rev]);

  useEffect(() => {
    const raf = requestAnimationFrame(() => (movedToNewColumn.current = false));
    return () => cancelAnimationFrame(raf);
  }, [cols]);

  const sensors = useSensors(
    useSensor(MousePointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, {
      coordinateGetter: keyboardCoordinates,
      keyboardCodes: { start: ["Space"], cancel: ["Escape"], end: ["Space", "Enter"] },
    }),
  );

  // Which droppable is under the drag: the pointer (mouse/touch) or, for the keyboard, the
  // centre of the dragged card picks a column; inside it, the closest rendered card wins.
  const collisionDetection = useCallback((args) => {
    let hits = args.pointerCoordinates ? pointerWithin(args) : [];
    if (!args.pointerCoordinates && args.collisionRect) {
      const r = args.collisionRect;
      const x = r.left + r.width / 2;
      hits = args.droppableContainers
        .filter((d) => isColKey(d.id))
        .filter((d) => {
          const rect = args.droppableRects.get(d.id);
          return rect && x >= rect.left && x <= rect.right;
        });
    }
    if (hits.length === 0) hits = rectIntersection(args);
    let overId = getFirstCollision(hits, "id");
    if (overId != null) {
      if (isColKey(overId)) {
        const col = colsRef.current.find((c) => colKey(c.id) === overId);
        const ids = new Set(col ? col.cards.map((c) => c.id) : []);
        const inner = closestCenter({
          ...args,
          droppableContainers: args.droppableContainers.filter((d) => ids.has(d.id)),
        });
        if (inner.length > 0) overId = inner[0].id;
      }
      lastOver.current = overId;
      return [{ id: overId }];
    }
    if (movedToNewColumn.current) lastOver.current = args.active.id;
    return lastOver.current ? [{ id: lastOver.current }] : [];
  }, []);

  const finish = () => {
    setActiveId(null);
    justDragged.current = true;
    setTimeout(() => (justDragged.current = false), 0);
  };

  /** The board as it stands without the drag: the pre-drag copy plus the patches that came. */
  const settled = (d) => (d.queued || []).reduce(applyPatch, d.base || d.snapshot);

  const onDragStart = ({ active }) => {
    const snapshot = colsRef.current;
    const fromCol = columnOf(snapshot, active.id);
    const col = snapshot.find((c) => c.id === fromCol);
    const index = col ? col.cards.findIndex((d) => d.id === active.id) : -1;
    drag.current = {
      snapshot,
      fromCol,
      fromIndex: index,
      version: index >= 0 ? col.cards[index].version : 0,
      base: null,
      queued: [],
      enteredAt: 0,
    };
    setActiveId(active.id);
  };

  // Crossing into another column: move the card there right away so it previews in place.
  // At most one crossing per frame, and no bounce straight back into the column just left:
  // moving the card shifts the layout, and a pointer near the edge between two columns would
  // otherwise flip the target back and forth within one commit until React gives up
  // ("Maximum update depth exceeded", the whole board gone).
  const lastCross = useRef({ from: null, at: 0 });
  const onDragOver = ({ active, over }) => {
    if (!over || movedToNewColumn.current) return;
    const cur = colsRef.current;
    const from = columnOf(cur, active.id);
    const to = columnOf(cur, over.id);
    if (!from || !to || from === to) return;
    const now = Date.now();
    if (to === lastCross.current.from && now - lastCross.current.at < BOUNCE_MS) return;
    lastCross.current = { from, at: now };
    const toCol = cur.find((c) => c.id === to);
    let index;
    if (isColKey(over.id)) {
      index = isCollapsed(toCol) ? 0 : Math.min(limitOf(toCol), toCol.cards.length);
    } else {
      const overIndex = toCol.cards.findIndex((d) => d.id === over.id);
      const r = active.rect.current.translated;
      index = overIndex + (r && r.top > over.rect.top + over.rect.height / 2 ? 1 : 0);
    }
    if (index >= limitOf(toCol)) setLimits((l) => ({ ...l, [to]: index + 1 }));
    if (drag.current) drag.current.enteredAt = Date.now();
    movedToNewColumn.current = true;
    setCols((prev) => moveCard(prev, active.id, to, index, fmtMoney));
  };

  const onDragEnd = ({ active, over }) => {
    const d = drag.current;
    drag.current = null;
    finish();
    if (!d) return;
    const board = settled(d);
    const cur = colsRef.current;
    const to = over ? columnOf(cur, active.id) : null;
    const col = to ? cur.find((c) => c.id === to) : null;
    if (!col) {
      setCols(board);
      return;
    }
    let index = col.cards.findIndex((c) => c.id === active.id);
    if (!isColKey(over.id) && columnOf(cur, over.id) === to) {
      const overIndex = col.cards.findIndex((c) => c.id === over.id);
      if (overIndex >= 0) index = overIndex;
    }
    if (to === d.fromCol && index === d.fromIndex) {
      setCols(board);
      return;
    }
    if (to !== d.fromCol && isOvershoot(col, d.enteredAt, Date.now(), window.innerWidth)) {
      setCols(board); // scrolled past into Won/Lost: put it back rather than close the deal
      return;
    }
    // Apply the move to the settled board; the server's patch confirms or corrects it.
    const next = moveCard(board, active.id, to, index, fmtMoney);
    setCols(next);
    const target = next.find((c) => c.id === to);
    const at = target ? target.cards.findIndex((c) => c.id === active.id) : -1;
    const below = at >= 0 ? target.cards[at + 1]?.id ?? "" : "";
    const above = at > 0 ? target.cards[at - 1]?.id ?? "" : "";
    if (onMove) onMove(String(active.id), d.fromCol, to, index, d.version, below, above);
  };

  const onDragCancel = () => {
    const d = drag.current;
    drag.current = null;
    finish();
    if (d) setCols(settled(d));
  };

  const toggle = useCallback(
    (cid) =>
      setCollapsed((s) => {
        const col = colsRef.current.find((c) => c.id === cid);
        return { ...s, [cid]: !(s[cid] ?? !!col?.collapsed) };
      }),
    [],
  );
  const showMore = useCallback(
    (cid) => setLimits((l) => ({ ...l, [cid]: (l[cid] ?? pageSize) + pageSize })),
    [pageSize],
  );

  const nameOf = (key) => {
    const cur = colsRef.current;
    if (isColKey(key)) return cur.find((c) => c.id === key.slice(COL.length))?.name ?? "";
    return findCard(cur, key)?.name ?? "";
  };
  const where = (key) => {
    const cur = colsRef.current;
    const colId = columnOf(cur, key);
    const col = cur.find((c) => c.id === colId);
    if (!col) return "";
    const i = col.cards.findIndex((c) => c.id === key);
    return i >= 0 ? `${col.name}, position ${i + 1} of ${col.cards.length}` : col.name;
  };
  const accessibility = {
    screenReaderInstructions: {
      draggable:
        "To move this deal, press Space. Use the arrow keys to move it between stages and positions, " +
        "Space to drop or Escape to cancel. Press Enter to open the deal.",
    },
    announcements: {
      onDragStart: ({ active }) => `Picked up ${nameOf(active.id)}.`,
      onDragOver: ({ active, over }) => (over ? `${nameOf(active.id)} is over ${where(active.id)}.` : ""),
      onDragEnd: ({ active, over }) =>
        over ? `${nameOf(active.id)} dropped in ${where(active.id)}.` : `${nameOf(active.id)} dropped.`,
      onDragCancel: ({ active }) => `Moving ${nameOf(active.id)} was cancelled.`,
    },
  };

  const activeCard = activeId != null ? findCard(cols, activeId) : null;
  const targetCol = activeId != null ? columnOf(cols, activeId) : null;

  return (
    <div id={id} className={cx("kb-board", className)} style={style}>
      <style>{STYLES}</style>
      <DndContext
        id={dndId}
        sensors={sensors}
        collisionDetection={collisionDetection}
        measuring={{ droppable: { strategy: MeasuringStrategy.Always } }}
        autoScroll={autoScroll}
        accessibility={accessibility}
        onDragStart={onDragStart}
        onDragOver={onDragOver}
        onDragEnd={onDragEnd}
        onDragCancel={onDragCancel}
      >
        {cols.map((col) => (
          <Column
            key={col.id}
            col={col}
            collapsed={isCollapsed(col)}
            onToggle={toggle}
            limit={limitOf(col)}
            pageSize={pageSize}
            onShowMore={showMore}
            onLoadMore={onLoadMore ? loadMore : null}
            isTarget={targetCol === col.id}
            dragging={activeId != null}
            who={who}
            fmtDate={fmtDate}
            onOpen={open}
            justDragged={justDragged}
          />
        ))}
        <DragOverlay dropAnimation={{ duration: 180, easing: "cubic-bezier(0.2, 0, 0, 1)" }}>
          {activeCard ? (
            <CardView card={activeCard} movable={mayMove(activeCard, who)} fmtDate={fmtDate} overlay />
          ) : null}
        </DragOverlay>
      </DndContext>
    </div>
  );
}

export default KanbanBoard;

/* ------------------------------------------------------------------ styles */
// Radix Themes CSS variables only, so light and dark appearance both work.
// Board-level defaults use :where() so Reflex style props (height, padding…) override them.

const STYLES = `
:where(.kb-board){height:100%;min-height:360px;padding:4px 4px 12px}
.kb-board{display:flex;align-items:stretch;gap:12px;overflow-x:auto;overflow-y:hidden;box-sizing:border-box;
  color:var(--gray-12);font-family:inherit;scroll-snap-type:x proximity;scrollbar-width:thin;
  scrollbar-color:var(--gray-a6) transparent;-webkit-overflow-scrolling:touch}
.kb-board *,.kb-board *::before,.kb-board *::after{box-sizing:border-box}
.kb-col{--kb-stripe:var(--accent-9);flex:0 0 280px;width:280px;display:flex;flex-direction:column;min-height:0;
  max-height:100%;background:var(--gray-2);border:1px solid var(--gray-a4);border-radius:12px;overflow:hidden;
  scroll-snap-align:start;transition:border-color .15s,box-shadow .15s}
.kb-col--won{--kb-stripe:var(--green-9)}
.kb-col--lost{--kb-stripe:var(--gray-8)}
.kb-col--over{--kb-stripe:var(--red-9);border-color:var(--red-a6)}
.kb-col--target{border-color:var(--accent-a8);box-shadow:0 0 0 1px var(--accent-a8)}
.kb-col-scroll{flex:1;min-height:0;overflow-y:auto;overflow-x:hidden;padding:0 8px 10px;overscroll-behavior:contain;
  scrollbar-width:thin;scrollbar-color:var(--gray-a6) transparent}
.kb-col-head{position:sticky;top:0;z-index:2;margin:0 -8px 8px;padding:10px 12px 9px;background:var(--gray-2);
  border-top:3px solid var(--kb-stripe);border-bottom:1px solid var(--gray-a4)}
.kb-col--over .kb-col-head{background:var(--red-3);border-bottom-color:var(--red-a6)}
.kb-col--over .kb-col-name{color:var(--red-11)}
.kb-col-title{display:flex;align-items:center;gap:6px;min-width:0;min-height:22px}
.kb-col-name{font-size:13px;font-weight:600;color:var(--gray-12);letter-spacing:.01em;
  white-space:nowrap;overflow:hidden;text-overflow:ellipsis;min-width:0}
.kb-spacer{flex:1}
.kb-col-counts{display:flex;align-items:center;gap:6px;margin-top:4px;flex-wrap:wrap}
.kb-pill{flex:none;font-size:11px;font-weight:500;line-height:18px;padding:0 7px;border-radius:999px;
  background:var(--gray-a3);color:var(--gray-11);font-variant-numeric:tabular-nums}
.kb-wip{flex:none;font-size:11px;font-weight:600;line-height:18px;padding:0 7px;border-radius:999px;
  background:var(--gray-a3);color:var(--gray-11);font-variant-numeric:tabular-nums;white-space:nowrap}
.kb-wip--over{background:var(--red-9);color:var(--red-contrast,#fff);font-weight:700}
.kb-closed{color:var(--gray-12);font-weight:500}
.kb-col-sums{display:flex;align-items:baseline;justify-content:space-between;gap:8px;margin-top:4px;font-size:12px;
  font-variant-numeric:tabular-nums}
.kb-sum{font-weight:600;color:var(--gray-12)}
.kb-weighted{color:var(--gray-11);white-space:nowrap}
.kb-weighted-label{color:var(--gray-10)}
.kb-icon-btn{flex:none;display:inline-flex;align-items:center;justify-content:center;width:22px;height:22px;padding:0;
  border:0;border-radius:6px;background:transparent;color:var(--gray-11);cursor:pointer}
.kb-icon-btn:hover{background:var(--gray-a4);color:var(--gray-12)}
.kb-icon-btn:focus-visible,.kb-more:focus-visible{outline:2px solid var(--focus-8,var(--accent-8));outline-offset:1px}
.kb-col.kb-col--collapsed{flex:0 0 56px;width:56px}
.kb-collapsed{display:flex;flex-direction:column;align-items:center;gap:10px;padding:10px 0;height:100%;
  border-top:3px solid var(--kb-stripe)}
.kb-vertical{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-size:12px}
.kb-col-list{display:flex;flex-direction:column;gap:8px;min-height:8px}
.kb-empty{padding:18px 8px;text-align:center;font-size:12px;color:var(--gray-10);
  border:1px dashed var(--gray-a6);border-radius:10px}
.kb-more{display:block;width:100%;margin-top:8px;padding:6px;font:inherit;font-size:12px;color:var(--gray-11);
  background:transparent;border:1px dashed var(--gray-a6);border-radius:8px;cursor:pointer}
.kb-more:hover{background:var(--gray-a3);color:var(--gray-12)}
.kb-card{position:relative;padding:10px 12px;background:var(--color-panel-solid);border-radius:10px;
  box-shadow:var(--shadow-2,0 1px 3px rgba(0,0,0,.12));cursor:grab;user-select:none;-webkit-user-select:none;
  outline:none;touch-action:manipulation;-webkit-touch-callout:none;transition:box-shadow .15s}
.kb-card:hover{box-shadow:var(--shadow-3,0 2px 8px rgba(0,0,0,.16))}
.kb-card:focus-visible{outline:2px solid var(--focus-8,var(--accent-8));outline-offset:2px}
.kb-card--locked{cursor:pointer}
.kb-card--stuck{box-shadow:inset 3px 0 0 var(--red-9),var(--shadow-2,0 1px 3px rgba(0,0,0,.12))}
.kb-card--placeholder{background:var(--accent-a2);box-shadow:none;outline:1.5px dashed var(--accent-a7);outline-offset:-1.5px}
.kb-card--placeholder>*{visibility:hidden}
.kb-card--overlay{cursor:grabbing;box-shadow:var(--shadow-5,0 12px 32px rgba(0,0,0,.25));transform:rotate(1.5deg)}
.kb-card-top{display:flex;align-items:flex-start;gap:8px}
.kb-card-main{flex:1;min-width:0}
.kb-card-name{font-size:14px;font-weight:600;line-height:1.3;color:var(--gray-12);overflow:hidden;
  display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;word-break:break-word}
.kb-card-company{margin-top:2px;font-size:12px;color:var(--gray-11);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.kb-avatar{flex:none;display:inline-flex;align-items:center;justify-content:center;width:26px;height:26px;
  border-radius:999px;background:var(--accent-a3);color:var(--accent-11);font-size:10.5px;font-weight:600;
  letter-spacing:.02em;box-shadow:inset 0 0 0 1px var(--accent-a5)}
.kb-card-value{display:flex;align-items:center;gap:6px;margin-top:6px;font-size:13px;font-weight:600;
  color:var(--gray-12);font-variant-numeric:tabular-nums}
.kb-lock{display:inline-flex;color:var(--gray-9)}
.kb-card-meta{display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px;margin-top:8px;padding-top:8px;
  border-top:1px solid var(--gray-a3)}
.kb-meta{display:inline-flex;align-items:center;gap:4px;font-size:12px;color:var(--gray-11);white-space:nowrap}
.kb-task{margin-top:6px}
.kb-danger{color:var(--red-11);font-weight:500}
.kb-age--fresh{color:var(--green-11)}
.kb-age--warm{color:var(--amber-11)}
.kb-age--stale{color:var(--orange-11)}
.kb-age--stuck{color:var(--red-11);font-weight:500}
.kb-badge-stuck{font-size:10.5px;font-weight:600;line-height:17px;padding:0 6px;border-radius:999px;
  background:var(--red-a3);color:var(--red-11);box-shadow:inset 0 0 0 1px var(--red-a5)}
@media (max-width:640px){.kb-col{flex-basis:84vw;width:84vw}.kb-board{scroll-snap-type:x mandatory}}
@media (prefers-reduced-motion:reduce){.kb-card,.kb-col{transition:none}}
`;
