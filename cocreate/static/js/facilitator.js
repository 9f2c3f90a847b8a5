// The facilitator's page: the board with notes to pick for a cluster, and the panel: step
// navigation, sharing, grouping, lock, timer, the steps' and workshop's settings.
// Every command goes as protocol.js declares it (`sent`): steering the room now or not at
// all, changes to the board's content by the outbox while offline.

import { COMMANDS, LIMITS } from "./protocol.js";
import { bound, el, errorText, t, toast, uuid4 } from "./dom.js";
import { sent } from "./connection.js";
import { BoardView } from "./board.js";
import { VotingPanel } from "./voting-panel.js";

const REMOTE_QR_MS = 2 * 60 * 1000; // the remote's QR code shows this long, then hides
const LOCK_AT_END_KEY = "cc-timer-lock-at-end"; // the facilitator's choice, for every workshop in this browser

/** A lane key from a title: lower-case letters, digits and dashes. */
function slug(title) {
  const key = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
  return key || "lane";
}

/** The board as the facilitator sees it: a checkbox on each note to pick notes for a
 *  cluster, and a button on each cluster to dissolve it. */
export class FacilitatorBoard extends BoardView {
  constructor(store) {
    super(store, { controls: true });
  }

  noteElement(note) {
    const item = super.noteElement(note);
    if (note.pending) return item;
    const text = item.querySelector(".note-text");
    const pick = el("label", "note-select");
    const box = el("input");
    box.type = "checkbox";
    box.dataset.action = "select";
    box.checked = this.selected.has(note.id);
    box.setAttribute("aria-describedby", text.id);
    pick.title = t("note_select");
    pick.append(box, el("span", "sr-only", t("note_select")));
    text.before(pick);
    item.classList.toggle("selected", box.checked);
    return item;
  }

  clusterBox(cluster, tag, table) {
    const box = super.clusterBox(cluster, tag, table);
    if (!box.querySelector("[data-action=ungroup]")) {
      const rename = el("button", "icon-button cluster-rename", "✎");
      rename.type = "button";
      rename.dataset.action = "rename";
      rename.setAttribute("aria-label", t("cluster_rename"));
      rename.title = t("cluster_rename");
      // On a canvas the band is narrow: the button shows ✕ and keeps its words for the ear.
      const ungroup = el("button", "icon-button cluster-ungroup");
      ungroup.append(el("span", "cluster-ungroup-words", t("cluster_ungroup")), el("span", "cluster-ungroup-mark", "✕"));
      ungroup.lastChild.setAttribute("aria-hidden", "true");
      ungroup.title = t("cluster_ungroup");
      ungroup.type = "button";
      ungroup.dataset.action = "ungroup";
      box.querySelector(".cluster-header").append(rename, ungroup);
    }
    return box;
  }
}

export class FacilitatorPanel {
  constructor({ store, connection, board, onMakeAction }) {
    this.store = store;
    this.onMakeAction = onMakeAction;
    this.board = board;
    this.connection = connection;
    this.formTouched = false;
    this.stepFormTouched = false;
    this.stepFormFor = null;
    this.voting = new VotingPanel({ store });
    this.tables = null; // the tables' panel, once made
    this.tablesLoading = null;
    this.runSheet = null; // the run sheet, once made
    this.runSheetLoading = null;
  }

  /** Wire the panel's buttons and forms. */
  start() {
    bound("step-prev").addEventListener("click", () => this.#go(this.store.currentIndex - 1));
    bound("step-next").addEventListener("click", () => this.#go(this.store.currentIndex + 1));
    bound("step-list").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-index]");
      if (button) this.#go(Number(button.dataset.index));
    });
    bound("copy-link").addEventListener("click", () => this.#copy());
    bound("lock-toggle").addEventListener("click", () => this.#toggleLock());
    this.board.root.addEventListener("change", (event) => {
      if (event.target.dataset.action !== "select") return;
      const id = event.target.closest("[data-id]").dataset.id;
      if (event.target.checked) this.board.selected.add(id);
      else this.board.selected.delete(id);
      event.target.closest(".note").classList.toggle("selected", event.target.checked);
      this.#renderGroupBar();
    });
    this.board.root.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action=ungroup]");
      if (button) sent(COMMANDS.NOTE_UNGROUP, { id: button.closest("[data-cluster]").dataset.cluster });
      const rename = event.target.closest("button[data-action=rename]");
      // Renaming is rarer than seeing: its code loads with the note editor's.
      if (rename) import("./note-edit.js").then((editing) => editing.renameCluster(this.store, rename.closest("[data-cluster]"),
        (cluster, title) => sent(COMMANDS.NOTE_GROUP, { id: cluster.id, ids: this.#members(cluster.id), title })));
    });
    bound("group-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const picked = [...this.board.selected];
      if (!picked.length) return;
      const title = event.target.elements.title.value.trim();
      // Notes picked with some of a cluster join that cluster rather than make a second one.
      const joined = picked.map((id) => this.store.notes.get(id)?.group).find(Boolean);
      const ids = joined ? [...new Set([...this.#members(joined), ...picked])] : picked;
      const command = joined ? { id: joined, ids, ...(title ? { title } : {}) } : { id: uuid4(), ids, title };
      if (await sent(COMMANDS.NOTE_GROUP, command)) {
        event.target.reset();
        this.#clearSelection();
      }
    });
    bound("group-clear").addEventListener("click", () => this.#clearSelection());
    bound("group-action").addEventListener("click", () => {
      this.onMakeAction?.([...this.board.selected]);
      this.#clearSelection();
    });
    this.voting.start();
    bound("reveal").addEventListener("click", () =>
      sent(COMMANDS.NOTES_REVEAL, { step: this.store.currentIndex }));
    bound("layout-select").addEventListener("change", (event) =>
      sent(COMMANDS.STEP_EDIT, { index: this.store.currentIndex, layout: event.target.value }));
    bound("timer-presets").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-seconds]");
      if (button) this.#startTimer(Number(button.dataset.seconds));
    });
    const timerForm = bound("timer-form");
    timerForm.elements.minutes.max = LIMITS.TIMER_MAX / 60;
    timerForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const seconds = Math.round(Number(event.target.elements.minutes.value) * 60);
      if (seconds >= 60 && seconds <= LIMITS.TIMER_MAX) this.#startTimer(seconds);
    });
    bound("timer-stop").addEventListener("click", () => sent(COMMANDS.TIMER_STOP, {}));
    bound("timer-lock").addEventListener("change", (event) => this.#timerLockChanged(event.target.checked));
    bound("timer-extend").addEventListener("click", () => this.#extendTimer());
    bound("co-facilitator-make").addEventListener("click", () => this.#coFacilitator());
    bound("remote-make")?.addEventListener("click", () => this.#remote());
    bound("tables-settings").addEventListener("toggle", () => this.#tablesPanel());
    bound("agenda-editor").addEventListener("toggle", () => this.#runSheet());
    const stepForm = bound("step-form");
    stepForm.addEventListener("input", () => { this.stepFormTouched = true; });
    stepForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await sent(COMMANDS.STEP_EDIT, this.#stepChanges(stepForm))) this.stepFormTouched = false;
    });
    const form = bound("workshop-form");
    form.addEventListener("input", () => { this.formTouched = true; });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const ok = await sent(COMMANDS.WORKSHOP_EDIT, {
        title: form.elements.title.value.trim(), goal: form.elements.goal.value.trim(),
      });
      if (ok) this.formTouched = false;
    });
    bound("delete-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.#deleteWorkshop();
    });
  }

  /** Delete the workshop for everyone, then go to the start page. */
  async #deleteWorkshop() {
    // Leave first: the `closed` message would otherwise reload this page.
    this.connection.socket.disconnect();
    const answer = await fetch(`/api/workshops/${encodeURIComponent(this.store.workshop.id)}`,
                               { method: "DELETE" }).catch(() => null);
    if (answer?.ok) {
      window.location.assign("/");
      return;
    }
    this.connection.socket.connect();
    toast(t("delete_failed"));
  }

  /** Who is in the room: still busy first, then ready; who is not connected says so. */
  renderPeople() {
    const { store } = this;
    if (!store.ready) return;
    const people = [...store.participants.values()].filter((person) => person.role !== "facilitator")
      .sort((a, b) => Number(a.ready) - Number(b.ready) || a.name.localeCompare(b.name));
    bound("people").replaceChildren(...people.map((person) => {
      const online = store.online.has(person.id);
      const state = person.ready ? "ready" : online ? "busy" : "offline";
      const item = el("li", `person person-${state}`);
      item.append(el("span", "person-name", person.name), el("span", "person-state", t(`person_${state}`)));
      return item;
    }));
    this.tables?.render();
  }

  /** The tables' panel (tables-panel.js): loaded when the facilitator opens it, or once
   *  the workshop has tables. */
  #tablesPanel() {
    this.tablesLoading ??= import("./tables-panel.js").then((module) => {
      this.tables = new module.TablesPanel({ store: this.store });
      this.tables.start();
      this.tables.render();
    });
  }

  /** The run sheet (runsheet.js): loaded when the workshop has an agenda, or when the
   *  facilitator opens the agenda's editor. */
  #runSheet() {
    this.runSheetLoading ??= import("./runsheet.js").then((module) => {
      this.runSheet = new module.RunSheet({ store: this.store });
      this.runSheet.start();
      this.runSheet.changed();
    });
  }

  /** Reflect the store: which step is current, lock state, settings. */
  render() {
    const { store } = this;
    if (!store.ready) return;
    const list = bound("step-list");
    list.replaceChildren(...store.steps.map((step, index) => {
      const button = el("button", "step-button");
      button.type = "button";
      button.dataset.index = String(index);
      button.append(el("span", "step-number", String(index + 1)), el("span", null, step.title));
      if (index === store.currentIndex) button.setAttribute("aria-current", "step");
      const item = el("li");
      item.append(button);
      return item;
    }));
    bound("step-prev").disabled = store.currentIndex === 0;
    bound("step-next").disabled = store.currentIndex >= store.steps.length - 1;
    this.#renderLock();
    const form = bound("workshop-form");
    if (!this.formTouched) {
      form.elements.title.value = store.workshop.title;
      form.elements.goal.value = store.workshop.goal;
    }
    const layouts = [store.currentStep.lanes.length ? "lanes" : "grid", "canvas"];
    const layout = bound("layout-select");
    if (layout.dataset.for !== `${layouts}`) {
      layout.dataset.for = `${layouts}`;
      layout.replaceChildren(...layouts.map((key) => Object.assign(el("option", null, t(`layout_${key}`)), { value: key })));
    }
    layout.value = store.currentStep.layout;
    const reveal = bound("reveal");
    reveal.hidden = !store.isHidden(store.currentIndex);
    reveal.textContent = t("reveal_button", { n: store.countsOf(store.currentIndex).notes });
    bound("timer-stop").hidden = !store.workshop.timer;
    bound("timer-extend").hidden = !store.workshop.timer;
    const timerLock = bound("timer-lock");
    timerLock.checked = store.workshop.timer ? Boolean(store.workshop.timer.lock_at_end) : this.#lockAtEndWanted();
    timerLock.disabled = this.#timeIsUp(); // past the end, "Bord ontgrendelen" or "+1 minuut" opens writing
    this.#fillStepForm();
    this.#renderGroupBar();
    this.voting.render();
    if (store.workshop.tables.length) this.#tablesPanel();
    this.tables?.render();
    if (store.workshop.agenda) this.#runSheet();
    this.runSheet?.changed();
  }

  #members(cluster) {
    return [...this.store.notes.values()].filter((note) => note.group === cluster && !note.removed).map((note) => note.id);
  }

  #renderGroupBar() {
    const count = this.board.selected.size;
    bound("group-bar").hidden = count === 0;
    bound("group-count").textContent = t("group_selected", { n: count });
  }

  #clearSelection() {
    this.board.selected.clear();
    for (const box of this.board.root.querySelectorAll("input[data-action=select]")) {
      box.checked = false;
      box.closest(".note").classList.remove("selected");
    }
    this.#renderGroupBar();
  }

  #fillStepForm() {
    const stepForm = bound("step-form");
    const step = this.store.currentStep;
    if (this.stepFormTouched && this.stepFormFor === this.store.currentIndex) return;
    this.stepFormTouched = false;
    this.stepFormFor = this.store.currentIndex;
    stepForm.elements.title.value = step.title;
    stepForm.elements.prompt.value = step.prompt;
    stepForm.elements.lanes.value = step.lanes.map((lane) => lane.title).join("\n");
    stepForm.elements.reveal.value = step.reveal;
    stepForm.elements.anonymity.value = step.anonymity;
  }

  #stepChanges(stepForm) {
    const step = this.store.currentStep;
    const titles = stepForm.elements.lanes.value.split("\n").map((line) => line.trim()).filter(Boolean);
    const used = new Set();
    // Lanes keep their key by position, so renaming a lane keeps its notes in it.
    const lanes = titles.map((title, index) => {
      let key = step.lanes[index]?.key ?? slug(title);
      while (used.has(key)) key = `${key}-${index + 1}`.slice(0, 40);
      used.add(key);
      return { key, title: title.slice(0, 40) };
    });
    return {
      index: this.store.currentIndex,
      title: stepForm.elements.title.value.trim(),
      prompt: stepForm.elements.prompt.value.trim(),
      lanes,
      reveal: stepForm.elements.reveal.value,
      anonymity: stepForm.elements.anonymity.value,
    };
  }

  /** "Nog een minuutje": the running countdown (or one that just ended) gets 60 s more. */
  #extendTimer() {
    const timer = this.store.workshop.timer;
    if (!timer) return;
    const left = Math.max(0, Math.ceil((Date.parse(timer.ends_at) - this.store.serverNow()) / 1000));
    sent(COMMANDS.TIMER_START, { seconds: Math.min(LIMITS.TIMER_MAX, left + 60),
                                       lock_at_end: Boolean(timer.lock_at_end) });
  }

  #startTimer(seconds) {
    sent(COMMANDS.TIMER_START, { seconds, lock_at_end: bound("timer-lock").checked });
  }

  /** A facilitator link for the phone, as a QR code to scan: shown for two minutes only,
   *  since a laptop's screen may be on the projector. */
  async #remote() {
    const answer = await this.#newFacilitator();
    if (!answer) return;
    const box = bound("remote-share");
    bound("remote-qr").src = answer.remote_qr;
    bound("remote-link").href = answer.remote_url;
    box.hidden = false;
    clearTimeout(this.remoteTimer);
    this.remoteTimer = setTimeout(() => { box.hidden = true; }, REMOTE_QR_MS);
  }

  /** True once a countdown has run out (it shows "Tijd is om" until it is stopped). */
  #timeIsUp() {
    const timer = this.store.workshop.timer;
    return Boolean(timer) && this.store.serverNow() >= Date.parse(timer.ends_at);
  }

  /** Whether participants cannot write now: the lock, or a countdown that closed writing. */
  #writingClosedBy() {
    if (this.store.workshop.locked) return "lock";
    return this.#timeIsUp() && this.store.workshop.timer.lock_at_end ? "timer" : null;
  }

  /** The lock button and the banner say what the phones say: writing is closed, by the
   *  lock or by the countdown, and the button opens it again either way. */
  #renderLock() {
    const closedBy = this.#writingClosedBy();
    const lock = bound("lock-toggle");
    lock.textContent = closedBy ? t("unlock_board") : t("lock_board");
    lock.setAttribute("aria-pressed", String(Boolean(closedBy)));
    const banner = bound("locked-banner");
    banner.hidden = !closedBy;
    if (closedBy) banner.textContent = t(closedBy === "timer" ? "timer_closed_banner" : "locked_banner_facilitator");
  }

  async #toggleLock() {
    const closedBy = this.#writingClosedBy();
    if (!closedBy) return sent(COMMANDS.WORKSHOP_LOCK, { locked: true });
    if (this.store.workshop.locked && !(await sent(COMMANDS.WORKSHOP_LOCK, { locked: false }))) return false;
    // A countdown that closed writing is over: stopping it opens writing again.
    if (this.#timeIsUp() && this.store.workshop.timer?.lock_at_end) return sent(COMMANDS.TIMER_STOP, {});
    return true;
  }

  /** "Schrijven sluiten als de tijd om is": remembered in this browser for the next countdown;
   *  a running countdown takes the change at once (same end time). */
  #timerLockChanged(checked) {
    try {
      localStorage.setItem(LOCK_AT_END_KEY, checked ? "1" : "0");
    } catch {
      // Storage refused (private mode): the box still applies to this countdown.
    }
    const timer = this.store.workshop.timer;
    if (!timer || this.#timeIsUp()) return;
    const left = Math.ceil((Date.parse(timer.ends_at) - this.store.serverNow()) / 1000);
    sent(COMMANDS.TIMER_START, { seconds: Math.min(LIMITS.TIMER_MAX, Math.max(LIMITS.TIMER_MIN, left)), lock_at_end: checked });
  }

  #lockAtEndWanted() {
    try {
      return localStorage.getItem(LOCK_AT_END_KEY) === "1";
    } catch {
      return false;
    }
  }

  async #coFacilitator() {
    const answer = await this.#newFacilitator();
    if (!answer) return;
    const field = bound("co-facilitator-link");
    field.value = answer.url;
    field.hidden = false;
    field.select();
  }

  async #newFacilitator() {
    const response = await fetch(`/api/workshops/${encodeURIComponent(this.store.workshop.id)}/facilitators`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: "{}", credentials: "same-origin",
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      toast(errorText(answer.error));
      return null;
    }
    return answer;
  }

  async #go(index) {
    if (index < 0 || index >= this.store.steps.length) return;
    await sent(COMMANDS.STEP_GO, { index });
  }

  async #copy() {
    const link = bound("join-link").href;
    const button = bound("copy-link");
    try {
      await navigator.clipboard.writeText(link);
      button.textContent = t("share_copied");
      setTimeout(() => { button.textContent = t("share_copy"); }, 2000);
    } catch {
      window.getSelection().selectAllChildren(bound("join-link"));
    }
  }
}
