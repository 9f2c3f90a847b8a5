// Debian's Chromium has no hyphenation dictionaries offline, so CSS `hyphens: auto` does
// nothing: a long word in a narrow note would break anywhere, without a hyphen. The server
// knows where Dutch and English words break (cocreate/hyphens.py): the long words of a
// render go to it in one request and come back with soft hyphens, once per word.
// Loaded by dom.js's softText for the first long word.

const LONG_WORD = /[\p{L}\p{M}]{12,}/gu; // as hyphens.py's: shorter words fit a note
const softened = new Map(); // word -> the word with soft hyphens
const waiting = new Map(); // element -> its text, until the words come back
let asking = null;

const soft = (text) => text.replace(LONG_WORD, (word) => softened.get(word) ?? word);

/** Show `text` in `node` with soft hyphens, now for the words known, later for the rest. */
export function soften(node, text) {
  if (node.textContent === text) node.textContent = soft(text); // unless drawn again since
  if (!text.match(LONG_WORD).some((word) => !softened.has(word))) {
    if (!asking) delete document.documentElement.dataset.hyphens;
    return;
  }
  waiting.set(node, text);
  asking ??= Promise.resolve().then(ask); // one request for a whole render
}

async function ask() {
  const words = new Set();
  for (const text of waiting.values()) for (const word of text.match(LONG_WORD)) if (!softened.has(word)) words.add(word);
  const lang = document.documentElement.lang || "nl";
  try {
    const answer = await fetch(`/texts/${lang}/hyphens.json?words=${encodeURIComponent([...words].slice(0, 150).join(" "))}`);
    if (answer.ok) {
      for (const [word, hyphenated] of Object.entries(await answer.json())) softened.set(word, hyphenated);
      for (const word of words) if (!softened.has(word)) softened.set(word, word); // asked once
    }
  } catch {
    // Offline: the words break where they must until a later render asks again.
  }
  for (const [node, text] of waiting) if (node.isConnected) node.textContent = soft(text);
  waiting.clear();
  asking = null;
  delete document.documentElement.dataset.hyphens;
  document.dispatchEvent(new Event("cc:reflow")); // sizes changed: the projector refits
}
