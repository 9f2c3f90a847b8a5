// The facilitator's side of dot voting (the room's side is voting.js): open a vote on the
// current step with a budget of dots, close it, and see how far the room is. Only the
// facilitator's page loads it. Opening and closing steer the room: sent live, never queued.

import { COMMANDS } from "./protocol.js";
import { bound, t } from "./dom.js";
import { sendOrShowError } from "./connection.js";

/** The facilitator's voting panel: open a vote on the current step with a budget of dots,
 *  close it, and see how far the room is. */
export class VotingPanel {
  constructor({ store }) {
    this.store = store;
    this.budgetFor = null;
    this.budgetTouched = false;
  }

  /** Wire the open form and the close button. */
  start() {
    const form = bound("voting-form");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const payload = { step: this.store.currentIndex, budget: Number(form.elements.budget.value) };
      if (form.elements.per_note.value) payload.per_note = Number(form.elements.per_note.value);
      // Reopening a closed vote hides the result again; the dots given stay.
      if (this.store.currentStep.vote_state === "closed" && !window.confirm(t("voting_reopen_confirm"))) return;
      sendOrShowError(COMMANDS.VOTING_OPEN, payload);
    });
    bound("voting-close").addEventListener("click", () => sendOrShowError(COMMANDS.VOTING_CLOSE, {}));
    form.addEventListener("input", () => { this.budgetTouched = true; });
  }

  /** Follow the store: which step votes, the suggested budget, the room's progress. */
  render() {
    const { store } = this;
    const step = store.currentStep;
    const open = store.steps.findIndex((s) => s.vote_state === "open");
    const form = bound("voting-form");
    form.hidden = open !== -1 || store.isHidden(store.currentIndex);
    bound("voting-close").hidden = open === -1;
    if (this.budgetFor !== store.currentIndex) {
      this.budgetFor = store.currentIndex;
      this.budgetTouched = false;
    }
    if (!this.budgetTouched) {
      // About the square root of the number of notes, as dot voting usually goes.
      const count = store.notesOf(store.currentIndex).length;
      form.elements.budget.value = String(Math.min(20, Math.max(1, Math.round(Math.sqrt(count)))));
    }
    bound("voting-open").textContent = step.vote_state === "closed" ? t("voting_reopen") : t("voting_open");
    const status = bound("voting-state");
    if (store.isHidden(store.currentIndex)) {
      status.textContent = t("voting_after_reveal");
    } else if (open !== -1) {
      const progress = store.steps[open].progress ?? { voters: 0, done: 0, participants: 0 };
      status.textContent = `${t("voting_open_on", { n: open + 1, title: store.steps[open].title })} · ${t("vote_progress", progress)}`;
    } else {
      status.textContent = step.vote_state === "closed" ? t("voting_closed_here") : "";
    }
  }
}
