// The facilitator's remote (/w/<id>/remote): steer the room from a phone while walking
// among the tables. Every button steers the room: it is sent now or not at all, and a
// command that did not go through says so plainly (nothing is replayed later).

import { Connection, send, sendThrough } from "./connection.js";
import { BoardStore } from "./store.js";
import { COMMANDS, EVENTS, LIMITS } from "./protocol.js";
import { bound, el, errorText, setText, t } from "./dom.js";
import { clock as wallClock, dayEndsList, suggestionNodes } from "./agenda-advice.js";

const POINTER_FRAME_MS = 33; // about 30 frames a second, like a drag
const TICK_MS = 500;
const AGENDA_REFRESH_MS = 60_000; // the forecast moves with the clock

const { workshop: workshopId } = document.body.dataset;
const store = new BoardStore();
const connection = new Connection(workshopId);
sendThrough(connection);

/** Why a refused command did not go through, in the room's words where the remote knows
 *  the reason (the server's message otherwise). */
function refusal(error) {
  const reason = Object.values(error?.fields ?? {}).flat()[0];
  return ["anonymous", "hidden", "no_tables"].includes(reason) ? t(`remote_refused_${reason}`) : errorText(error);
}

/** Send a steering command now; say so when it did not go through. */
async function steer(name, payload) {
  const failed = bound("remote-failed");
  if (!connection.connected) {
    failed.textContent = t("remote_not_sent_offline");
    failed.hidden = false;
    return false;
  }
  const ack = await send(name, payload);
  failed.hidden = ack.ok;
  if (!ack.ok) failed.textContent = t("remote_not_sent", { reason: refusal(ack.error) });
  return ack.ok;
}

function secondsLeft() {
  const timer = store.workshop?.timer;
  return timer ? Math.max(0, Math.ceil((Date.parse(timer.ends_at) - store.serverNow()) / 1000)) : 0;
}

function clock(seconds) {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function nameOf(id) {
  return store.participants.get(id)?.name ?? store.workshop.tables.find((table) => table.id === id)?.name ?? "";
}

function option(value, text) {
  const item = document.createElement("option");
  item.value = value;
  item.textContent = text;
  return item;
}

/** What can go in the spotlight now, in groups so a full board stays usable: the tables,
 *  the people (by name), the current step's clusters, and its notes (per lane where it has
 *  lanes). Each group is `[label, [[value, text], …]]`; empty groups are left out. */
function spotlightGroups() {
  const step = store.currentIndex;
  const byName = (a, b) => a.name.localeCompare(b.name);
  const people = [...store.participants.values()].filter((person) => person.role !== "facilitator").sort(byName);
  const clusters = [...store.clusters.values()].filter((cluster) => cluster.step === step);
  const notes = [...store.notes.values()].filter((note) => note.step === step && !note.hidden);
  const lanes = store.currentStep?.lanes ?? [];
  const noteGroups = lanes.length
    ? lanes.map((lane) => [t("remote_group_notes_lane", { lane: lane.title }), notes.filter((note) => note.lane === lane.key)])
    : [[t("remote_group_notes"), notes]];
  const groups = [
    [t("remote_group_tables"), store.workshop.tables.map((table) => [`table:${table.id}`, table.name])],
    [t("remote_group_people"), people.map((person) => [`participant:${person.id}`, person.name])],
    [t("remote_group_clusters"), clusters.map((cluster) => [`cluster:${cluster.id}`, cluster.title || t("cluster_untitled")])],
    ...noteGroups.map(([label, list]) => [label, list.map((note) => [`note:${note.id}`, note.text])]),
  ];
  return groups.filter(([, choices]) => choices.length);
}

function fillSelect(select, choices) {
  fillGroups(select, [[null, choices]]);
}

/** Fill `select` with `[label, choices]` groups (`<optgroup>`s; a null label: no group),
 *  keeping the chosen value when it is still there. */
function fillGroups(select, groups) {
  const key = JSON.stringify(groups);
  if (select.dataset.choices === key) return;
  const chosen = select.value;
  select.dataset.choices = key;
  select.replaceChildren(...groups.flatMap(([label, choices]) => {
    const options = choices.map(([value, text]) => option(value, text));
    if (label === null) return options;
    const group = document.createElement("optgroup");
    group.label = label;
    group.append(...options);
    return [group];
  }));
  if (groups.some(([, choices]) => choices.some(([value]) => value === chosen))) select.value = chosen;
}

function render() {
  const workshop = store.workshop;
  if (!workshop) return;
  const step = store.currentStep;
  setText("remote-step", t("remote_step", { at: store.currentIndex + 1, of: store.steps.length, title: step?.title ?? "" }));
  setText("remote-online", String([...store.online].filter((id) => store.participants.get(id)?.role !== "facilitator").length));
  const { ready, total } = store.readiness();
  setText("remote-ready", t("remote_ready_count", { ready, total }));
  tick();
  const voting = step?.vote_state === "open";
  // As the laptop's voting panel: one vote at a time, and only on notes the room can see.
  const votingElsewhere = store.steps.some((each) => each.vote_state === "open");
  bound("remote-votes-box").hidden = !voting;
  if (voting) setText("remote-votes", t("remote_votes_count", { voters: step.progress?.voters ?? 0, total: step.progress?.participants ?? 0 }));
  const presenting = workshop.pitch?.current;
  bound("remote-presenting-box").hidden = !presenting;
  if (presenting) {
    const at = workshop.pitch.queue.indexOf(presenting);
    setText("remote-presenting", t("remote_presenting_who", { name: nameOf(presenting), at: at + 1, of: workshop.pitch.queue.length }));
  }
  pressed("pause", Boolean(workshop.paused));
  pressed("lock", Boolean(workshop.locked));
  shown("reveal", store.isHidden(store.currentIndex));
  shown("voting-open", !votingElsewhere && !store.isHidden(store.currentIndex));
  setText("remote-voting-open", t(step?.vote_state === "closed" ? "voting_reopen" : "voting_open"));
  shown("voting-close", votingElsewhere);
  shown("timer-extend", Boolean(workshop.timer));
  shown("timer-stop", Boolean(workshop.timer));
  // Report-back belongs to a step worked at the tables; "Alles tonen" stays while a table
  // is on the projector, so the room can always get its board back.
  const atTables = Boolean(workshop.tables.length && step?.tables);
  bound("remote-tables").hidden = !atTables && !workshop.focus;
  shown("table-next", atTables);
  fillGroups(bound("remote-spotlight-pick"), spotlightGroups());
  fillSelect(bound("remote-pitch-step"), store.steps.map((each, index) => [String(index), each.title]));
  bound("remote-pitch-form").hidden = Boolean(presenting);
  bound("remote-pitch-running").hidden = !presenting;
  if (presenting) {
    const at = workshop.pitch.queue.indexOf(presenting);
    document.querySelector('[data-steer="pitch-back"]').disabled = at <= 0;
    // After the last pitch "next" ends the round; before it, stopping skips the ones to come.
    const toCome = workshop.pitch.queue.length - 1 - at;
    setText("remote-pitch-next", t(toCome ? "remote_pitch_next" : "remote_pitch_end"));
    shown("pitch-stop", toCome > 0);
    setText("remote-pitch-stop", t("remote_pitch_stop_early", { n: toCome }));
  }
  setText("remote-spotlight-now", spotlightNow());
  setText("remote-pause-label", t(workshop.paused ? "remote_pause_release" : "remote_pause"));
  document.querySelector('[data-steer="step-prev"]').disabled = store.currentIndex <= 0;
  document.querySelector('[data-steer="step-next"]').disabled = store.currentIndex >= store.steps.length - 1;
}

/** "Nu in de spotlight: …", or that nothing is. */
function spotlightNow() {
  const spotlight = store.workshop.spotlight;
  if (!spotlight) return t("remote_spotlight_none");
  const what = spotlight.kind === "note" ? store.notes.get(spotlight.id)?.text
    : spotlight.kind === "cluster" ? store.clusters.get(spotlight.id)?.title || t("cluster_untitled")
      : nameOf(spotlight.id);
  return t("remote_spotlight_now", { what: what ?? "" });
}

function tick() {
  const timer = store.workshop?.timer;
  setText("remote-time", timer ? (secondsLeft() ? clock(secondsLeft()) : t("timer_done")) : "–");
}

function pressed(name, on) {
  document.querySelector(`[data-steer="${name}"]`).setAttribute("aria-pressed", String(on));
}

function shown(name, visible) {
  document.querySelector(`[data-steer="${name}"]`).hidden = !visible;
}

function nextTable() {
  const tables = store.workshop.tables;
  const at = tables.findIndex((table) => table.id === store.workshop.focus);
  return tables[(at + 1) % tables.length]?.id ?? null;
}

const BUTTONS = {
  "step-prev": () => steer(COMMANDS.STEP_GO, { index: store.currentIndex - 1 }),
  "step-next": () => steer(COMMANDS.STEP_GO, { index: store.currentIndex + 1 }),
  "timer-start": () => steer(COMMANDS.TIMER_START, { seconds: Number(bound("remote-minutes").value) * 60 }),
  "timer-extend": () => steer(COMMANDS.TIMER_START, { seconds: Math.min(LIMITS.TIMER_MAX, secondsLeft() + 60),
                                                       lock_at_end: Boolean(store.workshop.timer?.lock_at_end) }),
  "timer-stop": () => steer(COMMANDS.TIMER_STOP, {}),
  pause: () => steer(COMMANDS.ROOM_PAUSE, { on: !store.workshop.paused }),
  lock: () => steer(COMMANDS.WORKSHOP_LOCK, { locked: !store.workshop.locked }),
  reveal: () => steer(COMMANDS.NOTES_REVEAL, { step: store.currentIndex }),
  "voting-open": () => {
    // Reopening hides the result again (the dots given stay): ask first, as the laptop does.
    if (store.currentStep.vote_state === "closed" && !window.confirm(t("voting_reopen_confirm"))) return null;
    // As the laptop's voting panel suggests it: about the square root of the notes.
    const notes = store.notesOf(store.currentIndex).length;
    const budget = Math.max(1, Math.min(LIMITS.BUDGET_MAX, Math.round(Math.sqrt(notes))));
    return steer(COMMANDS.VOTING_OPEN, { step: store.currentIndex, budget });
  },
  "voting-close": () => steer(COMMANDS.VOTING_CLOSE, {}),
  "table-next": () => steer(COMMANDS.PROJECTOR_FOCUS, { table: nextTable() }),
  "table-all": () => steer(COMMANDS.PROJECTOR_FOCUS, { table: null }),
  spotlight: () => {
    const value = bound("remote-spotlight-pick").value;
    if (!value) return null;
    const [kind, id] = [value.slice(0, value.indexOf(":")), value.slice(value.indexOf(":") + 1)];
    return steer(COMMANDS.SET_SPOTLIGHT, { kind, id });
  },
  "spotlight-clear": () => steer(COMMANDS.SET_SPOTLIGHT, { kind: null }),
  "pitch-next": () => steer(COMMANDS.PITCH_NEXT, {}),
  "pitch-back": () => {
    const { queue, current } = store.workshop.pitch ?? { queue: [] };
    const at = queue.indexOf(current);
    return at > 0 ? steer(COMMANDS.PITCH_NEXT, { to: queue[at - 1] }) : null;
  },
  "pitch-stop": () => steer(COMMANDS.PITCH_STOP, {}),
  "pointer-hide": () => point(null),
};

document.body.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-steer]");
  if (button && BUTTONS[button.dataset.steer]) BUTTONS[button.dataset.steer]();
});

bound("remote-pitch-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target.elements;
  steer(COMMANDS.PITCH_START, { step: Number(form.step.value), of: form.of.value, order: form.order.value,
                                minutes: Number(form.minutes.value) });
});

// The pointer pad: the projector's board in miniature. A touch or a click shows the dot
// there; moving the finger moves it (at most ~30 frames a second); lifting it leaves it.
const pad = bound("remote-pad");
let lastFrame = 0;
function pointAt(event) {
  const box = pad.getBoundingClientRect();
  const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
  const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
  const now = performance.now();
  if (event.type === "pointermove" && now - lastFrame < POINTER_FRAME_MS) return;
  lastFrame = now;
  point({ x, y }, event.type === "pointermove");
}

let pointed = null; // where the dot is, for the arrow keys
/** Show the dot at `at` ({x, y} in 0..1), or hide it (null). The first touch must arrive;
 *  the frames after it may be dropped: the next one follows. */
function point(at, frame = false) {
  pointed = at;
  if (frame) connection.sendVolatile(COMMANDS.POINTER, at);
  else steer(COMMANDS.POINTER, at ?? { x: null });
}
pad.addEventListener("pointerdown", (event) => {
  pad.setPointerCapture(event.pointerId);
  pointAt(event);
});
pad.addEventListener("pointermove", (event) => { if (pad.hasPointerCapture(event.pointerId)) pointAt(event); });
// The keyboard points too: the arrows move the dot (Shift for larger steps), Escape hides it.
const KEY_MOVES = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
pad.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    point(null);
    return;
  }
  const move = KEY_MOVES[event.key];
  if (!move) return;
  event.preventDefault();
  const step = event.shiftKey ? 0.1 : 0.025;
  const from = pointed ?? { x: 0.5, y: 0.5 };
  point({ x: Math.min(1, Math.max(0, from.x + move[0] * step)), y: Math.min(1, Math.max(0, from.y + move[1] * step)) });
});

/** The run sheet in brief: today's expected end, the warning with what to shorten or move
 *  when the day runs late, and what comes next (the full run sheet is on the laptop). */
async function showAgenda() {
  const box = bound("remote-agenda");
  if (!store.workshop?.agenda) {
    box.hidden = true;
    return;
  }
  const answer = await fetch(`/w/${encodeURIComponent(workshopId)}/agenda.json`, { credentials: "same-origin" })
    .catch(() => null);
  const forecast = answer?.ok ? (await answer.json()).forecast : undefined;
  if (forecast === undefined) return; // offline: keep what it said
  box.hidden = !forecast;
  if (!forecast) return;
  const day = forecast.days.find((each) => each.items.some((item) => ["running", "next", "planned"].includes(item.state)))
    ?? forecast.days.at(-1);
  bound("remote-agenda-end").replaceChildren(dayEndsList(day));
  const warning = bound("remote-agenda-warning");
  warning.hidden = !day.suggestion;
  if (day.suggestion) {
    warning.replaceChildren(el("p", "remote-agenda-late", t("agenda_warning", { n: day.suggestion.late })),
                            ...suggestionNodes(day.suggestion));
  }
  const next = forecast.next;
  setText("remote-agenda-next", next ? t("next_up", { title: next.title, time: wallClock(next.start) }) : "");
}

store.addEventListener("change", ({ detail }) => {
  if ([EVENTS.STEP_CHANGED, EVENTS.AGENDA_SET, "snapshot"].includes(detail.kind)) showAgenda();
});
setInterval(showAgenda, AGENDA_REFRESH_MS);
store.addEventListener("change", render);
connection.addEventListener("snapshot", (event) => store.load(event.detail));
connection.addEventListener("event", (event) => {
  if (event.detail.own) store.applyOwn(event.detail);
  else store.apply(event.detail);
});
connection.addEventListener("presence", (event) => store.setOnline(event.detail.online));
connection.addEventListener("state", (event) => {
  const { state } = event.detail;
  if (state === "unauthorized" || state === "closed") {
    window.location.reload();
    return;
  }
  bound("connection").dataset.state = state;
  document.body.classList.toggle("offline", state !== "online"); // the buttons look it
  setText("connection-text", t(`connection_${state === "online" ? "online" : state === "offline" ? "offline" : "connecting"}`));
  if (state === "online") bound("remote-failed").hidden = true;
});
setInterval(tick, TICK_MS);
connection.start();
