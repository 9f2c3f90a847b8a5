"""One scenario against one running deployment: its people, its load and what is watched.

A `Scene` makes the workshops and their participants over cocreate's HTTP API (not timed;
for the relay a workshop is a room name and needs no token), deals their sockets out over
the load processes (`load.Fleet`), watches the servers and the machine (`monitor.Watch`)
and measures windows: `begin()` … `end()` gives the CPU of servers, services, load
processes and everything else in between. The scenarios themselves are in notes.py,
workshop.py, drag.py and render.py; `python -m bench.play` runs one.
"""

import http.client
import json
import math
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from cocreate import protocol as p

from .load import Fleet, load_usage
from .measure import deliveries, saturated, summary_ms
from .monitor import Profiler, Watch

HTTP_THREADS = 8
HTTP_TIMEOUT = 30
WORDS = (
    "klant",
    "moeite",
    "plezier",
    "samen",
    "team",
    "doel",
    "dialoog",
    "transparantie",
    "overleg",
    "eigenaarschap",
    "koffie",
    "planning",
    "feedback",
    "ruimte",
    "tijd",
)


def texts(seed=11, count=64, shortest=40, longest=160):
    """Notes of `shortest`–`longest` characters, like someone typed them."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        length, words = rng.randint(shortest, longest), []
        while sum(len(w) + 1 for w in words) < length:
            words.append(rng.choice(WORDS))
        out.append(" ".join(words)[:280].strip())
    return out


TEXTS = texts()


class Api:
    """POSTs to cocreate's JSON API from a pool of threads, each with its own keep-alive
    connection per server."""

    def __init__(self):
        self.local = threading.local()

    def _connection(self, url):
        connections = getattr(self.local, "connections", None)
        if connections is None:
            connections = self.local.connections = {}
        if url not in connections:
            parts = urlsplit(url)
            connections[url] = http.client.HTTPConnection(parts.hostname, parts.port, timeout=HTTP_TIMEOUT)
        return connections[url]

    def post(self, url, path, body):
        """The JSON answer of a POST that must answer 201."""
        headers = {"Content-Type": "application/json"}
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

    def join(self, url, workshop_id, name):
        """A participant's token."""
        return self.post(url, f"/api/workshops/{workshop_id}/participants", {"name": name})["token"]


def make_people(target, urls, workshops, participants, spread=True):
    """Workshops with participants; returns (workshops, members).

    `workshops`: [{"id", "facilitator_token", "url"}]; `members`: dicts with index,
    group (the workshop's number), workshop (its id), token, name and url (the server this
    member's socket goes to: a workshop's members take the servers in turn, or with
    `spread` off all go to their workshop's server, as a room behind one address does
    through nginx's `hash $remote_addr`).
    """

    def server_of(w, n):
        return urls[((w + n) if spread else w) % len(urls)]

    if target == "relay":
        made = [{"id": f"room-{w}", "facilitator_token": "relay", "url": urls[w % len(urls)]} for w in range(workshops)]
        tokens = {(w, n): "relay" for w in range(workshops) for n in range(participants)}
    else:
        api = Api()
        with ThreadPoolExecutor(HTTP_THREADS) as pool:
            answers = list(
                pool.map(
                    lambda w: api.post(
                        urls[w % len(urls)], "/api/workshops", {"title": f"Bench {w}", "language": "en"}
                    ),
                    range(workshops),
                )
            )
            made = [
                {"id": a["id"], "facilitator_token": a["facilitator_token"], "url": urls[w % len(urls)]}
                for w, a in enumerate(answers)
            ]
            pairs = [(w, n) for w in range(workshops) for n in range(participants)]
            tokens = dict(
                zip(
                    pairs,
                    pool.map(lambda pair: api.join(server_of(*pair), made[pair[0]]["id"], f"P{pair[1]:03d}"), pairs),
                )
            )
    members = [
        {
            "index": w * participants + n,
            "group": w,
            "workshop": made[w]["id"],
            "token": tokens[(w, n)],
            "name": f"P{n:03d}",
            "url": server_of(w, n),
        }
        for w in range(workshops)
        for n in range(participants)
    ]
    return made, members


def note_items(senders, rate, duration, start, measured, step=0):
    """A script of notes at `rate` a second in total, taking the senders in turn."""
    count = max(1, int(duration * rate))
    items = []
    for k in range(count):
        note_id = str(uuid.uuid4())
        items.append(
            (
                start + k / rate,
                senders[k % len(senders)],
                p.NOTE_ADD,
                {"id": note_id, "step": step, "text": TEXTS[k % len(TEXTS)]},
                f"{p.NOTE_ADDED}:{note_id}",
                measured,
            )
        )
    return items


def per_delivery(cpu_s, count):
    """Microseconds of CPU per delivered event, or None."""
    return None if cpu_s is None or not count else round(cpu_s * 1e6 / count, 1)


class Scene:
    """One scenario against one deployment: the load processes and what they watch.

    `args`: the command line of `python -m bench.play` (target, urls, pids, services,
    processes, quick, and the scenario's extras)."""

    def __init__(self, args):
        self.target = "relay" if args.target.startswith("relay") else "cocreate"
        self.urls = [u for u in args.urls.split(",") if u]
        self.quick, self.args = args.quick, args
        pids = [int(pid) for pid in args.pids.split(",") if pid]
        services = dict(item.split("=") for item in (args.services or "").split(",") if item)
        self.watch = Watch(
            {f"server{i}": pid for i, pid in enumerate(pids)}, {name: int(pid) for name, pid in services.items()}
        ).start()
        self.fleet = Fleet(args.processes).start()
        self.profiler = Profiler(pids[0] if pids else None, args.profile, args.profile_idle, args.profile_gil)
        self.members, self.audience, self.group_of, self.made = [], {}, {}, []
        self.api = Api()
        self._load_start = {}

    def spec(self, spec, name):
        """A scenario's setting, its quick value in a quick run."""
        return spec.get(f"quick_{name}", spec[name]) if self.quick else spec[name]

    def _add(self, members):
        for member in members:
            self.members.append(member)
            self.audience.setdefault(member["group"], set()).add(member["index"])
            self.group_of[member["index"]] = member["group"]
        self.fleet.add_members(members)

    def setup(
        self, workshops, participants, with_facilitators=False, key_mode="id", streams=False, spread=True, keep=()
    ):
        """Workshops, participants over HTTP, every socket connected; the set-up numbers."""
        t0 = time.monotonic()
        self.made, members = make_people(self.target, self.urls, workshops, participants, spread=spread)
        if with_facilitators:
            members += [
                {
                    "index": len(members) + w,
                    "group": w,
                    "workshop": workshop["id"],
                    "token": workshop["facilitator_token"],
                    "name": "F",
                    "url": workshop["url"],
                }
                for w, workshop in enumerate(self.made)
            ]
        t_http = time.monotonic()
        self.fleet.configure(key_mode=key_mode, streams=streams, keep=keep)
        self._add(members)
        answers = self.fleet.connect()
        errors = [a["error"] for a in answers.values() if "error" in a]
        times = [a["snapshot_at"] - a["started"] for a in answers.values() if "error" not in a]
        self.profiler.start()
        return {
            "http_s": round(t_http - t0, 3),
            "connect_s": round(time.monotonic() - t_http, 3),
            "connected": len(answers) - len(errors),
            "wanted": len(members),
            "connect_errors": sorted(set(errors))[:5],
            "connect_to_snapshot_ms": summary_ms(times),
            "load_processes": self.fleet.size,
        }

    def by_group(self):
        """{workshop number: [member indexes]} of the participants (not the facilitators)."""
        groups = {}
        for member in self.members:
            if member["name"] != "F":
                groups.setdefault(member["group"], []).append(member["index"])
        return groups

    def join(self, name, group=0):
        """A new participant of workshop `group`, joined over HTTP (not timed) and connected;
        what its connection and snapshot took."""
        workshop = self.made[group]
        token = self.api.join(workshop["url"], workshop["id"], name)
        member = {
            "index": len(self.members),
            "group": group,
            "workshop": workshop["id"],
            "token": token,
            "name": name,
            "url": workshop["url"],
        }
        self._add([member])
        answer = self.fleet.connect([member["index"]])[member["index"]]
        if "error" in answer:
            raise RuntimeError(f"a join could not connect: {answer['error']}")
        return member["index"], answer

    def add_notes(self, writers, total, steps, length=(30, 200)):
        """`total` notes of typed-looking text, shared out over the writers' sockets; a
        writer's k-th note goes on step k % steps. Returns the refusals by error code."""
        per_writer = math.ceil(total / len(writers))
        words = texts(5, total, *length)
        calls = [
            (
                writers[n // per_writer],
                p.NOTE_ADD,
                {"id": str(uuid.uuid4()), "step": (n % per_writer) % steps, "text": words[n]},
            )
            for n in range(total)
        ]
        refused = {}
        for answer in self.fleet.calls(calls):
            if not answer.get("ok"):
                code = answer["error"]["code"]
                refused[code] = refused.get(code, 0) + 1
        return refused

    def begin(self, name="start"):
        """Mark the start of a measured window."""
        self._load_start[name] = self.fleet.mark()
        self.watch.mark(name)

    def end(self, name="start"):
        """CPU of servers, services, load processes and the rest, since `begin(name)`."""
        load_end = self.fleet.mark()
        self.watch.mark(name + ":end")
        usage = load_usage(self._load_start.pop(name), load_end)
        cpu = self.watch.between(name, name + ":end", load_cpu_s=sum(u["cpu_s"] for u in usage))
        cpu["load"] = usage
        cpu["load_cores"] = round(sum(u["cores"] for u in usage), 3)
        cpu["load_cores_max"] = max((u["cores"] for u in usage), default=None)
        waits = [u["waited_share"] for u in usage if u["waited_share"] is not None]
        cpu["load_cpu_wait_share"] = max(waits) if waits else None
        cpu["load_saturated"] = saturated([u["cores"] for u in usage])
        return cpu

    def memory(self):
        return self.watch.memory()

    def close(self):
        self.profiler.stop()
        self.fleet.close()
        self.watch.stop()


def broadcast_window(scene, senders, rate, duration, warmup):
    """Warm-up, then a measured window of notes; what arrived, merged over the processes."""
    if warmup:
        scene.fleet.run(note_items(senders, rate, warmup, time.monotonic() + 0.2, False))
        scene.fleet.settle(quiet=0.5, timeout=20)
    scene.begin()
    sends, late = scene.fleet.run(note_items(senders, rate, duration, time.monotonic() + 0.2, True))
    settled = scene.fleet.settle(quiet=1.0, timeout=max(20.0, duration))
    cpu = scene.end()
    receipts, streams = scene.fleet.collect()
    measured = [s for s in sends if s["measured"]]
    merged = deliveries(measured, receipts, scene.audience)
    codes = {}
    for send in measured:
        if not send["ok"]:
            codes[send["code"]] = codes.get(send["code"], 0) + 1
    first = min((s["sent"] for s in measured), default=0.0)
    window = max((merged["last_arrival"] or first) - first, 1e-9)
    return {
        "notes": {
            "sent": len(measured),
            "acked_ok": sum(1 for s in measured if s["ok"]),
            "refused": codes,
            "late_sends": late,
            "settled": settled,
        },
        "deliveries": {k: merged[k] for k in ("expected", "delivered", "lost", "duplicates", "complete")},
        # Per note: from emit until the last other participant of its workshop had it.
        "latency_all_ms": summary_ms(merged["latencies"]),
        "ack_ms": summary_ms([s["acked"] - s["sent"] for s in measured if s["acked"]]),
        "events_per_s": round(merged["delivered"] / window, 1),
        "notes_per_s": round(sum(1 for s in measured if s["ok"]) / window, 1),
        # What the server's CPU paid per delivered event: the same however busy the machine.
        "server_cpu_us_per_delivery": per_delivery(cpu.get("server_cpu_s"), merged["delivered"]),
        "services_cpu_us_per_delivery": per_delivery(cpu.get("services_cpu_s"), merged["delivered"]),
        "cpu": cpu,
    }, streams
