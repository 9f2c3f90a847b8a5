// Writing notes: the composer (Enter adds), and editing or removing one's own notes.

import { COMMANDS } from "./protocol.js";
import { sendOrShowError, t, uuid4 } from "./dom.js";

const NOTE_MAX = 280;

export class Notes {
  constructor({ store, outbox, board, onMakeAction }) {
    this.store = store;
    this.onMakeAction = onMakeAction;
    this.outbox = outbox;
    this.board = board;
    this.form = document.querySelector('[data-bind="composer"]');
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
      if (button.dataset.action === "edit") this.#edit(id);
      if (button.dataset.action === "remove") this.#remove(id);
      if (button.dataset.action === "make-action") this.onMakeAction?.([id]);
    });
  }

  /** Show the lane picker and anonymity choice that fit the current step. */
  refresh() {
    if (!this.form || !this.store.ready) return;
    const step = this.store.currentStep;
    const picker = this.form.querySelector('[data-bind="lane-picker"]');
    const select = this.form.querySelector('[data-bind="lane-select"]');
    picker.hidden = step.lanes.length === 0;
    const keys = step.lanes.map((lane) => lane.key).join();
    if (select.dataset.keys !== keys) {
      select.replaceChildren(...step.lanes.map((lane) => {
        const option = document.createElement("option");
        option.value = lane.key;
        option.textContent = lane.title;
        return option;
      }));
      select.dataset.keys = keys;
    }
    const anonymous = this.form.querySelector('[data-bind="anonymous-picker"]');
    const box = this.form.elements.anonymous;
    anonymous.hidden = step.anonymity === "off";
    box.disabled = step.anonymity === "required";
    // Where anonymity is allowed it starts checked: honesty needs safety first.
    if (this.anonymityFor !== `${this.store.currentIndex}:${step.anonymity}`) {
      this.anonymityFor = `${this.store.currentIndex}:${step.anonymity}`;
      box.checked = step.anonymity !== "off";
    }
    const locked = this.store.writingClosed();
    for (const control of this.form.elements) control.disabled = locked || (control === box && step.anonymity === "required");
    this.form.classList.toggle("is-locked", locked);
  }

  #count() {
    const left = NOTE_MAX - this.form.elements.text.value.length;
    const counter = this.form.querySelector('[data-bind="composer-count"]');
    counter.textContent = left < 60 ? t("chars_left", { n: left }) : "";
  }

  async #add() {
    const area = this.form.elements.text;
    const text = area.value.trim();
    if (!text || !this.store.ready) return;
    const step = this.store.currentStep;
    const note = {
      id: uuid4(),
      step: this.store.currentIndex,
      text,
      color: this.form.elements.color.value || "yellow",
    };
    if (step.lanes.length) note.lane = this.form.elements.lane.value;
    if (step.anonymity !== "off") note.anonymous = this.form.elements.anonymous.checked;
    area.value = "";
    this.#count();
    area.focus();
    this.store.addPending({ ...note, lane: note.lane ?? null, anonymous: Boolean(note.anonymous),
                            author: this.store.me.id, author_name: this.store.me.name, version: 0 });
    const ack = await sendOrShowError(this.outbox, COMMANDS.NOTE_ADD, note);
    if (!ack.ok) {
      this.store.dropPending(note.id);
      if (!area.value) area.value = text;
    }
  }

  #edit(id) {
    this.board.beginEdit(id, {
      onSave: async (changes) => {
        // A replayed edit that already landed comes back as a conflict with our own text.
        const landed = (error) => error?.code === "conflict" && error.current?.text === changes.text;
        await sendOrShowError(this.outbox, COMMANDS.NOTE_EDIT, { id, ...changes }, landed);
      },
    });
  }

  async #remove(id) {
    if (!window.confirm(t("note_remove_confirm"))) return;
    await sendOrShowError(this.outbox, COMMANDS.NOTE_REMOVE, { id }, (error) => error?.code === "not_found");
  }
}
