"""A participant's page keeps writing while part of the installation fails.

Two processes share PostgreSQL and Redis behind nginx (docs/deploy.md). The page's
process dies; nginx sends its reconnection to the survivor; what was typed meanwhile
waits in the page's outbox and arrives exactly once. And while PostgreSQL is away, the
page keeps what is typed and connects again by itself once the database is back.
"""

import time

import pytest
from playwright.sync_api import expect

from browser_helpers import with_token
from support import Client, Viewer

pytestmark = pytest.mark.e2e

ONLINE = '[data-bind="connection"][data-state="online"]'
NOT_ONLINE = '[data-bind="connection"]:not([data-state="online"])'


def write(page, text):
    """Type a note in the composer and press Enter, as a participant does."""
    page.fill("#composer-text", text)
    page.press("#composer-text", "Enter")


def test_notes_typed_while_the_pages_process_is_killed_arrive_once_through_nginx(fresh_cluster, contexts):
    nginx = fresh_cluster.nginx
    # Chromium connects from 127.0.0.1: the process nginx sends that address to dies.
    by_port = {live.port: live for live in fresh_cluster.servers}
    dying = by_port.pop(nginx.backend_for("127.0.0.1"))
    (surviving,) = by_port.values()
    workshop = surviving.create_workshop("Uitval met een browser")
    wid = workshop["id"]
    person = surviving.join(wid, "Sanne")
    other = Viewer(surviving.url, wid, workshop["facilitator_token"]).connect()
    context = with_token(contexts(), nginx, wid, person["token"])
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

        typed = ["Voor de storing", "Onderweg tijdens de crash", "Tijdens de storing 1", "Tijdens de storing 2"]
        page.wait_for_selector(ONLINE, timeout=30_000)
        expect(page.locator(".board .note:not(.pending) .note-text")).to_have_text(typed, timeout=30_000)
        other.wait_for(lambda: sorted(note["text"] for note in other.notes.values()) == sorted(typed), timeout=30)
        added = [event["data"]["id"] for event in other.events if event["type"] == "note.added"]
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


def test_a_note_typed_while_the_database_is_away_arrives_once_when_it_is_back(
    restartable_postgres, start_server, contexts
):
    live = start_server(DATABASE_URL=restartable_postgres.create_database())
    workshop = live.create_workshop("Database even weg")
    wid = workshop["id"]
    person = live.join(wid, "Sanne")
    other = Viewer(live.url, wid, workshop["facilitator_token"]).connect()
    context = with_token(contexts(), live, wid, person["token"])
    page = context.new_page()
    handshakes = []  # answered Engine.IO handshakes: each a (re)connection the page began
    page.on(
        "response",
        lambda response: (
            handshakes.append(response.url)
            if "transport=polling" in response.url and "sid=" not in response.url
            else None
        ),
    )
    page.goto(f"{live.url}/w/{wid}")
    page.wait_for_selector(ONLINE)
    try:
        restartable_postgres.halt()
        write(page, "Terwijl de database weg is")
        # Answered 'unavailable': the outbox keeps the note and sends it again later.
        deadline = time.monotonic() + 30
        while "the database is unreachable" not in live.log():
            assert time.monotonic() < deadline, live.log()
            page.wait_for_timeout(100)  # polling the server's log for the refusal
        expect(page.locator(".note.pending", has_text="Terwijl de database weg")).to_have_count(1)

        # The connection drops and comes back while the database is still away: refused
        # with 'unavailable', the page connects again by itself, and again.
        context.set_offline(True)
        page.wait_for_selector(NOT_ONLINE)
        before = len(handshakes)
        context.set_offline(False)
        deadline = time.monotonic() + 30
        while len(handshakes) < before + 2:
            assert time.monotonic() < deadline, handshakes
            page.wait_for_timeout(100)  # polling for the page's next attempt
        expect(page.locator(ONLINE)).to_have_count(0)

        restartable_postgres.resume()
        page.wait_for_selector(ONLINE, timeout=30_000)
        expect(page.locator(".board .note:not(.pending) .note-text")).to_have_text(
            ["Terwijl de database weg is"], timeout=30_000
        )
        other.wait_for(
            lambda: [note["text"] for note in other.notes.values()] == ["Terwijl de database weg is"], timeout=30
        )
        assert [event["type"] for event in other.events].count("note.added") == 1
        assert page.evaluate(f"localStorage.getItem('cocreate:outbox:{wid}')") is None
        assert context.page_errors == []
        assert "Traceback" not in live.log()
    finally:
        other.close()
