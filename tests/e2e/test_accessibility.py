"""axe-core (from npm) finds no WCAG 2.2 AA violation on any page, with content present,
the canvas included."""

import uuid

import pytest

from browser_helpers import axe_violations

VIEWPORTS = [(1280, 900), (390, 844)]

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["lanes", "canvas"])
def busy_workshop(request, server, clients):
    """A workshop on step 4 with notes in lanes (or on a canvas), open voting, an action and
    a running timer."""
    created = server.create_workshop("Toegankelijk")
    person = server.join(created["id"], "Sanne")
    participant = clients(server.url, created["id"], person["token"])
    facilitator = clients(server.url, created["id"], created["facilitator_token"])
    ids = [str(uuid.uuid4()) for _ in range(3)]
    for index, note_id in enumerate(ids):
        assert participant.call("note:add", {"id": note_id, "step": 3, "text": f"Idee {index}", "lane": "dialogue"})[
            "ok"
        ]
    assert facilitator.call("step:go", {"index": 3})["ok"]
    assert facilitator.call("step:edit", {"index": 3, "layout": request.param})["ok"]
    assert facilitator.call("voting:open", {"step": 3, "budget": 2})["ok"]
    assert participant.call("vote:cast", {"note_id": ids[0]})["ok"]
    assert participant.call(
        "action:add", {"id": str(uuid.uuid4()), "title": "Koffie", "note_ids": [ids[0]], "due": "2026-12-01"}
    )["ok"]
    assert facilitator.call("timer:start", {"seconds": 600})["ok"]
    return created, person


def pages(created, person):
    """(name, path, token, waits for the board) of every page a person can meet."""
    workshop = created["id"]
    return [
        ("landing", "/", None, False),
        ("code", "/join", None, False),
        ("join", f"/j/{created['join_code']}", None, False),
        ("board", f"/w/{workshop}", person["token"], True),
        ("facilitate", f"/w/{workshop}/facilitate", created["facilitator_token"], True),
        ("present", f"/w/{workshop}/present", created["facilitator_token"], True),
        ("plan", f"/w/{workshop}/plan", person["token"], False),
        ("facilitator's plan", f"/w/{workshop}/plan", created["facilitator_token"], False),
        ("not found", "/w/does-not-exist", None, False),
    ]


@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_every_page_has_no_axe_violations(server, contexts, busy_workshop, width, height):
    created, person = busy_workshop
    found = {}
    for name, path, token, board in pages(created, person):
        # bypass_csp lets Playwright inject axe; the pages themselves keep their strict CSP.
        context = contexts(width, height, bypass_csp=True)
        if token:
            context.add_cookies([{"name": f"cc_{created['id']}", "value": token, "url": server.url}])
        page = context.new_page()
        page.goto(server.url + path)
        if board:
            page.wait_for_selector('[data-bind="connection"][data-state="online"]', state="attached")
            page.wait_for_selector(".note")
        # Folded panels (step and workshop settings, deleting) are checked unfolded too.
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        violations = axe_violations(page)
        if violations:
            found[name] = violations
        assert context.page_errors == []
    assert found == {}
