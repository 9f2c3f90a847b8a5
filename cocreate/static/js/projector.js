// The projector view: read-only, large type, the join address and code always visible,
// and notes scaled down as the board fills up so every note stays on the screen.

import { bound } from "./board.js";

const MIN_SCALE = 0.3;
const STEP = 0.05;
const MARGIN = 16;

/** Fill in the join address shown next to the QR code; refit when the window changes. */
export function startProjector(board) {
  const url = new URL(document.body.dataset.joinUrl);
  bound("join-host").textContent = `${url.host}/join`;
  window.addEventListener("resize", () => fitNotes(board));
}

const CROWDED_BELOW = 0.7;

/** Shrink the notes until the whole board fits below the step header without scrolling.
 *  A crowded board first gets more room: a compact join panel and prompt. */
export function fitNotes(board) {
  document.body.classList.remove("crowded");
  if (shrink(board) < CROWDED_BELOW) {
    document.body.classList.add("crowded");
    shrink(board);
  }
}

function shrink(board) {
  let scale = 1;
  board.style.setProperty("--note-scale", "1");
  const available = () => window.innerHeight - board.getBoundingClientRect().top - MARGIN;
  while (board.getBoundingClientRect().height > available() && scale > MIN_SCALE) {
    scale = Math.max(MIN_SCALE, scale - STEP);
    board.style.setProperty("--note-scale", scale.toFixed(2));
  }
  board.dataset.scale = scale.toFixed(2);
  return scale;
}
