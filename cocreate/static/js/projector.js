// The projector view: read-only, large type, the join address and code always visible,
// and notes scaled to the screen: large while there are few, smaller as the board fills
// up, so every note stays on the screen.

import { bound, el, t } from "./dom.js";
import { CANVAS } from "./protocol.js";
import { ranking } from "./voting.js";

// Notes stay legible from the back of the room (text ≥ 20 px at 1920 × 1080) up to this
// many notes; a fuller board may shrink further rather than lose notes off the screen.
const LEGIBLE_UP_TO = 40;
const LEGIBLE_SCALE = 0.87; // of the note's 1.45rem
const MIN_SCALE = 0.3;
const MAX_SCALE = 1.6; // a few notes are read from the back of the room
const PRECISION = 0.02;
const MARGIN = 16;
const CROWDED_BELOW = 0.7;

/** Fill in the join address shown next to the QR code; refit when the window changes. */
export function startProjector(board) {
  const url = new URL(document.body.dataset.joinUrl);
  // A narrow panel breaks the address before "/join", not inside the host name.
  bound("join-host").replaceChildren(url.host, document.createElement("wbr"), "/join");
  window.addEventListener("resize", () => fitNotes(board));
  document.addEventListener("cc:reflow", () => fitNotes(board));
}

// When this projector first saw each private step's notes revealed (by the server's clock):
// a countdown started before then was for the private writing, and has served. A step
// already revealed when the projector opened counts from then: a countdown started later
// is for what the room does next.
const revealedAt = new Map();
const STARTED_WITHIN_MS = 1000; // a countdown's start is known to the second

function watchReveals(store) {
  store.steps.forEach((step, index) => {
    if (step.reveal === "private" && step.revealed) {
      if (!revealedAt.has(index)) revealedAt.set(index, store.serverNow());
    } else {
      revealedAt.delete(index);
    }
  });
}

/** Whether the room's countdown has served its purpose on the projector: it was started
 *  for a private step's writing, and the notes are revealed now; once it has run out, its
 *  "Tijd is om" leaves the screen (present.css). Moving to the next step ends it everywhere. */
function timerServed(store) {
  const { timer } = store.workshop;
  const step = store.currentStep;
  return Boolean(timer) && step.reveal === "private" && step.revealed
    && Date.parse(timer.started_at) + STARTED_WITHIN_MS <= revealedAt.get(store.currentIndex);
}

/** Show the board as the room should see it now, then fit the notes to the screen. */
export function render(store, board) {
  watchReveals(store);
  document.body.classList.toggle("timer-served", timerServed(store));
  showFocus(store, board);
  showVoting(store);
  showRanking(store, board);
  fitNotes(board);
}

/** The banner above the QR code: how far the room's vote is, then "Uitslag van de stemming". */
function showVoting(store) {
  const line = bound("projector-voting");
  const step = store.currentStep;
  line.hidden = step.vote_state === "none" || !step.vote_state;
  line.dataset.state = step.vote_state ?? "none";
  if (step.vote_state === "open") {
    const { voters = 0, participants = 0 } = step.progress ?? {};
    line.textContent = t("projector_voting", { n: step.budget, voters, participants });
  } else if (step.vote_state === "closed") {
    line.textContent = t("projector_results");
  }
}

const RANKED_SHOWN = 10; // places on the screen; ties at the last place come along

/** The result moment: once the current step's vote has closed, the projector shows its
 *  notes as a ranking instead of the board — most votes first, ties sharing a place, the
 *  first places large. The board is back as soon as the vote reopens or the step changes. */
function showRanking(store, board) {
  const section = bound("ranking");
  const step = store.currentStep;
  // A vote nobody took part in has no result: the board stays.
  const closed = step.vote_state === "closed"
    && store.notesOf(store.currentIndex).some((note) => (note.votes ?? 0) > 0);
  section.hidden = !closed;
  board.hidden = closed;
  if (!closed) return;
  const { notes, ranks } = ranking(step, store.notesOf(store.currentIndex));
  const ranked = notes.filter((note) => ranks.has(note.id) && ranks.get(note.id) <= RANKED_SHOWN);
  const shared = new Map(); // place -> how many notes share it
  for (const note of ranked) shared.set(ranks.get(note.id), (shared.get(ranks.get(note.id)) ?? 0) + 1);
  const list = bound("ranking-list");
  list.replaceChildren(...ranked.map((note) => {
    const place = ranks.get(note.id);
    const item = el("li", `ranked${place <= 3 ? ` ranked-top ranked-${place}` : ""}`);
    item.dataset.place = String(place);
    const badge = el("span", "ranked-place", String(place));
    if (shared.get(place) > 1) badge.append(el("span", "ranked-tie", t("ranking_tie")));
    item.append(badge, el("span", "ranked-text", note.text), el("span", "ranked-votes", t("plan_votes", { n: note.votes })));
    return item;
  }));
  const more = bound("ranking-more");
  const unvoted = notes.length - ranks.size;
  const tell = () => {
    const rest = ranks.size - list.children.length;
    more.hidden = !rest && !unvoted;
    more.textContent = [rest ? t("ranking_more", { n: rest }) : "", unvoted ? t("ranking_unvoted", { n: unvoted }) : ""]
      .filter(Boolean).join(" · ");
  };
  tell();
  // The whole ranking stays on the screen: the last places give way (a shared place whole).
  while (list.children.length > 3 && section.getBoundingClientRect().bottom > window.innerHeight - MARGIN) {
    const last = list.lastElementChild.dataset.place;
    for (const item of list.querySelectorAll(`[data-place="${last}"]`)) item.remove();
    tell();
  }
}

/** One table's report-back: "Tafel Data presenteert" and only that table's notes, large
 *  (the other tables' groups give way); everything again when the focus is gone. */
function showFocus(store, board) {
  const table = store.workshop.tables.find((candidate) => candidate.id === store.workshop.focus);
  const banner = bound("presenting");
  banner.hidden = !table;
  // A name such as "Tafel 2" says "Tafel" already.
  if (table) banner.textContent = /^(tafel|table)\b/i.test(table.name) ? t("table_presents_named", { name: table.name }) : t("table_presents", { name: table.name });
  const groups = board.querySelectorAll(".table-group");
  const focused = [...groups].some((group) => group.dataset.table === table?.id);
  board.classList.toggle("focusing", focused);
  for (const group of groups) group.classList.toggle("focused", focused && group.dataset.table === table.id);
}

let pending = false;
let fitted = { notes: 0, width: 0, height: 0, focus: "" }; // what the last fit was for

/** Refit the notes on the next frame: a burst of changes costs one fit. `data-fit` is
 *  "pending" until it is done. Each try of a scale is a layout of the whole board, so a
 *  fit starts from the last scale and tries few. */
function fitNotes(board) {
  if (pending) return;
  pending = true;
  board.dataset.fit = "pending";
  requestAnimationFrame(() => {
    pending = false;
    fit(board);
    delete board.dataset.fit;
  });
}

/** The largest scale (up to MAX_SCALE) at which the whole board fits below the step
 *  header without scrolling. A crowded board first gets more room: a compact join panel and prompt. */
function fit(board) {
  if (board.hidden) return; // the ranking is on the screen
  const area = board.querySelector(".canvas-area");
  document.body.classList.toggle("on-canvas", Boolean(area));
  board.style.width = board.style.height = "";
  if (area) {
    fitCanvas(board, area);
    return;
  }
  const notes = board.querySelectorAll(".note").length;
  const focus = board.querySelector(".table-group.focused")?.dataset.table ?? "";
  // Fewer notes, another table in focus or another window size: the notes may grow again.
  const roomier = notes < fitted.notes || focus !== fitted.focus || window.innerWidth !== fitted.width
    || window.innerHeight !== fitted.height;
  fitted = { notes, width: window.innerWidth, height: window.innerHeight, focus };
  const classes = document.body.classList;
  if (classes.contains("crowded") && roomier) classes.remove("crowded");
  if (scaleToFit(board, roomier) < CROWDED_BELOW
      && !classes.contains("crowded")) {
    classes.add("crowded");
    scaleToFit(board, true);
  }
}

/** A canvas fills the room beside the join panel, keeping its 16:9 proportions, and
 *  zooms in on the part of it the notes use: a few notes are large, a full board fits.
 *  Every note shows its whole text: a long one is taller, the rows of its cluster's grid
 *  and its frame grow with it, and what lies below moves down (`unfold`). Only when that
 *  would make the text too small for the room do notes keep their places and sizes, and
 *  a long one then grows into the free room under it (`growNotes`). */
function fitCanvas(board, area) {
  document.body.classList.remove("crowded");
  area.style.width = "";
  const room = window.innerHeight - board.getBoundingClientRect().top - MARGIN;
  // On a small screen the board scrolls rather than shrinking past legibility.
  const width = Math.max(480, Math.min(board.clientWidth, (room * CANVAS.ASPECT)));
  const height = width / CANVAS.ASPECT;
  Object.assign(board.style, { width: `${width}px`, height: `${height}px` });
  // A full board gives the names' line to the text.
  board.classList.toggle("many", area.querySelectorAll(".note").length > MANY_NOTES);
  const items = boxes(area);
  const plain = usedPart(items, area);
  const unfolded = unfold(area, items);
  const used = usedPart(unfolded, area);
  // The zoom the text needs to stay legible at 20 px (its size is in the canvas's width).
  const text = area.querySelector(".note-text");
  const legible = text ? LEGIBLE_PX / (parseFloat(getComputedStyle(text).fontSize) / area.clientWidth * width) : 0;
  const whole = zoomFor(used) >= Math.min(zoomFor(plain), legible);
  const shown = whole ? used : plain;
  const zoom = zoomFor(shown);
  const bottom = whole ? Math.max(1, ...unfolded.map((box) => box.y + box.height)) : 1;
  const left = zoom >= 1 ? Math.min(Math.max(shown.x, 0), 1 - 1 / zoom) : (1 - 1 / zoom) / 2;
  const top = Math.max(0, Math.min(shown.y, bottom - 1 / zoom));
  Object.assign(area.style, { width: `${width * zoom}px`, translate: `${-left * width * zoom}px ${-top * height * zoom}px` });
  board.dataset.zoom = zoom.toFixed(2);
  if (whole) {
    place(unfolded);
  } else {
    place(items);
    growNotes(items, height * zoom);
  }
}

const MANY_NOTES = 20;
const LEGIBLE_PX = 20; // note text on the projector, read from the back of the room

const zoomFor = (used) => Math.min(MAX_ZOOM, 1 / used.width, 1 / used.height);

/** The notes and clusters of the canvas as boxes in 0..1 of its width and height, where
 *  the server placed them; each note unclamped, to be measured. */
function boxes(area) {
  const all = [...area.querySelectorAll(".note, .cluster")].map((item) => {
    const cluster = item.classList.contains("cluster");
    return { item, cluster, shift: 0, id: item.dataset.cluster,
             x: parseFloat(item.style.left) / 100, y: parseFloat(item.style.top) / 100,
             width: cluster ? parseFloat(item.style.width) / 100 : CANVAS.NOTE_WIDTH,
             height: cluster ? parseFloat(item.style.height) / 100 : CANVAS.NOTE_HEIGHT };
  }).filter((box) => !Number.isNaN(box.x) && !Number.isNaN(box.y));
  // A frame as the server made it: round its grid (a refit may find it grown).
  for (const frame of all.filter((box) => box.cluster)) {
    const inside = all.filter((box) => !box.cluster && box.item.dataset.group === frame.id);
    if (inside.length) frame.height = Math.max(...inside.map((box) => box.y)) + CANVAS.NOTE_HEIGHT + CANVAS.CLUSTER_PAD - frame.y;
  }
  for (const box of all) {
    box.item.style.removeProperty("--shift");
    if (box.cluster) continue;
    box.item.style.maxHeight = box.item.style.minHeight = "";
    box.item.querySelector(".note-text")?.style.setProperty("-webkit-line-clamp", "unset");
  }
  return all;
}

/** The canvas with every note as tall as its whole text: a cluster's rows grow with their
 *  tallest note and its frame with them; whatever lies below a box that grew moves down as
 *  far as needed, keeping its gap. Returns new boxes; nothing is moved yet. */
function unfold(area, items) {
  const tall = area.clientHeight;
  const notes = items.filter((box) => !box.cluster);
  const need = new Map(notes.map((box) => [box.item, Math.max(CANVAS.NOTE_HEIGHT, box.item.offsetHeight / tall)]));
  const frames = new Map(items.filter((box) => box.cluster).map((box) => [box.id, { ...box, base: box.height, members: [] }]));
  const loose = [];
  for (const box of notes) {
    const frame = frames.get(box.item.dataset.group);
    if (frame) frame.members.push({ ...box });
    else loose.push({ ...box, base: box.height, height: need.get(box.item) });
  }
  for (const frame of frames.values()) {
    // The grid's rows, top to bottom: each grows by what its tallest note needs more.
    const rows = [...new Set(frame.members.map((box) => box.y.toFixed(3)))].sort((a, b) => a - b);
    let extra = 0;
    for (const row of rows) {
      const inRow = frame.members.filter((box) => box.y.toFixed(3) === row);
      const grown = Math.max(CANVAS.NOTE_HEIGHT, ...inRow.map((box) => need.get(box.item)));
      // A row's notes are as tall as its tallest: the grid stays a grid.
      for (const box of inRow) Object.assign(box, { inner: extra, height: grown, row: grown });
      extra += grown - CANVAS.NOTE_HEIGHT;
    }
    frame.height += extra;
  }
  const tops = [...frames.values(), ...loose].sort((a, b) => a.y - b.y || a.x - b.x);
  tops.forEach((box, index) => {
    for (const above of tops.slice(0, index)) {
      if (above.y >= box.y || above.x >= box.x + box.width || above.x + above.width <= box.x) continue;
      const gap = Math.max(0, Math.min(CANVAS.GAP, box.y - above.y - above.base));
      box.shift = Math.max(box.shift, above.y + above.shift + above.height + gap - box.y);
    }
  });
  const placed = [];
  for (const box of tops) {
    placed.push(box);
    for (const member of box.members ?? []) placed.push({ ...member, shift: box.shift + member.inner });
  }
  return placed.map((box) => ({ ...box, y: box.y + box.shift, shift: box.shift }));
}

/** Put the boxes where `unfold` (or the server) has them: moved down by `--shift` (in the
 *  canvas's width, so it zooms with it), frames as tall as their grown grid. */
function place(boxes) {
  for (const box of boxes) {
    if (box.shift) box.item.style.setProperty("--shift", String(box.shift * 100 / CANVAS.ASPECT));
    if (box.row) box.item.style.minHeight = `${box.row * 100}%`;
    if (box.cluster) box.item.style.height = `${box.height * 100}%`;
  }
}
/** A note grows down into the free room under it (never onto another note or past its
 *  cluster's frame) until its whole text shows; what still does not fit ends in "…". */
function growNotes(boxes, boardHeight) {
  for (const note of boxes.filter((box) => !box.cluster)) {
    let limit = 1;
    for (const other of boxes) {
      if (other === note || other.x >= note.x + note.width || other.x + other.width <= note.x) continue;
      if (other.cluster && other.y <= note.y && note.y < other.y + other.height) {
        limit = Math.min(limit, other.y + other.height - CANVAS.CLUSTER_PAD); // its own frame
      } else if (other.y > note.y) {
        limit = Math.min(limit, other.y - CANVAS.GAP / 2);
      }
    }
    const room = (limit - note.y) * boardHeight;
    note.item.style.maxHeight = `${room}px`;
    const box = getComputedStyle(note.item);
    const meta = note.item.querySelector(".note-meta")?.offsetHeight ?? 0;
    const text = note.item.querySelector(".note-text");
    const lines = (room - parseFloat(box.paddingTop) - parseFloat(box.paddingBottom) - meta) / parseFloat(getComputedStyle(text).lineHeight);
    text.style.setProperty("-webkit-line-clamp", String(Math.max(1, Math.floor(lines))));
  }
}

const MAX_ZOOM = 2.4;
const ROOM_AROUND = 0.03; // of the board, kept clear round the notes when zoomed in

/** The part of the board (0..1) `boxes` take, with a little room round it; the whole
 *  width when the board has lanes, whose titles must stay in view. */
function usedPart(boxes, area) {
  let [x0, y0, x1, y1] = [1, 1, 0, 0];
  for (const box of boxes) {
    x0 = Math.min(x0, box.x);
    y0 = Math.min(y0, box.y);
    x1 = Math.max(x1, box.x + box.width);
    y1 = Math.max(y1, box.y + box.height);
  }
  if (area.querySelector(".lane")) return { x: 0, y: 0, width: 1, height: Math.max(1, y1) };
  if (x1 <= x0) return { x: 0, y: 0, width: 1, height: 1 };
  return { x: x0 - ROOM_AROUND, y: y0 - ROOM_AROUND, width: x1 - x0 + 2 * ROOM_AROUND, height: y1 - y0 + 2 * ROOM_AROUND };
}

function scaleToFit(board, mayGrow) {
  const last = Number(board.dataset.scale) || 1;
  const lowest = board.querySelectorAll(".note").length > LEGIBLE_UP_TO ? MIN_SCALE : LEGIBLE_SCALE;
  let low = lowest; // fits, or nothing does
  let high = MAX_SCALE;
  if (fits(board, last)) {
    if (!mayGrow || last >= MAX_SCALE) return keep(board, last);
    if (fits(board, MAX_SCALE)) return keep(board, MAX_SCALE);
    low = last;
  } else {
    if (!fits(board, lowest)) return keep(board, lowest);
    high = last;
  }
  while (high - low > PRECISION) { // fitting only gets easier as the scale goes down
    const middle = (low + high) / 2;
    if (fits(board, middle)) low = middle;
    else high = middle;
  }
  return keep(board, low);
}

function fits(board, scale) {
  board.style.setProperty("--note-scale", scale.toFixed(3));
  const box = board.getBoundingClientRect();
  return box.height <= window.innerHeight - box.top - MARGIN;
}

function keep(board, scale) {
  board.style.setProperty("--note-scale", scale.toFixed(3));
  board.dataset.scale = scale.toFixed(3);
  return scale;
}
