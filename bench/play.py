"""Play one scenario against servers that are already running; write one JSON result.

    python -m bench.play --scenario broadcast-100 --target cocreate \
        --urls http://127.0.0.1:5000 --pids 1234 --out result.json [--quick]

bench/run.py starts and stops the servers and services and calls this once per run, so a
load that hangs is stopped with its process. Loads go to loopback addresses only.
"""

import argparse
import json
import sys

from . import drag, notes, render, workshop
from .load import raise_open_files
from .scenarios import SCENARIOS, load_processes
from .scene import Scene

PLAYERS = {
    "broadcast": notes.broadcast,
    "capacity": notes.capacity,
    "drag": drag.drag,
    "vote-storm": workshop.vote_storm,
    "joins": workshop.snapshot_joins,
    "reconnect-storm": workshop.reconnect_storm,
    "soak": workshop.soak,
    "render": render.render,
}


def write_result(result, path=None):
    """The result as JSON to `path` (or stdout); the exit status: 0 when it is ok."""
    text = json.dumps(result, indent=2)
    if path:
        with open(path, "w") as out:
            out.write(text)
    else:
        print(text)
    return 0 if result.get("ok") else 1


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="bench.play", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), required=True)
    parser.add_argument("--target", required=True, help="relay, cocreate or cocreate-…")
    parser.add_argument("--urls", required=True, help="comma-separated server addresses")
    parser.add_argument("--pids", default="", help="comma-separated server process ids")
    parser.add_argument("--services", default="", help="name=pid,… of PostgreSQL and redis-server, for their CPU")
    parser.add_argument("--processes", type=int, help="load processes (default: the scenario's)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database", help="cocreate's SQLite file (drag: frames never reach it)")
    parser.add_argument(
        "--snapshot-bytes", type=int, help="reconnect-storm on the relay: the size of cocreate's snapshot"
    )
    parser.add_argument("--profile", help="py-spy the first server; collapsed stacks to this file")
    parser.add_argument(
        "--profile-idle", action="store_true", help="with --profile: count samples where the server waits too"
    )
    parser.add_argument(
        "--profile-gil", action="store_true", help="with --profile: only samples holding the GIL (threading mode)"
    )
    parser.add_argument("--out", help="write the JSON result here (default: stdout)")
    args = parser.parse_args(argv)
    if not all(u.startswith(("http://127.", "http://localhost")) for u in args.urls.split(",")):
        parser.error("loads go to loopback only")
    args.processes = args.processes or load_processes(args.scenario)
    open_files = raise_open_files()
    spec = SCENARIOS[args.scenario]
    scene = Scene(args)
    try:
        result = PLAYERS[spec["kind"]](scene, spec)
    except Exception as err:  # noqa: BLE001 - reported in the result
        result = {"ok": False, "error": f"{type(err).__name__}: {err}"}
    finally:
        scene.close()
    if scene.profiler.path:
        result["profile"] = {
            "path": str(scene.profiler.path),
            "idle": scene.profiler.idle,
            "py_spy": scene.profiler.note,
        }
    result.update(
        scenario=args.scenario,
        target=args.target,
        quick=args.quick,
        load_processes=args.processes,
        open_file_limit=open_files,
    )
    return write_result(result, args.out)


if __name__ == "__main__":
    sys.exit(main())
