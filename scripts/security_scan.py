"""`make security`: two real scanners from Debian against a local server, on loopback.

Starts `cocreate serve` (eventlet, SQLite, a temporary instance folder) with a workshop that
has something on every page — participants, notes, an action with an owner — then runs

- wapiti over every page a facilitator reaches (with the facilitator's cookie), and
- sqlmap (`--level 2`) on every JSON endpoint and on the owner's update link,

and fails when either reports a finding that `scripts/security-allow-list.json` does not
list with its reason. Reports go to test-artifacts/security/. Not part of `make test`:
a full run takes several minutes.
"""

import fnmatch
import json
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from support import LiveServer  # noqa: E402  (the test suite's live-server helper)

OUT = ROOT / "test-artifacts" / "security"
ALLOW_LIST = ROOT / "scripts" / "security-allow-list.json"
WAPITI_SCAN_TIME = 600  # seconds; wapiti stops crawling after this
WAPITI_ATTACK_TIME = 120  # seconds per attack module
WAPITI_TIMEOUT = 3600  # seconds for all of it (two busy cores took ~17 minutes)
SQLMAP_TIMEOUT = 900  # seconds per endpoint
# The scanners send thousands of requests from one address: lift the per-address limits
# (they have tests of their own) so that the scan reaches the code behind them.
LIFTED = {
    "COCREATE_JOIN_GUESS_LIMIT": "100000 per minute",
    "COCREATE_CREATE_LIMIT": "100000 per hour",
    "COCREATE_UPDATE_LIMIT": "100000 per minute",
    "COCREATE_LINK_LIMIT": "100000 per minute",
    "COCREATE_JOIN_LIMIT": "100000 per minute",
    "COCREATE_WORKSHOP_JOIN_LIMIT": "100000 per minute",
}


def prepared_workshop(server):
    """A workshop with participants, notes and an owned action; what the scanners need."""
    created = server.create_workshop("Scan", goal="Alles wat een pagina laat zien")
    anouk = server.join(created["id"], "Anouk")
    client = socketio.Client()
    client.connect(
        server.url,
        auth={"workshop": created["id"], "token": created["facilitator_token"]},
        transports=["websocket"],
        wait_timeout=10,
    )
    snapshots = []
    client.on("snapshot", snapshots.append)
    for step, text in ((0, "Meer klanten"), (1, "Luisteren"), (3, "Open agenda")):
        client.call("note:add", {"id": str(uuid.uuid4()), "step": step, "text": text})
    action = str(uuid.uuid4())
    client.call("action:add", {"id": action, "title": "Koffie", "owner": anouk["participant_id"], "due": "2027-01-15"})
    snapshot = client.call("sync", {})["snapshot"]
    client.disconnect()
    link = next(a["update_url"] for a in snapshot["actions"] if a["id"] == action)
    return created, anouk, link


def wapiti(server, created):
    """Run wapiti as the facilitator; its findings as (scanner, category, path, info)."""
    host = f"127.0.0.1:{server.port}"
    report = OUT / "wapiti.json"
    with tempfile.TemporaryDirectory() as session:
        subprocess.run(
            [
                "wapiti",
                "-u",
                f"http://{host}/",
                "--scope",
                "folder",
                "-s",
                f"http://{host}/w/{created['id']}/facilitate",
                "-s",
                f"http://{host}/w/{created['id']}/plan",
                "-H",
                f"Cookie: cc_{created['id']}={created['facilitator_token']}",
                "--flush-session",
                "--store-session",
                session,
                "--store-config",
                session,
                "--max-scan-time",
                str(WAPITI_SCAN_TIME),
                "--max-attack-time",
                str(WAPITI_ATTACK_TIME),
                "-f",
                "json",
                "-o",
                str(report),
                "--no-bugreport",
                "-v",
                "1",
            ],
            check=True,
            timeout=WAPITI_TIMEOUT,
            stdout=(OUT / "wapiti.log").open("w"),
            stderr=subprocess.STDOUT,
        )
    return wapiti_findings(report)


def wapiti_findings(report):
    """(scanner, category, path, info) of each vulnerability and anomaly in a wapiti report."""
    found = json.loads(report.read_text())
    findings = []
    for kind in ("vulnerabilities", "anomalies"):
        for category, items in (found.get(kind) or {}).items():
            for item in items:
                findings.append(("wapiti", category, item.get("path", ""), item.get("info", "")))
    return findings


def sqlmap_targets(server, created, anouk, link):
    """(name, url, JSON body or None, extra headers) of every endpoint taking input."""
    workshop = created["id"]
    bearer = f"Authorization: Bearer {created['facilitator_token']}"
    return [
        ("create", f"{server.url}/api/workshops", {"title": "Teamdag", "goal": "x"}, []),
        ("join", f"{server.url}/api/workshops/{workshop}/participants", {"name": "Bram"}, []),
        ("join-code", f"{server.url}/api/join/{created['join_code']}*", None, []),
        ("update-link", link, {"status": "doing", "text": "Bezig"}, []),
        ("plan", f"{server.url}/w/{workshop}/plan.md?lang=nl", None, [bearer]),
    ]


def sqlmap(name, url, body, headers):
    """Run sqlmap on one endpoint; its findings (an injection point it reports)."""
    out = OUT / "sqlmap" / name
    command = [
        "sqlmap",
        "-u",
        url,
        "--batch",
        "--level",
        "2",
        "--risk",
        "1",
        "--flush-session",
        "--disable-coloring",
        "--output-dir",
        str(out),
        "--ignore-code",
        "400,401,403,404,429",
        "--timeout",
        "10",
    ]
    if body is not None:
        command += ["--data", json.dumps(body), "--headers", "\n".join(["Content-Type: application/json", *headers])]
    elif headers:
        command += ["--headers", "\n".join(headers)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=SQLMAP_TIMEOUT)
    (OUT / f"sqlmap-{name}.log").write_text(done.stdout + done.stderr)
    if "identified the following injection point" in done.stdout:
        return [
            ("sqlmap", "SQL Injection", url, done.stdout.split("identified the following injection point", 1)[1][:500])
        ]
    return []


def allowed(finding, allow_list):
    """Whether the allow-list names this finding (scanner, category; path and info
    patterns)."""
    scanner, category, path, info = finding
    return any(
        entry["scanner"] == scanner
        and entry["category"] == category
        and fnmatch.fnmatch(path, entry.get("path", "*"))
        and fnmatch.fnmatch(info, entry.get("info", "*"))
        for entry in allow_list
    )


def main(argv=None):
    """Run both scanners (or those named); exit 1 on a finding not on the allow-list."""
    scanners = set(argv if argv is not None else sys.argv[1:]) or {"sqlmap", "wapiti"}
    OUT.mkdir(parents=True, exist_ok=True)
    allow_list = json.loads(ALLOW_LIST.read_text())["allowed"]
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp), env=LIFTED).start()
        try:
            created, anouk, link = prepared_workshop(server)
            findings = []
            for target in sqlmap_targets(server, created, anouk, link):
                if "sqlmap" in scanners:
                    print(f"security: sqlmap on {target[0]}", flush=True)
                    findings += sqlmap(*target)
            if "wapiti" in scanners:
                print("security: wapiti (several minutes)", flush=True)
                findings += wapiti(server, created)
            server_alive = requests.get(server.url + "/healthz", timeout=10).ok
            (OUT / "server.log").write_text(server.log())
            tracebacks = server.log().count("Traceback")
        finally:
            server.stop()
    new = [finding for finding in findings if not allowed(finding, allow_list)]
    for finding in findings:
        mark = "allowed" if finding not in new else "FINDING"
        print(f"security: {mark}: {finding[0]} {finding[1]} {finding[2]} {finding[3][:200]}")
    problems = len(new) + (not server_alive) + tracebacks
    if not server_alive:
        print("security: FINDING: the server stopped answering during the scan")
    if tracebacks:
        print(f"security: FINDING: the server logged {tracebacks} traceback(s) (server.log)")
    print(
        f"security: {len(findings)} finding(s), {problems} not on the allow-list (reports in {OUT.relative_to(ROOT)})"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
