"""Helpers the browser tests share: identities, pages and bound elements."""

from pathlib import Path

from playwright.sync_api import expect


def bound(page, name):
    """The element(s) a page binds to `name` with `data-bind`."""
    return page.locator(f'[data-bind="{name}"]')


def with_token(context, server, workshop_id, token):
    """Give a browser context the identity behind `token` (the HttpOnly page cookie)."""
    context.add_cookies([{"name": f"cc_{workshop_id}", "value": token, "url": server.url}])
    return context


def open_page(context, url, step_title=None):
    """Open a board page and wait until it is connected (and on `step_title`, if given)."""
    page = context.new_page()
    page.goto(url)
    expect(bound(page, "connection")).to_have_attribute("data-state", "online")
    if step_title:
        expect(bound(page, "step-title")).to_have_text(step_title)
    return page


def signed_in(contexts, workshop, who="facilitator", width=1280, height=900):
    """A browser context of its own with `who`'s identity in a `support.Workshop`."""
    return with_token(contexts(width, height), workshop.server, workshop.id, workshop.token(who))


def open_board(contexts, workshop, who, step_title=None):
    """`who`'s board of a `support.Workshop`, open and connected in a context of its own."""
    return open_page(signed_in(contexts, workshop, who), workshop.url(), step_title)


def drag_onto(page, source, target):
    """Drag the note `source` by its text with the mouse and drop it on `target`'s text."""
    start = source.locator(".note-text").bounding_box()
    end = target.locator(".note-text").bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + 8)
    page.mouse.down()
    page.mouse.move(end["x"] + 15, end["y"] + 10, steps=12)
    page.mouse.up()


def touch_drag(page, start, end, moves=10):
    """A finger put down at `start` (x, y), moved to `end` in `moves` steps and lifted."""
    touch = page.context.new_cdp_session(page)

    def finger(kind, points):
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    finger("touchStart", [{"x": start[0], "y": start[1]}])
    for step in range(1, moves + 1):
        finger(
            "touchMove",
            [{"x": start[0] + (end[0] - start[0]) * step / moves, "y": start[1] + (end[1] - start[1]) * step / moves}],
        )
    finger("touchEnd", [])


def cluster_holds(page, count):
    """Wait until the board's (first) cluster frame holds `count` notes."""
    page.wait_for_function(
        """(count) => {
             const frame = document.querySelector('.board .cluster');
             if (!frame) return false;
             const f = frame.getBoundingClientRect();
             return [...document.querySelectorAll('.board .note')].filter((note) => {
               const n = note.getBoundingClientRect();
               return n.left >= f.left && n.right <= f.right && n.top >= f.top && n.bottom <= f.bottom;
             }).length === count;
           }""",
        arg=count,
    )


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page):
    """What axe-core finds against WCAG 2.2 AA on the page as it is, once running animations
    (a new note fading in) have ended: a note half-faded in is not a contrast error."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (rules) => {
             await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
             return (await axe.run(document, {runOnly: rules})).violations
               .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
           }""",
        RULES,
    )
