"""Render a 300-note board in headless Chromium: the participant's board and the projector.

Builds one workshop through the HTTP API and sockets (a `scene.Scene`): writers join and
send `note:add` until the first step holds 300 notes. Then Debian's Chromium,
driven by Playwright, opens the board page once per load, each time in a fresh browser
context (cold cache, 1920x1080) as another participant who joined over the API; then
the projector view the same way with the facilitator's token. Every number is read
from the page's own clock (`performance.now()`, 0 at navigation start):

- painted: all 300 note elements are in the DOM and a frame has been painted since
  (seen by a check run every animation frame, then two more frames: late by at most
  one frame);
- DOMContentLoaded, from the page's navigation timing;
- snapshot: when the page's connection handed the server's `snapshot` to the app.
"""

from pathlib import Path

from .measure import summary_ms

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]
NOTE = '[data-bind="board"] li.note[data-id]'
PAGE_TIMEOUT_MS = 30_000

# Before the page's own scripts: note when the connection dispatches the snapshot.
SNAPSHOT_TAP = """
(() => {
  const marks = (window.__render = {});
  const dispatch = EventTarget.prototype.dispatchEvent;
  EventTarget.prototype.dispatchEvent = function (event) {
    if (event.type === "snapshot" && marks.snapshot === undefined) {
      marks.snapshot = performance.now();
    }
    return dispatch.call(this, event);
  };
})();
"""

# Polled every animation frame: on the first frame with every note in the DOM, wait two
# more frames, so the one that drew the notes has been painted.
PAINTED = """
([selector, count]) => {
  const marks = window.__render;
  if (marks.notes === undefined && document.querySelectorAll(selector).length >= count) {
    marks.notes = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => {
      marks.painted = performance.now();
    }));
  }
  return marks.painted !== undefined;
}
"""

READ_MARKS = """
(selector) => ({
  ...window.__render,
  dom_content_loaded: performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd,
  notes_seen: document.querySelectorAll(selector).length,
})
"""


def build_board(scene, notes, writers, viewers):
    """A workshop whose first step holds `notes` notes, written over sockets; returns
    (workshop id, facilitator token, `viewers` participant tokens, set-up numbers)."""
    setup = scene.setup(1, writers)
    if setup["connected"] < setup["wanted"]:
        raise RuntimeError(f"not every writer could connect: {setup['connect_errors']}")
    refused = scene.add_notes(scene.by_group()[0], notes, steps=1)
    if refused:
        raise RuntimeError(f"note:add refused: {refused}")
    scene.fleet.disconnect()
    workshop = scene.made[0]
    tokens = [scene.api.join(workshop["url"], workshop["id"], f"V{n:03d}") for n in range(viewers)]
    return workshop["id"], workshop["facilitator_token"], tokens, setup


def open_once(browser, url, path, workshop_id, token, notes):
    """Open one page in a fresh context as the holder of `token`; the page's marks in ms."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        context.add_cookies([{"name": f"cc_{workshop_id}", "value": token, "url": url, "httpOnly": True}])
        context.add_init_script(SNAPSHOT_TAP)
        page = context.new_page()
        page.goto(url + path, wait_until="commit")
        page.wait_for_function(PAINTED, arg=[NOTE, notes], polling="raf")
        return page.evaluate(READ_MARKS, NOTE)
    finally:
        context.close()


def summary(marks):
    """p50/p95/max of each mark over the loads, and the note counts seen."""

    def ms(key):
        return summary_ms([m[key] / 1000 for m in marks if m.get(key) is not None])

    return {
        "painted_ms": ms("painted"),
        "notes_in_dom_ms": ms("notes"),
        "dom_content_loaded_ms": ms("dom_content_loaded"),
        "snapshot_ms": ms("snapshot"),
        "notes_seen": sorted({m["notes_seen"] for m in marks}),
    }


def render(scene, spec):
    """The render-300 scenario: the result document."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {
            "ok": False,
            "error": "playwright is not installed (`make bench` installs the bench extras: pip install -e '.[bench]')",
        }
    if not Path(CHROMIUM).exists():
        return {"ok": False, "error": f"{CHROMIUM} is not installed (`make bench` runs scripts/install-system-deps)"}
    loads = scene.spec(spec, "loads")
    url = scene.urls[0]
    # One extra participant per view: a first, unmeasured load warms both ends.
    workshop_id, facilitator_token, tokens, setup = build_board(scene, spec["notes"], spec["writers"], loads + 1)
    pages = {
        "board": (f"/w/{workshop_id}", tokens),
        "projector": (f"/w/{workshop_id}/present", [facilitator_token] * (loads + 1)),
    }
    result = {
        "ok": True,
        "params": {"notes": spec["notes"], "writers": spec["writers"], "loads": loads, "viewport": "1920x1080"},
        "setup": setup,
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            result["chromium"] = browser.version
            for view, (path, view_tokens) in pages.items():
                open_once(browser, url, path, workshop_id, view_tokens[0], spec["notes"])
                scene.begin(view)
                marks = [open_once(browser, url, path, workshop_id, token, spec["notes"]) for token in view_tokens[1:]]
                cpu = scene.end(view).get("server_cpu_s")
                result[view] = {
                    **summary(marks),
                    "path": path,
                    "server_cpu_ms_per_load": None if cpu is None else round(cpu * 1000 / loads, 1),
                }
        finally:
            browser.close()
    if any(result[view]["notes_seen"] != [spec["notes"]] for view in pages):
        result.update(ok=False, error="a page showed another number of notes than were written")
    return result
