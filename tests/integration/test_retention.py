"""Workshops are deleted when the retention chosen at creation runs out: `cocreate purge`."""

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def backdate(server, workshop_id, column, days):
    """Pretend the workshop's last activity (or download) was `days` ago."""
    moment = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
    with sqlite3.connect(server.instance_path / "cocreate.sqlite3") as db:
        db.execute(f"UPDATE workshops SET {column} = ? WHERE id = ?", (moment, workshop_id))


def purge(server, *flags):
    """Run `cocreate purge` against the server's database, as cron would."""
    env = {**os.environ, "COCREATE_INSTANCE_PATH": str(server.instance_path)}
    done = subprocess.run([sys.executable, "-m", "cocreate", "purge", *flags], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def exists(server, created):
    return requests.get(f"{server.url}/api/join/{created['join_code']}", timeout=10).ok


def test_purge_deletes_workshops_past_their_retention_and_keeps_the_rest(fresh_server):
    stale = fresh_server.create_workshop("Oud", retention="7d")
    recent = fresh_server.create_workshop("Vorige week", retention="30d")
    downloaded = fresh_server.create_workshop("Gedownload", retention="after_download")
    kept = fresh_server.create_workshop("Nog niet gedownload", retention="after_download")
    backdate(fresh_server, stale["id"], "updated_at", 8)
    backdate(fresh_server, recent["id"], "updated_at", 8)
    headers = {"Authorization": f"Bearer {downloaded['facilitator_token']}"}
    assert requests.get(f"{fresh_server.url}/w/{downloaded['id']}/plan.pdf", headers=headers,
                        timeout=30).ok
    backdate(fresh_server, downloaded["id"], "downloaded_at", 2)
    backdate(fresh_server, kept["id"], "updated_at", 60)

    assert "2 workshop(s) would be deleted" in purge(fresh_server, "--dry-run")
    assert exists(fresh_server, stale)
    assert "deleted 2 expired workshop(s)" in purge(fresh_server)
    assert not exists(fresh_server, stale)
    assert not exists(fresh_server, downloaded)
    assert exists(fresh_server, recent)
    assert exists(fresh_server, kept)
    with sqlite3.connect(fresh_server.instance_path / "cocreate.sqlite3") as db:
        for table in ("participants", "notes", "actions", "votes", "clusters"):
            orphans = db.execute(f"SELECT COUNT(*) FROM {table} WHERE workshop_id IN (?, ?)",
                                 (stale["id"], downloaded["id"])).fetchone()[0]
            assert orphans == 0, table


def test_a_participant_download_does_not_start_the_after_download_clock(fresh_server):
    created = fresh_server.create_workshop("Na download", retention="after_download")
    person = fresh_server.join(created["id"], "Sanne")
    assert requests.get(f"{fresh_server.url}/w/{created['id']}/plan.md",
                        headers={"Authorization": f"Bearer {person['token']}"}, timeout=10).ok
    with sqlite3.connect(fresh_server.instance_path / "cocreate.sqlite3") as db:
        stamp = db.execute("SELECT downloaded_at FROM workshops WHERE id = ?",
                           (created["id"],)).fetchone()[0]
    assert stamp is None


def test_an_unknown_retention_is_refused(server):
    answer = requests.post(f"{server.url}/api/workshops", json={"title": "X", "retention": "1y"},
                           timeout=10)
    assert answer.status_code == 400
    assert "retention" in answer.json()["error"]["fields"]
