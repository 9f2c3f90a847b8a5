// The facilitator's run sheet: per day the plan beside the clock (planned and actual or
// forecast times per item, how far ahead or behind, the forecast end), the warning with a
// suggestion when the day will end late, the step's planned minutes for the timer, and the
// agenda's editor (days, start times, steps and breaks; every change by buttons and fields,
// nothing by dragging). Loaded, with its strings and styles, by facilitator.js when the
// workshop has an agenda or the facilitator opens the agenda's editor.

import { COMMANDS, LIMITS } from "./protocol.js";
import { bound, el, laterTexts, styles, t } from "./dom.js";
import { sendOrShowError } from "./connection.js";
import { askForecast } from "./next-up.js";
import { clock, dayEndsList, suggestionNodes } from "./agenda-advice.js";

const REFRESH_MS = 30_000; // the forecast moves with the clock, not only with changes
const DEFAULT_BREAK_MINUTES = 15;

const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "Europe/Amsterdam";

styles("runsheet");
await laterTexts(); // offline at this very moment: the labels come with the next module

/** Today as `YYYY-MM-DD` on this device's clock. */
function isoDay() {
  const day = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/** `HH:MM` of an ISO moment on this device's clock. */
const localClock = (iso) => new Date(iso).toLocaleTimeString("nl", { hour: "2-digit", minute: "2-digit", hour12: false });

/** "5 min achter", "3 min voor", "op schema". */
function lateText(late) {
  if (late > 0) return t("agenda_behind", { n: late });
  if (late < 0) return t("agenda_ahead", { n: -late });
  return t("agenda_on_time");
}

export class RunSheet {
  constructor({ store }) {
    this.store = store;
    this.forecast = null;
    this.draft = null; // the editor's agenda while the facilitator changes it
    this.seen = null; // the agenda the forecast was asked for
    this.refreshing = null; // the interval that asks again every 30 s
    this.timerFor = null; // `step:minutes` the timer's field offers
    this.warned = null; // the warning the screen reader was told
    this.unstarted = null; // the step on screen without a recorded start
  }

  start() {
    const root = bound("run-sheet");
    root.tabIndex = -1; // the focus goes here when the button pressed goes away
    const buttons = el("div", "row wrap");
    for (const what of ["start", "timer"]) {
      const button = el("button", `button small${what === "start" ? " primary" : ""}`);
      Object.assign(button, { type: "button", hidden: true });
      button.dataset.do = what;
      button.dataset.bind = `agenda-${what}`;
      buttons.append(button);
    }
    const days = el("div");
    days.dataset.bind = "agenda-days";
    bound("agenda-empty").after(buttons, days);
    root.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-do]");
      if (button) this.#act(button.dataset.do, button);
    });
    const editor = bound("agenda-form");
    editor.addEventListener("input", (event) => this.#edit(event.target));
    editor.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#save();
    });
    bound("agenda-editor").addEventListener("toggle", (event) => {
      if (event.target.open) this.#openEditor();
    });
    this.refreshing = setInterval(() => this.refresh(), REFRESH_MS);
    if (bound("agenda-editor").open) this.#openEditor();
  }

  /** Ask the server for the forecast again (after a step or agenda change, and every 30 s). */
  async refresh() {
    const forecast = await askForecast(this.store);
    if (forecast === undefined) return;
    this.forecast = forecast;
    this.render();
  }

  /** Follow the store: a new agenda or step asks for a new forecast. */
  changed() {
    const key = JSON.stringify([this.store.workshop.agenda, this.store.currentIndex,
                                this.store.steps.map((step) => [step.started_at, step.ended_at])]);
    if (key !== this.seen) {
      this.seen = key;
      this.refresh();
    }
    const planned = this.#plannedMinutes(this.store.currentIndex);
    if (`${this.store.currentIndex}:${planned}` !== this.timerFor) {
      // A new step (or a new plan for it) offers its planned minutes in the timer's field too.
      this.timerFor = `${this.store.currentIndex}:${planned}`;
      if (planned && planned <= 240) bound("timer-form").elements.minutes.value = String(planned);
    }
    this.render();
  }

  render() {
    const { store } = this;
    if (!store.ready) return;
    const step = store.currentStep;
    const planned = this.#plannedMinutes(store.currentIndex);
    // Only a step the room opened on, without a recorded start, can be started here.
    const startButton = bound("agenda-start");
    const pressed = document.activeElement === startButton;
    startButton.hidden = Boolean(step.started_at);
    startButton.textContent = t("agenda_start_step", { title: step.title });
    const timerButton = bound("agenda-timer");
    timerButton.hidden = !planned || !step.started_at;
    timerButton.dataset.minutes = String(planned ?? "");
    timerButton.textContent = t("agenda_timer", { n: planned ?? 0 });
    if (step.started_at && this.unstarted === store.currentIndex) {
      // It was just started: say since when, and keep the focus near (on the timer's button).
      bound("announcer").textContent = t("agenda_step_started", { title: step.title, start: localClock(step.started_at) });
      if (pressed) (timerButton.hidden ? bound("run-sheet") : timerButton).focus();
    }
    this.unstarted = step.started_at ? null : store.currentIndex;
    const days = this.forecast?.days ?? [];
    bound("agenda-empty").hidden = Boolean(store.workshop.agenda);
    bound("agenda-days").replaceChildren(...days.map((day, index) => this.#day(day, index)));
  }

  #plannedMinutes(index) {
    for (const day of this.store.workshop.agenda?.days ?? []) {
      for (const item of day.items) if (item.step === index) return item.minutes;
    }
    return this.store.steps[index]?.minutes ?? null;
  }

  #day(day, index) {
    const box = el("section", "agenda-day");
    const heading = el("h3", null, t("agenda_day_heading", {
      n: index + 1, start: clock(day.start), end: clock(day.planned_end) }));
    const list = el("ol", "agenda-items");
    list.append(...day.items.map((item) => this.#item(item)));
    box.append(heading, dayEndsList(day));
    if (day.suggestion) box.append(this.#warning(day.suggestion, index));
    box.append(list);
    return box;
  }

  #item(item) {
    const row = el("li", `agenda-item agenda-${item.state} agenda-${item.kind}`);
    const title = el("span", "agenda-title", item.title);
    const planned = el("span", "agenda-planned", t(item.planned > item.minutes ? "agenda_planned_was" : "agenda_planned",
                                                   { start: clock(item.planned_start), n: item.minutes, was: item.planned }));
    const actual = el("span", "agenda-actual", this.#actualText(item));
    row.append(el("span", "agenda-state", t(`agenda_state_${item.state}`)), title, planned, actual);
    if (item.state === "running" || item.state === "done") row.dataset.late = String(item.late);
    return row;
  }

  #actualText(item) {
    if (item.kind === "break" && item.state === "done") return ""; // a break has no clock of its own
    if (item.start_known === false) return t("agenda_ended", { end: clock(item.end) }); // the room opened on it
    if (item.state === "done" && item.actual_minutes === null) {
      return t("agenda_started", { start: clock(item.start) }); // the day closed on it
    }
    if (item.state === "done" || item.state === "running") {
      return t(item.state === "running" ? "agenda_actual_running" : "agenda_actual_done",
               { start: clock(item.start), end: clock(item.end), n: item.actual_minutes });
    }
    if (item.state === "skipped") return "";
    return t("agenda_expected", { start: clock(item.start), end: clock(item.end), late: lateText(item.late) });
  }

  #warning(suggestion, dayIndex) {
    const box = el("div", "agenda-warning");
    const title = t("agenda_warning", { n: suggestion.late });
    box.append(el("p", "agenda-warning-title", title));
    // Said once when it appears or changes, not at every redraw of the run sheet.
    if (this.warned !== title) bound("announcer").textContent = title;
    this.warned = title;
    box.append(...suggestionNodes(suggestion));
    const move = suggestion.move_break;
    if (suggestion.shorten.length || move) {
      const apply = el("button", "button small", t("agenda_apply"));
      apply.type = "button";
      apply.dataset.do = "apply";
      apply.dataset.day = String(dayIndex);
      apply.dataset.cuts = JSON.stringify(suggestion.shorten.map((cut) => [cut.step, cut.minutes]));
      if (move) apply.dataset.breakCut = JSON.stringify([move.item, move.minutes]);
      box.append(apply);
    }
    return box;
  }

  async #act(what, button) {
    const { store } = this;
    if (what === "start") {
      await sendOrShowError(COMMANDS.STEP_GO, { index: store.currentIndex });
    } else if (what === "timer") {
      const seconds = Math.min(LIMITS.TIMER_MAX, Number(button.dataset.minutes) * 60);
      await sendOrShowError(COMMANDS.TIMER_START, { seconds, lock_at_end: bound("timer-lock").checked });
    } else if (what === "apply") {
      await sendOrShowError(COMMANDS.SET_AGENDA, this.#replanned(button));
    } else {
      this.#change(what, button);
    }
  }

  /** The agenda with the suggestion taken over: the later steps (and the break) shortened,
   *  each remembering the minutes planned before (later suggestions keep two thirds of
   *  those), and the day's end kept where it was planned (unless it already had one). */
  #replanned(button) {
    const cuts = new Map(JSON.parse(button.dataset.cuts));
    const [breakItem, breakMinutes] = JSON.parse(button.dataset.breakCut ?? "[null, null]");
    const agenda = structuredClone(this.store.workshop.agenda);
    const dayIndex = Number(button.dataset.day);
    const day = agenda.days[dayIndex];
    day.end ??= this.forecast.days[dayIndex].planned_end;
    day.items.forEach((item, index) => {
      const minutes = index === breakItem ? breakMinutes : cuts.get(item.step);
      if (minutes === undefined || minutes === item.minutes) return;
      item.planned ??= item.minutes;
      item.minutes = minutes;
    });
    return agenda;
  }

  // -- the editor -----------------------------------------------------------------------

  /** Open the editor on the agenda as it is, or a first day with every step's minutes. */
  #openEditor() {
    const { store } = this;
    this.draft = store.workshop.agenda ? structuredClone(store.workshop.agenda) : {
      zone: zone(),
      days: [{ start: `${isoDay()}T09:00`,
               items: store.steps.map((step) => ({ step: step.index, minutes: step.minutes ?? 30 })) }],
    };
    this.#renderEditor();
  }

  #renderEditor(focus) {
    const form = bound("agenda-form");
    const days = this.draft.days.map((day, dayIndex) => this.#dayEditor(day, dayIndex));
    const add = el("button", "button small", t("agenda_add_day"));
    add.type = "button";
    add.dataset.do = "add-day";
    const save = el("button", "button primary", t("agenda_save"));
    save.type = "submit";
    form.replaceChildren(...days, add, save);
    if (focus) form.querySelector(focus)?.focus();
  }

  #dayEditor(day, dayIndex) {
    const box = el("fieldset", "agenda-day-editor stack");
    box.dataset.day = String(dayIndex);
    box.append(el("legend", null, t("agenda_day", { n: dayIndex + 1 })));
    const when = el("div", "row wrap");
    when.append(this.#field("date", t("agenda_date"), day.start.slice(0, 10), { day: dayIndex, part: "date" }),
                this.#field("time", t("agenda_start"), day.start.slice(11, 16), { day: dayIndex, part: "time" }),
                this.#field("time", t("agenda_end"), day.end?.slice(11, 16) ?? "", { day: dayIndex, part: "end" }));
    box.append(when);
    const list = el("ol", "agenda-edit-items");
    day.items.forEach((item, itemIndex) => list.append(this.#itemEditor(item, dayIndex, itemIndex, day.items.length)));
    box.append(list);
    const adding = el("div", "row wrap");
    const used = new Set(this.draft.days.flatMap((d) => d.items.map((item) => item.step)));
    const free = this.store.steps.filter((step) => !used.has(step.index));
    if (free.length) {
      const select = el("select");
      select.id = `agenda-add-step-${dayIndex}`;
      select.append(...free.map((step) => Object.assign(el("option", null, step.title), { value: String(step.index) })));
      const label = el("label", "sr-only", t("agenda_step_to_add"));
      label.htmlFor = select.id;
      adding.append(label, select, this.#button("add-step", t("agenda_add_step"), { day: dayIndex }));
    }
    adding.append(this.#button("add-break", t("agenda_add_break"), { day: dayIndex }));
    if (this.draft.days.length > 1) adding.append(this.#button("remove-day", t("agenda_remove_day"), { day: dayIndex }));
    box.append(adding);
    return box;
  }

  #itemEditor(item, dayIndex, itemIndex, count) {
    const row = el("li", "agenda-edit-item row wrap");
    const where = { day: dayIndex, item: itemIndex };
    const name = item.step !== undefined ? this.store.steps[item.step]?.title ?? "" : null;
    if (name !== null) {
      row.append(el("span", "agenda-edit-title grow", name));
    } else {
      const title = this.#field("text", t("agenda_break_title"), item.break, { ...where, part: "break" });
      title.classList.add("grow");
      title.querySelector("input").maxLength = LIMITS.BREAK_TITLE_MAX;
      title.querySelector("input").required = true;
      row.append(title);
    }
    const minutes = this.#field("number", t("agenda_minutes_of", { title: name ?? item.break }), String(item.minutes),
                                { ...where, part: "minutes" });
    Object.assign(minutes.querySelector("input"), { min: LIMITS.AGENDA_MINUTES_MIN, max: LIMITS.AGENDA_MINUTES_MAX, required: true });
    minutes.querySelector("label").classList.add("sr-only");
    minutes.append(el("span", "muted", t("agenda_min")));
    row.append(minutes);
    const what = name ?? item.break;
    if (itemIndex > 0) row.append(this.#button("up", t("agenda_up"), where, t("agenda_up_label", { title: what })));
    if (itemIndex < count - 1) row.append(this.#button("down", t("agenda_down"), where, t("agenda_down_label", { title: what })));
    row.append(this.#button("remove", t("agenda_remove"), where, t("agenda_remove_label", { title: what })));
    return row;
  }

  #field(type, labelText, value, data) {
    const box = el("span", "agenda-field");
    const input = el("input");
    input.type = type;
    input.value = value;
    input.id = `agenda-${Object.values(data).join("-")}`;
    Object.assign(input.dataset, data);
    if (type === "number") input.inputMode = "numeric";
    const label = el("label", null, labelText);
    label.htmlFor = input.id;
    box.append(label, input);
    return box;
  }

  #button(what, text, data, label) {
    const button = el("button", "button small", text);
    button.type = "button";
    button.dataset.do = what;
    Object.assign(button.dataset, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)])));
    if (label) button.setAttribute("aria-label", label);
    return button;
  }

  /** A field of the editor changed: keep it in the draft (the form is not redrawn). */
  #edit(input) {
    const day = this.draft?.days[Number(input.dataset.day)];
    if (!day) return;
    const { part } = input.dataset;
    if (part === "date" && input.value) {
      day.start = `${input.value}T${day.start.slice(11, 16)}`;
      if (day.end) day.end = `${input.value}T${day.end.slice(11, 16)}`;
    } else if (part === "end") {
      day.end = input.value ? `${day.start.slice(0, 10)}T${input.value}` : null;
    } else if (part === "time" && input.value) {
      day.start = `${day.start.slice(0, 10)}T${input.value}`;
    } else if (part === "break") {
      day.items[Number(input.dataset.item)].break = input.value;
      this.#nameRow(input.closest("li"), input.value);
    } else if (part === "minutes") {
      const item = day.items[Number(input.dataset.item)];
      item.minutes = Number(input.value);
      delete item.planned; // minutes typed by hand are the new plan
    }
  }

  /** A break's row after its title changed: its buttons and minutes say the new title. */
  #nameRow(row, title) {
    for (const button of row.querySelectorAll("button[data-do]")) {
      button.setAttribute("aria-label", t(`agenda_${button.dataset.do}_label`, { title }));
    }
    row.querySelector('[data-part="minutes"]').labels[0].textContent = t("agenda_minutes_of", { title });
  }

  /** A button of the editor: add, move or remove a day or an item, then redraw with the
   *  focus where the person was. */
  #change(what, button) {
    if (!this.draft) return;
    const dayIndex = Number(button.dataset.day);
    const items = this.draft.days[dayIndex]?.items;
    const itemIndex = Number(button.dataset.item);
    let focus = null;
    if (what === "add-day") {
      const last = this.draft.days.at(-1);
      const next = new Date(`${last.start.slice(0, 10)}T12:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      this.draft.days.push({ start: `${next.toISOString().slice(0, 10)}T09:00`, items: [] });
      focus = `[data-day="${this.draft.days.length - 1}"][data-part="date"]`;
    } else if (what === "remove-day") {
      this.draft.days.splice(dayIndex, 1);
      focus = "[data-do=add-day]";
    } else if (what === "add-step") {
      const index = Number(bound("agenda-form").querySelector(`#agenda-add-step-${dayIndex}`).value);
      items.push({ step: index, minutes: this.store.steps[index].minutes ?? 30 });
      focus = `[data-day="${dayIndex}"][data-item="${items.length - 1}"][data-part="minutes"]`;
    } else if (what === "add-break") {
      items.push({ break: t("agenda_break_default"), minutes: DEFAULT_BREAK_MINUTES });
      focus = `[data-day="${dayIndex}"][data-item="${items.length - 1}"][data-part="break"]`;
    } else if (what === "up" || what === "down") {
      const to = itemIndex + (what === "up" ? -1 : 1);
      [items[itemIndex], items[to]] = [items[to], items[itemIndex]];
      const edge = to === 0 || to === items.length - 1;
      focus = `[data-do="${edge ? (what === "up" ? "down" : "up") : what}"][data-day="${dayIndex}"][data-item="${to}"]`;
    } else if (what === "remove") {
      items.splice(itemIndex, 1);
      focus = `[data-do="add-break"][data-day="${dayIndex}"]`;
    }
    this.#renderEditor(focus);
  }

  async #save() {
    const agenda = { zone: this.draft.zone || zone(), days: this.draft.days.filter((day) => day.items.length) };
    const ack = await sendOrShowError(COMMANDS.SET_AGENDA, agenda);
    if (ack.ok) {
      bound("agenda-editor").open = false;
      // Whether its items fit the day, the run sheet says (and keeps saying as it changes).
      bound("agenda-saved").textContent = t("agenda_saved");
    }
  }
}
