// Interface text from the page's catalogue (the server's .po catalogue, as JSON in the page).

const catalogue = JSON.parse(document.getElementById("cc-i18n")?.textContent || "{}");
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

/** A translated message for an error `{code, message}` from an ack. */
export function errorText(error) {
  if (!error) return t("error_internal");
  if (error.code === "invalid") return t("error_invalid", { message: error.message });
  const key = `error_${error.code}`;
  return key in catalogue ? t(key) : error.message;
}
