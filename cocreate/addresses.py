"""The address the room uses to reach the board: join links, the QR code, `make run`'s line.

A phone in the room cannot open the facilitator's `localhost`, so links carry an address of
this machine on the room's network; `room_address` tries, in the order the README's "How the
room joins" gives, the public URL, a proxy's host, the browser's own address, then this
machine's, and says when only this machine can reach the board.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

WILDCARDS = ("", "0.0.0.0", "::")
PREFERRED = [ipaddress.ip_network(net) for net in ("192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12")]


@dataclass(frozen=True)
class RoomAddress:
    """The base URL for join links and whether people in the room can reach it."""

    base: str
    reachable: bool


def machine_addresses():
    """{interface name: [IPv4 addresses]} of the interfaces that are up."""
    import psutil

    stats = psutil.net_if_stats()
    return {
        name: [entry.address for entry in entries if entry.family == socket.AF_INET]
        for name, entries in psutil.net_if_addrs().items()
        if stats.get(name) is None or stats[name].isup
    }


def _is_loopback(host):
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _rank(address):
    for place, network in enumerate(PREFERRED):
        if address in network:
            return place
    return len(PREFERRED)


def network_addresses(interfaces):
    """The IPv4 addresses other devices could use, best first (no loopback, no link-local)."""
    found = []
    for addresses in interfaces.values():
        for text in addresses:
            try:
                address = ipaddress.ip_address(text)
            except ValueError:
                continue
            if address.version == 4 and not (address.is_loopback or address.is_link_local or address.is_unspecified):
                found.append(address)
    return [str(address) for address in sorted(dict.fromkeys(found), key=lambda a: (_rank(a), int(a)))]


def room_address(request_base, listen_host, public_url=None, proxied=False, interfaces=machine_addresses):
    """Where participants reach this board, given the base URL this request came in on.

    `listen_host` is the address the server listens on; `interfaces` returns this
    machine's addresses (a function, so tests can inject them and the machine is only
    asked when needed).
    """
    if public_url:
        return RoomAddress(public_url.rstrip("/"), True)
    request_base = request_base.rstrip("/")
    if proxied:
        return RoomAddress(request_base, True)
    parts = urlsplit(request_base)
    if not _is_loopback(parts.hostname or ""):
        return RoomAddress(request_base, True)
    port = f":{parts.port}" if parts.port else ""
    if listen_host in WILDCARDS:
        found = network_addresses(interfaces())
        if found:
            return RoomAddress(f"{parts.scheme}://{found[0]}{port}", True)
        return RoomAddress(request_base, False)
    if _is_loopback(listen_host):
        return RoomAddress(request_base, False)
    host = f"[{listen_host}]" if ":" in listen_host else listen_host
    return RoomAddress(f"{parts.scheme}://{host}{port}", True)


def configured_room(config, request_base, listen_host=None):
    """`room_address` with the app's settings: where it listens, its public URL, proxies."""
    return room_address(
        request_base,
        listen_host or config["LISTEN_HOST"],
        config.get("PUBLIC_URL"),
        proxied=bool(config.get("PROXIES")),
    )
