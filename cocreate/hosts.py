"""Which names the server answers to: its configured address, loopback and this machine's own
names and network addresses; any other `Host` gets 400.

Without the check, `Host: evil.example` with a matching Origin created a workshop whose
links pointed to evil.example, and a page on a rebound DNS name reached a server listening
on loopback only, its Socket.IO handshake included. Flask's `TRUSTED_HOSTS` has the idea
but never sees Socket.IO's requests and cannot list IPv6 addresses, so the check is a WSGI
layer in front of both (inside ProxyFix: behind a configured proxy it checks the host the
proxy forwarded, never a host a client claims itself).
"""

import ipaddress
import json
import socket
import threading
import time
from urllib.parse import urlsplit

REREAD_AFTER = 10.0  # seconds before an unknown address makes us look at the interfaces again
REFUSAL = json.dumps({"error": {"code": "invalid", "message": "Unknown host."}}).encode()


def host_name(host_header):
    """The name or address of a `Host` header, without its port, lower case; None when it
    is not a host at all."""
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else None
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name if name and all(c.isalnum() or c in ".-_:" for c in name) else None


def interface_addresses():
    """Every address of this machine's interfaces, IPv4 and IPv6 (without a scope)."""
    import psutil

    return {
        entry.address.split("%")[0].lower()
        for entries in psutil.net_if_addrs().values()
        for entry in entries
        if entry.family in (socket.AF_INET, socket.AF_INET6)
    }


def machine_names():
    """The names this machine goes by on the room's network."""
    name = socket.gethostname().lower()  # (not getfqdn: a DNS look-up at every start)
    return {name, f"{name}.local"}


class AllowedHosts:
    """The names and addresses a request's `Host` may carry."""

    def __init__(self, config, interfaces=interface_addresses):
        public = urlsplit(config.get("PUBLIC_URL") or "").hostname
        extra = config.get("ALLOWED_HOSTS") or ""
        if isinstance(extra, str):
            extra = extra.split(",")
        self.names = {name.strip().lower() for name in extra if name.strip()}
        self.names |= {public} if public else set()
        listen = (config.get("LISTEN_HOST") or "").strip("[]").lower()
        if listen not in ("", "0.0.0.0", "::"):
            self.names.add(listen)
        self.names |= machine_names()
        # Behind a configured proxy without a public address, the proxy's server names
        # decide (docs/deploy.md); with one, only it.
        self.any = bool(config.get("PROXIES")) and not public
        self._interfaces = interfaces
        self._addresses, self._read_at = interfaces(), time.monotonic()
        self._lock = threading.Lock()

    def allows(self, host_header):
        """Whether a request with this `Host` header is for this server."""
        name = host_name(host_header)
        if name is None:
            return False
        if self.any or name in self.names or name == "localhost" or name.endswith(".localhost"):
            return True
        if any(name.endswith(ref) for ref in self.names if ref.startswith(".")):
            return True
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            return False
        return address.is_loopback or self._is_own(str(address))

    def _is_own(self, address):
        if address in self._addresses:
            return True
        with self._lock:  # the Wi-Fi may have given the machine a new address since
            if time.monotonic() - self._read_at > REREAD_AFTER:
                self._addresses, self._read_at = self._interfaces(), time.monotonic()
        return address in self._addresses


def only_allowed_hosts(wsgi_app, allowed):
    """`wsgi_app` answering 400 to a request whose `Host` is not one `allowed` allows."""

    def app(environ, start_response):
        # A request without a Host header (HTTP/1.0) names no other site.
        if "HTTP_HOST" not in environ or allowed.allows(environ["HTTP_HOST"]):
            return wsgi_app(environ, start_response)
        start_response("400 Bad Request", [("Content-Type", "application/json"), ("Content-Length", str(len(REFUSAL)))])
        return [REFUSAL]

    return app
