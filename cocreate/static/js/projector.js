// The projector view: read-only, large type, the join address and code always visible,
// and notes scaled to the screen: large while there are few, smaller as the board fills
// up, so every note stays on the screen.

import { bound } from "./dom.js";

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
}

let pending = false;
let fitted = { notes: 0, width: 0, height: 0 }; // what the last fit was for

/** Refit the notes on the next frame: a burst of changes costs one fit. `data-fit` is
 *  "pending" until it is done. Each try of a scale is a layout of the whole board (with
 *  300 notes ~100 ms), so a fit starts from the last scale and tries few. */
export function fitNotes(board) {
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
  const area = board.querySelector(".canvas-area");
  if (area) { // a canvas keeps its proportions: as wide as fits below the step header
    document.body.classList.remove("crowded");
    const room = window.innerHeight - area.getBoundingClientRect().top - 40;
    // On a small screen the board scrolls rather than shrinking past legibility.
    area.style.width = `${Math.max(480, Math.min(board.clientWidth, (room * 16) / 9))}px`;
    return;
  }
  const notes = board.querySelectorAll(".note").length;
  // Fewer notes or another window size: the notes may grow again, not only shrink.
  const roomier = notes < fitted.notes || window.innerWidth !== fitted.width
    || window.innerHeight !== fitted.height;
  fitted = { notes, width: window.innerWidth, height: window.innerHeight };
  const classes = document.body.classList;
  if (classes.contains("crowded") && roomier) classes.remove("crowded");
  if (scaleToFit(board, roomier) < CROWDED_BELOW
      && !classes.contains("crowded")) {
    classes.add("crowded");
    scaleToFit(board, true);
  }
}

function scaleToFit(board, mayGrow) {
  const last = Number(board.dataset.scale) || 1;
  let low = MIN_SCALE; // fits, or nothing does
  let high = MAX_SCALE;
  if (fits(board, last)) {
    if (!mayGrow || last >= MAX_SCALE) return keep(board, last);
    if (fits(board, MAX_SCALE)) return keep(board, MAX_SCALE);
    low = last;
  } else {
    if (!fits(board, MIN_SCALE)) return keep(board, MIN_SCALE);
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
