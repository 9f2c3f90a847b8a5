"""How many connections the server takes on at once, and how many of them one address may
hold, so that one device on the room's network cannot take the board away from the rest.

The web server of each async mode asks `ConnectionCap.admit` before it serves a new
connection and calls `release` when it ends (cocreate/cli.py); nothing here depends on
eventlet, gevent or threads.
"""

import threading
from collections import Counter
from typing import NamedTuple


class ServerLimits(NamedTuple):
    """What `cocreate serve` bounds for every connection (from the app's settings)."""

    connections: int  # served at once, by the whole process
    socket_timeout: float  # seconds one read or write on a connection may wait
    cap: "ConnectionCap"

    @classmethod
    def from_config(cls, config):
        """The limits named by `CONNECTIONS`, `SOCKET_TIMEOUT`, `CONNECTIONS_PER_ADDRESS`
        and `UNCAPPED_ADDRESSES`."""
        uncapped = config["UNCAPPED_ADDRESSES"]
        if isinstance(uncapped, str):
            uncapped = [address.strip() for address in uncapped.split(",")]
        return cls(
            int(config["CONNECTIONS"]),
            float(config["SOCKET_TIMEOUT"]),
            ConnectionCap(int(config["CONNECTIONS_PER_ADDRESS"]), [address for address in uncapped if address]),
        )


class ConnectionCap:
    """Open connections counted per client address; one more than the cap is refused."""

    def __init__(self, per_address, uncapped=()):
        self.per_address = per_address
        self.uncapped = frozenset(uncapped)
        self.open = Counter()
        self._lock = threading.Lock()

    def admit(self, address):
        """Count a new connection from `address` (a socket address); False past the cap."""
        host = host_of(address)
        with self._lock:
            if host not in self.uncapped and self.open[host] >= self.per_address:
                return False
            self.open[host] += 1
            return True

    def release(self, address):
        """The connection from `address` that `admit` let in has ended."""
        host = host_of(address)
        with self._lock:
            self.open[host] -= 1
            if self.open[host] <= 0:
                del self.open[host]


def host_of(address):
    """The client's IP address of a socket address; an IPv4 client on an IPv6 socket reads as
    its IPv4 address."""
    host = address[0] if isinstance(address, tuple) else str(address)
    return host.removeprefix("::ffff:")
