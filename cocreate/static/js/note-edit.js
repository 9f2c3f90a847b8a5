// Changing a note after writing it: the edit form (text and lane) and removing it; and
// renaming a cluster in place.
// Loaded when someone first edits or removes a note.

import { COMMANDS, LIMITS } from "./protocol.js";
import { el, laterTexts, t } from "./dom.js";
import { sendOrShowError } from "./connection.js";
import { laneOptions } from "./board.js";

await laterTexts();

/** Swap a note on the board for a form to change its text (and lane). */
export function edit(notes, id) {
  const note = notes.store.notes.get(id);
  if (!note) return;
  const form = el("form", "note-edit");
  const label = el("label", "sr-only", t("note_edit_label"));
  const area = el("textarea");
  area.id = `edit-${id}`;
  label.htmlFor = area.id;
  area.maxLength = LIMITS.NOTE_MAX;
  area.required = true;
  area.rows = 3;
  area.value = note.text;
  form.append(label, area);
  const step = notes.store.steps[note.step];
  let laneSelect = null;
  if (step.lanes.length) {
    const laneLabel = el("label", "lane-picker");
    laneSelect = el("select");
    laneSelect.append(...laneOptions(step.lanes, note.lane));
    laneLabel.append(el("span", null, t("composer_lane")), laneSelect);
    form.append(laneLabel);
  }
  const row = el("div", "row");
  const submit = el("button", "button primary small", t("note_save"));
  submit.type = "submit";
  const cancel = el("button", "button small", t("note_cancel"));
  cancel.type = "button";
  row.append(submit, cancel);
  form.append(row);
  const finish = () => notes.board.endEdit(id, form, note);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const changes = { text: area.value.trim(), version: note.version };
    if (laneSelect) changes.lane = laneSelect.value;
    if (!changes.text) return;
    save(notes, id, changes);
    finish();
  });
  cancel.addEventListener("click", finish);
  area.addEventListener("keydown", (event) => {
    if (event.key === "Escape") finish();
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  if (notes.board.onCanvas) { // where the note was, above the others, wide enough to write in
    form.style.left = `${Math.min(note.x, 0.75) * 100}%`;
    form.style.top = `${Math.min(note.y, 0.6) * 100}%`;
  }
  if (notes.board.beginEdit(id, form)) area.focus();
}

function save(notes, id, changes) {
  // A replayed edit that already landed comes back as a conflict with our own text.
  const landed = (error) => error?.code === "conflict" && error.current?.text === changes.text;
  return sendOrShowError(COMMANDS.NOTE_EDIT, { id, ...changes }, landed);
}

export async function remove(notes, id) {
  if (!window.confirm(t("note_remove_confirm"))) return;
  await sendOrShowError(COMMANDS.NOTE_REMOVE, { id }, (error) => error?.code === "not_found");
}

/** A cluster's name becomes a field in place: Enter or leaving it saves (`save(cluster,
 *  title)`), Escape keeps the name. */
export function renameCluster(store, box, save) {
  const name = box.querySelector(".cluster-name");
  const cluster = store.clusters.get(box.dataset.cluster);
  if (!name || !cluster) return;
  const field = el("input", "cluster-name-field");
  field.value = cluster.title;
  field.maxLength = LIMITS.CLUSTER_TITLE_MAX;
  field.setAttribute("aria-label", t("cluster_name_label"));
  let done = false;
  const finish = (keep) => {
    if (done) return;
    done = true;
    field.replaceWith(name);
    box.querySelector("[data-action=rename]")?.focus();
    const title = field.value.trim();
    if (keep && title !== cluster.title) save(cluster, title);
  };
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); finish(true); }
    if (event.key === "Escape") finish(false);
  });
  field.addEventListener("blur", () => finish(true));
  name.replaceWith(field);
  field.focus();
  field.select();
}
