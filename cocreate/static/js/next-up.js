// What comes next in the room — the next step or break and when — under the step's prompt
// on the participants' boards, the projector and the facilitator's board. Asked from the
// server's forecast when the step or the agenda changes and every minute, as it moves with
// the clock. Loaded, with its strings, only by a workshop with an agenda.

import { EVENTS } from "./protocol.js";
import { bound, el, laterTexts, t } from "./dom.js";

const REFRESH_MS = 60_000;
const SPREAD_MS = 3_000;
const days = new Intl.DateTimeFormat(document.documentElement.lang || "nl",
                                     { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });

await laterTexts();

/** The forecast now (`GET agenda.json`): null without an agenda, undefined when offline. */
export async function askForecast(store) {
  const id = encodeURIComponent(store.workshop.id);
  const answer = await fetch(`/w/${id}/agenda.json`, { credentials: "same-origin" }).catch(() => null);
  return answer?.ok ? (await answer.json()).forecast : undefined;
}

export class NextUp {
  constructor(store) {
    this.store = store;
    this.forecast = null;
    // Styled as the prompt it follows, so no page carries styles for it.
    this.box = el("p", "step-prompt whats-next");
    this.box.dataset.bind = "whats-next";
    this.box.setAttribute("role", "status");
    this.box.hidden = true;
    bound("step-prompt").after(this.box);
    store.addEventListener("change", ({ detail }) => {
      // Spread over a few seconds: the whole room asks after the same change.
      if ([EVENTS.STEP_CHANGED, EVENTS.AGENDA_SET, "snapshot"].includes(detail.kind)) {
        setTimeout(() => this.refresh(), Math.random() * SPREAD_MS);
      }
    });
    setInterval(() => this.refresh(), REFRESH_MS);
    this.refresh();
  }

  async refresh() {
    if (!this.store.workshop?.agenda) {
      this.box.hidden = true;
      return;
    }
    const forecast = await askForecast(this.store);
    if (forecast === undefined) return;
    this.forecast = forecast;
    this.show();
  }

  show() {
    const next = this.store.workshop?.agenda ? this.forecast?.next : null;
    this.box.hidden = !next;
    if (!next) return;
    const time = next.start.slice(11, 16);
    const sameDay = next.start.slice(0, 10) === this.forecast.now.slice(0, 10);
    const text = sameDay ? t("next_up", { title: next.title, time })
      : t("next_up_day", { title: next.title, time, day: days.format(new Date(`${next.start.slice(0, 10)}T00:00:00Z`)) });
    if (this.box.textContent !== text) this.box.replaceChildren(el("strong", null, text));
  }
}
