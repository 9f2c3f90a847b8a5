"""A participant's page behind nginx keeps writing while its process is killed with -9.

Two processes share PostgreSQL and Redis behind nginx (docs/deploy.md). The page's
process dies; nginx sends its reconnection to the survivor; what was typed meanwhile
waits in the page's outbox and arrives exactly once.
"""

import pytest
from playwright.sync_api import expect

from support import Client, Viewer

pytestmark = pytest.mark.e2e

ONLINE = '[data-bind="connection"][data-state="online"]'
NOT_ONLINE = '[data-bind="connection"]:not([data-state="online"])'


def write(page, text):
    """Type a note in the composer and press Enter, as a participant does."""
    page.fill("#composer-text", text)
    page.press("#composer-text", "Enter")


def test_notes_typed_while_the_pages_process_is_killed_arrive_once_through_nginx(
        fresh_cluster, contexts):
    nginx = fresh_cluster.nginx
    # Chromium connects from 127.0.0.1: the process nginx sends that address to dies.
    by_port = {live.port: live for live in fresh_cluster.servers}
    dying = by_port.pop(nginx.backend_for("127.0.0.1"))
    (surviving,) = by_port.values()
    workshop = surviving.create_workshop("Uitval met een browser")
    wid = workshop["id"]
    person = surviving.join(wid, "Sanne")
    other = Viewer(surviving.url, wid, workshop["facilitator_token"]).connect()
    context = contexts()
    context.add_cookies([{"name": f"cc_{wid}", "value": person["token"], "url": nginx.url}])
    page = context.new_page()
    page.goto(f"{nginx.url}/w/{wid}")
    page.wait_for_selector(ONLINE)
    try:
        write(page, "Voor de storing")
        expect(page.locator(".note:not(.pending) .note-text")).to_have_text("Voor de storing")

        # The reconnection's requests wait until the notes below are typed: the gap is
        # certain, however fast nginx finds the survivor.
        held = []

        def hold(route):
            held.append(route)
        page.route("**/socket.io/**", hold)
        write(page, "Onderweg tijdens de crash")  # on its way as the process dies
        dying.kill()
        page.wait_for_selector(NOT_ONLINE)
        write(page, "Tijdens de storing 1")
        write(page, "Tijdens de storing 2")
        for text in ("Tijdens de storing 1", "Tijdens de storing 2"):
            expect(page.locator(".note.pending", has_text=text)).to_have_count(1)
        page.unroute("**/socket.io/**", hold)
        for route in held:
            route.continue_()

        typed = ["Voor de storing", "Onderweg tijdens de crash", "Tijdens de storing 1",
                 "Tijdens de storing 2"]
        page.wait_for_selector(ONLINE, timeout=30_000)
        expect(page.locator(".board .note:not(.pending) .note-text")).to_have_text(
            typed, timeout=30_000)
        other.wait_for(lambda: sorted(note["text"] for note in other.notes.values())
                       == sorted(typed), timeout=30)
        added = [event["data"]["id"] for event in other.events
                 if event["type"] == "note.added"]
        assert len(added) == len(set(added))
        assert page.evaluate(f"localStorage.getItem('cocreate:outbox:{wid}')") is None
        snapshot = Client(surviving.url, wid, workshop["facilitator_token"]).connect()
        try:
            stored = sorted(note["text"] for note in snapshot.snapshots[-1]["notes"])
        finally:
            snapshot.close()
        assert stored == sorted(typed)
        assert context.page_errors == []
    finally:
        other.close()
