// Update links a board may show but lacks — an action just handed to this participant ("Ik
// pak dit op"), any new one on the facilitator's board — asked for with `action:link`: its
// ack alone carries the link, never the room's events. Loaded when a link is missing.

import { COMMANDS } from "./protocol.js";
import { send } from "./connection.js";

const asked = new Set();

/** Ask, once per link version, for each link the actions view may show but lacks. */
export async function askLinks({ store }) {
  for (const action of [...store.actions.values()]) {
    const key = `${action.id}:${action.link_version}`;
    const mine = store.isFacilitator || action.owner?.id === store.me.id;
    if (action.update_url || !mine || asked.has(key)) continue;
    asked.add(key);
    const ack = await send(COMMANDS.ACTION_LINK, { id: action.id });
    const now = store.actions.get(action.id);
    if (ack.ok && now?.link_version === action.link_version) {
      store.actions.set(action.id, { ...now, update_url: ack.update_url });
      // As the store announces its own changes: the views draw the link.
      store.dispatchEvent(new CustomEvent("change", { detail: { kind: "link", data: now } }));
    } else if (ack.error?.code === "timeout") asked.delete(key);
  }
}
