// The review step of a follow-up session ("Terugblik"): every action carried from an earlier
// session, with its owner, due date, status, latest progress and history, kept live. The
// facilitator records what the room decides for each — keep going, done, or drop — and
// what it says about it. Loaded, with its strings and styles, only when a review step is
// on screen, so the board page stays light.

import { COMMANDS } from "./protocol.js";
import { el, laterTexts, softText, styles, t } from "./dom.js";
import { sendOrShowError } from "./connection.js";
import { updateLink } from "./actions.js";

const DECISIONS = ["keep", "done", "drop"];
const STATUSES = ["open", "doing", "done", "blocked"];

styles("review");
await laterTexts(); // offline at this very moment: the labels come with the next module

export class Review {
  constructor(store, formatDate) {
    this.store = store;
    this.formatDate = formatDate;
    this.deciding = document.body.dataset.view === "facilitate";
    this.projecting = document.body.dataset.view === "present";
    this.items = new Map();
    this.root = el("section", "review");
    this.root.setAttribute("aria-labelledby", "review-heading");
    const heading = el("h2", null, t("review_heading"));
    heading.id = "review-heading";
    this.counts = el("p", "review-counts muted");
    this.counts.setAttribute("role", "status");
    const head = el("div", "review-head");
    head.append(heading, this.counts);
    if (!this.projecting) {
      const series = el("a", "review-series", t("review_series_link"));
      series.href = `/w/${document.body.dataset.workshop}/series`;
      head.append(series);
    }
    this.empty = el("p", "muted", t("review_empty"));
    this.list = el("ul", "review-list");
    this.root.append(head, this.empty, this.list);
    document.querySelector(".step-header").after(this.root);
    this.list.addEventListener("click", (event) => this.#decide(event));
    this.list.addEventListener("submit", (event) => this.#update(event));
  }

  /** Show the carried actions while the review step is on screen; hide otherwise. */
  render() {
    const reviewing = this.store.currentStep?.key === "review";
    this.root.hidden = !reviewing;
    if (!reviewing) return;
    const carried = [...this.store.actions.values()].filter((action) => action.carried);
    this.empty.hidden = carried.length > 0;
    const decided = carried.filter((action) => action.decision).length;
    this.counts.textContent = t("review_counts", { decided, total: carried.length });
    const seen = new Set();
    for (const action of carried) {
      seen.add(action.id);
      let item = this.items.get(action.id);
      if (!item) {
        item = this.#item(action);
        this.items.set(action.id, item);
      }
      this.#fill(item, action);
      this.list.append(item); // in the board's order; a node already there just stays
    }
    for (const [id, item] of this.items) {
      if (!seen.has(id)) {
        item.remove();
        this.items.delete(id);
      }
    }
  }

  #item(action) {
    const item = el("li", "review-item");
    item.dataset.actionId = action.id;
    item.append(el("div", "review-info"));
    if (this.deciding) item.append(this.#controls(action));
    return item;
  }

  /** The facilitator's controls: built once per action, so focus and typing survive updates. */
  #controls(action) {
    const titleId = `review-title-${action.id}`;
    const box = el("div", "review-controls");
    const group = el("div", "review-decide");
    group.setAttribute("role", "group");
    const label = el("span", "review-decide-label", t("review_decide"));
    label.id = `review-decide-${action.id}`;
    group.setAttribute("aria-labelledby", `${label.id} ${titleId}`);
    group.append(label);
    for (const decision of DECISIONS) {
      const button = el("button", `button small decide-${decision}`, t(`review_${decision}`));
      button.type = "button";
      button.dataset.decision = decision;
      button.setAttribute("aria-pressed", "false");
      group.append(button);
    }
    const form = el("form", "review-update");
    const status = el("select");
    status.name = "status";
    status.id = `review-status-${action.id}`;
    for (const value of STATUSES) {
      const option = el("option", null, t(`status_${value}`));
      option.value = value;
      status.append(option);
    }
    const text = el("input");
    text.name = "text";
    text.id = `review-text-${action.id}`;
    text.maxLength = 500;
    text.autocomplete = "off";
    const save = el("button", "button small primary", t("review_save"));
    save.type = "submit";
    save.setAttribute("aria-describedby", titleId);
    form.append(this.#field(status, t("col_status"), titleId),
                this.#field(text, t("review_note"), titleId), save);
    box.append(group, form);
    return box;
  }

  #field(input, text, describedBy) {
    const field = el("div", "review-field");
    const label = el("label", null, text);
    label.htmlFor = input.id;
    input.setAttribute("aria-describedby", describedBy);
    field.append(label, input);
    return field;
  }

  /** Redraw what changed of one action; the controls only follow the new state. */
  #fill(item, action) {
    const stamp = JSON.stringify([action.title, action.owner, action.due, action.status, action.votes,
                                  action.decision, action.dropped, action.progress_count,
                                  action.update_url]);
    if (item.dataset.stamp !== stamp) {
      item.dataset.stamp = stamp;
      item.dataset.decision = action.decision ?? "";
      this.#info(item.querySelector(".review-info"), action);
    }
    for (const button of item.querySelectorAll("[data-decision]")) {
      button.setAttribute("aria-pressed", String(button.dataset.decision === action.decision));
    }
    const status = item.querySelector("select");
    if (status && document.activeElement !== status) status.value = action.status;
    // A stopped action has no status to set: "Gestopt" beside a status of "Open" would
    // say two things. "Doorgaan" or "Afronden" brings the control back.
    if (status) status.closest(".review-field").hidden = action.dropped;
  }

  /** One word for where an action stands, never two that disagree: a dropped action is
   *  "Gestopt" (its last status no longer counts); otherwise its status, and beside it the
   *  room's "Gaat door" where the decision is not on a pressed button already. ("Afgerond"
   *  makes the status "Klaar", which says it.) */
  #badges(action) {
    if (action.dropped || action.decision === "drop") {
      return [el("span", "decision decision-drop", t("review_decided_drop"))];
    }
    const badges = [el("span", `status status-${action.status}`, t(`status_${action.status}`))];
    if (action.decision === "keep" && !this.deciding) {
      badges.push(el("span", "decision decision-keep", t("review_decided_keep")));
    }
    return badges;
  }

  #info(info, action) {
    const open = info.querySelector("details")?.open ?? false;
    const title = softText(el("h3", "review-title"), action.title); // long words break at their hyphens
    title.id = `review-title-${action.id}`;
    const head = el("div", "review-item-head");
    head.append(title, ...this.#badges(action));
    const owner = action.owner?.name ?? t("plan_no_owner");
    const due = action.due ? this.formatDate(action.due) : t("plan_no_due");
    // The votes it got where it was voted, as the plan counts them; none: nothing to say.
    const votes = action.votes ? ` · ${t("plan_votes", { n: action.votes })}` : "";
    info.replaceChildren(head, el("p", "review-meta muted", `${t("col_owner")}: ${owner} · ${t("col_due")}: ${due}${votes}`));
    // The actions list leaves carried actions to this one, so their owners' links are here
    // (not on the room's screen).
    if (action.update_url && !this.projecting) info.append(updateLink(action, this.store, title.id));
    const progress = action.progress ?? [];
    const said = progress.filter((entry) => entry.text);
    if (said.length) info.append(el("p", "action-latest", `${t("action_latest")}: ${said.at(-1).text}`));
    if (!progress.length) return;
    const history = el("details", "review-history");
    history.open = open;
    // A board holds the latest entries (LIMITS.HISTORY_MAX) of `progress_count`.
    const count = action.progress_count ?? progress.length;
    const list = el("ol", "history");
    list.reversed = true; // newest first, numbered as they came
    list.start = count;
    for (const entry of [...progress].reverse()) {
      const line = el("li");
      const when = el("time", null, this.formatDate(entry.at.slice(0, 10)));
      when.dateTime = entry.at;
      line.append(el("span", `status status-${entry.status}`, t(`status_${entry.status}`)), " ", when);
      if (entry.text) line.append(el("p", null, entry.text));
      list.append(line);
    }
    history.append(el("summary", null, t("review_history", { n: count })), list);
    info.append(history);
  }

  #decide(event) {
    const button = event.target.closest("button[data-decision]");
    const id = button?.closest("[data-action-id]")?.dataset.actionId;
    if (id) sendOrShowError(COMMANDS.ACTION_REVIEW, { id, decision: button.dataset.decision });
  }

  async #update(event) {
    event.preventDefault();
    const form = event.target;
    const id = form.closest("[data-action-id]").dataset.actionId;
    const payload = { id };
    if (form.elements.status.value !== this.store.actions.get(id)?.status) payload.status = form.elements.status.value;
    const text = form.elements.text.value.trim();
    if (text) payload.text = text;
    if (Object.keys(payload).length === 1) return;
    if ((await sendOrShowError(COMMANDS.ACTION_EDIT, payload)).ok) form.elements.text.value = "";
  }
}
