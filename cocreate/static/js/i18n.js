// Interface text from the page's catalogue (the same JSON files the server uses).

const catalogue = JSON.parse(document.getElementById("cc-i18n")?.textContent || "{}");

/** The text for `key`, with `{name}` placeholders filled from `values`. */
export function t(key, values = {}) {
  const singular = values.n === 1 && `${key}_one` in catalogue;
  const text = catalogue[singular ? `${key}_one` : key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** A translated message for an error `{code, message}` from an ack. */
export function errorText(error) {
  if (!error) return t("error_internal");
  if (error.code === "invalid") return t("error_invalid", { message: error.message });
  const key = `error_${error.code}`;
  return key in catalogue ? t(key) : error.message;
}
