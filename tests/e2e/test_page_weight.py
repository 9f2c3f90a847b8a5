"""The board page stays light: ≤ 130 KB uncompressed, ≤ 12 requests, nothing from elsewhere.

The budget was 120 KB before the canvas; the canvas (its layout, others' drags shown live,
the move menu and its styles) costs about 9 KB more on every participant's page. What a
person does with a note after writing it (dragging, arrow keys, the move menu, editing)
loads at its first use, so those requests and bytes are not part of the page.

The actions (actions.js) load once a board has actions or is in a step where actions are made:
a phone in the first steps of a workshop carries none of that code.

A workshop at tables loads the tables' code and styles (tables.js, tables.css) as well, on
those workshops only; a page without tables carries none of it. Likewise a canvas step loads
the canvas's styles (canvas.css): one request more on a canvas step only, which made room on
every other step's page.
"""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

BUDGET_BYTES = 130 * 1024
BUDGET_REQUESTS = 12
TABLES_BYTES = 12 * 1024  # tables.js and tables.css, on a workshop with tables only
# The facilitator's and the projector's pages (laptops, not the room's phones): 48 KB until
# every command carried its declaration to the browser (protocol.js, one `send`), then 52 KB.
FACILITATOR_EXTRA_BYTES = 52 * 1024
CANVAS_BYTES = 4 * 1024  # canvas.css, on a canvas step only


@pytest.mark.parametrize(
    "view, layout", [("", "grid"), ("", "canvas"), ("", "tables"), ("/present", "canvas"), ("/facilitate", "grid")]
)
def test_board_pages_stay_within_the_weight_budget(server, clients, contexts, view, layout):
    created = server.create_workshop("Licht")
    token = created["facilitator_token"] if view else server.join(created["id"], "Sanne")["token"]
    facilitator = clients(server.url, created["id"], created["facilitator_token"])
    if layout == "canvas":
        assert facilitator.call("step:edit", {"index": 0, "layout": "canvas"})["ok"]
    if layout == "tables":
        assert facilitator.call("tables:set", {"count": 2, "mode": "random"})["ok"]
        assert facilitator.call("step:edit", {"index": 0, "tables": True})["ok"]
    context = contexts()
    context.add_cookies([{"name": f"cc_{created['id']}", "value": token, "url": server.url}])
    page = context.new_page()
    loaded = []

    def record(response):
        # The Socket.IO transport is a connection, not part of the page's weight.
        if "/socket.io/" not in response.url:
            loaded.append((response.url, len(response.body())))

    page.on("response", record)
    page.goto(f"{server.url}/w/{created['id']}{view}")
    page.wait_for_selector('[data-bind="connection"][data-state="online"]', state="attached")
    if layout == "tables":
        page.wait_for_selector(".table-banner", state="attached")
    page.wait_for_load_state("networkidle")
    origins = {urlsplit(url).netloc for url, _size in loaded}
    assert origins == {urlsplit(server.url).netloc}
    total = sum(size for _url, size in loaded)
    if layout == "tables":
        assert any(url.endswith("/tables.js") for url, _size in loaded)
        assert any(url.endswith("/tables.css") for url, _size in loaded)
        assert len(loaded) <= BUDGET_REQUESTS + 1, loaded
        assert total <= BUDGET_BYTES + TABLES_BYTES, (total, loaded)
    elif view == "":
        assert not any(url.endswith(("/tables.js", "/tables.css")) for url, _size in loaded)
        canvas = layout == "canvas"
        assert any(url.endswith("/canvas.css") for url, _size in loaded) == canvas
        assert len(loaded) <= BUDGET_REQUESTS + canvas, loaded
        assert total <= BUDGET_BYTES + canvas * CANVAS_BYTES, (total, loaded)
    else:
        # Facilitator and projector add a module and the QR code, the facilitator's page its
        # panels (steps, voting, timer, tables, sharing, the remote's code) and the actions
        # from the start; a laptop's page, kept near the budget.
        assert len(loaded) <= BUDGET_REQUESTS + 4, loaded
        assert total <= BUDGET_BYTES + FACILITATOR_EXTRA_BYTES, (total, loaded)
