"""Real Redis, PostgreSQL and nginx, each a child of the test run — never mocks.

Each runs from Debian's packages (`scripts/install-system-deps` installs them) on a free
loopback port, with its data in a temporary folder that is removed afterwards; each can
be stopped and started again on its port (`halt`, `resume`), as an outage does. A
missing binary fails the test loudly. The fixtures that start them are in cluster.py.
redis-server and PostgreSQL come from loopback_services.py at the repository's root, which
the benchmark's deployments start the same way.

PostgreSQL's `initdb` refuses to run as root. When the tests run as root (as in
CI), `initdb` and `postgres` run as Debian's `postgres` system user (created by
the `postgresql` package) through `subprocess`'s `user=`/`group=`, with the data
folder chowned to it; otherwise they run as the current user.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

import loopback_services as services
from loopback_services import MissingProgram, require, stop_process, wait_until_ready
from support import ROOT, free_port

NGINX = "/usr/sbin/nginx"


def _require(path, package):
    try:
        return require(path, package)
    except MissingProgram as missing:
        pytest.fail(str(missing), pytrace=False)


_wait = wait_until_ready
_stop = stop_process


# -- Redis and PostgreSQL (loopback_services.py, which the benchmark shares) ---------------


class RedisServer(services.RedisServer):
    """`redis-server` on a loopback port, no persistence; `halt` and `resume` restart it."""

    def __init__(self):
        try:
            super().__init__()
        except MissingProgram as missing:
            pytest.fail(str(missing), pytrace=False)


class PostgresServer(services.PostgresServer):
    """A PostgreSQL cluster made by `initdb` in a temporary folder, on a loopback port;
    `halt` and `resume` stop and start it on its data folder and port."""

    def __init__(self):
        try:
            super().__init__()
        except MissingProgram as missing:
            pytest.fail(str(missing), pytrace=False)


# -- nginx ---------------------------------------------------------------------------------

# The site is docs/deploy.md's nginx configuration, read from the page (`deployed_site`);
# around it, what keeps nginx in its temporary folder.
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;

{site}
}}
"""
DEPLOY_GUIDE = ROOT / "docs" / "deploy.md"
SITE_SECTION = "### nginx with sticky sessions"
UPSTREAM_SERVER = re.compile(r"^( *)server 127\.0\.0\.1:\d+(.*;)\n", re.M)
GUIDE_LISTEN = "listen 80;"


def deployed_site():
    """The nginx configuration docs/deploy.md gives (its `map`, `upstream`, `server`)."""
    section = DEPLOY_GUIDE.read_text("utf-8").split(SITE_SECTION, 1)[1]
    return section.split("```nginx\n", 1)[1].split("```", 1)[0]


def site_for_test(site, port, backends):
    """The guide's site in front of these processes, on a loopback port, with a test-only
    `X-Upstream` header that shows which process answered."""
    servers = UPSTREAM_SERVER.findall(site)
    assert servers and GUIDE_LISTEN in site, "docs/deploy.md's nginx block changed shape"
    indent, options = servers[0]
    ours = "".join(f"{indent}server 127.0.0.1:{live.port}{options}\n" for live in backends)
    site = UPSTREAM_SERVER.sub("", site)
    site = site.replace("hash $remote_addr consistent;\n", "hash $remote_addr consistent;\n" + ours, 1)
    assert ours in site, "the guide's upstream has no `hash $remote_addr consistent;`"
    return site.replace(GUIDE_LISTEN, f"listen 127.0.0.1:{port};\n    add_header X-Upstream $upstream_addr always;")


class NginxProxy:
    """nginx on a loopback port, sticky by client address in front of cocreate processes."""

    def __init__(self, backends):
        self.binary = _require(NGINX, "nginx")
        self.folder = Path(tempfile.mkdtemp(prefix="cocreate-nginx-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.backends = backends
        self.process = None

    def start(self):
        site = site_for_test(deployed_site(), self.port, self.backends)
        # As root the workers would drop to a user that cannot write the temp folders.
        user = "user root;" if os.geteuid() == 0 else ""
        conf = self.folder / "nginx.conf"
        conf.write_text(NGINX_CONF.format(folder=self.folder, user=user, site=site))
        log_path = self.folder / "error.log"
        with open(self.folder / "stdout.log", "w") as log:
            self.process = subprocess.Popen(
                [self.binary, "-p", str(self.folder), "-c", str(conf), "-e", str(log_path)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        log_path.touch()
        _wait("nginx", lambda: requests.get(self.url + "/healthz", timeout=1).ok, self.process, log_path)
        return self

    def halt(self):
        """Stop nginx at once (SIGTERM): every connection through it closes."""
        _stop(self.process)

    def resume(self):
        """Start nginx again on the same port."""
        return self.start()

    def stop(self):
        if self.process:
            _stop(self.process, signal.SIGQUIT)  # graceful
        shutil.rmtree(self.folder, ignore_errors=True)

    def session(self, source):
        """A `requests.Session` whose connections come from loopback address `source`."""
        session = requests.Session()
        adapter = SourceAddressAdapter(source)
        session.mount("http://", adapter)
        return session

    def backend_for(self, source):
        """The port of the process nginx sends this client address to."""
        with self.session(source) as session:
            answer = session.get(self.url + "/healthz", timeout=5)
        assert answer.ok, answer.text
        return int(answer.headers["X-Upstream"].rsplit(":", 1)[1])


class SourceAddressAdapter(HTTPAdapter):
    """Connections from a chosen loopback address (127.0.0.0/8 is all local on Linux)."""

    def __init__(self, source, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)
