// Writing notes: the composer (Enter adds), and editing or removing one's own notes.

import { COMMANDS } from "./protocol.js";
import { bound, el, sendOrShowError, t, uuid4 } from "./dom.js";

const NOTE_MAX = 280;

/** `<option>`s for a step's lanes; the one keyed `selected` is chosen. */
function laneOptions(lanes, selected) {
  return lanes.map((lane) => {
    const option = el("option", null, lane.title);
    option.value = lane.key;
    if (lane.key === selected) option.selected = true;
    return option;
  });
}

export class Notes {
  constructor({ store, outbox, board, onMakeAction }) {
    this.store = store;
    this.onMakeAction = onMakeAction;
    this.outbox = outbox;
    this.board = board;
    this.form = bound("composer");
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

  /** Swap a note on the board for a form to change its text (and lane). */
  #edit(id) {
    const note = this.store.notes.get(id);
    if (!note) return;
    const form = el("form", "note-edit");
    const label = el("label", "sr-only", t("note_edit_label"));
    const area = el("textarea");
    area.id = `edit-${id}`;
    label.htmlFor = area.id;
    area.maxLength = NOTE_MAX;
    area.required = true;
    area.rows = 3;
    area.value = note.text;
    form.append(label, area);
    const step = this.store.steps[note.step];
    let laneSelect = null;
    if (step.lanes.length) {
      const laneLabel = el("label", "lane-picker");
      laneSelect = el("select");
      laneSelect.append(...laneOptions(step.lanes, note.lane));
      laneLabel.append(el("span", null, t("composer_lane")), laneSelect);
      form.append(laneLabel);
    }
    const row = el("div", "row");
    const save = el("button", "button primary small", t("note_save"));
    save.type = "submit";
    const cancel = el("button", "button small", t("note_cancel"));
    cancel.type = "button";
    row.append(save, cancel);
    form.append(row);
    const finish = () => this.board.endEdit(id, form, note);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const changes = { text: area.value.trim(), version: note.version };
      if (laneSelect) changes.lane = laneSelect.value;
      if (!changes.text) return;
      this.#save(id, changes);
      finish();
    });
    cancel.addEventListener("click", finish);
    area.addEventListener("keydown", (event) => {
      if (event.key === "Escape") finish();
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    if (this.board.beginEdit(id, form)) area.focus();
  }

  #save(id, changes) {
    // A replayed edit that already landed comes back as a conflict with our own text.
    const landed = (error) => error?.code === "conflict" && error.current?.text === changes.text;
    return sendOrShowError(this.outbox, COMMANDS.NOTE_EDIT, { id, ...changes }, landed);
  }

  async #remove(id) {
    if (!window.confirm(t("note_remove_confirm"))) return;
    await sendOrShowError(this.outbox, COMMANDS.NOTE_REMOVE, { id }, (error) => error?.code === "not_found");
  }
}
