// What the facilitator steers live, on every screen: the spotlight (the projector shows it
// large, boards bring it into view and mark it), a pitch round, "eyes to the front" on
// participants' screens, and the facilitator's pointer on the projector. app.js loads this
// module the first time one of them is in use.

import { COMMANDS } from "./protocol.js";
import { el, laterTexts, softText, styles, t } from "./dom.js";
import { sendOrShowError } from "./connection.js";

const POINTER_IDLE_MS = 4000; // a pointer no frame moved for this long fades away
// The projector's stage fills the screen: its notes' text as large as fits, in rem, from as
// large as one note in the spotlight down to what a full pitch still shows whole.
const STAGE_LARGEST = 4.4;
const STAGE_SMALLEST = 1.35;
const STAGE_PRECISION = 0.05;
const STAGE_MARGIN = 16; // px kept free under the stage

/** The spotlight's subject as a title and its notes, in this viewer's store. */
function subject(store, spotlight) {
  if (!spotlight) return null;
  const live = [...store.notes.values()].filter((note) => !note.hidden);
  if (spotlight.kind === "note") {
    const note = store.notes.get(spotlight.id);
    return note && !note.hidden ? { title: "", notes: [note] } : null;
  }
  if (spotlight.kind === "cluster") {
    const cluster = store.clusters.get(spotlight.id);
    return cluster && { title: cluster.title || t("cluster_untitled"),
                        notes: live.filter((note) => note.group === cluster.id) };
  }
  const step = store.workshop.pitch?.step ?? store.currentIndex;
  if (spotlight.kind === "table") {
    const table = store.workshop.tables.find((candidate) => candidate.id === spotlight.id);
    return table && { title: table.name,
                      notes: live.filter((note) => note.table === table.id && note.step === step) };
  }
  const person = store.participants.get(spotlight.id);
  // Only notes with their author's name: an anonymous note never says whose it is.
  return person && { title: person.name,
                     notes: live.filter((note) => note.author === person.id && note.step === step) };
}

function noteCard(note, named) {
  const card = el("li", `stage-note note note-${note.color ?? "yellow"}`);
  card.append(softText(el("p", "note-text"), note.text)); // long Dutch words break at their hyphens
  if (note.author_name && !named) card.append(el("p", "note-meta", note.author_name));
  return card;
}

/** The module's view of the page, once its strings are here; shows the room's state. */
export async function start(options) {
  await laterTexts();
  const steering = new Steering(options);
  steering.render();
  return steering;
}

class Steering {
  constructor({ store, view, board }) {
    this.store = store;
    this.view = view;
    this.board = board;
    this.followed = null; // the spotlight this board last brought into view
    this.dismissed = null; // the spotlight this person stepped out of
    this.before = null; // what had the focus before the pause screen took it
    this.pointerTimer = null;
    this.#build();
    if (this.view === "present") {
      // Fitted again once its styles are here, the window changes or long words got their hyphens.
      styles("steering").then(() => this.#fitStage());
      window.addEventListener("resize", () => this.#fitStage());
      document.addEventListener("cc:reflow", () => this.#fitStage());
    } else {
      styles("steering");
    }
  }

  #build() {
    const main = this.board.closest(".board-main") ?? this.board.parentElement;
    this.stage = el("section", "stage");
    this.stage.hidden = true;
    this.stage.setAttribute("aria-live", "polite");
    main.insertBefore(this.stage, this.board);
    this.banner = el("div", "spotlight-banner");
    this.banner.setAttribute("role", "status");
    this.banner.hidden = true;
    main.insertBefore(this.banner, main.firstChild);
    this.pause = el("div", "pause-screen");
    this.pause.hidden = true;
    this.pause.setAttribute("role", "dialog");
    this.pause.setAttribute("aria-modal", "true");
    this.pause.setAttribute("aria-labelledby", "pause-title");
    const title = el("h2", "", t("pause_title"));
    title.id = "pause-title";
    title.tabIndex = -1;
    this.pause.append(title, el("p", "", t("pause_text")));
    document.body.append(this.pause);
    this.dot = el("div", "pointer-dot");
    this.dot.hidden = true;
    this.dot.setAttribute("aria-hidden", "true");
    document.body.append(this.dot);
    this.banner.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-steer]");
      if (!button) return;
      if (button.dataset.steer === "show") this.#bringIntoView(true);
      if (button.dataset.steer === "leave") {
        this.dismissed = JSON.stringify(this.store.workshop.spotlight);
        this.render();
      }
      if (button.dataset.steer === "clear") sendOrShowError(COMMANDS.SET_SPOTLIGHT, { kind: null });
      if (button.dataset.steer === "pitch-stop") sendOrShowError(COMMANDS.PITCH_STOP, {});
      if (button.dataset.steer === "release") sendOrShowError(COMMANDS.ROOM_PAUSE, { on: false });
    });
  }

  /** Follow the store: call after every change. */
  render() {
    const workshop = this.store.workshop;
    if (!workshop) return;
    const spotlight = workshop.spotlight ?? null;
    const shown = subject(this.store, spotlight);
    if (this.view === "present") {
      this.#stageFor(shown, spotlight);
      // The join panel's "Uitslag van de stemming" gives way while the room looks elsewhere.
      document.body.classList.toggle("room-paused", Boolean(workshop.paused));
    } else {
      this.#bannerFor(shown, spotlight);
    }
    this.#pauseFor(Boolean(workshop.paused));
  }

  /** The projector: the spotlight (or who pitches now) large, in place of the board. */
  #stageFor(shown, spotlight) {
    document.body.classList.toggle("spotlighting", Boolean(shown));
    // A pitch round says who is next; the agenda's "Hierna:" waits until the round is over.
    document.body.classList.toggle("pitching", Boolean(shown && this.store.workshop.pitch?.current));
    this.stage.hidden = !shown;
    if (!shown) {
      this.stage.replaceChildren();
      return;
    }
    const parts = [];
    const pitch = this.store.workshop.pitch;
    if (pitch?.current) {
      const at = pitch.queue.indexOf(pitch.current);
      const step = this.store.steps[pitch.step]?.title ?? "";
      parts.push(el("p", "stage-kicker", t("pitch_now", { at: at + 1, of: pitch.queue.length, step })));
    } else {
      parts.push(el("p", "stage-kicker", t("spotlight_kicker")));
    }
    if (shown.title) parts.push(softText(el("h2", "stage-title"), shown.title));
    const list = el("ul", "stage-notes");
    list.dataset.count = String(shown.notes.length);
    // Under a person's name their notes need no name of their own.
    list.append(...shown.notes.map((note) => noteCard(note, spotlight.kind === "participant")));
    if (shown.notes.length) parts.push(list);
    else if (spotlight.kind !== "note") parts.push(el("p", "stage-empty", t("spotlight_no_notes")));
    const next = pitch?.current ? pitch.queue[pitch.queue.indexOf(pitch.current) + 1] : null;
    const nextName = next && (this.store.participants.get(next)?.name
      ?? this.store.workshop.tables.find((table) => table.id === next)?.name);
    if (nextName) parts.push(el("p", "stage-next", t("pitch_next_up", { name: nextName })));
    this.stage.replaceChildren(...parts);
    this.#fitStage();
  }

  /** The stage's notes as large as the screen below the step header holds them whole:
   *  read from the back of the room, whether one note is in the spotlight or six in a pitch. */
  #fitStage() {
    const list = this.stage.querySelector(".stage-notes");
    if (this.stage.hidden || !list) return;
    const fits = (size) => {
      list.style.setProperty("--stage-text", `${size}rem`);
      return this.stage.lastElementChild.getBoundingClientRect().bottom <= window.innerHeight - STAGE_MARGIN;
    };
    let [low, high] = [STAGE_SMALLEST, STAGE_LARGEST];
    if (fits(high)) return;
    while (high - low > STAGE_PRECISION) { // fitting only gets easier as the text shrinks
      const middle = (low + high) / 2;
      if (fits(middle)) low = middle;
      else high = middle;
    }
    fits(low);
  }

  /** A board: a banner naming the spotlight, the note marked and, on a participant's
   *  board, brought into view once (follow me); "Niet volgen" steps out until the next
   *  spotlight. The facilitator's banner takes it down for everyone. */
  #bannerFor(shown, spotlight) {
    const key = JSON.stringify(spotlight);
    const facilitator = this.store.isFacilitator;
    const me = spotlight?.kind === "participant" && spotlight.id === this.store.me?.id;
    const visible = Boolean(shown) && (facilitator || me || this.dismissed !== key);
    for (const marked of this.board.querySelectorAll(".spotlit")) marked.classList.remove("spotlit");
    this.banner.hidden = !visible && !(facilitator && this.store.workshop.paused);
    const parts = [];
    const pitching = Boolean(this.store.workshop.pitch?.current);
    if (visible && me) {
      parts.push(el("strong", "spotlight-what", t(pitching ? "pitch_your_turn" : "spotlight_you")));
    } else if (visible) {
      const what = spotlight.kind === "note" ? shown.notes[0].text : shown.title;
      parts.push(el("span", "spotlight-label", t("spotlight_banner")), el("strong", "spotlight-what", what));
      if (spotlight.kind === "note") parts.push(this.#button("show", t("spotlight_show")));
      // During a pitch round the facilitator ends the round, not just the spotlight on it.
      if (facilitator) parts.push(pitching ? this.#button("pitch-stop", t("pitch_stop_round")) : this.#button("clear", t("spotlight_clear")));
      else parts.push(this.#button("leave", t("spotlight_leave")));
    }
    if (visible) {
      for (const note of shown.notes) {
        this.board.querySelector(`[data-id="${CSS.escape(note.id)}"]`)?.classList.add("spotlit");
      }
    }
    if (facilitator && this.store.workshop.paused) {
      parts.push(el("span", "spotlight-label", t("pause_active")), this.#button("release", t("pause_release")));
    }
    this.banner.replaceChildren(...parts);
    // The facilitator put it there (from the remote, or this board) and keeps their place:
    // their board never jumps; "Toon op mijn bord" brings it into view when they want it.
    if (visible && this.followed !== key && !facilitator) {
      this.followed = key;
      this.#bringIntoView(false);
    }
    if (!shown) this.followed = null;
  }

  #button(name, text) {
    const button = el("button", "button small", text);
    button.type = "button";
    button.dataset.steer = name;
    return button;
  }

  #bringIntoView(focus) {
    const marked = this.board.querySelector(".spotlit");
    if (!marked) return;
    marked.scrollIntoView({ block: "center", behavior: "smooth" });
    if (focus) marked.focus?.({ preventScroll: true });
  }

  /** "Kijk even naar voren": a calm screen over a participant's board. What they were
   *  writing stays as it was underneath; the projector and the facilitator never pause. */
  #pauseFor(paused) {
    const applies = paused && this.view === "board";
    if (applies === !this.pause.hidden) return;
    this.pause.hidden = !applies;
    for (const child of document.body.children) {
      if (child !== this.pause && child !== this.dot) child.inert = applies;
    }
    if (applies) {
      this.before = document.activeElement;
      this.pause.querySelector("h2").focus();
    } else {
      this.before?.focus?.({ preventScroll: true });
      this.before = null;
    }
  }

  /** A frame of the facilitator's pointer: a dot on the projector's board, or gone. */
  point({ x, y }) {
    if (this.view !== "present") return;
    clearTimeout(this.pointerTimer);
    if (x === null || x === undefined) {
      this.dot.hidden = true;
      return;
    }
    const area = (document.body.classList.contains("spotlighting") ? this.stage : this.board).getBoundingClientRect();
    this.dot.style.left = `${area.left + x * area.width}px`;
    this.dot.style.top = `${area.top + y * area.height}px`;
    this.dot.hidden = false;
    this.pointerTimer = setTimeout(() => { this.dot.hidden = true; }, POINTER_IDLE_MS);
  }
}
