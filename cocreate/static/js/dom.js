// What every view needs from the page: bound and new elements, the catalogue's text, the
// toast, client-made ids. One module, as the board page may make only 12 requests.

/** The element bound to `name` by a `data-bind` attribute. */
export const bound = (name) => document.querySelector(`[data-bind="${name}"]`);

/** Set the text of every element bound to `name`. */
export function setText(name, text) {
  for (const node of document.querySelectorAll(`[data-bind="${name}"]`)) node.textContent = text;
}

/** A new element; `text` goes in through textContent, never as markup. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const catalogue = JSON.parse(document.getElementById("cc-i18n")?.textContent || "{}");

let later = null;

/** The strings of the modules loaded at first use (moving and editing a note, the review
 * step): one request, made by the first of them to load. Offline, the next asks again. */
export function laterTexts() {
  later ??= fetch(`/texts/${document.documentElement.lang || "nl"}/later.json`)
    .then((answer) => (answer.ok ? answer.json() : Promise.reject(answer.status)))
    .then((texts) => Object.assign(catalogue, texts))
    .catch(() => { later = null; });
  return later;
}

const sheets = new Map();

/** Link `css/<name>.css` once, for a part of the page that loads at first use (the canvas,
 *  the tables, the review step, …); resolves when its rules apply (or it failed). */
export function styles(name) {
  if (!sheets.has(name)) {
    sheets.set(name, new Promise((done) => {
      const sheet = el("link");
      sheet.rel = "stylesheet";
      sheet.href = new URL(`../css/${name}.css`, import.meta.url).href;
      sheet.onload = sheet.onerror = done;
      document.head.append(sheet);
    }));
  }
  return sheets.get(name);
}

// The CLDR plural rules of the page's language: the same rules the server uses (Babel).
const plurals = new Intl.PluralRules(document.documentElement.lang || "nl");

/** The key for the plural form of count `n`: `<key>_one`, … where the catalogue has it. */
function pluralKey(key, n) {
  if (typeof n !== "number") return key;
  const category = plurals.select(n);
  const form = `${key}_${category}`;
  return category !== "other" && form in catalogue ? form : key;
}

/** The text for `key`, with `{name}` placeholders filled from `values`. */
export function t(key, values = {}) {
  const text = catalogue[pluralKey(key, values.n)] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** An ack's error for people, in the language the server answered in. */
export function errorText(error) {
  if (error?.code === "busy" && error.by) return t("busy_by", { name: error.by.name });
  // The server words every refusal in the viewer's language (`text`); only an answer that
  // never came is worded here.
  return error?.text ?? t(error?.code === "timeout" ? "error_timeout" : "error_internal");
}

const LONG_WORD = /[\p{L}\p{M}]{12,}/u;
let hyphens = null;

/** Put `text` in `node` (through textContent), with soft hyphens in its long words. */
export function softText(node, text) {
  node.textContent = text ?? "";
  if (LONG_WORD.test(node.textContent)) {
    document.documentElement.dataset.hyphens = "pending"; // until hyphens.js has placed them
    hyphens ??= import("./hyphens.js");
    hyphens.then((module) => module.soften(node, text));
  }
  return node;
}

let toastTimer = null;

/** Show a message in the toast for five seconds. */
export function toast(message) {
  const box = bound("toast");
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 5000);
}

/** A random v4 UUID; works on plain-http LAN addresses where crypto.randomUUID does not. */
export function uuid4() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
