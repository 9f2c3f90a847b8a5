"""Extension singletons, bound to the app in `create_app`."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_socketio import SocketIO

socketio = SocketIO()
# HTTP rate limits per client address (join-code guessing, workshop creation).
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
