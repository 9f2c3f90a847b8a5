// Commands that must not be lost (notes, edits, votes, actions): kept in localStorage until
// the server acknowledged them, and sent in order whenever the socket is connected. They
// survive a reload; the server ignores a repeat of the same client id, so nothing doubles.

const RETRY_CODES = new Set(["timeout", "rate_limited", "internal"]);
const RETRY_MS = 3000;

export class Outbox extends EventTarget {
  constructor(connection, workshopId) {
    super();
    this.connection = connection;
    this.key = `cocreate:outbox:${workshopId}`;
    this.items = this.#load();
    this.waiting = new Map();
    this.flushing = false;
    this.retry = null;
  }

  /** Queue a command; resolves with its ack once the server answered. Never rejects. */
  send(name, payload) {
    const item = { ref: `${Date.now()}-${Math.random()}`, name, payload };
    this.items.push(item);
    this.#save();
    const answered = new Promise((resolve) => this.waiting.set(item.ref, resolve));
    this.flush();
    return answered;
  }

  /** Send what is queued, oldest first, until the queue is empty or the socket drops. */
  async flush() {
    if (this.flushing || !this.connection.connected) return;
    this.flushing = true;
    clearTimeout(this.retry);
    while (this.items.length && this.connection.connected) {
      const item = this.items[0];
      const ack = await this.connection.send(item.name, item.payload);
      if (!ack.ok && RETRY_CODES.has(ack.error?.code)) {
        this.retry = setTimeout(() => this.flush(), RETRY_MS);
        break;
      }
      this.items.shift();
      this.#save();
      const resolve = this.waiting.get(item.ref);
      this.waiting.delete(item.ref);
      if (resolve) resolve(ack);
      else if (!ack.ok) this.dispatchEvent(new CustomEvent("failed", { detail: { item, ack } }));
    }
    this.flushing = false;
  }

  /** Queued commands of one kind (for showing notes as "not yet sent"). */
  queued(name) {
    return this.items.filter((item) => item.name === name).map((item) => item.payload);
  }

  #load() {
    try {
      const items = JSON.parse(localStorage.getItem(this.key) ?? "[]");
      return Array.isArray(items) ? items : [];
    } catch {
      return [];
    }
  }

  #save() {
    try {
      if (this.items.length) localStorage.setItem(this.key, JSON.stringify(this.items));
      else localStorage.removeItem(this.key);
    } catch {
      // Storage full or disabled: the queue still lives in memory for this page.
    }
  }
}
