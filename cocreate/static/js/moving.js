// Moving a note by hand: a drag with mouse, pen or touch (Pointer Events), the arrow keys on
// a canvas, or the "Verplaats naar…" menu. Frames go to the room about 30 times a second and
// are never stored; only the drop is (`note:move`). Loaded at the first touch of a note.

import { CANVAS, COMMANDS } from "./protocol.js";
import { el, errorText, laterTexts, t, toast } from "./dom.js";
import { send, sendOrShowError } from "./connection.js";

await laterTexts();

const FRAME_MS = 33;
const KEEP_HELD_MS = 1000; // a resting pointer still renews its hold
const KEY_STEP = 0.01;

const fraction = (value) => Math.round(Math.min(Math.max(value, 0), 1) * 10000) / 10000;
const place = (item, x, y) => Object.assign(item.style, { left: `${x * 100}%`, top: `${y * 100}%` });

function drop(mover, payload) {
  const note = mover.store.notes.get(payload.id);
  if (note && "x" in payload) Object.assign(note, { x: payload.x, y: payload.y });
  return sendOrShowError(COMMANDS.NOTE_MOVE, payload);
}

// -- the menu ------------------------------------------------------------------------

function destinations(mover, note) {
  const { store } = mover;
  const found = store.steps[note.step].lanes.filter((lane) => lane.key !== note.lane)
    .map((lane) => [t("move_to_lane", { lane: lane.title }), { lane: lane.key }, t("moved_to_lane", { lane: lane.title })]);
  if (!store.isFacilitator || store.isHidden(note.step)) return found;
  for (const cluster of store.clusters.values()) {
    if (cluster.step !== note.step || cluster.id === note.group) continue;
    const title = cluster.title || t("cluster_untitled");
    found.push([t("move_to_cluster", { title }), { cluster: cluster.id }, t("moved_to_cluster", { title })]);
  }
  if (note.group) found.push([t("move_out_of_cluster"), { cluster: null }, t("moved_out_of_cluster")]);
  return found;
}

/** "Verplaats naar…": a list of the lanes and clusters this note can go to. */
export function menu(mover, event, item) {
  const opener = event.target.closest(".move-to");
  const note = mover.store.notes.get(item.dataset.id);
  item.querySelector(".move-menu")?.remove();
  const list = el("div", "move-menu");
  list.setAttribute("role", "group");
  list.setAttribute("aria-label", t("move_to"));
  const close = () => { list.remove(); opener.focus(); };
  for (const [label, where, done] of destinations(mover, note)) {
    const choice = el("button", "icon-button", label);
    choice.type = "button";
    choice.addEventListener("click", async () => {
      list.remove();
      const ack = await drop(mover, { id: note.id, ...where });
      if (ack.ok) mover.announce(done);
      mover.board.elements.get(note.id)?.focus();
    });
    list.append(choice);
  }
  list.addEventListener("keydown", (key) => { if (key.key === "Escape") close(); });
  opener.after(list);
  list.querySelector("button")?.focus();
}

// -- arrow keys on a canvas ------------------------------------------------------------

let keyTimer = null;

/** Arrow keys move the focused note on a canvas (Shift: five times as far). */
export function key(mover, event, item) {
  const delta = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
  if (!delta || !mover.board.onCanvas || event.target !== item) return;
  const note = mover.store.notes.get(item.dataset.id);
  const step = KEY_STEP * (event.shiftKey ? 5 : 1);
  note.x = fraction(Math.min(note.x + delta[0] * step, 1 - CANVAS.NOTE_WIDTH));
  note.y = fraction(Math.min(note.y + delta[1] * step, 1 - CANVAS.NOTE_HEIGHT));
  place(item, note.x, note.y);
  clearTimeout(keyTimer);
  // One drop when the keys rest, not one per key repeat.
  keyTimer = setTimeout(async () => {
    const ack = await drop(mover, { id: note.id, x: note.x, y: note.y });
    if (ack.ok) mover.announce(t("moved_on_canvas", { across: Math.round(note.x * 100), down: Math.round(note.y * 100) }));
  }, 300);
}

// -- dragging with a pointer ---------------------------------------------------------

/** A pointer went down on a note: follow it once it has moved a few pixels. */
export function press(mover, event, item) {
  if (event.button !== 0) return;
  // On a touch screen only the handle drags, so a finger on a note still scrolls the page.
  if (event.pointerType === "touch" && !event.target.closest(".drag-handle")) return;
  const box = item.getBoundingClientRect();
  const drag = { mover, item, id: item.dataset.id, started: false, x: 0, y: 0,
                 dx: event.clientX - box.left, dy: event.clientY - box.top, from: [event.clientX, event.clientY] };
  const move = (moved) => follow(drag, moved);
  const end = (ended) => {
    item.removeEventListener("pointermove", move);
    item.removeEventListener("pointerup", end);
    item.removeEventListener("pointercancel", end);
    release(drag, ended.type === "pointerup" ? ended : null);
  };
  item.setPointerCapture(event.pointerId);
  item.addEventListener("pointermove", move);
  item.addEventListener("pointerup", end);
  item.addEventListener("pointercancel", end);
}

function where(drag, event) {
  const board = drag.mover.board.surface.getBoundingClientRect();
  return { x: fraction((event.clientX - drag.dx - board.left) / board.width),
           y: fraction((event.clientY - drag.dy - board.top) / board.height) };
}

async function follow(drag, event) {
  const { mover } = drag;
  if (!drag.started) {
    if (Math.hypot(event.clientX - drag.from[0], event.clientY - drag.from[1]) < 5) return;
    drag.started = true;
    drag.item.classList.add("dragging");
    // The first frame asks: someone else may be holding this note.
    const ack = await send(COMMANDS.NOTE_DRAG, { id: drag.id, ...where(drag, event) });
    if (!ack.ok) {
      toast(errorText(ack.error));
      drag.refused = true;
      settle(drag);
      return;
    }
    drag.keep = setInterval(() => frame(drag, true), KEEP_HELD_MS);
  }
  if (drag.refused) return;
  Object.assign(drag, where(drag, event));
  place(drag.item, drag.x, drag.y);
  frame(drag);
}

function frame(drag, always = false) {
  const now = performance.now();
  if (!always && now - (drag.sent ?? 0) < FRAME_MS) return;
  drag.sent = now;
  drag.mover.connection.sendVolatile(COMMANDS.NOTE_DRAG, { id: drag.id, x: drag.x, y: drag.y });
}

function settle(drag) {
  clearInterval(drag.keep);
  drag.item.classList.remove("dragging");
  if (!drag.mover.board.onCanvas) drag.item.style.left = drag.item.style.top = "";
  drag.mover.board.render();
}

/** "Groep 3": the first such name no cluster of the step has yet (the facilitator renames it
 *  in place). */
function freshName(store, step) {
  const taken = new Set([...store.clusters.values()].filter((c) => c.step === step).map((c) => c.title));
  let n = 1;
  while (taken.has(t("cluster_default", { n }))) n += 1;
  return t("cluster_default", { n });
}

/** What lies under the pointer at the drop: another note, a cluster, a lane. */
function under(drag, event) {
  const found = {};
  for (const node of document.elementsFromPoint(event.clientX, event.clientY)) {
    if (drag.item.contains(node)) continue;
    for (const [name, selector, key] of [["note", "[data-id]", "id"], ["cluster", "[data-cluster]", "cluster"], ["lane", "[data-lane]", "lane"]]) {
      const hit = node.closest(selector);
      if (hit && found[name] === undefined) found[name] = hit.dataset[key];
    }
  }
  return found;
}

async function release(drag, event) {
  if (!drag.started || drag.refused) return;
  const { mover } = drag;
  const note = mover.store.notes.get(drag.id);
  const payload = { id: drag.id };
  const target = event ? under(drag, event) : {};
  if (mover.board.onCanvas) {
    Object.assign(payload, { x: Math.min(drag.x, 1 - CANVAS.NOTE_WIDTH), y: Math.min(drag.y, 1 - CANVAS.NOTE_HEIGHT) });
  } else if (target.lane && target.lane !== note.lane) {
    payload.lane = target.lane;
  }
  // The facilitator clusters by dropping onto a note or a cluster, and unclusters by
  // dropping outside one.
  if (mover.store.isFacilitator && event) {
    const group = target.note ? mover.store.notes.get(target.note)?.group : target.cluster;
    if (target.note && !group) {
      sendOrShowError(COMMANDS.NOTE_GROUP, { ids: [target.note, drag.id], title: freshName(mover.store, note.step) });
    } else if ((group ?? null) !== note.group) {
      payload.cluster = group ?? null;
    }
  }
  settle(drag);
  if (Object.keys(payload).length > 1) await drop(mover, payload);
  mover.board.render();
}
