// The socket: connects with the workshop id (the token travels in an HttpOnly cookie),
// keeps `seq` in order, asks for a snapshot on any gap, and reports its state. The outbox
// keeps the commands that must not be lost until the server acknowledged them.

import { io } from "../vendor/socket.io.esm.min.js";
import { COMMANDS, DECLARED, DELIVERY, MESSAGES } from "./protocol.js";
import { errorText, toast } from "./dom.js";

const ACK_TIMEOUT_MS = 20000;

export class Connection extends EventTarget {
  constructor(workshopId) {
    super();
    this.workshopId = workshopId;
    this.seq = null;
    this.resyncing = false;
    this.socket = null;
  }

  /** Open the socket and start dispatching `state`, `snapshot`, `event` and `presence`. */
  start() {
    this.socket = io({ auth: { workshop: this.workshopId } });
    this.socket.on("connect", () => this.#state("online"));
    this.socket.on("disconnect", () => {
      this.seq = null;
      this.#state("offline");
    });
    this.socket.on("connect_error", (err) => {
      if (err?.data?.code === "unauthorized") {
        this.#state("unauthorized");
        this.socket.disconnect();
      } else {
        this.#state("offline");
        // Refused for now (the server's database is away): the client retries no refusal.
        if (err?.data?.code === "unavailable") setTimeout(() => this.socket.connect(), RETRY_MS);
      }
    });
    this.socket.io.on("reconnect_attempt", () => this.#state("connecting"));
    this.socket.on(MESSAGES.SNAPSHOT, (snapshot) => this.#snapshot(snapshot));
    this.socket.on(MESSAGES.EVENT, (message) => this.#event(message));
    this.socket.on(MESSAGES.PRESENCE, (presence) => this.#dispatch("presence", presence));
    this.socket.on(MESSAGES.DRAG, (frame) => this.#dispatch("drag", frame));
    this.socket.on(MESSAGES.POINTER, (frame) => this.#dispatch("pointer", frame));
    this.socket.on(MESSAGES.CLOSED, () => {
      this.socket.disconnect();
      this.#state("closed");
    });
  }

  /** True while the socket is connected and has its snapshot. */
  get connected() {
    return Boolean(this.socket?.connected) && this.seq !== null;
  }

  /** Send a command; resolves with its ack `{ok, ...}`, never rejects. */
  async send(name, payload) {
    try {
      return await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(name, payload);
    } catch {
      return { ok: false, error: { code: "timeout", message: "No answer from the server." } };
    }
  }

  /** Send a command without waiting for an answer (drag frames: the next one follows). */
  sendVolatile(name, payload) {
    if (this.socket?.connected) this.socket.volatile.emit(name, payload);
  }

  async #resync() {
    if (this.resyncing) return;
    this.resyncing = true;
    const ack = await this.send(COMMANDS.SYNC, {});
    this.resyncing = false;
    if (ack.ok) this.#snapshot(ack.snapshot);
  }

  #snapshot(snapshot) {
    this.seq = snapshot.seq;
    this.#dispatch("snapshot", snapshot);
  }

  #event(message) {
    // The owner's fuller copy of a change they already applied (same seq).
    if (message.own && this.seq !== null && message.seq <= this.seq) {
      this.#dispatch("event", message);
      return;
    }
    if (this.seq === null || message.seq <= this.seq) return;
    if (message.seq !== this.seq + 1) {
      this.#resync();
      return;
    }
    this.seq = message.seq;
    this.#dispatch("event", message);
  }

  #state(state) {
    this.#dispatch("state", { state });
  }

  #dispatch(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

let route = { connection: null, outbox: null };

/** Let `send` use this page's connection and outbox (the remote has none). */
export function sendThrough(connection, outbox = null) {
  route = { connection, outbox };
}

/** Send a command as protocol.js declares it: by the outbox when it may wait offline, else
 *  now. Resolves with its ack `{ok, ...}`, never rejects. */
export function send(name, payload) {
  const [delivery] = DECLARED[name];
  return (delivery === DELIVERY.OUTBOX && route.outbox || route.connection).send(name, payload);
}

/** `send`; a refusal shows in the toast unless `expected(error)`. Resolves with the ack. */
export async function sendOrShowError(name, payload, expected = () => false) {
  const ack = await send(name, payload);
  if (!ack.ok && !expected(ack.error)) toast(errorText(ack.error));
  return ack;
}

/** `sendOrShowError`; resolves with true when the command went through. */
export async function sent(name, payload) {
  return (await sendOrShowError(name, payload)).ok;
}

const RETRY_CODES = new Set(["timeout", "rate_limited", "internal", "unavailable"]);
const RETRY_MS = 3000;

// The room's work (the commands declared "outbox": notes, votes, actions, clusters, the
// workshop's title) waits here while offline. Commands that steer the room are declared
// "live": sent now through the Connection or refused, never replayed later (docs/protocol.md).
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
