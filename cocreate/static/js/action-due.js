// An action's due date, edited in place: loads at the first click on its "Deadline" button.

import { COMMANDS } from "./protocol.js";
import { el, t } from "./dom.js";
import { sendOrShowError } from "./connection.js";

/** Show the date form in an action's list `item`; saving sends `action:edit`. */
export function editDue(item, action) {
  const form = el("form", "row action-due");
  const label = el("label", null, t("col_due"));
  const input = el("input");
  input.type = "date";
  input.id = `due-${action.id}`;
  label.htmlFor = input.id;
  input.value = action.due ?? "";
  const save = el("button", "button small primary", t("note_save"));
  save.type = "submit";
  form.append(label, input, save);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendOrShowError(COMMANDS.ACTION_EDIT, { id: action.id, due: input.value || null });
  });
  item.append(form);
  input.focus();
}
