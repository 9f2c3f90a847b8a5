// The run sheet's words for a day and its suggestion, the same on the facilitator's board
// and the remote: when the day must end, when its items end as planned, when it is expected
// to end (each labelled, so two numbers never read as one), and what to shorten, each with
// the times the run sheet shows once the suggestion is taken over.

import { el, t } from "./dom.js";

export const clock = (wall) => wall.slice(11, 16);

/** Minutes from one wall-clock `YYYY-MM-DDTHH:MM` to another. */
const minutesBetween = (from, to) => (Date.parse(`${to}:00Z`) - Date.parse(`${from}:00Z`)) / 60_000;

/** `[label, value]` rows of a day's ends: the day's end, its items' end when that differs
 *  (only a day with a fixed end), and the expected end measured against the day's end. */
function dayEnds(day) {
  const rows = [[t("agenda_day_end"), t(day.fixed_end ? "agenda_end_fixed" : "agenda_end_items",
                                        { end: clock(day.planned_end) })]];
  const over = day.items_end ? minutesBetween(day.planned_end, day.items_end) : 0;
  if (over) {
    rows.push([t("agenda_items_end"), t(over > 0 ? "agenda_items_over" : "agenda_items_spare",
                                        { end: clock(day.items_end), n: Math.abs(over) })]);
  }
  const key = day.late > 0 ? "agenda_end_late" : day.late < 0 ? "agenda_end_early" : "agenda_end_on_time";
  rows.push([t("agenda_expected_end"), t(key, { end: clock(day.end), n: Math.abs(day.late) })]);
  return rows;
}

/** The day's ends as a labelled list. */
export function dayEndsList(day) {
  const list = el("dl", `agenda-ends${day.late > 0 ? " late" : ""}`);
  for (const [label, value] of dayEnds(day)) list.append(el("dt", null, label), el("dd", null, value));
  return list;
}

/** `{ideas, rest}`: one sentence per change the suggestion makes, and what it cannot make
 *  up as a sentence of its own (or null). */
function suggestionTexts(suggestion) {
  const ideas = suggestion.shorten.map((cut) => t(cut.running ? "agenda_shorten_running" : "agenda_shorten", {
    title: cut.title, n: cut.by, minutes: cut.minutes, start: clock(cut.start), end: clock(cut.end) }));
  const move = suggestion.move_break;
  if (move) {
    ideas.push(t("agenda_shorten_break", { title: move.title, n: move.by, minutes: move.minutes,
                                           start: clock(move.to), end: clock(move.end) }));
  }
  let rest = null;
  if (suggestion.short > 0) {
    const end = suggestion.end ? clock(suggestion.end) : "";
    rest = t(ideas.length ? "agenda_still_short" : "agenda_nothing_to_shorten", { n: suggestion.short, end });
  }
  return { ideas, rest };
}

/** The suggestion as a list of changes and a closing sentence. */
export function suggestionNodes(suggestion) {
  const { ideas, rest } = suggestionTexts(suggestion);
  const nodes = [];
  if (ideas.length) {
    const list = el("ul");
    list.append(...ideas.map((idea) => el("li", null, idea)));
    nodes.push(list);
  }
  if (rest) nodes.push(el("p", "agenda-rest", rest));
  return nodes;
}
