"""HTTP rate limits per client address: guessing join codes, creating workshops."""

from flask import current_app, request

from ..access import store
from ..extensions import limiter
from ..protocol import JOIN_CODE_MAX


def _guessing_limit():
    return current_app.config["JOIN_GUESS_LIMIT"]


def _create_limit():
    return current_app.config["CREATE_LIMIT"]


def _right_code():
    code = (request.view_args or {}).get("code") or request.args.get("code") or ""
    return bool(code) and store().find_by_join_code(code[:JOIN_CODE_MAX]) is not None


# One budget over every way to look up a code. Only unknown codes count, and a right
# code always gets through, so a room behind one address is never held back.
limit_guessing = limiter.shared_limit(_guessing_limit, scope="join-code",
                                      exempt_when=_right_code,
                                      error_message="Too many unknown codes; wait a minute.",
                                      deduct_when=lambda response: response.status_code == 404)
limit_creating = limiter.shared_limit(_create_limit, scope="create", methods=["POST"],
                                      error_message="Too many new workshops from here.")
