"""In eventlet mode a query to PostgreSQL waits like any other socket: the rest of the
process runs on, and two processes changing the same workshops never lock each other out."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from support import ROOT

# While one green thread waits half a second for PostgreSQL, another counts its turns.
WAITING = """
import sys
from cocreate.cli import patch_for
patch_for("eventlet")
import eventlet
import psycopg

turns = []
def count():
    while True:
        turns.append(1)
        eventlet.sleep(0.01)
eventlet.spawn(count)
eventlet.sleep(0)
with psycopg.connect(sys.argv[1]) as conn:
    conn.execute("SELECT pg_sleep(0.5)")
print(len(turns))
"""


def test_a_query_in_eventlet_mode_lets_the_other_green_threads_run(postgres_server):
    done = subprocess.run(
        [sys.executable, "-c", WAITING, postgres_server.dsn("postgres")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    # About 50 turns in half a second; a query blocking the process allows one.
    assert int(done.stdout) >= 10


def test_two_processes_take_joins_to_the_same_workshops_at_once(cluster):
    first, second = cluster.servers
    workshops = [first.create_workshop(f"Teamdag {n}")["id"] for n in range(4)]
    # Each workshop's joins go to both processes, from several threads at once: each
    # process holds one workshop's lock while it waits for another's.
    jobs = [(workshop, n) for n in range(8) for workshop in workshops]

    def join(job):
        workshop, n = job
        live = (first, second)[(workshops.index(workshop) + n) % 2]
        return live.join(workshop, f"Deelnemer {n}")  # fails after 10 s without an answer

    with ThreadPoolExecutor(12) as pool:
        joined = list(pool.map(join, jobs))

    assert len({answer["participant_id"] for answer in joined}) == len(jobs)
