// Tables: small groups inside one workshop. Loaded only once a workshop has tables: the
// notes of a step worked at the tables grouped per table (a participant's own table first,
// the others folded, never hidden), each note's table, the participant's "Jouw tafel" with
// the chooser (in the steps worked at the tables), and writing a note on behalf of a table.

import { COMMANDS } from "./protocol.js";
import { bound, el, t } from "./dom.js";
import { sendOrShowError } from "./connection.js";

const NONE = ""; // the group of notes written at no table

/** Participants (not facilitators) at table `id`. */
export function seatedAt(store, id) {
  return [...store.participants.values()].filter((person) => person.role !== "facilitator" && person.table === id);
}

/** Is table `id` done: everyone seated there who is online says they are ready? */
export function tableDone(store, id) {
  const here = seatedAt(store, id).filter((person) => store.online.has(person.id));
  return here.length > 0 && here.every((person) => person.ready);
}

export class Tables {
  constructor({ store, board, view }) {
    Object.assign(this, { store, board });
    this.seated = view === "board"; // a participant's page: their own table comes first
    this.groups = new Map(); // table id -> the group of its notes on the board
    this.banner = null;
    this.forTable = null;
  }

  /** The table's name, or null. */
  name(id) {
    return this.store.workshop.tables.find((table) => table.id === id)?.name ?? null;
  }

  /** True when the current step's notes are grouped per table. */
  get grouped() {
    const step = this.store.currentStep;
    return Boolean(step?.tables && step.layout !== "canvas" && this.store.workshop.tables.length);
  }

  /** The viewer's own table, when they sit at one. */
  get mine() {
    return this.seated ? this.store.me?.table ?? null : null;
  }

  /** What the board's groups depend on; the board lays itself out again when it changes. */
  shape() {
    if (!this.grouped) return "";
    return `${this.mine}|${this.store.workshop.tables.map((table) => `${table.id}=${table.name}`)}`;
  }

  /** Lay the board out as one group per table (with the step's lanes in each); false when
   *  the step is not worked at the tables. */
  layout(lanes) {
    this.groups.clear();
    if (!this.grouped) return false;
    const { root } = this.board;
    const mine = this.mine;
    root.classList.remove("has-lanes");
    root.classList.add("at-tables", this.seated ? "tables-mine-first" : "tables-side-by-side");
    const ids = this.store.workshop.tables.map((table) => table.id);
    const order = mine ? [mine, ...ids.filter((id) => id !== mine)] : ids;
    for (const id of [...order, NONE]) {
      // On a participant's page the other tables fold away; open one to read it.
      const folded = Boolean(mine) && id !== mine;
      const group = el(folded ? "details" : "section", "table-group");
      group.dataset.table = id;
      const head = el(folded ? "summary" : "div", "table-head");
      const title = el("h2", "table-name", this.name(id) ?? t("table_none"));
      title.id = `table-${id || "none"}`;
      if (!folded) group.setAttribute("aria-labelledby", title.id);
      head.append(title, el("span", "table-count"), el("span", "table-done"));
      const body = el("div", "table-lanes");
      body.classList.toggle("has-lanes", lanes.some((lane) => lane.title));
      body.style.setProperty("--lanes", String(lanes.length));
      body.append(...this.board.laneSections(lanes, `lane-${id || "none"}`, "h3"));
      group.append(head, body);
      group.classList.toggle("table-mine", id === mine && Boolean(mine));
      this.groups.set(id, group);
      root.append(group);
    }
    return true;
  }

  /** The group a note goes in (null when the board is not grouped per table). */
  scope(note) {
    if (!this.groups.size) return null;
    // A note the server has not confirmed yet sits where it is written: at its table.
    const id = note.table !== undefined ? note.table : note.for_table ?? this.store.me?.table;
    return this.groups.get(id ?? NONE) ?? this.groups.get(NONE);
  }

  /** Show a note's table on it; a note written on behalf of a table has the table as author. */
  decorate(item, note) {
    const name = this.name(note.table);
    if (!name) return;
    if (note.for_table) {
      item.querySelector(".note-author").textContent = name;
      return;
    }
    const tag = el("span", "note-table", name);
    tag.prepend(el("span", "sr-only", `${t("table_label")} `));
    item.querySelector(".note-meta").append(tag);
  }

  /** Counts and "klaar" on every group, the composer's choice, a participant's table. */
  render() {
    if (!this.store.ready) return;
    // While writing is private a table's notes are not counted: only the room's total is known.
    const counted = !this.store.isHidden(this.store.currentIndex);
    for (const [id, group] of this.groups) {
      const notes = group.querySelectorAll(".note").length;
      group.querySelector(".table-count").textContent = counted ? t("count_notes", { n: notes }) : "";
      group.querySelector(".table-done").textContent = id && tableDone(this.store, id) ? t("table_done") : "";
      if (id === NONE) group.hidden = notes === 0;
    }
    this.#composer();
    if (this.seated) this.#banner();
  }

  /** "Namens Data" in the composer of a participant at a table, in a step at the tables. */
  #composer() {
    const form = bound("composer");
    const { me, currentStep } = this.store;
    if (!form || !this.seated) return;
    if (!this.forTable) {
      this.forTable = el("label", "check");
      const box = Object.assign(el("input"), { type: "checkbox", name: "for_table" });
      this.forTable.append(box, " ", el("span"));
      form.querySelector(".composer-count").before(this.forTable);
    }
    this.forTable.hidden = !(currentStep?.tables && me.table);
    // Hidden, it has no value: the note is the writer's own.
    this.forTable.querySelector("input").value = this.forTable.hidden ? "" : me.table;
    this.forTable.querySelector("span").textContent = t("table_for", { name: this.name(me.table) });
  }

  /** "Jouw tafel: Data" above the composer; where people choose, the tables to choose from. */
  #banner() {
    const { store } = this;
    if (!this.banner) {
      this.banner = el("section", "table-banner");
      this.banner.setAttribute("aria-labelledby", "table-banner-title");
      this.banner.addEventListener("click", (event) => {
        const button = event.target.closest("button[data-table]");
        if (button && button.getAttribute("aria-pressed") !== "true") {
          sendOrShowError(COMMANDS.TABLE_CHOOSE, { table: button.dataset.table });
        }
      });
      document.querySelector(".step-header").after(this.banner);
    }
    const mine = this.name(store.me.table);
    const choosing = store.workshop.table_mode === "choose";
    const people = store.workshop.tables.map((table) => seatedAt(store, table.id).length);
    const shape = `${mine}|${choosing}|${people}|${JSON.stringify(store.workshop.tables)}`;
    // Only a step worked at the tables is about where one sits; other steps are the room's.
    this.banner.hidden = !store.workshop.tables.length || !store.currentStep?.tables;
    if (this.banner.dataset.shape === shape) return;
    this.banner.dataset.shape = shape;
    const focused = document.activeElement?.closest?.(".table-banner button[data-table]")?.dataset.table;
    let text = choosing ? t("table_choose") : t("table_wait");
    if (mine) text = t("table_yours", { name: mine });
    const title = el("h2", "table-banner-title", text);
    title.id = "table-banner-title";
    const parts = [title];
    if (choosing) {
      const choices = el("div", "table-choices");
      choices.append(...store.workshop.tables.map((table, index) => {
        const button = el("button", "button table-choice", table.name);
        button.type = "button";
        button.dataset.table = table.id;
        button.setAttribute("aria-pressed", String(table.id === store.me.table));
        button.append(el("span", "muted", t("table_people", { n: people[index] })));
        return button;
      }));
      if (mine) {
        // Someone at a table may still change; the choice folds away until asked for.
        const change = el("details", "table-change");
        change.open = Boolean(this.banner.querySelector(".table-change")?.open);
        change.append(el("summary", null, t("table_change")), choices);
        parts.push(change);
      } else {
        parts.push(choices);
      }
    }
    this.banner.replaceChildren(...parts);
    if (!focused) return;
    // The keyboard stays where it was: on the same table's button, or on the new heading.
    const again = this.banner.querySelector(`button[data-table="${CSS.escape(focused)}"]`);
    if (again?.checkVisibility()) again.focus();
    else Object.assign(title, { tabIndex: -1 }).focus();
  }
}
