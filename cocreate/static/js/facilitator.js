// The facilitator's panel: step navigation, sharing, lock, workshop title and goal.

import { COMMANDS } from "./protocol.js";
import { errorText, t } from "./i18n.js";

const bound = (name) => document.querySelector(`[data-bind="${name}"]`);

export class FacilitatorPanel {
  constructor({ store, connection, toast }) {
    this.store = store;
    this.connection = connection;
    this.toast = toast;
    this.formTouched = false;
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
    bound("lock-toggle").addEventListener("click", () =>
      this.#send(COMMANDS.WORKSHOP_LOCK, { locked: !this.store.workshop.locked }));
    const form = bound("workshop-form");
    form.addEventListener("input", () => { this.formTouched = true; });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const ok = await this.#send(COMMANDS.WORKSHOP_EDIT, {
        title: form.elements.title.value.trim(), goal: form.elements.goal.value.trim(),
      });
      if (ok) this.formTouched = false;
    });
  }

  /** Reflect the store: which step is current, lock state, settings. */
  render() {
    const { store } = this;
    if (!store.ready) return;
    const list = bound("step-list");
    list.replaceChildren(...store.steps.map((step, index) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "step-button";
      button.dataset.index = String(index);
      const number = document.createElement("span");
      number.className = "step-number";
      number.textContent = String(index + 1);
      const title = document.createElement("span");
      title.textContent = step.title;
      button.append(number, title);
      button.setAttribute("aria-label", t("step_go", { n: index + 1, title: step.title }));
      if (index === store.currentIndex) button.setAttribute("aria-current", "step");
      item.append(button);
      return item;
    }));
    bound("step-prev").disabled = store.currentIndex === 0;
    bound("step-next").disabled = store.currentIndex >= store.steps.length - 1;
    const lock = bound("lock-toggle");
    lock.textContent = store.workshop.locked ? t("unlock_board") : t("lock_board");
    lock.setAttribute("aria-pressed", String(store.workshop.locked));
    const form = bound("workshop-form");
    if (!this.formTouched) {
      form.elements.title.value = store.workshop.title;
      form.elements.goal.value = store.workshop.goal;
    }
  }

  async #go(index) {
    if (index < 0 || index >= this.store.steps.length) return;
    await this.#send(COMMANDS.STEP_GO, { index });
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

  async #send(name, payload) {
    const ack = await this.connection.send(name, payload);
    if (!ack.ok) this.toast(errorText(ack.error));
    return ack.ok;
  }
}
