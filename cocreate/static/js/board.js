// The current step on screen: its title, the countdown, the lanes and the notes in them.
// User text only ever goes through textContent.

import { bound, el, setText, softText, styles, t } from "./dom.js";
import { CANVAS } from "./protocol.js";
import { ranking, showVotes, voteStamp } from "./voting.js";

/** Only a canvas step loads the canvas's styles; its area (and what goes with it) shows
 *  once they are there. */
function canvasStyles(...parts) {
  for (const part of parts) part.style.visibility = "hidden";
  styles("canvas").then(() => {
    for (const part of parts) part.style.visibility = "";
    document.dispatchEvent(new Event("cc:reflow")); // the projector fits the board again
  });
}

/** `<option>`s for a step's lanes; the one keyed `selected` is chosen. */
export function laneOptions(lanes, selected) {
  return lanes.map((lane) => {
    const option = el("option", null, lane.title);
    option.value = lane.key;
    if (lane.key === selected) option.selected = true;
    return option;
  });
}

export class BoardView {
  constructor(store, { controls }) {
    this.store = store;
    this.controls = controls;
    this.selected = new Set(); // notes the facilitator picked for a cluster
    this.root = bound("board");
    this.elements = new Map();
    this.clusterElements = new Map();
    this.editingId = null;
    this.renderedStep = null;
    this.surface = this.root; // what notes are placed on: the board, or a canvas's area
    this.ranks = new Map(); // note id -> place in the closed vote of the current step
    this.mover = null; // gives a movable note its handle and "Verplaats naar…" (notes.js)
    this.tables = null; // groups the notes per table (tables.js), in a workshop at tables
  }

  /** Notes the person may move get their handle and "Verplaats naar…" from `mover`. */
  moveWith(mover) {
    this.mover = mover;
  }

  /** The workshop has tables now: `tables` groups the notes per table from here on. */
  seatAt(tables) {
    this.tables = tables;
  }

  /** Draw the step header and every note of the current step. */
  render() {
    const { store } = this;
    if (!store.ready) return;
    const step = store.currentStep;
    setText("workshop-title", store.workshop.title);
    setText("step-progress", t("step_of", { n: store.currentIndex + 1, total: store.steps.length }));
    setText("step-title", step.title);
    setText("step-prompt", step.prompt);
    document.title = `${store.workshop.title} · ${step.title}`;
    const banner = bound("locked-banner");
    if (banner) banner.hidden = !store.writingClosed() || !this.controls;
    const shape = `${store.currentIndex}:${step.layout}:${step.lanes.map((lane) => lane.key)}:${this.tables?.shape() ?? ""}`;
    if (this.renderedStep !== shape) this.#layout(step, shape);
    this.#notes(step);
  }

  /** True when the current step shows its notes at free places. */
  get onCanvas() {
    return this.store.currentStep?.layout === "canvas";
  }

  #layout(step, shape) {
    this.renderedStep = shape;
    this.root.replaceChildren();
    this.elements.clear();
    this.clusterElements.clear();
    this.selected.clear();
    this.editingId = null;
    const lanes = step.lanes.length ? step.lanes : [{ key: null, title: null }];
    this.root.className = "board";
    this.root.classList.toggle("has-lanes", step.lanes.length > 0);
    this.root.classList.toggle("canvas", this.onCanvas);
    this.root.style.setProperty("--lanes", String(lanes.length));
    this.surface = this.root;
    if (this.onCanvas) {
      // The 16:9 area notes are placed on; on a narrow screen the board scrolls sideways.
      this.surface = el("div", "canvas-area");
      this.root.setAttribute("aria-describedby", "canvas-keys");
      const hint = el("p", "sr-only", t("canvas_keys_hint"));
      hint.id = "canvas-keys";
      const list = el("ul", "notes");
      list.dataset.laneList = "";
      this.surface.append(...step.lanes.map((lane, index) => {
        const band = el("section", "lane");
        band.dataset.lane = lane.key;
        band.style.setProperty("--i", String(index));
        band.append(softText(el("h2", "lane-title"), lane.title));
        return band;
      }), list);
      // On a narrow screen the board is wider than the page: say so where the eye is
      // (canvas.css shows it only while the board does not fit).
      const sideways = el("p", "canvas-scroll-hint", t("canvas_scroll_hint"));
      canvasStyles(this.surface, sideways);
      this.root.append(hint, sideways, this.surface);
      return;
    }
    this.root.removeAttribute("aria-describedby");
    if (!this.tables?.layout(lanes)) this.root.append(...this.laneSections(lanes));
  }

  /** A section per lane with its list of notes (`id` keeps headings apart). */
  laneSections(lanes, id = "lane", level = "h2") {
    return lanes.map((lane) => {
      const section = el("section", "lane");
      section.dataset.lane = lane.key ?? "";
      if (lane.title) {
        const heading = softText(el(level, "lane-title"), lane.title);
        heading.id = `${id}-${lane.key}`;
        section.setAttribute("aria-labelledby", heading.id);
        section.append(heading);
      }
      const list = el("ul", "notes");
      list.dataset.laneList = lane.key ?? "";
      section.append(list, el("p", "empty muted", t("notes_empty")));
      return section;
    });
  }

  #notes(step) {
    const index = this.store.currentIndex;
    const hidden = this.store.isHidden(index);
    const { notes: all, ranks } = ranking(step, this.store.notesOf(index));
    this.ranks = ranks;
    // While writing is private, others' notes are only counted, never shown.
    const notes = hidden ? all.filter((note) => note.text !== undefined) : all;
    this.#privacy(hidden, index);
    const seen = new Set();
    const seenClusters = new Set();
    for (const note of notes) {
      seen.add(note.id);
      const scope = this.tables?.scope(note) ?? this.root;
      let list = scope.querySelector(`[data-lane-list="${CSS.escape(note.lane ?? "")}"]`)
        ?? scope.querySelector("[data-lane-list]");
      const cluster = note.group ? this.store.clusters.get(note.group) : null;
      if (cluster && this.onCanvas) {
        seenClusters.add(cluster.id);
      } else if (cluster) {
        const box = this.clusterBox(cluster, "li", scope.dataset.table);
        if (!seenClusters.has(box.dataset.key)) {
          seenClusters.add(box.dataset.key);
          list.append(box);
        }
        list = box.querySelector(".cluster-notes");
      }
      let item = this.elements.get(note.id);
      if (note.id !== this.editingId && (!item || item.dataset.stamp !== this.#stamp(note))) {
        const fresh = this.noteElement(note);
        if (item) item.replaceWith(fresh);
        item = fresh;
        this.elements.set(note.id, item);
      }
      if (this.onCanvas) {
        item.style.left = `${(note.x ?? 0) * 100}%`;
        item.style.top = `${(note.y ?? 0) * 100}%`;
        // Its buttons open upwards low on the board, leftwards at the right.
        item.classList.toggle("low", (note.y ?? 0) > 0.4);
        item.classList.toggle("right", (note.x ?? 0) > 0.7);
        item.dataset.group = cluster?.id ?? ""; // the frame it is drawn in (projector.js)
        if (item.parentNode !== list) list.append(item);
      } else {
        list.append(item);
      }
    }
    if (this.onCanvas) this.#clusterAreas(notes, seenClusters);
    for (const [id, box] of this.clusterElements) {
      if (!seenClusters.has(id)) {
        box.remove();
        this.clusterElements.delete(id);
      }
    }
    for (const id of this.selected) if (!seen.has(id)) this.selected.delete(id);
    for (const [id, item] of this.elements) {
      if (!seen.has(id)) {
        item.remove();
        this.elements.delete(id);
        if (this.editingId === id) this.editingId = null;
      }
    }
    for (const section of this.root.querySelectorAll(".lane:has(> .notes)")) {
      if (hidden) {
        section.querySelector(".empty").hidden = true;
        continue;
      }
      section.querySelector(".empty").hidden = section.querySelector(".notes").children.length > 0;
    }
    setText("notes-count", t("notes_count", { n: all.length }));
  }

  /** On a canvas a cluster is a frame around its notes (the server lays them out in a grid
   *  inside it), its name in the band on top. */
  #clusterAreas(notes, clusters) {
    for (const id of clusters) {
      const members = notes.filter((note) => note.group === id && note.x !== null);
      const box = this.clusterBox(this.store.clusters.get(id), "div");
      const left = Math.min(...members.map((note) => note.x)) - CANVAS.CLUSTER_PAD;
      const top = Math.min(...members.map((note) => note.y)) - CANVAS.CLUSTER_TITLE;
      const right = Math.max(...members.map((note) => note.x)) + CANVAS.NOTE_WIDTH + CANVAS.CLUSTER_PAD;
      const bottom = Math.max(...members.map((note) => note.y)) + CANVAS.NOTE_HEIGHT + CANVAS.CLUSTER_PAD;
      Object.assign(box.style, { left: `${left * 100}%`, top: `${top * 100}%`,
                                 width: `${(right - left) * 100}%`, height: `${(bottom - top) * 100}%` });
      if (box.parentNode !== this.surface) this.surface.prepend(box);
    }
  }

  /** The box of a cluster's notes under its title (at a table: a cluster may span tables). */
  clusterBox(cluster, tag = "li", table = "") {
    const key = table ? `${cluster.id}@${table}` : cluster.id;
    let box = this.clusterElements.get(key);
    if (!box) {
      box = el(tag, "cluster");
      box.dataset.cluster = cluster.id;
      box.dataset.key = key;
      const header = el("div", "cluster-header");
      const heading = el("h3", "cluster-title");
      heading.id = `cluster-${key}`;
      heading.append(el("span", "cluster-name"));
      box.setAttribute("aria-labelledby", heading.id);
      header.append(heading);
      const list = el("ul", "cluster-notes");
      box.append(header, list);
      this.clusterElements.set(key, box);
    }
    softText(box.querySelector(".cluster-name"), cluster.title || t("cluster_untitled"));
    return box;
  }

  #privacy(hidden, index) {
    let summary = this.root.querySelector(".private-summary");
    if (!hidden) {
      summary?.remove();
      return;
    }
    if (!summary) {
      summary = el("div", "private-summary");
      summary.setAttribute("role", "status");
      summary.append(el("p", "private-counts"), el("p", "private-hint muted"));
      this.root.prepend(summary);
    }
    const { notes, authors } = this.store.countsOf(index);
    summary.querySelector(".private-counts").textContent = `${t("count_notes", { n: notes })} ${t("count_people", { n: authors })}`;
    summary.querySelector(".private-hint").textContent = this.controls ? t("private_hint") : t("private_hint_projector");
  }

  #stamp(note) {
    const canChange = this.controls && this.store.canChange(note);
    const hidden = this.store.isHidden(note.step) ? 1 : 0;
    const voting = voteStamp(this.store, note, this.ranks.get(note.id));
    // "Verplaats naar…" lists the clusters: a new one redraws the notes.
    const clusters = this.store.isFacilitator ? [...this.store.clusters.values()].filter((c) => c.step === note.step).length : 0;
    return `${note.version}:${note.pending ? 1 : 0}:${canChange ? 1 : 0}:${note.color}:${note.lane}:${note.group}:${hidden}:${voting}:${clusters}`;
  }

  /** A note as a list item: text, author, and edit/remove buttons where allowed. */
  noteElement(note) {
    const item = el("li", `note note-${note.color}`);
    item.dataset.id = note.id;
    item.dataset.stamp = this.#stamp(note);
    if (note.pending) item.classList.add("pending");
    const text = softText(el("p", "note-text"), note.text);
    text.id = `note-text-${note.id}`;
    item.append(text);
    const meta = el("p", "note-meta");
    const mine = this.store.isMine(note);
    let author;
    if (note.anonymous) author = mine ? t("note_anonymous_you") : t("note_anonymous");
    else author = mine ? t("note_you") : (note.author_name ?? "");
    meta.append(el("span", "note-author", author));
    if (note.pending) meta.append(el("span", "note-pending", t("note_pending")));
    else if (this.store.isHidden(note.step)) meta.append(el("span", "note-private", t("note_private")));
    item.append(meta);
    showVotes(item, note, { store: this.store, rank: this.ranks.get(note.id), controls: this.controls });
    const voteState = this.store.steps[note.step].vote_state;
    // While the room votes, a participant's note stays as it is (the facilitator still moderates).
    const frozen = voteState === "open" && !this.store.isFacilitator;
    if (this.controls && !note.pending && this.store.canChange(note) && !frozen) {
      const actions = el("div", "note-actions");
      const edit = el("button", "icon-button", t("note_edit"));
      edit.type = "button";
      edit.dataset.action = "edit";
      const remove = el("button", "icon-button danger", t("note_remove"));
      remove.type = "button";
      remove.dataset.action = "remove";
      actions.append(edit, remove);
      item.append(actions);
    }
    // Actions come from notes once the room has voted, not while it votes.
    if (this.controls && !note.pending && !this.store.isHidden(note.step) && voteState !== "open"
        && this.store.makesActionsHere()) {
      const make = el("button", "icon-button make-action", t("note_make_action"));
      make.type = "button";
      make.dataset.action = "make-action";
      make.setAttribute("aria-describedby", text.id);
      (item.querySelector(".note-actions") ?? item.appendChild(el("div", "note-actions"))).append(make);
    }
    this.tables?.decorate(item, note);
    this.mover?.decorate(item, note);
    return item;
  }

  /** Show `form` in place of a note until `endEdit`; false when the note is not shown. */
  beginEdit(noteId, form) {
    const item = this.elements.get(noteId);
    if (!item) return false;
    this.editingId = noteId;
    item.replaceWith(form);
    this.elements.set(noteId, form);
    form.dataset.stamp = "editing";
    return true;
  }

  /** Put the note back in place of its edit `form`, and focus its edit button. */
  endEdit(noteId, form, note) {
    this.editingId = null;
    const fresh = this.noteElement(this.store.notes.get(noteId) ?? note);
    form.replaceWith(fresh);
    this.elements.set(noteId, fresh);
    this.render();
    fresh.querySelector("[data-action=edit]")?.focus();
  }
}

// The countdown: the server holds the end time, each browser corrects for its own clock,
// and a gentle chime sounds once at zero.

const TICK_MS = 250;

function clockText(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return `${minutes}:${seconds}`;
}

export class TimerView {
  constructor(store, { onDone } = {}) {
    this.store = store;
    this.onDone = onDone;
    this.elements = document.querySelectorAll('[data-bind="timer"]');
    this.chimedFor = null;
    this.interval = null;
  }

  /** Follow the store's timer; call after every change. */
  render() {
    const timer = this.store.workshop?.timer;
    if (!timer) {
      for (const box of this.elements) box.hidden = true;
      clearInterval(this.interval);
      this.interval = null;
      return;
    }
    if (!this.interval) this.interval = setInterval(() => this.#tick(), TICK_MS);
    this.#tick();
  }

  #tick() {
    const timer = this.store.workshop?.timer;
    if (!timer) return;
    const left = Date.parse(timer.ends_at) - this.store.serverNow();
    const done = left <= 0;
    for (const box of this.elements) {
      box.hidden = false;
      box.dataset.state = done ? "done" : left < 30000 ? "ending" : "running";
      box.querySelector('[data-bind="timer-value"]').textContent = done ? t("timer_done") : clockText(left);
    }
    if (done && this.chimedFor !== timer.ends_at) {
      // Only chime for a countdown that ran out while this page watched it.
      if (this.chimedFor !== null || left > -3000) import("./chime.js").then((sound) => sound.chime());
      this.chimedFor = timer.ends_at;
      this.onDone?.();
    } else if (!done && this.chimedFor === null) {
      this.chimedFor = "";
    }
  }
}
