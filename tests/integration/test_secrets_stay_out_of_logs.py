"""Capability links and tokens never reach a log line (issue 26, finding 7)."""

import logging

import requests

from cocreate.links import redacted

from support import Workshop


def test_a_failed_request_is_logged_without_the_key_of_its_address(make_app, caplog):
    app = make_app(TESTING=False)

    def broken(**_parts):
        raise RuntimeError("a bug behind a capability link")

    # Beside the real pages (which do not fail), addresses of the same shape that do.
    app.add_url_rule("/a/<w>/<a>/<key>/broken", "broken_update", broken)
    app.add_url_rule("/broken/w/<w>/calendar/<holder>/<key>.ics", "broken_feed", broken)
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        assert client.get("/a/W1/A1/SeCrEtKeY_of-the-link/broken").status_code == 500
        assert client.get("/broken/w/W1/calendar/P1/FeEdKeY_123.ics").status_code == 500
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Exception on /a/W1/A1/*/broken [GET]" in logged
    assert "Exception on /broken/w/W1/calendar/P1/*.ics [GET]" in logged
    assert "SeCrEtKeY" not in caplog.text and "FeEdKeY" not in caplog.text


def test_no_mode_writes_links_or_tokens_to_its_log(start_server, clients):
    live = start_server(COCREATE_ASYNC_MODE="threading")
    workshop = Workshop(live, clients, "Anouk", connect_facilitator=True)
    workshop.add_action("Koffie", "Anouk")
    snapshot = workshop.connect().snapshots[-1]
    link = snapshot["actions"][0]["update_url"]
    secrets = [
        link.rsplit("/", 1)[1],
        snapshot["calendar_url"].rsplit("/", 1)[1][:-4],
        workshop.token(),
        workshop.token("Anouk"),
    ]
    assert requests.get(link, timeout=10).status_code == 200
    assert requests.get(snapshot["calendar_url"], timeout=10).status_code == 200
    assert requests.get(workshop.url(f"/facilitate?token={workshop.token()}"), timeout=10).status_code == 200
    assert requests.get(workshop.url(f"/plan.md?token={workshop.token('Anouk')}"), timeout=10).status_code == 200
    log = live.log()
    assert [secret for secret in secrets if secret in log] == []


def test_redacted_addresses_keep_everything_but_the_secret():
    assert redacted("/a/W1/A1/k3y-_") == "/a/W1/A1/*"
    assert redacted("/w/W1/calendar/K3y.ics") == "/w/W1/calendar/*.ics"
    assert redacted("/w/W1/board?lang=en&token=T0k_en&x=1") == "/w/W1/board?lang=en&token=*&x=1"
    assert redacted("/w/W1/plan.md") == "/w/W1/plan.md"
