"""Helpers the browser tests share: identities, pages, bound elements, notes over a socket."""

import uuid

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


def socket_note(client, step, text, **extra):
    """Add a note through a socket client (another participant); returns its id."""
    note_id = str(uuid.uuid4())
    ack = client.call("note:add", {"id": note_id, "step": step, "text": text, **extra})
    assert ack["ok"] is True, ack
    return note_id
