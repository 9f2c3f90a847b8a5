// The socket: connects with the workshop id (the token travels in an HttpOnly cookie),
// keeps `seq` in order, asks for a snapshot on any gap, and reports its state.

import { io } from "../vendor/socket.io.esm.min.js";
import { COMMANDS, MESSAGES } from "./protocol.js";

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
      }
    });
    this.socket.io.on("reconnect_attempt", () => this.#state("connecting"));
    this.socket.on(MESSAGES.SNAPSHOT, (snapshot) => this.#snapshot(snapshot));
    this.socket.on(MESSAGES.EVENT, (message) => this.#event(message));
    this.socket.on(MESSAGES.PRESENCE, (presence) => this.#dispatch("presence", presence));
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
