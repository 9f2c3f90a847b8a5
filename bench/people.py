"""Workshops and their participants, made over cocreate's HTTP API before a load starts.

Not timed. Requests go out from a few threads, each with its own keep-alive
connection, spread over the servers of a deployment (with several processes they
share one database). For the relay there is nothing to make: a workshop is a room
name and a participant needs no token.
"""

import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

HTTP_THREADS = 8
TIMEOUT = 30


class Api:
    """POSTs to cocreate's JSON API from a pool of threads."""

    def __init__(self, urls):
        self.urls = list(urls)
        self.local = threading.local()

    def _connection(self, url):
        connections = getattr(self.local, "connections", None)
        if connections is None:
            connections = self.local.connections = {}
        if url not in connections:
            parts = urlsplit(url)
            connections[url] = http.client.HTTPConnection(parts.hostname, parts.port,
                                                          timeout=TIMEOUT)
        return connections[url]

    def post(self, url, path, body, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        for attempt in range(2):  # a keep-alive connection the server closed: once more
            conn = self._connection(url)
            try:
                conn.request("POST", path, json.dumps(body), headers)
                answer = conn.getresponse()
                text = answer.read().decode()
                break
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.connections.pop(url, None)
                if attempt:
                    raise
        if answer.status != 201:
            raise RuntimeError(f"POST {path}: {answer.status} {text[:300]}")
        return json.loads(text)


def make_people(target, urls, workshops, participants, title="Bench", spread=True):
    """Workshops with participants; returns (workshops, members).

    `workshops`: [{"id", "facilitator_token", "url"}]; `members`: dicts with index,
    group (the workshop's number), workshop (its id), token, name and url (the
    server this member's socket goes to: a workshop's members take the servers in turn,
    or with `spread` off all go to their workshop's server, as a room behind one address
    does through nginx's `hash $remote_addr`).
    """
    urls = list(urls)

    def server_of(w, n):
        return urls[((w + n) if spread else w) % len(urls)]

    made = []
    if target == "relay":
        made = [{"id": f"room-{w}", "facilitator_token": "relay", "url": urls[w % len(urls)]}
                for w in range(workshops)]
        tokens = {(w, n): "relay" for w in range(workshops) for n in range(participants)}
    else:
        api = Api(urls)
        with ThreadPoolExecutor(HTTP_THREADS) as pool:
            answers = list(pool.map(
                lambda w: api.post(urls[w % len(urls)], "/api/workshops",
                                   {"title": f"{title} {w}", "language": "en"}),
                range(workshops)))
            made = [{"id": a["id"], "facilitator_token": a["facilitator_token"],
                     "url": urls[w % len(urls)]} for w, a in enumerate(answers)]

            def join(pair):
                w, n = pair
                url = server_of(w, n)
                answer = api.post(url, f"/api/workshops/{made[w]['id']}/participants",
                                  {"name": f"P{n:03d}"})
                return pair, answer["token"]

            pairs = [(w, n) for w in range(workshops) for n in range(participants)]
            tokens = dict(pool.map(join, pairs))
    members = []
    for w in range(workshops):
        for n in range(participants):
            members.append({"index": len(members), "group": w, "workshop": made[w]["id"],
                            "token": tokens[(w, n)], "name": f"P{n:03d}",
                            "url": server_of(w, n)})
    return made, members


def facilitators(made, first_index):
    """A member for each workshop's facilitator (index from `first_index` on)."""
    return [{"index": first_index + w, "group": w, "workshop": workshop["id"],
             "token": workshop["facilitator_token"], "name": "F", "url": workshop["url"]}
            for w, workshop in enumerate(made)]
