"""HTTP rate limits: guessing join codes and creating workshops per client address, joining
per address and per workshop."""

from flask import current_app, request

from ..access import store
from ..extensions import limiter
from ..protocol import ID_MAX, JOIN_CODE_MAX


def _guessing_limit():
    return current_app.config["JOIN_GUESS_LIMIT"]


def _create_limit():
    return current_app.config["CREATE_LIMIT"]


def _join_limit():
    return current_app.config["JOIN_LIMIT"]


def _workshop_join_limit():
    return current_app.config["WORKSHOP_JOIN_LIMIT"]


def _joined_workshop():
    """The workshop a join is for (by its id, or by its code on the join page)."""
    args = request.view_args or {}
    if "workshop_id" in args:
        return "workshop:" + args["workshop_id"][:ID_MAX]
    found = store().find_by_join_code(args.get("code", "")[:JOIN_CODE_MAX])
    return "workshop:" + (found.id if found else "")


def _right_code():
    code = (request.view_args or {}).get("code") or request.args.get("code") or ""
    return bool(code) and store().find_by_join_code(code[:JOIN_CODE_MAX]) is not None


# One budget over every way to look up a code. Only unknown codes count, and a right
# code always gets through, so a room behind one address is never held back.
limit_guessing = limiter.shared_limit(
    _guessing_limit,
    scope="join-code",
    exempt_when=_right_code,
    error_message="Too many unknown codes; wait a minute.",
    deduct_when=lambda response: response.status_code == 404,
)
limit_creating = limiter.shared_limit(
    _create_limit, scope="create", methods=["POST"], error_message="Too many new workshops from here."
)
# Joins through the API and the join page share one budget per address and one per
# workshop: a room of 60 behind one address gets in within a minute, a script making 300
# participants a second does not (a flood of names on every board).
limit_joining = limiter.shared_limit(
    _join_limit, scope="join", methods=["POST"], error_message="Too many people joined from here; wait a minute."
)
limit_joining_workshop = limiter.shared_limit(
    _workshop_join_limit,
    scope="join-workshop",
    key_func=_joined_workshop,
    methods=["POST"],
    error_message="Too many people joined this workshop at once; wait a minute.",
)
