"""Every scenario of the benchmark, as data: what load, against which targets, on what
deployment, how often. bench/run.py runs them, bench/play.py plays one, bench/report.py
writes their tables.

Keys of a scenario:
- `kind`: the function that plays it (bench/play.py);
- `per_mode`: run in every async mode (they measure the mode); the others run in the
  first mode only (they measure the deployment);
- `targets`: in the order they run (the reconnect storm's relay pads its snapshot to the
  size of cocreate's, so cocreate goes first); `relay*` is the bare python-socketio relay;
- `deployments`: {target: Deployment options} (default: one process; cocreate on SQLite);
- `processes`: load processes (bench/load.py); `repeats`: runs of the whole target list
  in a full run, the report taking each target's best (other programs on the machine only
  ever add time); `time_limit`: seconds before the load is stopped;
- `quick_<name>` replaces `<name>` in a quick run.
"""

LOAD_PROCESSES = 4
TIME_LIMIT = 240

SCENARIOS = {
    # Notes broadcast to 20, 100 and 500 participants: one process, one load process.
    "broadcast-20": {
        "kind": "broadcast",
        "per_mode": True,
        "targets": ("relay", "cocreate"),
        "repeats": 2,
        "processes": 1,
        "workshops": 1,
        "participants": 20,
        "senders": 4,
        "interval": 0.25,
        "duration": 10.0,
        "quick_duration": 3.0,
    },
    "broadcast-100": {
        "kind": "broadcast",
        "per_mode": True,
        "targets": ("relay", "cocreate"),
        "repeats": 2,
        "processes": 1,
        "workshops": 1,
        "participants": 100,
        "senders": 4,
        "interval": 0.25,
        "duration": 10.0,
        "quick_duration": 3.0,
    },
    "broadcast-500": {
        "kind": "broadcast",
        "per_mode": True,
        "targets": ("relay", "cocreate"),
        "repeats": 2,
        "processes": 1,
        "workshops": 25,
        "participants": 20,
        "senders": 2,
        "interval": 0.5,
        "duration": 10.0,
        "quick_duration": 3.0,
    },
    "vote-storm": {
        "kind": "vote-storm",
        "per_mode": True,
        "targets": ("cocreate",),
        "processes": 1,
        "participants": 100,
        "quick_participants": 20,
        "notes": 10,
        "budget": 5,
    },
    "snapshot-300": {
        "kind": "joins",
        "per_mode": True,
        "targets": ("cocreate",),
        "processes": 1,
        "notes": 300,
        "writers": 15,
        "joins": 30,
        "quick_joins": 10,
    },
    "render-300": {
        "kind": "render",
        "per_mode": True,
        "targets": ("cocreate",),
        "processes": 1,
        "notes": 300,
        "writers": 15,
        "loads": 10,
        "quick_loads": 3,
    },
    # The deployment's scenarios: several load processes on one clock.
    "drag": {
        "kind": "drag",
        "targets": ("relay", "cocreate"),
        "repeats": 2,
        "workshops": 25,
        "participants": 20,
        "draggers": 3,
        "rate": 30,
        "duration": 10.0,
        "quick_duration": 3.0,
    },
    "drag-100": {
        "kind": "drag",
        "targets": ("relay", "cocreate"),
        "repeats": 2,
        "workshops": 5,
        "participants": 20,
        "draggers": 3,
        "rate": 30,
        "duration": 10.0,
        "quick_duration": 3.0,
    },
    "scale-out": {
        "kind": "broadcast",
        "check_seq": True,
        "targets": ("relay", "cocreate", "cocreate-rooms", "cocreate-pg", "cocreate-sqlite"),
        "deployments": {
            "relay": {"processes": 2, "queue": True},
            "cocreate": {"processes": 2, "postgres": True, "queue": True},
            "cocreate-rooms": {"processes": 2, "postgres": True, "queue": True},
            "cocreate-pg": {"processes": 1, "postgres": True},
        },
        "repeats": 3,
        "time_limit": 300,
        "workshops": 50,
        "quick_workshops": 10,
        "participants": 20,
        "senders": 2,
        "interval": 1.0,
        "duration": 30.0,
        "quick_duration": 3.0,
    },
    "capacity": {
        "kind": "capacity",
        "targets": ("relay", "cocreate"),
        "time_limit": 480,
        "workshops": 10,
        "participants": 20,
        "start": 40.0,
        "factor": 1.5,
        "precision": 0.1,
        "quick_precision": 0.3,
        "step_s": 6.0,
        "quick_step_s": 2.0,
        "p99_ms": 250.0,
        "max_steps": 12,
    },
    "reconnect-storm": {
        "kind": "reconnect-storm",
        "targets": ("cocreate", "relay"),
        "repeats": 5,
        "workshops": 10,
        "participants": 20,
        "notes": 30,
        "quick_notes": 10,
    },
    "soak": {
        "kind": "soak",
        "targets": ("cocreate",),
        "time_limit": 600,
        "workshops": 5,
        "participants": 20,
        "warmup_s": 30.0,
        "round_s": 60.0,
        "rounds": 4,
        "quick_warmup_s": 8.0,
        "quick_round_s": 15.0,
        "quick_rounds": 3,
    },
}


def repeats_of(scenario, given=None, quick=False):
    """How often a scenario's targets run: those with `repeats` `given` times (default: a
    full run's count, once when quick), the others once."""
    repeats = SCENARIOS.get(scenario, {}).get("repeats")
    if not repeats:
        return 1
    return given or (1 if quick else repeats)


def load_processes(scenario, given=LOAD_PROCESSES):
    """The load processes of a scenario: its own number, else `given`."""
    return SCENARIOS[scenario].get("processes", given)
