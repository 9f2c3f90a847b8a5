// What comes next in the room — the next step or break and when — on the participants'
// boards and the projector (and above the facilitator's board). Asked from the server's
// forecast when the step or the agenda changes and every minute, as it moves with the
// clock. Loaded only by a workshop with an agenda.

import { bound, t } from "./dom.js";

const REFRESH_MS = 60_000;
const days = new Intl.DateTimeFormat(document.documentElement.lang || "nl",
                                     { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });

export class NextUp {
  constructor(store) {
    this.store = store;
    this.forecast = null;
    this.seen = null;
    setInterval(() => this.refresh(), REFRESH_MS);
  }

  async refresh() {
    const id = encodeURIComponent(this.store.workshop.id);
    const answer = await fetch(`/w/${id}/agenda.json`, { credentials: "same-origin" }).catch(() => null);
    if (!answer?.ok) return;
    this.forecast = (await answer.json()).forecast;
    this.show();
  }

  /** Follow the store: another step or agenda asks the server again. */
  render() {
    const { store } = this;
    const key = JSON.stringify([store.workshop?.agenda, store.currentIndex, store.currentStep?.started_at]);
    if (key !== this.seen) {
      this.seen = key;
      this.refresh();
    }
    this.show();
  }

  show() {
    const box = bound("whats-next");
    const next = this.store.workshop?.agenda ? this.forecast?.next : null;
    box.hidden = !next;
    if (!next) return;
    const time = next.start.slice(11, 16);
    const sameDay = next.start.slice(0, 10) === this.forecast.now.slice(0, 10);
    box.textContent = sameDay ? t("next_up", { title: next.title, time })
      : t("next_up_day", { title: next.title, time, day: days.format(new Date(`${next.start.slice(0, 10)}T00:00:00Z`)) });
  }
}
