"""Run the benchmark: every scenario, against cocreate and the relay floor, per async mode.

    python -m bench                     # the full run
    python -m bench --quick             # a smoke run: short windows, fewer voters and joins
    python -m bench --modes eventlet --scenarios broadcast-100,vote-storm
    python -m bench --quick --scenarios capacity     # one scenario
    python -m bench --profile           # also py-spy each server while it is measured

Each (mode, scenario, target) gets a fresh deployment on free 127.0.0.1 ports
(bench/deployment.py): one server with its own SQLite database, or for `scale-out` two
processes sharing a new PostgreSQL database and Redis (started once per run). The load is
a fresh `python -m bench.play` process. The scenarios (bench/scenarios.py) that measure the
async mode run in every mode; those that measure the deployment in the first mode given
only. Relay and cocreate runs of a scenario follow each other, so both see the same
machine. Writes the raw numbers to bench/results/<name>.json (not committed) and the
report to docs/performance.md.
"""

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from . import report
from .deployment import ROOT, Deployment, Services
from .measure import soak_again
from .scenarios import LOAD_PROCESSES, SCENARIOS, TIME_LIMIT, load_processes, repeats_of

RESULTS = ROOT / "bench" / "results"
REPORT = ROOT / "docs" / "performance.md"
MODES = ("eventlet", "gevent", "threading")


def mode_problem(mode):
    """Why an async mode cannot run here, or None."""
    needs = {"eventlet": "eventlet", "gevent": "gevent", "threading": "simple_websocket"}[mode]
    if importlib.util.find_spec(needs) is None:
        return f"{needs} is not installed (pip install -e '.[bench]')"
    return None


def versions():
    """Versions of what is measured."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in (
        "python-socketio",
        "python-engineio",
        "Flask-SocketIO",
        "eventlet",
        "gevent",
        "aiohttp",
        "simple-websocket",
        "Werkzeug",
        "SQLAlchemy",
        "playwright",
    ):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def git_state():
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True, capture_output=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "cocreate"], cwd=ROOT, text=True, capture_output=True, timeout=10
        ).stdout.strip()
        return {"commit": head, "cocreate_dirty": bool(dirty)}
    except (OSError, subprocess.SubprocessError):
        return {}


def tracebacks(log, keep=5):
    """The distinct tracebacks in a server log: [(count, text)], most frequent first."""
    lines = log.splitlines()
    found = {}
    i = 0
    while i < len(lines):
        if lines[i].startswith("Traceback"):
            start = max(0, i - 1)  # the line before names what failed ("disconnect handler error")
            j = i + 1
            while j < len(lines) and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
                j += 1
            block = "\n".join(lines[start : j + 1])
            key = (lines[start], lines[j] if j < len(lines) else "")
            count, _text = found.get(key, (0, block))
            found[key] = (count + 1, block)
            i = j + 1
        else:
            i += 1
    ranked = sorted(found.values(), key=lambda item: -item[0])
    return [{"count": count, "text": text[-4000:]} for count, text in ranked[:keep]]


def collections_in(log, start, end):
    """The slow garbage collections the server logged (`--gc-log`) inside a window."""
    found = []
    for line in log.splitlines():
        if line.startswith("gc: at "):
            parts = line.split()
            try:
                at, generation = float(parts[2]), int(parts[4])
                took, cpu = float(parts[6]), float(parts[9])
            except (IndexError, ValueError):
                continue
            if start <= at <= end:
                found.append((generation, took, cpu))
    summary = {}
    for generation, took, cpu in found:
        count, total, worst, worst_cpu = summary.get(generation, (0, 0.0, 0.0, 0.0))
        summary[generation] = (count + 1, round(total + took, 1), max(worst, took), max(worst_cpu, cpu))
    return {
        f"gen{g}": {"count": c, "total_ms": t, "max_ms": m, "max_cpu_ms": mc}
        for g, (c, t, m, mc) in sorted(summary.items())
    }


def run_load(command, limit, servers, out):
    """Run the load `command`, then stop `servers` (one server or a deployment): the load's
    JSON result from `out` with what the servers showed, and the servers' log."""
    try:
        load = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=limit + 60)
        load_error = load.stderr.strip()[-2000:]
    except subprocess.TimeoutExpired:
        load_error = "load killed after its time limit"
    alive = servers.alive()
    servers.stop()
    log = servers.log()
    try:
        result = json.loads(out.read_text())
    except (OSError, ValueError):
        result = {"ok": False, "error": load_error or "no result"}
    result.update(load_average=load_average(), server_survived=alive, server_tracebacks=log.count("Traceback"))
    if load_error and not result.get("ok"):
        result["load_stderr"] = load_error
    if "Traceback" in log:
        result["server_tracebacks_seen"] = tracebacks(log)
    return result, log


def run_target(mode, scenario, target, args, workdir, services, snapshot_bytes=None, profile_dir=None):
    """One scenario against one fresh deployment of `target`; the load's JSON result with
    what the servers showed."""
    print(f"[bench] {mode:9} {scenario:15} {target:15} …", end=" ", flush=True)
    started = time.monotonic()
    spec = SCENARIOS[scenario]
    kind = "relay" if target.startswith("relay") else "cocreate"
    deployment = Deployment(
        kind, mode, workdir, services, gc_log=args.server_gc_log, **spec.get("deployments", {}).get(target, {})
    )
    try:
        deployment.start()
    except (RuntimeError, OSError) as err:
        print("server failed")
        return {"ok": False, "mode": mode, "scenario": scenario, "target": target, "error": str(err)[-3000:]}
    out = Path(workdir) / f"{mode}-{scenario}-{target}.json"
    limit = spec.get("time_limit", TIME_LIMIT)
    command = [
        sys.executable,
        "-m",
        "bench.play",
        "--scenario",
        scenario,
        "--target",
        target,
        "--urls",
        ",".join(deployment.urls),
        "--pids",
        ",".join(str(pid) for pid in deployment.pids),
        "--services",
        ",".join(f"{k}={v}" for k, v in deployment.service_pids().items()),
        "--processes",
        str(load_processes(scenario, args.load_processes)),
        "--out",
        str(out),
    ]
    if deployment.sqlite:
        command += ["--database", str(deployment.sqlite)]
    if snapshot_bytes:
        command += ["--snapshot-bytes", str(snapshot_bytes)]
    if profile_dir is not None:
        kind = "idle" if args.profile_idle else "cpu"
        command += ["--profile", str(Path(profile_dir) / f"{mode}-{scenario}-{target}-{kind}.txt")]
        if args.profile_idle:
            command.append("--profile-idle")
        elif mode == "threading":
            command.append("--profile-gil")
    if args.quick:
        command.append("--quick")
    result, log = run_load(command, limit, deployment, out)
    result.update(
        mode=mode,
        scenario=scenario,
        target=target,
        deployment={"processes": deployment.count, "postgres": deployment.postgres, "queue": deployment.queue},
        elapsed_s=round(time.monotonic() - started, 1),
    )
    cpu = result.get("cpu") or {}
    if args.server_gc_log and "clock_start" in cpu:
        result["server_slow_gc"] = collections_in(log, cpu["clock_start"], cpu["clock_end"])
        result["server_gc_log"] = [line for line in log.splitlines() if " generation 2 " in line][-12:]
    print(report.one_line(result), flush=True)
    return result


def run_targets(mode, scenario, args, workdir, services, profile_dir=None, targets=None, repeats=1):
    """Every target of a scenario, one after the other, `repeats` times over (the first
    round profiled, if asked); a soak without a verdict runs again, up to
    `measure.SOAK_ATTEMPTS` times."""
    runs, snapshot_bytes = [], None
    for repeat in range(repeats):
        for target in SCENARIOS[scenario]["targets"]:
            if targets and target not in targets:
                continue
            attempt = 0
            while True:  # a soak the machine left without a verdict runs again
                attempt += 1
                run = run_target(
                    mode,
                    scenario,
                    target,
                    args,
                    workdir,
                    services,
                    snapshot_bytes if target == "relay" else None,
                    profile_dir if repeat == 0 and attempt == 1 else None,
                )
                run.update(repeat=repeat, attempt=attempt)
                runs.append(run)
                if scenario != "soak" or not soak_again(run, attempt):
                    break
                print(f"[bench] {scenario}: no verdict (a busy or slower machine); again", flush=True)
            if scenario == "reconnect-storm" and target == "cocreate":
                snapshot_bytes = run.get("snapshot_bytes")
    return runs


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument(
        "--repeat",
        type=int,
        help="runs of each relay/cocreate pair (broadcast, drag, scale-out, "
        "reconnect storm), alternating; the report takes the best of each "
        "(default: the scenario's `repeats`; quick: 1). "
        "Other programs on the machine only ever add latency.",
    )
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help="comma-separated, of: %(default)s (all, by default)"
    )
    parser.add_argument("--targets", help="only these targets (e.g. cocreate,relay)")
    parser.add_argument(
        "--load-processes",
        type=int,
        default=LOAD_PROCESSES,
        help="load processes of the scenarios that use several (default %(default)s)",
    )
    parser.add_argument("--name", help="results file name (default: a UTC timestamp)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="py-spy each server while measuring; collapsed stacks in "
        "bench/results/profile-NAME/ (read them with bench.hotspots)",
    )
    parser.add_argument(
        "--profile-idle", action="store_true", help="with --profile: count waiting samples too (finds stalls)"
    )
    parser.add_argument(
        "--server-gc-log",
        action="store_true",
        help="experiment: log the servers' garbage collections over 2 ms "
        "(bench/wrap.py) and count those in each measured window",
    )
    parser.add_argument("--report", default=str(REPORT), help="where the report goes (default: docs/performance.md)")
    parser.add_argument("--no-report", action="store_true", help="keep the raw numbers only; leave the report as it is")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    scenarios = [s for s in args.scenarios.split(",") if s]
    for name in modes:
        if name not in MODES:
            parser.error(f"unknown mode {name!r}")
    for name in scenarios:
        if name not in SCENARIOS:
            parser.error(f"unknown scenario {name!r}")
    repeats = {scenario: repeats_of(scenario, args.repeat, args.quick) for scenario in scenarios}
    targets = [t for t in (args.targets or "").split(",") if t]
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    name = args.name or (stamp + ("-quick" if args.quick else "") + ("-gclog" if args.server_gc_log else ""))
    RESULTS.mkdir(parents=True, exist_ok=True)
    profile_dir = None
    if args.profile:
        profile_dir = RESULTS / f"profile-{name}"
        profile_dir.mkdir(exist_ok=True)
        # The profiles name file:line of the code as it was: keep that code beside them.
        import shutil

        shutil.copytree(
            ROOT / "cocreate",
            profile_dir / "cocreate-source",
            ignore=shutil.ignore_patterns("static", "templates", "__pycache__", "translations", "formats"),
            dirs_exist_ok=True,
        )
    document = {
        "name": name,
        "started": stamp,
        "quick": args.quick,
        "modes": modes,
        "repeat": repeats,
        "server_gc_log": args.server_gc_log,
        "scenarios": scenarios,
        "cpus": os.cpu_count(),
        "versions": versions(),
        "git": git_state(),
        "skipped_modes": {},
        "runs": [],
    }
    document["load_processes"] = args.load_processes
    began = time.monotonic()
    services = Services()
    try:
        with tempfile.TemporaryDirectory(prefix="cocreate-bench-") as workdir:
            runnable = [mode for mode in modes if not mode_problem(mode)]
            for mode in modes:
                problem = mode_problem(mode)
                if problem:
                    print(f"[bench] {mode}: skipped: {problem}")
                    document["skipped_modes"][mode] = problem
                    continue
                for scenario in scenarios:
                    if not SCENARIOS[scenario].get("per_mode") and mode != runnable[0]:
                        continue  # it measures the deployment: one mode is enough
                    try:
                        document["runs"] += run_targets(
                            mode, scenario, args, workdir, services, profile_dir, targets, repeats[scenario]
                        )
                    except Exception as err:  # noqa: BLE001 - PostgreSQL/Redis would not start
                        print(f"[bench] {scenario}: {err}")
                        document["runs"].append(
                            {
                                "ok": False,
                                "mode": mode,
                                "scenario": scenario,
                                "target": "cocreate",
                                "error": str(err)[-2000:],
                            }
                        )
    finally:
        services.stop()
    document["elapsed_s"] = round(time.monotonic() - began, 1)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"[bench] raw numbers: {path.relative_to(ROOT)} ({document['elapsed_s']} s)")
    if not args.no_report:
        written = Path(args.report)
        written.write_text(report.markdown([document]))
        print(f"[bench] report: {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
