// The projector view: read-only, large type, the join address and code always visible.

const bound = (name) => document.querySelector(`[data-bind="${name}"]`);

/** Fill in the join address shown next to the QR code. */
export function startProjector() {
  const url = new URL(document.body.dataset.joinUrl);
  bound("join-host").textContent = `${url.host}/join`;
}

/** Scale notes down as the board fills up, so every note stays on the screen. */
export function fitNotes(board, count) {
  const scale = count <= 12 ? 1 : count <= 24 ? 0.85 : count <= 40 ? 0.72 : 0.6;
  board.style.setProperty("--note-scale", String(scale));
}
