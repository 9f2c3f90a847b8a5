// What a person does to notes: write them (the composer, Enter adds), edit or remove their
// own, and move any (drag, arrow keys, "Verplaats naar…").

import { COMMANDS, LIMITS } from "./protocol.js";
import { bound, el, t, uuid4 } from "./dom.js";
import { sendOrShowError } from "./connection.js";
import { laneOptions } from "./board.js";

export class Notes {
  constructor({ store, board, onMakeAction }) {
    this.store = store;
    this.onMakeAction = onMakeAction;
    this.board = board;
    this.form = bound("composer");
    this.drafts = {};
    // "Enter = toevoegen" means nothing on a phone's keyboard.
    if (this.form && window.matchMedia("(pointer: coarse)").matches) {
      this.form.elements.text.placeholder = t("composer_placeholder_touch");
    }
  }

  /** Wire the composer and the note buttons. */
  start() {
    if (this.form) {
      const area = this.form.elements.text;
      area.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          this.form.requestSubmit();
        }
      });
      area.addEventListener("input", () => this.#count());
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.#add();
      });
      this.#count();
    }
    this.board.root.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      const item = button?.closest("[data-id]");
      if (!item) return;
      const id = item.dataset.id;
      if (button.dataset.action === "edit" || button.dataset.action === "remove") {
        // Changing a note is rarer than seeing one: its code loads when first needed.
        this.editing ??= import("./note-edit.js");
        this.editing.then((editing) => editing[button.dataset.action](this, id));
      }
      if (button.dataset.action === "make-action") this.onMakeAction?.([id]);
    });
  }

  /** Show the lane picker and anonymity choice that fit the current step. */
  refresh() {
    if (!this.form || !this.store.ready) return;
    const step = this.store.currentStep;
    const index = this.store.currentIndex;
    const area = this.form.elements.text;
    if (this.draftStep !== index) {
      if (this.draftStep !== undefined) {
        this.drafts[this.draftStep] = area.value;
        area.value = this.drafts[index] ?? "";
        this.#count();
      }
      this.draftStep = index;
    }
    const picker = bound("lane-picker");
    const select = bound("lane-select");
    picker.hidden = step.lanes.length === 0;
    const keys = step.lanes.map((lane) => lane.key).join();
    if (select.dataset.keys !== keys) {
      select.replaceChildren(...laneOptions(step.lanes));
      select.dataset.keys = keys;
    }
    const anonymous = bound("anonymous-picker");
    const box = this.form.elements.anonymous;
    anonymous.hidden = step.anonymity === "off";
    // Where anonymity is allowed it starts checked: honesty needs safety first.
    if (this.anonymityFor !== `${index}:${step.anonymity}`) {
      this.anonymityFor = `${index}:${step.anonymity}`;
      box.checked = step.anonymity !== "off";
    }
    const locked = this.store.writingClosed();
    for (const control of this.form.elements) control.disabled = locked || (control === box && step.anonymity === "required");
    this.form.classList.toggle("is-locked", locked);
    bound("composer-kept").hidden = !(locked && area.value.trim());
  }

  #count() {
    const left = LIMITS.NOTE_MAX - this.form.elements.text.value.length;
    const counter = bound("composer-count");
    counter.textContent = left < 60 ? t("chars_left", { n: left }) : "";
  }

  async #add() {
    const area = this.form.elements.text;
    const text = area.value.trim();
    if (!text || !this.store.ready) return;
    const step = this.store.currentStep;
    const note = {
      id: uuid4(),
      step: this.draftStep,
      text,
      color: this.form.elements.color.value || "yellow",
    };
    if (step.lanes.length) note.lane = this.form.elements.lane.value;
    if (step.anonymity !== "off") note.anonymous = this.form.elements.anonymous.checked;
    const table = this.form.elements.for_table; // on behalf of a table (see tables.js)
    if (table?.value && table.checked !== false) note.for_table = table.value;
    area.value = "";
    this.#count();
    area.focus();
    this.store.addPending({ ...note, lane: note.lane ?? null, anonymous: Boolean(note.anonymous),
                            author: this.store.me.id, author_name: this.store.me.name, version: 0 });
    const ack = await sendOrShowError(COMMANDS.NOTE_ADD, note);
    if (!ack.ok) {
      this.store.dropPending(note.id);
      if (note.step !== this.draftStep) this.drafts[note.step] ||= text;
      else if (!area.value) area.value = text;
      this.refresh();
    }
  }

}

// Moving notes (drag, arrow keys on a canvas, "Verplaats naar…"): moving.js loads at the
// first touch of a note; others' drags show from the start.

const REMOTE_MS = 3000; // a drag whose frames stopped is over
const INTERACTIVE = "button, select, textarea, input, a, label";

export class Mover {
  constructor({ store, connection, board, announce }) {
    Object.assign(this, { store, connection, board, announce });
    this.remote = new Map(); // note id -> timer of a drag someone else is doing
  }

  /** Wire pointer, keys and the move menu to the board; show others' drags. */
  start() {
    const root = this.board.root;
    const later = (name) => async (event) => {
      const item = event.target.closest?.(".note.movable");
      if (!item || (name !== "menu" && event.target.closest(INTERACTIVE))) return;
      if (name === "menu" && !event.target.closest(".move-to")) return;
      if (name === "key" && !event.key.startsWith("Arrow")) return;
      if (name === "key" && !this.board.onCanvas) return;
      if (name === "key") event.preventDefault(); // the page must not scroll meanwhile
      this.moving ??= import("./moving.js");
      (await this.moving)[name](this, event, item);
    };
    // Fetch the code on hover or focus, so even a quick flick after the press is followed.
    const prefetch = (event) => {
      if (event.target.closest?.(".note.movable")) this.moving ??= import("./moving.js");
    };
    root.addEventListener("pointerover", prefetch);
    root.addEventListener("focusin", prefetch);
    root.addEventListener("pointerdown", later("press"));
    root.addEventListener("keydown", later("key"));
    root.addEventListener("click", later("menu"));
    this.connection.addEventListener("drag", (event) => this.#remoteFrame(event.detail));
  }

  /** May this person move the note now (never on the projector, which only shows)? */
  movable(note) {
    const step = this.store.steps[note.step];
    return this.board.controls && !note.pending && !this.store.writingClosed() && note.text !== undefined
      && (step.vote_state !== "open" || this.store.isFacilitator);
  }

  /** Give a note on the board its handle, keyboard focus and "Verplaats naar…". */
  decorate(item, note) {
    if (!this.movable(note)) return;
    item.classList.add("movable");
    const handle = el("span", "drag-handle");
    handle.setAttribute("aria-hidden", "true");
    item.prepend(handle);
    if (this.board.onCanvas) {
      item.tabIndex = 0;
      item.setAttribute("aria-labelledby", `note-text-${note.id}`);
    }
    const clusters = this.store.isFacilitator && [...this.store.clusters.values()].some((c) => c.step === note.step);
    if (!this.board.controls || !(this.store.steps[note.step].lanes.length > 1 || clusters || note.group)) return;
    const button = el("button", "icon-button move-to", t("move_to"));
    button.type = "button";
    button.setAttribute("aria-haspopup", "true");
    (item.querySelector(".note-actions") ?? item.appendChild(el("div", "note-actions"))).append(button);
  }

  #remoteFrame({ id, x, y, by }) {
    const item = this.board.elements.get(id);
    if (!item) return;
    item.classList.add("remote-drag");
    item.style.left = `${x * 100}%`;
    item.style.top = `${y * 100}%`;
    const label = item.querySelector(".drag-by") ?? item.appendChild(el("span", "drag-by"));
    label.textContent = by ? t("drag_by", { name: by.name }) : t("drag_by_someone");
    clearTimeout(this.remote.get(id));
    this.remote.set(id, setTimeout(() => this.settleRemote(id), REMOTE_MS));
  }

  /** The drag of note `id` by someone else is over: show it where the board has it. */
  settleRemote(id) {
    if (!this.remote.has(id)) return;
    clearTimeout(this.remote.get(id));
    this.remote.delete(id);
    const item = this.board.elements.get(id);
    if (!item) return;
    item.classList.remove("remote-drag");
    item.querySelector(".drag-by")?.remove();
    if (!this.board.onCanvas) item.style.left = item.style.top = "";
    this.board.render();
  }
}
