// The board's state in the browser: loaded from a snapshot, changed by events.
// Dispatches `change` with `{kind}` after every update.

import { EVENTS, LIMITS } from "./protocol.js";

/** Keep a private step's `{notes, authors}` counts that came with an event. */
function keepCounts(store, data) {
  if (data.counts && store.steps[data.step]) {
    store.steps[data.step] = { ...store.steps[data.step], counts: data.counts };
  }
}

function syncClock(store, serverTime) {
  if (serverTime) store.clockOffset = Date.parse(serverTime) - Date.now();
}

function setGroup(store, ids, group) {
  for (const id of ids) {
    const note = store.notes.get(id);
    if (note) store.notes.set(id, { ...note, group });
  }
}

function keepAction(store, data, progress = data.progress) {
  // Links come in a snapshot or by asking, never in events: keep ours while it is current.
  const known = store.actions.get(data.id);
  const link = known?.link_version === data.link_version ? known.update_url : undefined;
  store.actions.set(data.id, { ...data, progress, update_url: link });
}

function seat(store, { id, table }) {
  const person = store.participants.get(id);
  if (person) person.table = table;
  if (store.me?.id === id) store.me = { ...store.me, table };
}

// How each event changes the store; an event type not listed here changes nothing.
const APPLY = Object.freeze({
  [EVENTS.NOTE_ADDED](store, data) {
    keepCounts(store, data);
    const known = store.pending.get(data.id) ?? store.notes.get(data.id);
    store.pending.delete(data.id);
    // A hidden note of our own: keep the text we wrote until our own copy arrives.
    store.notes.set(data.id, data.hidden && known?.text !== undefined ? { ...known, version: 1 } : data);
  },
  [EVENTS.NOTE_EDITED](store, data) {
    keepCounts(store, data);
    if (store.notes.has(data.id) && !(data.hidden && store.notes.get(data.id).text !== undefined)) {
      store.notes.set(data.id, data);
    }
  },
  [EVENTS.NOTE_MOVED](store, data) {
    // Others' copy of a private note's move says nothing; its author gets an `own` copy.
    if (store.notes.has(data.id) && !data.hidden) store.notes.set(data.id, { ...store.notes.get(data.id), ...data });
  },
  [EVENTS.NOTE_REMOVED](store, data) {
    keepCounts(store, data);
    store.notes.delete(data.id);
  },
  [EVENTS.NOTES_REVEALED](store, data) {
    for (const [id, note] of store.notes) if (note.step === data.step) store.notes.delete(id);
    for (const note of data.notes) store.notes.set(note.id, note);
    const { counts, ...step } = store.steps[data.step];
    store.steps[data.step] = { ...step, revealed: true };
  },
  [EVENTS.NOTES_GROUPED](store, data) {
    for (const id of data.dissolved) store.clusters.delete(id);
    store.clusters.set(data.id, { id: data.id, step: data.step, title: data.title });
    for (const note of store.notes.values()) {
      if (note.group === data.id) note.group = null;
    }
    setGroup(store, data.note_ids, data.id);
  },
  [EVENTS.NOTES_UNGROUPED](store, data) {
    store.clusters.delete(data.id);
    setGroup(store, data.note_ids, null);
  },
  [EVENTS.VOTING_OPENED](store, data) {
    const step = store.steps[data.step];
    store.steps[data.step] = { ...step, vote_state: "open", budget: data.budget,
                               per_note: data.per_note, progress: data.progress };
    const mine = store.voting?.step === data.step ? store.voting.my_votes : {};
    const used = Object.values(mine).reduce((sum, n) => sum + n, 0);
    store.voting = { step: data.step, my_votes: mine, remaining: Math.max(0, data.budget - used) };
  },
  [EVENTS.VOTE_CHANGED](store, data) {
    store.steps[data.step] = { ...store.steps[data.step], progress: data.progress };
  },
  [EVENTS.VOTING_CLOSED](store, data) {
    const { progress, ...step } = store.steps[data.step];
    store.steps[data.step] = { ...step, vote_state: "closed" };
    for (const [id, votes] of Object.entries(data.tallies)) {
      const note = store.notes.get(id);
      if (note) store.notes.set(id, { ...note, votes });
    }
    store.voting = null;
  },
  [EVENTS.ACTION_ADDED]: keepAction,
  // Only the progress entries the change added: append them.
  [EVENTS.ACTION_EDITED]: (store, data) => keepAction(store, data, [
    ...store.actions.get(data.id)?.progress ?? [], ...data.progress].slice(-LIMITS.HISTORY_MAX)),
  [EVENTS.ACTION_REMOVED](store, data) {
    store.actions.delete(data.id);
  },
  [EVENTS.STEP_EDITED](store, data) {
    store.steps[data.index] = data;
    if (store.isHidden(data.index)) {
      // Writing became private again: keep only our own notes' text.
      for (const [id, note] of store.notes) {
        if (note.step === data.index && !store.isMine(note)) store.notes.set(id, { id, step: note.step, hidden: true });
      }
    }
  },
  [EVENTS.TIMER_CHANGED](store, data) {
    syncClock(store, data.server_time);
    store.workshop = { ...store.workshop, timer: data.timer };
  },
  [EVENTS.STEP_CHANGED](store, data) {
    store.workshop = { ...store.workshop, current_step: data.index };
    // When steps started and ended: kept even before the run sheet that shows them loads.
    for (const { index, started_at, ended_at } of data.times ?? []) {
      store.steps[index] = { ...store.steps[index], started_at, ended_at };
    }
    for (const person of store.participants.values()) person.ready = false;
    if (store.me) store.me = { ...store.me, ready: false };
  },
  [EVENTS.WORKSHOP_EDITED](store, data) {
    store.workshop = { ...store.workshop, ...data };
  },
  [EVENTS.WORKSHOP_LOCKED](store, data) {
    store.workshop = { ...store.workshop, locked: data.locked };
  },
  [EVENTS.PARTICIPANT_JOINED](store, data) {
    store.participants.set(data.id, data);
  },
  [EVENTS.TABLES_SET](store, data) {
    store.workshop = { ...store.workshop, tables: data.tables, table_mode: data.mode, focus: null };
    for (const id of store.participants.keys()) seat(store, { id, table: data.assignments[id] ?? null });
  },
  [EVENTS.PARTICIPANT_TABLE]: seat,
  [EVENTS.AGENDA_SET](store, { agenda }) {
    store.workshop = { ...store.workshop, agenda };
  },
  [EVENTS.PROJECTOR_FOCUSED](store, data) {
    store.workshop = { ...store.workshop, focus: data.table };
  },
  [EVENTS.SPOTLIGHT_SET](store, data) {
    store.workshop = { ...store.workshop, spotlight: data.kind ? { kind: data.kind, id: data.id } : null };
  },
  [EVENTS.PITCH_SET](store, data) {
    store.workshop = { ...store.workshop, pitch: data.current ? data : null };
  },
  [EVENTS.ROOM_PAUSED](store, data) {
    store.workshop = { ...store.workshop, paused: data.on };
  },
  [EVENTS.PARTICIPANT_READY_CHANGED](store, data) {
    const person = store.participants.get(data.id);
    if (person) person.ready = data.ready;
    if (store.me?.id === data.id) store.me = { ...store.me, ready: data.ready };
  },
});

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
    syncClock(this, snapshot.server_time);
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
    if (!Object.hasOwn(APPLY, type)) return;
    APPLY[type](this, data);
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
    // A move's own copy carries only the place: keep the rest of the note.
    const known = type === EVENTS.NOTE_MOVED ? this.notes.get(data.id) : null;
    this.notes.set(data.id, { ...known, ...data, mine: true });
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

  /** May this viewer make actions in this step? */
  makesActionsHere() {
    const step = this.currentStep;
    return this.isFacilitator || !!step?.voting || (step?.vote_state ?? "none") !== "none";
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
