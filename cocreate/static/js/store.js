// The board's state in the browser: loaded from a snapshot, changed by events.
// Dispatches `change` with `{kind}` after every update.

import { EVENTS } from "./protocol.js";

export class BoardStore extends EventTarget {
  constructor() {
    super();
    this.ready = false;
    this.me = null;
    this.workshop = null;
    this.steps = [];
    this.participants = new Map();
    this.notes = new Map();
    this.pending = new Map();
    this.ownIds = new Set();
    this.online = new Set();
  }

  /** Replace everything with a snapshot from the server. */
  load(snapshot) {
    this.me = snapshot.me;
    this.workshop = snapshot.workshop;
    this.steps = snapshot.steps;
    this.participants = new Map(snapshot.participants.map((p) => [p.id, p]));
    this.notes = new Map(snapshot.notes.map((n) => [n.id, n]));
    for (const note of snapshot.notes) if (note.mine) this.ownIds.add(note.id);
    for (const id of this.notes.keys()) this.pending.delete(id);
    this.ready = true;
    this.#changed("snapshot");
  }

  /** Apply one `{type, data}` event. */
  apply({ type, data }) {
    switch (type) {
      case EVENTS.NOTE_ADDED:
        this.pending.delete(data.id);
        this.notes.set(data.id, data);
        break;
      case EVENTS.NOTE_EDITED:
      case EVENTS.NOTE_MOVED:
        if (this.notes.has(data.id)) this.notes.set(data.id, { ...this.notes.get(data.id), ...data });
        break;
      case EVENTS.NOTE_REMOVED:
        this.notes.delete(data.id);
        break;
      case EVENTS.STEP_CHANGED:
        this.workshop = { ...this.workshop, current_step: data.index };
        for (const person of this.participants.values()) person.ready = false;
        if (this.me) this.me = { ...this.me, ready: false };
        break;
      case EVENTS.WORKSHOP_EDITED:
        this.workshop = { ...this.workshop, ...data };
        break;
      case EVENTS.WORKSHOP_LOCKED:
        this.workshop = { ...this.workshop, locked: data.locked };
        break;
      case EVENTS.PARTICIPANT_JOINED:
        this.participants.set(data.id, data);
        break;
      case EVENTS.PARTICIPANT_READY_CHANGED: {
        const person = this.participants.get(data.id);
        if (person) person.ready = data.ready;
        if (this.me?.id === data.id) this.me = { ...this.me, ready: data.ready };
        break;
      }
      default:
        return;
    }
    this.#changed(type, data);
  }

  /** Who is connected right now (participant ids). */
  setOnline(ids) {
    this.online = new Set(ids);
    this.#changed("presence");
  }

  /** Show a note the server has not confirmed yet. */
  addPending(note) {
    this.ownIds.add(note.id);
    this.pending.set(note.id, note);
    this.#changed("pending");
  }

  /** Drop an unconfirmed note (the server refused it). */
  dropPending(id) {
    if (this.pending.delete(id)) this.#changed("pending");
  }

  get isFacilitator() {
    return this.me?.role === "facilitator";
  }

  get currentIndex() {
    return this.workshop?.current_step ?? 0;
  }

  get currentStep() {
    return this.steps[this.currentIndex];
  }

  isMine(note) {
    return note.mine || note.author === this.me?.id || this.ownIds.has(note.id);
  }

  /** May the viewer edit or remove this note? */
  canChange(note) {
    if (this.isFacilitator) return true;
    return this.isMine(note) && !this.workshop.locked;
  }

  /** Notes of one step, confirmed and pending, in the order they were added. */
  notesOf(stepIndex) {
    const list = [...this.notes.values()].filter((n) => n.step === stepIndex);
    for (const note of this.pending.values()) {
      if (note.step === stepIndex && !this.notes.has(note.id)) list.push({ ...note, pending: true });
    }
    return list;
  }

  /** `{ready, total}` over participants (the facilitator is not counted). */
  readiness() {
    const people = [...this.participants.values()].filter((p) => p.role !== "facilitator");
    return { ready: people.filter((p) => p.ready).length, total: people.length };
  }

  #changed(kind, data) {
    this.dispatchEvent(new CustomEvent("change", { detail: { kind, data } }));
  }
}
