// Actions: what the team will do, who owns it and by when. Anyone can turn notes into
// an action and take one nobody owns ("ik pak dit op"); the facilitator can change any action.

import { COMMANDS } from "./protocol.js";
import { bound, el, t, uuid4 } from "./dom.js";
import { sent } from "./connection.js";



/** The link to an action's update page: the owner's own (the facilitator sees every one),
 *  to update it after the day. */
export function updateLink(action, store, describedBy) {
  const link = el("a", "action-link", action.owner?.id === store.me.id
    ? t("action_my_link") : t("action_owner_link"));
  link.href = action.update_url;
  link.target = "_blank";
  link.rel = "noopener";
  link.setAttribute("aria-describedby", describedBy);
  return link;
}

export class ActionsView {
  constructor({ store, formatDate }) {
    this.store = store;
    this.formatDate = formatDate;
    this.list = bound("action-list");
    this.form = bound("action-form");
    this.sourceIds = [];
  }

  /** Wire the add form and the buttons on each action. */
  start() {
    if (!this.list) return;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#add();
    });
    bound("action-sources-clear").addEventListener("click", () => this.useNotes([]));
    this.list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      const item = button?.closest("[data-action-id]");
      if (!item) return;
      const id = item.dataset.actionId;
      if (button.dataset.action === "take") sent(COMMANDS.ACTION_EDIT, { id, owner: this.store.me.id });
      if (button.dataset.action === "done") {
        const status = this.store.actions.get(id).status === "done" ? "open" : "done";
        sent(COMMANDS.ACTION_EDIT, { id, status });
      }
      if (button.dataset.action === "remove-action" && window.confirm(t("action_remove_confirm"))) {
        sent(COMMANDS.ACTION_REMOVE, { id });
      }
      if (button.dataset.action === "due") {
        import("./action-due.js").then((m) => m.editDue(item, this.store.actions.get(id)));
      }
      if (button.dataset.action === "owner") {
        import("./action-owner.js").then((m) => m.editOwner(item, this.store.actions.get(id),
                                                            (name) => this.#owner(name)));
      }
    });
  }

  /** Start an action from notes: fill the form with their text and focus the title. */
  useNotes(ids) {
    if (!this.form) return;
    this.sourceIds = ids.filter((id) => this.store.notes.has(id));
    const texts = this.sourceIds.map((id) => this.store.notes.get(id).text);
    const sources = bound("action-sources");
    sources.textContent = texts.length ? t("action_from_notes", { notes: texts.join(" · ") }) : "";
    bound("action-sources-clear").hidden = texts.length === 0;
    if (texts.length) {
      this.form.elements.title.value = texts.length === 1 ? texts[0].slice(0, 200) : "";
      this.form.scrollIntoView({ block: "center" });
      this.form.elements.title.focus();
    }
  }

  /** Draw the list of actions and the owner choices. */
  render() {
    if (!this.list || !this.store.ready) return;
    const owners = bound("action-owner-list");
    owners.replaceChildren(...[...this.store.participants.values()].map((person) => {
      const option = el("option");
      option.value = person.name;
      return option;
    }));
    // At a follow-up's review the review's list shows the carried actions: not twice.
    const reviewing = this.store.currentStep?.key === "review";
    const actions = this.store.sortedActions().filter((action) => !(reviewing && action.carried));
    const making = this.store.makesActionsHere();
    this.form.hidden = !making;
    this.list.closest(".actions-panel").hidden = !making && actions.length === 0;
    bound("actions-empty").hidden = actions.length > 0;
    this.list.replaceChildren(...actions.map((action) => this.#item(action)));
    // Links this viewer may see but lacks: links.js asks for them.
    if (actions.some((a) => !a.update_url)) (this.links ??= import("./links.js")).then((m) => m.askLinks(this));
  }

  #item(action) {
    const item = el("li", `action action-${action.status}`);
    item.dataset.actionId = action.id;
    const title = el("p", "action-title", action.title);
    title.id = `action-title-${action.id}`;
    const meta = el("p", "action-meta muted");
    const owner = action.owner?.name ?? t("plan_no_owner");
    const due = action.due ? this.formatDate(action.due) : t("plan_no_due");
    // Votes only where the action came from voted notes: "0 stemmen" says nothing.
    const votes = action.votes ? ` · ${t("plan_votes", { n: action.votes })}` : "";
    meta.textContent = `${t("col_owner")}: ${owner} · ${t("col_due")}: ${due}${votes}`;
    // Not "Open" beside "Gestopt".
    const status = action.dropped ? el("span", "status", t("action_dropped"))
      : el("span", `status status-${action.status}`, t(`status_${action.status}`));
    const head = el("div", "action-head");
    head.append(title, status);
    item.append(head, meta);
    const latest = action.progress?.findLast((entry) => entry.text);
    if (latest) item.append(el("p", "action-latest", `${t("action_latest")}: ${latest.text}`));
    if (action.update_url) item.append(updateLink(action, this.store, title.id));
    const buttons = el("div", "note-actions");
    // One tap must not take an action from its owner (nor their update link): "Ik pak dit op"
    // only where nobody owns it, for the facilitator too. Another owner is chosen on purpose,
    // in a form that says what it means for the one before.
    const mine = action.owner?.id === this.store.me.id;
    if (!action.owner) buttons.append(this.#button("take", t("action_take"), title.id));
    // Finishing an action or moving its deadline is for its owner, whoever made it, and the
    // facilitator: not for every phone in the room.
    if (mine || this.store.isFacilitator || (!action.owner && action.created_by === this.store.me.id)) {
      buttons.append(this.#button("done", action.status === "done" ? t("action_reopen") : t("action_done"), title.id));
      buttons.append(this.#button("due", t("action_set_due"), title.id));
    }
    if (action.owner && (mine || this.store.isFacilitator)) {
      buttons.append(this.#button("owner", t("action_change_owner"), title.id));
    }
    if (!action.shared && (this.store.isFacilitator || action.created_by === this.store.me.id)) {
      const remove = this.#button("remove-action", t("note_remove"), title.id);
      remove.classList.add("danger");
      buttons.append(remove);
    }
    item.append(buttons);
    return item;
  }

  #button(action, label, describedBy) {
    const button = el("button", "icon-button", label);
    button.type = "button";
    button.dataset.action = action;
    button.setAttribute("aria-describedby", describedBy);
    return button;
  }

  #owner(value) {
    const name = value.trim();
    if (!name) return null;
    const person = [...this.store.participants.values()].find((p) => p.name === name);
    return person ? person.id : name;
  }

  async #add() {
    const title = this.form.elements.title.value.trim();
    if (!title) return;
    const payload = { id: uuid4(), title, note_ids: this.sourceIds };
    const owner = this.#owner(this.form.elements.owner.value);
    if (owner) payload.owner = owner;
    if (this.form.elements.due.value) payload.due = this.form.elements.due.value;
    if (await sent(COMMANDS.ACTION_ADD, payload)) {
      this.form.reset();
      this.useNotes([]);
    }
  }
}
