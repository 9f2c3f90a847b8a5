// The countdown every screen shows: the server holds the end time, each browser
// corrects for its own clock, and a gentle chime sounds once at zero.

import { t } from "./dom.js";

const TICK_MS = 250;

function format(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return `${minutes}:${seconds}`;
}

function chime() {
  try {
    const audio = new AudioContext();
    const gain = audio.createGain();
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 1.6);
    gain.connect(audio.destination);
    for (const [index, frequency] of [660, 880].entries()) {
      const tone = audio.createOscillator();
      tone.type = "sine";
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start(audio.currentTime + index * 0.25);
      tone.stop(audio.currentTime + 1.6);
    }
  } catch {
    // No audio (autoplay policy, no device): the visual signal is enough.
  }
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
      for (const el of this.elements) el.hidden = true;
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
    for (const el of this.elements) {
      el.hidden = false;
      el.dataset.state = done ? "done" : left < 30000 ? "ending" : "running";
      el.querySelector('[data-bind="timer-value"]').textContent = done ? t("timer_done") : format(left);
    }
    if (done && this.chimedFor !== timer.ends_at) {
      // Only chime for a countdown that ran out while this page watched it.
      if (this.chimedFor !== null || left > -3000) chime();
      this.chimedFor = timer.ends_at;
      this.onDone?.();
    } else if (!done && this.chimedFor === null) {
      this.chimedFor = "";
    }
  }
}
