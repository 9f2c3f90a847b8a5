"""The database out of reach: which errors say so, and one line in the log each time.

PostgreSQL restarted, failed over or cut off by the network is no bug: a command that
meets it is answered `unavailable` (retry later), an HTTP request 503, and the log gets
one warning line when the database goes and one when it is back — no tracebacks. A
pooled connection the database has ended is replaced before use (`postgres`), so once the
database is back the next request gets a new connection by itself.
"""

import logging
import time

from sqlalchemy import event, exc

log = logging.getLogger(__name__)

RETRY_AFTER = 2  # seconds a client waits before it tries again
MESSAGE = "The database cannot be reached right now; try again in a moment."
CHAIN_MAX = 5


def unreachable(error):
    """True when `error`, or what it was raised while handling, says the database cannot
    be reached now (a lost or refused connection, no connection free in time)."""
    for _depth in range(CHAIN_MAX):
        if error is None:
            return False
        if isinstance(error, (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)):
            return True
        if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
            return True
        error = error.__cause__ or error.__context__
    return False


class Outage:
    """Whether the database was out of reach at the last try, logged once each way."""

    def __init__(self, engine):
        self.since = None
        event.listen(engine, "connect", self._connected)

    def caught(self, error):
        """True when `error` means the database is out of reach (warned the first time)."""
        if not unreachable(error):
            return False
        if self.since is None:
            self.since = time.monotonic()
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            log.warning(
                "cocreate: the database is unreachable (%s); commands are answered 'unavailable' until it is back",
                reason,
            )
        return True

    def _connected(self, _dbapi_connection, _record):
        if self.since is not None:
            log.warning("cocreate: the database is back after %.0f s", time.monotonic() - self.since)
            self.since = None
