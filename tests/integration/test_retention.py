"""Workshops are deleted when the retention chosen at creation runs out: `cocreate purge`;
a session of a series goes, the actions it shares live on in the others."""

import sqlite3
import uuid
from contextlib import closing, contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cocreate import links
from cocreate import protocol as p


@contextmanager
def database(app):
    """A connection of our own to the app's SQLite database; committed, then closed."""
    with closing(sqlite3.connect(Path(app.instance_path) / "cocreate.sqlite3")) as db, db:
        yield db


def backdate(app, workshop_id, column, days):
    """Pretend the workshop's last activity (or download) was `days` ago."""
    moment = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
    with database(app) as db:
        db.execute(f"UPDATE workshops SET {column} = ? WHERE id = ?", (moment, workshop_id))


def exists(client, created):
    return client.get(f"/api/join/{created['join_code']}").status_code == 200


def test_purge_deletes_workshops_past_their_retention_and_keeps_the_rest(app, client, runner):
    stale = client.create_workshop("Oud", retention="7d")
    recent = client.create_workshop("Vorige week", retention="30d")
    downloaded = client.create_workshop("Gedownload", retention="after_download")
    kept = client.create_workshop("Nog niet gedownload", retention="after_download")
    backdate(app, stale["id"], "updated_at", 8)
    backdate(app, recent["id"], "updated_at", 8)
    headers = {"Authorization": f"Bearer {downloaded['facilitator_token']}"}
    assert client.get(f"/w/{downloaded['id']}/plan.pdf", headers=headers).status_code == 200
    backdate(app, downloaded["id"], "downloaded_at", 2)
    backdate(app, kept["id"], "updated_at", 60)

    assert "2 workshop(s) would be deleted" in runner("purge", "--dry-run")
    assert exists(client, stale)
    assert "deleted 2 expired workshop(s)" in runner("purge")
    assert not exists(client, stale)
    assert not exists(client, downloaded)
    assert exists(client, recent)
    assert exists(client, kept)
    with database(app) as db:
        for table in ("participants", "notes", "actions", "votes", "clusters"):
            orphans = db.execute(
                f"SELECT COUNT(*) FROM {table} WHERE workshop_id IN (?, ?)", (stale["id"], downloaded["id"])
            ).fetchone()[0]
            assert orphans == 0, table


def test_a_participant_download_does_not_start_the_after_download_clock(app, client):
    created = client.create_workshop("Na download", retention="after_download")
    person = client.join(created["id"], "Sanne")
    assert (
        client.get(f"/w/{created['id']}/plan.md", headers={"Authorization": f"Bearer {person['token']}"}).status_code
        == 200
    )
    with database(app) as db:
        stamp = db.execute("SELECT downloaded_at FROM workshops WHERE id = ?", (created["id"],)).fetchone()[0]
    assert stamp is None


def test_an_unknown_retention_is_refused(client):
    answer = client.post("/api/workshops", json={"title": "X", "retention": "1y"})
    assert answer.status_code == 400
    assert "retention" in answer.json["error"]["fields"]


def test_purging_a_session_of_a_series_keeps_its_shared_actions_alive_in_the_others(app, client, runner):
    first = client.create_workshop("Teamdag", retention="7d")
    anouk = client.join(first["id"], "Anouk")
    store = app.extensions["cocreate.store"]
    facilitator = store.authenticate(first["id"], first["facilitator_token"]).id
    action_id = str(uuid.uuid4())
    store.execute(
        first["id"], facilitator, p.ACTION_ADD, {"id": action_id, "title": "Koffie", "owner": anouk["participant_id"]}
    )
    second = client.create_workshop("Terugkomdag", token=first["facilitator_token"], follow_up_of=first["id"])
    workshop = store.workshop(first["id"])
    link = links.update_path(app.extensions["cocreate.secret"], workshop, workshop.actions[action_id])
    backdate(app, first["id"], "updated_at", 8)

    assert "deleted 1 expired workshop(s)" in runner("purge")
    assert not exists(client, first) and exists(client, second)
    assert client.get(link).status_code == 200
    assert client.post(link, json={"status": "doing", "text": "Gepland"}).status_code == 200
    kept = store.workshop(second["id"]).actions[action_id]
    assert (kept.status, kept.progress[-1]["text"], kept.owner_name) == ("doing", "Gepland", "Anouk")
    with database(app) as db:
        assert db.execute("SELECT COUNT(*) FROM actions WHERE workshop_id = ?", (first["id"],)).fetchone()[0] == 0
    # An update through the link counts as activity for every session holding the action.
    backdate(app, second["id"], "updated_at", 40)
    assert client.post(link, json={"text": "Nog even"}).status_code == 200
    assert "0 workshop(s) would be deleted" in runner("purge", "--dry-run")
