"""The layout rules every screen of a workshop keeps, checked in the page as it is shown:

- no two notes overlap unless one is being dragged;
- no note's text runs out of its box (text cut with "…" is listed apart, as `cut`);
- no word is broken inside without a hyphen (a soft hyphen or a written one);
- on the projector, note text is at least 20 CSS px (up to 40 notes), the join code 48 and
  the join address 22;
- no control is covered by another at its centre (`elementFromPoint`);
- every control on the board is at least 24 × 24 CSS px (WCAG 2.2 target size).

`check(page)` returns the broken rules as readable lines; the tests and `make rehearsal`
(scripts/rehearsal.py) both use it.
"""

RULES_JS = r"""
(limits) => {
  const broken = [];
  const seen = (el) => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1 && el.checkVisibility({ visibilityProperty: true }); };
  const name = (el) => (el.dataset?.id ? `note ${(el.querySelector(".note-text")?.textContent ?? "").slice(0, 30)}` : `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 30)}"`);
  const notes = [...document.querySelectorAll(".board .note")].filter(seen);

  // 1. No two notes overlap, unless one is being dragged.
  const still = notes.filter((n) => !n.matches(".dragging, .remote-drag"));
  const boxes = still.map((n) => n.getBoundingClientRect());
  for (let i = 0; i < still.length; i += 1) for (let j = i + 1; j < still.length; j += 1) {
    const [a, b] = [boxes[i], boxes[j]];
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
      broken.push(`overlap: ${name(still[i])} / ${name(still[j])}`);
  }

  // 2. No note's text runs out of its box; text cut with "…" is told apart.
  for (const note of notes) {
    const text = note.querySelector(".note-text");
    if (!text) continue;
    const box = note.getBoundingClientRect();
    const t = text.getBoundingClientRect();
    if (text.scrollWidth > text.clientWidth + 1 || t.right > box.right + 1 || t.bottom > box.bottom + 1)
      broken.push(`overflow: ${name(note)}`);
    else if (text.scrollHeight > text.clientHeight + 1 && !note.matches(":focus-within"))
      broken.push(`cut: ${name(note)}`);
  }

  // 3. No word broken inside without a hyphen.
  const texts = document.querySelectorAll(".note-text, .lane-title, .cluster-name, .step-header h1, .step-prompt, .presenting, .join-at, .table-name");
  for (const element of texts) {
    if (!seen(element)) continue;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const value = node.nodeValue;
      const range = document.createRange();
      let lastTop = null;
      for (let i = 0; i < value.length; i += 1) {
        if (/\s|\u00ad/.test(value[i])) continue;
        range.setStart(node, i); range.setEnd(node, i + 1);
        // A line's first letter may also get a box at the end of the line before (the hyphen's).
        const rect = [...range.getClientRects()].sort((a, b) => b.top - a.top)[0];
        if (!rect) continue;
        if (lastTop !== null && rect.top > lastTop + 2 && i > 0 && !/[\s\u00ad\-\/]/.test(value[i - 1])) {
          const word = value.slice(0, i).split(/\s/).pop() + "|" + value.slice(i).split(/\s/)[0];
          broken.push(`break: "${word.replace(/\u00ad/g, "")}" in ${name(element)}`);
        }
        lastTop = rect.top;
      }
    }
  }

  // 4. On the projector: note text large enough for the room, and the join code.
  if (document.body.dataset.view === "present") {
    if (notes.length <= limits.legibleUpTo) for (const note of notes) {
      const size = parseFloat(getComputedStyle(note.querySelector(".note-text") ?? note).fontSize);
      if (size < limits.noteText - 0.01) { broken.push(`small text: ${size.toFixed(1)} px in ${name(note)}`); break; }
    }
    const code = document.querySelector(".join-code-large");
    if (code && seen(code) && parseFloat(getComputedStyle(code).fontSize) < limits.joinCode)
      broken.push(`small join code: ${getComputedStyle(code).fontSize}`);
    const address = document.querySelector('[data-bind="join-host"]');
    if (address && seen(address) && parseFloat(getComputedStyle(address).fontSize) < limits.joinAddress)
      broken.push(`small join address: ${getComputedStyle(address).fontSize}`);
  }

  // 5 and 6. Controls: nothing covers one at its centre; on the board each is 24 × 24 px.
  const clipped = (el, x, y) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflow === "visible" && style.overflowX === "visible" && style.overflowY === "visible") continue;
      const r = up.getBoundingClientRect();
      if (x < r.left || x > r.right || y < r.top || y > r.bottom) return true;
    }
    return false;
  };
  const controls = document.querySelectorAll("button, a[href], input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])");
  for (const control of controls) {
    if (!seen(control) || control.closest(".sr-only, .skip-link, [inert]")) continue;
    const r = control.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight || clipped(control, x, y)) continue;
    const hit = document.elementFromPoint(x, y);
    const label = control.closest("label");
    if (hit && !control.contains(hit) && !(label && label.contains(hit)) && !hit.contains(control))
      broken.push(`covered: ${name(control)} under ${name(hit)}`);
    const target = label && control.matches("input") ? label.getBoundingClientRect() : r;
    if (control.closest(".board") && !control.matches(".note, .board") && (target.width < 23.5 || target.height < 23.5))
      broken.push(`small target: ${name(control)} ${target.width.toFixed(0)}×${target.height.toFixed(0)}`);
  }
  return broken;
}
"""

LIMITS = {"noteText": 20, "joinCode": 48, "joinAddress": 22, "legibleUpTo": 40}


def check(page, allow=("cut",)):
    """The layout rules this page breaks now, one readable line each (kinds in `allow`, such
    as text cut with "…", are left out)."""
    page.wait_for_function("""() => !document.querySelector('[data-fit], [data-hyphens]')
                              && document.getAnimations().every((a) => a.playState !== 'running')""")
    return [line for line in page.evaluate(RULES_JS, LIMITS) if line.split(":")[0] not in allow]
