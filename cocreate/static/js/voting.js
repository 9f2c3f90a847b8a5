// Dot voting on every screen: the dots on a note while the room votes, the voter's budget
// line, each note's tally and rank once the vote closed. The facilitator's panel is
// voting-panel.js; the projector's banner and ranking are projector.js's.

import { COMMANDS } from "./protocol.js";
import { bound, el, t, uuid4 } from "./dom.js";
import { sendOrShowError } from "./connection.js";

/** A step's notes, most votes first once its vote closed, and each note's rank:
 *  ties share a rank; no votes, no rank. */
export function ranking(step, notes) {
  const ranks = new Map();
  if (step.vote_state !== "closed") return { notes, ranks };
  const sorted = [...notes].sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0));
  let rank = 0;
  let previous = null;
  sorted.forEach((note, index) => {
    const votes = note.votes ?? 0;
    if (votes === 0) return;
    if (votes !== previous) rank = index + 1;
    previous = votes;
    ranks.set(note.id, rank);
  });
  return { notes: sorted, ranks };
}

/** Everything about a note's vote that its element shows (it is redrawn when this changes). */
export function voteStamp(store, note, rank) {
  return `${store.steps[note.step].vote_state}:${note.votes ?? ""}:${rank ?? ""}:${store.myVotes(note.id)}:${store.voting?.remaining ?? ""}`;
}

/** Put a note's vote on its element: tally and rank once the vote closed; while it is open,
 *  the viewer's own dots and the buttons to give or take one back (where `controls`). */
export function showVotes(item, note, { store, rank, controls }) {
  const voteState = store.steps[note.step].vote_state;
  if (voteState === "closed") {
    item.dataset.votes = String(note.votes ?? 0);
    // No "0 stemmen" on half the board.
    if (note.votes) {
      const badge = el("p", "note-votes");
      if (rank) badge.append(el("span", "note-rank", `#${rank}`), " ");
      badge.append(t("plan_votes", { n: note.votes }));
      item.prepend(badge);
    }
    if (rank && rank <= 3) item.classList.add("top-ranked");
  }
  if (controls && voteState === "open" && !note.pending) item.append(dots(store, note));
}

function dots(store, note) {
  const mine = store.myVotes(note.id);
  const box = el("div", "note-vote");
  const given = el("span", "my-dots", "●".repeat(mine));
  given.setAttribute("aria-hidden", "true");
  const label = el("span", "sr-only", t("vote_mine", { n: mine }));
  const minus = el("button", "icon-button vote-button", "−");
  minus.type = "button";
  minus.dataset.action = "unvote";
  minus.disabled = mine === 0;
  minus.setAttribute("aria-label", t("vote_retract"));
  const plus = el("button", "icon-button vote-button", `+ ${t("vote_dot")}`);
  plus.type = "button";
  plus.dataset.action = "vote";
  plus.disabled = (store.voting?.remaining ?? 0) <= 0;
  plus.setAttribute("aria-label", t("vote_cast"));
  box.append(minus, given, label, plus);
  return box;
}

/** The room's side: giving and taking back dots, and the voter's budget line. */
export class Voting {
  constructor({ store, board }) {
    this.store = store;
    this.board = board;
  }

  /** Wire the dot buttons on the notes. */
  start() {
    this.board.root.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action=vote], button[data-action=unvote]");
      const id = button?.closest("[data-id]")?.dataset.id;
      if (!id) return;
      const command = button.dataset.action === "vote" ? COMMANDS.VOTE_CAST : COMMANDS.VOTE_RETRACT;
      sendOrShowError(command, { id: uuid4(), note_id: id });
    });
  }

  /** Follow the store: the voter's status line (the projector's banner is projector.js's). */
  render() {
    if (this.store.ready) this.#budgetLine();
  }

  /** Dots left, and how far the room is. */
  #budgetLine() {
    const line = bound("vote-status");
    if (!line) return;
    const step = this.store.currentStep;
    line.hidden = step.vote_state !== "open";
    if (line.hidden) return;
    const progress = step.progress ?? { voters: 0, participants: 0 };
    const remaining = this.store.voting?.step === this.store.currentIndex ? this.store.voting.remaining : step.budget;
    line.textContent = `${t("vote_remaining", { n: remaining, budget: step.budget })} · ${t("vote_progress", progress)}`;
  }
}
