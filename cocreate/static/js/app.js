// The board page: wires connection, store and views for the participant,
// facilitator and projector pages (data-view on <body>).

import { Connection, Outbox, sendOrShowError, sendThrough } from "./connection.js";
import { BoardStore } from "./store.js";
import { BoardView, TimerView } from "./board.js";
import { Mover, Notes } from "./notes.js";
import { Voting } from "./voting.js";
import { COMMANDS, EVENTS } from "./protocol.js";
import { bound, errorText, setText, styles, t, toast } from "./dom.js";

const { view, workshop: workshopId } = document.body.dataset;

const store = new BoardStore();
const connection = new Connection(workshopId);
const outbox = new Outbox(connection, workshopId);
sendThrough(connection, outbox);
const facilitation = view === "facilitate" ? await import("./facilitator.js") : null;
const board = facilitation ? new facilitation.FacilitatorBoard(store) : new BoardView(store, { controls: view !== "present" });
const timer = new TimerView(store, { onDone: () => render() });
// Dates as people in the page's language write them ("15 december 2026").
const dates = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "long", timeZone: "UTC" });
const formatDate = (iso) => dates.format(new Date(`${iso}T00:00:00Z`));
// Actions (actions.js) load once this board has some or makes them here: not on a phone
// in the first steps of a workshop.
let actions = null;
let actionsLoading = null;
const loadActions = () => (actionsLoading ??= import("./actions.js").then((m) => {
  actions = new m.ActionsView({ store, formatDate });
  actions.start();
  actions.render();
  return actions;
}));
const makeAction = async (ids) => (await loadActions()).useNotes(ids);
const notes = view === "present" ? null : new Notes({ store, board, onMakeAction: makeAction });
const voting = new Voting({ store, board });
const mover = new Mover({ store, connection, board,
                          announce: (text) => { bound("announcer").textContent = text; } });
board.moveWith(mover);
let panel = null;
let projector = null;
let tables = null; // the tables (tables.js), loaded once the workshop has tables
let tablesLoading = null;
let review = null; // the review step's module, loaded when a review step is first shown
let steering = null; // spotlight, pitch, pause, pointer (steering.js): loaded at first use
let steeringLoading = null;
const steer = () => (steeringLoading ??= import("./steering.js")
  .then((m) => m.start({ store, view, board: board.root })).then((made) => (steering = made)));
let nextUp = null;

function renderRoom() {
  const { ready, total } = store.readiness();
  setText("ready-count", total ? t("ready_count", { ready, total }) : t("nobody_yet"));
  // Online: the room, not the facilitator.
  const online = [...store.online].filter((id) => store.participants.get(id)?.role !== "facilitator").length;
  setText("online-count", t("online_count", { n: online }));
  for (const node of document.querySelectorAll("[data-bind^=online-]")) node.hidden = !total;
  const toggle = bound("ready-toggle");
  if (toggle && store.me) {
    toggle.setAttribute("aria-pressed", String(Boolean(store.me.ready)));
    toggle.textContent = store.me.ready ? t("ready_done") : t("ready_button");
  }
  panel?.renderPeople();
}

function render() {
  // Only a workshop at tables loads their code.
  if (store.workshop?.tables.length) {
    // The tables' styles (tables.css) come with their code: the notes regroup once both apply.
    tablesLoading ??= Promise.all([import("./tables.js"), styles("tables")]).then(([module]) => {
      tables = new module.Tables({ store, board, view });
      board.seatAt(tables);
      render();
    });
  }
  board.render();
  timer.render();
  notes?.refresh();
  voting.render();
  if (view !== "present" && (store.actions.size || store.makesActionsHere())) loadActions();
  actions?.render();
  if (store.currentStep?.key === "review") review ??= import("./review.js").then((m) => new m.Review(store, formatDate));
  review?.then((shown) => shown.render());
  if (store.workshop?.agenda) nextUp ??= import("./next-up.js").then((m) => new m.NextUp(store));
  panel?.render();
  tables?.render();
  projector?.render(store, board.root);
  if (store.workshop.spotlight || store.workshop.pitch || store.workshop.paused) steer();
  steering?.render();
  renderRoom();
}

function announce(kind, data) {
  // A private note has no text to read out.
  if (kind === EVENTS.NOTE_ADDED && data.step === store.currentIndex && !store.isMine(data) && !data.hidden) {
    bound("announcer").textContent = t("note_added_announce", { text: data.text });
  }
}

store.addEventListener("change", (event) => {
  const { kind, data } = event.detail;
  if (kind === EVENTS.NOTE_MOVED || kind === "own") mover.settleRemote(data?.id);
  if (kind === "presence") renderRoom();
  else if (kind === "own-vote") {
    board.render();
    voting.render();
  }
  else render();
  announce(kind, data);
});

connection.addEventListener("snapshot", (event) => {
  store.load(event.detail);
  // Notes written while offline (even before a reload) show until the server has them.
  for (const note of outbox.queued(COMMANDS.NOTE_ADD)) {
    if (!store.notes.has(note.id)) {
      store.addPending({ lane: null, anonymous: false, ...note, author: store.me.id,
                         author_name: store.me.name, version: 0 });
    }
  }
  outbox.flush();
});
outbox.addEventListener("failed", (event) => {
  const { item, ack } = event.detail;
  if (item.name === COMMANDS.NOTE_ADD) store.dropPending(item.payload.id);
  toast(errorText(ack.error));
});
connection.addEventListener("event", (event) => {
  if (event.detail.own) store.applyOwn(event.detail);
  else store.apply(event.detail);
});
connection.addEventListener("presence", (event) => store.setOnline(event.detail.online));
if (view === "present") {
  connection.addEventListener("pointer", async (event) => (await steer()).point(event.detail));
}
connection.addEventListener("state", (event) => {
  const { state } = event.detail;
  if (state === "unauthorized" || state === "closed") {
    window.location.reload(); // the server's page says why: no access, or no workshop any more
    return;
  }
  const indicator = bound("connection");
  indicator.dataset.state = state;
  setText("connection-text", t(`connection_${state === "online" ? "online" : state === "offline" ? "offline" : "connecting"}`));
});

// Ready means ready for this step: sent now or not at all (see Outbox).
bound("ready-toggle")?.addEventListener("click", () =>
  sendOrShowError(COMMANDS.PARTICIPANT_READY, { ready: !store.me?.ready }));

if (facilitation) {
  panel = new facilitation.FacilitatorPanel({ store, connection, board, onMakeAction: makeAction });
  panel.start();
}
if (view === "present") {
  projector = await import("./projector.js");
  projector.startProjector(board.root);
}
notes?.start();
mover.start();
voting.start();
connection.start();
