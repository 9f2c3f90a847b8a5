// An action's owner, changed on purpose: loads at the first click on its "Eigenaar wijzigen"
// button. The form says what a new owner means for the one before (their update link stops).

import { COMMANDS } from "./protocol.js";
import { el, laterTexts, t } from "./dom.js";
import { sendOrShowError } from "./connection.js";

await laterTexts(); // its strings are not on the board page

/** Show the owner form in an action's list `item`; saving sends `action:edit`. `owner` turns
 *  a typed name into a participant's id where it is one. */
export function editOwner(item, action, owner) {
  item.querySelector(".action-owner-form")?.remove();
  // The page's own classes: the board's stylesheet carries nothing for a form used rarely.
  const form = el("form", "stack action-due action-owner-form");
  const label = el("label", null, t("action_new_owner"));
  const input = el("input");
  input.id = `owner-${action.id}`;
  input.maxLength = 80;
  input.autocomplete = "off";
  input.setAttribute("list", "action-owner-choices");
  label.htmlFor = input.id;
  input.value = action.owner?.name ?? "";
  form.append(label, input);
  if (action.owner) {
    const warning = el("p", "hint", t("action_owner_change_hint", { name: action.owner.name }));
    warning.id = `owner-hint-${action.id}`;
    input.setAttribute("aria-describedby", warning.id);
    form.append(warning);
  }
  const save = el("button", "button small primary", t("note_save"));
  save.type = "submit";
  const cancel = el("button", "button small", t("note_cancel"));
  cancel.type = "button";
  cancel.addEventListener("click", () => form.remove());
  const buttons = el("div", "row");
  buttons.append(save, cancel);
  form.append(buttons);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = owner(input.value);
    if (chosen === (action.owner?.id ?? action.owner?.name ?? null)) {
      form.remove();
      return;
    }
    if ((await sendOrShowError(COMMANDS.ACTION_EDIT, { id: action.id, owner: chosen })).ok) form.remove();
  });
  item.append(form);
  input.focus();
  input.select();
}
