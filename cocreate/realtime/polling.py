"""Engine.IO's long-polling transport, kept from pinning a server's worker: a refused polling
POST closes its session without waiting for a GET poll that may never come.
"""


def never_wait_for_a_poll(eio):
    """Make `eio` (an engineio.Server) close a polling session without waiting for a poll.

    A poll already waiting still gets the CLOSE packet; a later one finds the session gone
    (400) and the client connects anew. WebSocket sessions close as before: their own
    writer empties the queue.
    """
    disconnect = eio.disconnect

    def disconnect_without_waiting(sid=None):
        session = eio.sockets.get(sid) if sid is not None else None
        if session is None or session.upgraded:
            disconnect(sid)
            return
        session.close(wait=False, reason=eio.reason.SERVER_DISCONNECT)
        eio.sockets.pop(sid, None)

    eio.disconnect = disconnect_without_waiting
