// The facilitator's tables: making them (a number of tables or tables of a size, dealt at
// random or chosen by each), every table side by side with its people, its notes and
// whether it is done, moving someone to another table (a form, so the keyboard does it
// all), the step worked at the tables, and the projector's report-back: one table
// presents, then the next, then everything again. Loaded when the panel is first needed.

import { COMMANDS, LIMITS } from "./protocol.js";
import { bound, el, t } from "./dom.js";
import { sent } from "./connection.js";
import { seatedAt, tableDone } from "./tables.js";

/** Rebuild `container`'s content with `make`, keeping the keyboard focus on the element
 *  with the same `data-key` (the same button in a new card). */
function keepingFocus(container, make) {
  const active = document.activeElement;
  const key = container.contains(active) ? active.closest("[data-key]")?.dataset.key : null;
  container.replaceChildren(...make());
  if (key) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

function option(value, text) {
  return Object.assign(el("option", null, text), { value });
}

export class TablesPanel {
  constructor({ store }) {
    this.store = store;
    this.shown = null; // what the cards last showed
    this.choices = null; // what the move form's lists last held
    this.unfolded = new Map(); // step index -> the facilitator opened (true) or folded the overview there
  }

  /** Wire the set-up form, the overview's buttons and the move form. */
  start() {
    const { store } = this;
    bound("tables-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.#make(event.target);
    });
    bound("tables-clear").addEventListener("click", () => {
      if (window.confirm(t("tables_clear_confirm"))) sent(COMMANDS.TABLES_CLEAR, {});
    });
    bound("tables-step").addEventListener("click", () =>
      sent(COMMANDS.STEP_EDIT, { index: store.currentIndex, tables: !store.currentStep.tables }));
    bound("tables-all").addEventListener("click", () => sent(COMMANDS.PROJECTOR_FOCUS, { table: null }));
    bound("tables-unfold").addEventListener("click", (event) => {
      this.unfolded.set(store.currentIndex, event.currentTarget.getAttribute("aria-expanded") !== "true");
      this.render();
    });
    bound("tables-next").addEventListener("click", () => sent(COMMANDS.PROJECTOR_FOCUS, { table: this.#next() }));
    bound("table-cards").addEventListener("click", (event) => {
      const present = event.target.closest("button[data-present]");
      if (present) {
        const presenting = present.getAttribute("aria-pressed") === "true";
        sent(COMMANDS.PROJECTOR_FOCUS, { table: presenting ? null : present.dataset.present });
      }
      const person = event.target.closest("button[data-person]");
      if (person) {
        // A name picks the person in the move form; the table to move them to is next.
        const form = bound("table-move");
        form.elements.person.value = person.dataset.person;
        form.elements.table.focus();
      }
    });
    bound("table-move").addEventListener("submit", (event) => {
      event.preventDefault();
      this.#move(event.target);
    });
  }

  /** Reflect the store: the set-up form's wording, the overview with a card per table. */
  render() {
    const { store } = this;
    if (!store.ready) return;
    const { tables, focus } = store.workshop;
    bound("tables-make").textContent = tables.length ? t("tables_remake") : t("tables_make");
    bound("tables-clear").hidden = !tables.length;
    bound("tables-overview").hidden = !tables.length;
    this.#composer();
    if (!tables.length) return;
    bound("tables-step").setAttribute("aria-pressed", String(Boolean(store.currentStep.tables)));
    this.#fold();
    const presenting = tables.find((table) => table.id === focus);
    bound("tables-all").disabled = !presenting;
    bound("tables-presenting").textContent = presenting ? t("tables_presenting", { name: presenting.name }) : "";
    const done = tables.filter((table) => tableDone(store, table.id)).length;
    const mode = store.workshop.table_mode === "choose" ? t("tables_mode_choose_short") : t("tables_mode_random_short");
    bound("tables-summary").textContent = `${mode} · ${t("tables_done_count", { done, total: tables.length })}`;
    this.#cards();
    this.#moveChoices();
  }

  /** Open in a step worked at the tables; folded to its toolbar in the others (the board
   *  comes first there), until the facilitator opens it — for that step. */
  #fold() {
    const { store } = this;
    const open = this.unfolded.get(store.currentIndex) ?? Boolean(store.currentStep.tables);
    bound("tables-body").hidden = !open;
    bound("tables-unfold").setAttribute("aria-expanded", String(open));
    // Report-back is for the open overview; a presenting table can always be ended.
    bound("tables-next").hidden = !open;
    bound("tables-all").hidden = !open && !store.workshop.focus;
  }

  #cards() {
    const { store } = this;
    const index = store.currentIndex;
    const notes = [...store.notes.values()].filter((note) => note.step === index && note.text !== undefined);
    const people = (id) => seatedAt(store, id).sort((a, b) => a.name.localeCompare(b.name));
    const rows = store.workshop.tables.map((table) => ({
      table, people: people(table.id), notes: notes.filter((note) => note.table === table.id).length,
    }));
    const unseated = people(null);
    if (unseated.length) rows.push({ table: null, people: unseated, notes: 0 });
    const shown = JSON.stringify([rows, [...store.online], store.workshop.focus, store.isHidden(index)]);
    if (shown === this.shown) return;
    this.shown = shown;
    keepingFocus(bound("table-cards"), () => rows.map((row) => this.#card(row)));
  }

  #card({ table, people, notes }) {
    const { store } = this;
    const card = el("li", "table-card");
    card.dataset.table = table?.id ?? "";
    const head = el("div", "table-card-head");
    head.append(el("h3", null, table?.name ?? t("table_none")));
    card.append(head);
    if (table) {
      const done = tableDone(store, table.id);
      const ready = people.filter((person) => person.ready).length;
      card.classList.toggle("is-done", done);
      card.classList.toggle("is-presenting", store.workshop.focus === table.id);
      head.append(el("span", "table-card-state", done ? t("table_done") : t("ready_count", { ready, total: people.length })));
      // While writing is private only the room's total is known, not a table's.
      if (!store.isHidden(store.currentIndex)) card.append(el("p", "muted table-card-notes", t("tables_notes_here", { n: notes })));
    }
    const list = el("ul", "table-people");
    list.append(...people.map((person) => {
      const state = person.ready ? "ready" : store.online.has(person.id) ? "busy" : "offline";
      const row = el("li", `person person-${state}`);
      const pick = el("button", "link-button", person.name);
      pick.type = "button";
      pick.dataset.person = person.id;
      pick.dataset.key = `person:${person.id}`;
      pick.setAttribute("aria-label", t("tables_pick_person", { name: person.name }));
      row.append(pick, el("span", "person-state", t(`person_${state}`)));
      return row;
    }));
    if (!people.length) list.append(el("li", "muted", t("tables_nobody")));
    card.append(list);
    if (table) {
      const present = el("button", "button small", t("tables_present"));
      present.type = "button";
      present.dataset.present = table.id;
      present.dataset.key = `present:${table.id}`;
      present.setAttribute("aria-pressed", String(store.workshop.focus === table.id));
      present.setAttribute("aria-label", t("tables_present_named", { name: table.name }));
      card.append(present);
    }
    return card;
  }

  /** In a step at the tables the facilitator may write a note on behalf of a table. */
  #composer() {
    const { store } = this;
    if (!this.forTable) {
      this.forTable = el("label", "lane-picker");
      this.forTable.append(el("span", null, t("table_write_for")), Object.assign(el("select"), { name: "for_table" }));
      bound("composer").querySelector(".composer-count").before(this.forTable);
    }
    const select = this.forTable.querySelector("select");
    const tables = JSON.stringify(store.workshop.tables);
    if (select.dataset.tables !== tables) {
      select.dataset.tables = tables;
      select.replaceChildren(option("", t("table_for_self")),
                             ...store.workshop.tables.map((table) => option(table.id, table.name)));
    }
    this.forTable.hidden = !(store.currentStep.tables && store.workshop.tables.length);
    if (this.forTable.hidden) select.value = ""; // the note is the facilitator's own
  }

  /** The move form's people (with their table) and tables; what was picked stays picked. */
  #moveChoices() {
    const { store } = this;
    const form = bound("table-move");
    const everyone = [...store.participants.values()].filter((person) => person.role !== "facilitator")
      .sort((a, b) => a.name.localeCompare(b.name));
    const name = (id) => store.workshop.tables.find((table) => table.id === id)?.name ?? t("table_none");
    const choices = JSON.stringify([everyone.map((person) => [person.id, person.name, person.table]), store.workshop.tables]);
    if (choices === this.choices) return;
    this.choices = choices;
    const { person, table } = form.elements;
    const picked = [person.value, table.options.length ? table.value : null];
    person.replaceChildren(...everyone.map((someone) => option(someone.id, `${someone.name} (${name(someone.table)})`)));
    table.replaceChildren(...store.workshop.tables.map((one) => option(one.id, one.name)), option("", t("table_none")));
    if (picked[0]) person.value = picked[0];
    if (picked[1] !== null) table.value = picked[1];
    for (const list of [person, table]) if (list.selectedIndex < 0) list.selectedIndex = 0; // it is gone
  }

  async #move(form) {
    const participant = form.elements.person.value;
    if (!participant) return;
    const table = form.elements.table.value || null;
    if (await sent(COMMANDS.TABLE_ASSIGN, { participant, table })) {
      const who = this.store.participants.get(participant)?.name ?? "";
      const where = this.store.workshop.tables.find((one) => one.id === table)?.name ?? t("table_none");
      bound("announcer").textContent = t("tables_moved", { name: who, table: where });
    }
  }

  async #make(form) {
    const by = form.elements.by.value;
    const names = form.elements.names.value.split("\n").map((line) => line.trim().slice(0, LIMITS.NAME_MAX))
      .filter(Boolean).slice(0, LIMITS.TABLES_MAX);
    const payload = { [by]: Number(form.elements[by].value), mode: form.elements.mode.value };
    if (names.length) payload.names = names;
    // New tables replace the old ones, and everyone is dealt again.
    if (this.store.workshop.tables.length && !window.confirm(t("tables_replace_confirm"))) return;
    if (!(await sent(COMMANDS.SET_TABLES, payload))) return;
    // Tables made now are for this step: its notes go to the tables from the first one on
    // ("Deze stap niet aan tafels" undoes it), not to "Zonder tafel" until a second button.
    const step = this.store.currentStep;
    if (step && !step.tables) await sent(COMMANDS.STEP_EDIT, { index: this.store.currentIndex, tables: true });
  }

  /** The table after the one presenting now; after the last, everything again (null). */
  #next() {
    const ids = this.store.workshop.tables.map((table) => table.id);
    const now = ids.indexOf(this.store.workshop.focus);
    return now + 1 < ids.length ? ids[now + 1] : null;
  }
}
