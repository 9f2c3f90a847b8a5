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
    this.clusters = new Map();
    this.actions = new Map();
    this.voting = null;
    this.pending = new Map();
    this.ownIds = new Set();
    this.online = new Set();
    this.clockOffset = 0;
  }

  /** Replace everything with a snapshot from the server. */
  load(snapshot) {
    this.me = snapshot.me;
    this.workshop = snapshot.workshop;
    this.#syncClock(snapshot.server_time);
    this.steps = snapshot.steps;
    this.participants = new Map(snapshot.participants.map((p) => [p.id, p]));
    this.notes = new Map(snapshot.notes.map((n) => [n.id, n]));
    this.clusters = new Map((snapshot.clusters ?? []).map((c) => [c.id, c]));
    this.actions = new Map((snapshot.actions ?? []).map((a) => [a.id, a]));
    this.voting = snapshot.voting ?? null;
    for (const note of snapshot.notes) if (note.mine) this.ownIds.add(note.id);
    for (const id of this.notes.keys()) this.pending.delete(id);
    this.ready = true;
    this.#changed("snapshot");
  }

  /** Apply one `{type, data}` event. */
  apply({ type, data }) {
    switch (type) {
      case EVENTS.NOTE_ADDED: {
        this.#counts(data);
        const known = this.pending.get(data.id) ?? this.notes.get(data.id);
        this.pending.delete(data.id);
        // A hidden note of our own: keep the text we wrote until our own copy arrives.
        this.notes.set(data.id, data.hidden && known?.text !== undefined ? { ...known, version: 1 } : data);
        break;
      }
      case EVENTS.NOTE_EDITED:
        this.#counts(data);
        if (this.notes.has(data.id) && !(data.hidden && this.notes.get(data.id).text !== undefined)) {
          this.notes.set(data.id, data);
        }
        break;
      case EVENTS.NOTE_MOVED:
        if (this.notes.has(data.id)) this.notes.set(data.id, { ...this.notes.get(data.id), ...data });
        break;
      case EVENTS.NOTE_REMOVED:
        this.#counts(data);
        this.notes.delete(data.id);
        break;
      case EVENTS.NOTES_REVEALED: {
        for (const [id, note] of this.notes) if (note.step === data.step) this.notes.delete(id);
        for (const note of data.notes) this.notes.set(note.id, note);
        const { counts, ...step } = this.steps[data.step];
        this.steps[data.step] = { ...step, revealed: true };
        break;
      }
      case EVENTS.NOTES_GROUPED:
        for (const id of data.dissolved) this.clusters.delete(id);
        this.clusters.set(data.id, { id: data.id, step: data.step, title: data.title });
        for (const note of this.notes.values()) {
          if (note.group === data.id) note.group = null;
        }
        for (const id of data.note_ids) {
          const note = this.notes.get(id);
          if (note) this.notes.set(id, { ...note, group: data.id });
        }
        break;
      case EVENTS.NOTES_UNGROUPED:
        this.clusters.delete(data.id);
        for (const id of data.note_ids) {
          const note = this.notes.get(id);
          if (note) this.notes.set(id, { ...note, group: null });
        }
        break;
      case EVENTS.VOTING_OPENED: {
        const step = this.steps[data.step];
        this.steps[data.step] = { ...step, vote_state: "open", budget: data.budget,
                                  per_note: data.per_note, progress: data.progress };
        const mine = this.voting?.step === data.step ? this.voting.my_votes : {};
        const used = Object.values(mine).reduce((sum, n) => sum + n, 0);
        this.voting = { step: data.step, my_votes: mine, remaining: Math.max(0, data.budget - used) };
        break;
      }
      case EVENTS.VOTE_CHANGED:
        this.steps[data.step] = { ...this.steps[data.step], progress: data.progress };
        break;
      case EVENTS.VOTING_CLOSED: {
        const { progress, ...step } = this.steps[data.step];
        this.steps[data.step] = { ...step, vote_state: "closed" };
        for (const [id, votes] of Object.entries(data.tallies)) {
          const note = this.notes.get(id);
          if (note) this.notes.set(id, { ...note, votes });
        }
        this.voting = null;
        break;
      }
      case EVENTS.ACTION_ADDED:
      case EVENTS.ACTION_EDITED:
        this.actions.set(data.id, data);
        break;
      case EVENTS.ACTION_REMOVED:
        this.actions.delete(data.id);
        break;
      case EVENTS.STEP_EDITED:
        this.steps[data.index] = data;
        if (this.isHidden(data.index)) {
          // Writing became private again: keep only our own notes' text.
          for (const [id, note] of this.notes) {
            if (note.step === data.index && !this.isMine(note)) this.notes.set(id, { id, step: note.step, hidden: true });
          }
        }
        break;
      case EVENTS.TIMER_CHANGED:
        this.#syncClock(data.server_time);
        this.workshop = { ...this.workshop, timer: data.timer };
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

  /** Apply the owner's fuller copy of a change (their own hidden note). */
  applyOwn({ type, data }) {
    if (type === EVENTS.VOTE_CHANGED) {
      this.voting = { step: data.step, my_votes: data.my_votes, remaining: data.remaining };
      this.steps[data.step] = { ...this.steps[data.step], progress: data.progress };
      this.#changed("own-vote", data);
      return;
    }
    if (!data?.id) return;
    this.ownIds.add(data.id);
    this.pending.delete(data.id);
    this.notes.set(data.id, { ...data, mine: true });
    this.#changed("own", data);
  }

  /** The server's clock now, in milliseconds, as best this browser knows it. */
  serverNow() {
    return Date.now() + this.clockOffset;
  }

  /** My dots on a note while voting is open (0 otherwise). */
  myVotes(noteId) {
    return this.voting?.my_votes?.[noteId] ?? 0;
  }

  /** Actions, most-voted first, then by due date. */
  sortedActions() {
    return [...this.actions.values()].sort((a, b) =>
      (b.votes - a.votes) || (a.due ?? "9999").localeCompare(b.due ?? "9999") || a.title.localeCompare(b.title));
  }

  /** Is this step's writing still private (only counts for others)? */
  isHidden(stepIndex) {
    const step = this.steps[stepIndex];
    return step?.reveal === "private" && !step.revealed;
  }

  /** `{notes, authors}` of a private step, as last told by the server. */
  countsOf(stepIndex) {
    return this.steps[stepIndex]?.counts ?? { notes: 0, authors: 0 };
  }

  #counts(data) {
    if (data.counts && this.steps[data.step]) {
      this.steps[data.step] = { ...this.steps[data.step], counts: data.counts };
    }
  }

  #syncClock(serverTime) {
    if (serverTime) this.clockOffset = Date.parse(serverTime) - Date.now();
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

  /** True when a participant may not write now: the board is locked or time is up. */
  writingClosed() {
    if (this.isFacilitator || !this.workshop) return false;
    const timer = this.workshop.timer;
    const timeUp = Boolean(timer?.lock_at_end) && this.serverNow() >= Date.parse(timer.ends_at);
    return this.workshop.locked || timeUp;
  }

  /** May the viewer edit or remove this note? */
  canChange(note) {
    if (this.isFacilitator) return true;
    return this.isMine(note) && !this.writingClosed();
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
