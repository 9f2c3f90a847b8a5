"""The JSON API: create, import, join and delete workshops, and a health check."""

import functools

from flask import jsonify, request, url_for
from marshmallow import ValidationError

from .. import export, protocol
from ..access import set_token_cookie, store
from ..broadcast import close_workshop, publish
from ..domain import FACILITATOR, available_formats
from ..i18n import translate
from ..protocol import JOIN_CODE_MAX
from ..schemas import participant_create, workshop_create
from .blueprint import base_url, bp, current_member
from .errors import ApiError
from .rate_limits import limit_creating, limit_guessing


def json_body(schema):
    """Load the request's JSON body with `schema` and pass it to the view as `body`."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            try:
                data = request.get_json(silent=True)
            except RecursionError:
                data = None  # absurdly deep nesting is as bad as broken JSON
            if not isinstance(data, dict):
                raise ApiError(400, "invalid", "The body must be a JSON object.")
            try:
                body = schema.load(data)
            except ValidationError as err:
                raise ApiError(400, "invalid", "Some fields are not right.", err.messages)
            return view(*args, body=body, **kwargs)
        return wrapper
    return decorate


def _urls(workshop_id):
    base = base_url()
    return {"facilitate": base + url_for("web.facilitate", workshop_id=workshop_id),
            "join": base + url_for("web.board", workshop_id=workshop_id),
            "present": base + url_for("web.present", workshop_id=workshop_id)}


def create_workshop(body):
    """Create a workshop from a validated body; returns (workshop, facilitator token)."""
    name = translate(body["language"], "facilitator")
    return store().create_workshop(body["title"], body["goal"], body["language"],
                                   body["format"], name, body["retention"])


@bp.post("/api/workshops")
@limit_creating
@json_body(workshop_create)
def api_create(body):
    """Create a workshop; the answer carries the facilitator token once."""
    workshop, token = create_workshop(body)
    response = jsonify({"id": workshop.id, "join_code": workshop.join_code,
                        "facilitator_token": token, "urls": _urls(workshop.id)})
    return set_token_cookie(response, workshop.id, token), 201


@bp.post("/api/workshops/import")
@limit_creating
@json_body(export.backup_schema)
def api_import(body):
    """Recreate a workshop from an `export.json`; answers like creating one."""
    if body["workshop"]["format"] not in available_formats():
        raise ApiError(400, "invalid", "Unknown format.", {"workshop": {"format": ["Unknown."]}})
    name = translate(body["workshop"]["language"], "facilitator")
    workshop, token = store().import_workshop(
        lambda workshop_id, code, now: export.restore(body, workshop_id, code, now), name)
    response = jsonify({"id": workshop.id, "join_code": workshop.join_code,
                        "facilitator_token": token, "urls": _urls(workshop.id)})
    return set_token_cookie(response, workshop.id, token), 201


@bp.get("/api/join/<code>")
@limit_guessing
def api_join_code(code):
    """The workshop behind a join code."""
    found = store().find_by_join_code(code[:JOIN_CODE_MAX])
    if found is None:
        raise ApiError(404, "not_found", "No workshop with this code.")
    return jsonify({"workshop_id": found.id, "title": found.title})


@bp.post("/api/workshops/<workshop_id>/participants")
@json_body(participant_create)
def api_join(workshop_id, body):
    """Join a workshop with a display name; the answer carries the participant token."""
    if store().summary(workshop_id) is None:
        raise ApiError(404, "not_found", "Workshop not found.")
    participant, token, _events = store().add_participant(workshop_id, body["name"],
                                                          publish=publish)
    response = jsonify({"participant_id": participant.id, "token": token})
    return set_token_cookie(response, workshop_id, token), 201


@bp.post("/api/workshops/<workshop_id>/facilitators")
def api_add_facilitator(workshop_id):
    """A facilitator makes a link for a second device or a co-facilitator."""
    summary = store().summary(workshop_id)
    if summary is None:
        raise ApiError(404, "not_found", "Workshop not found.")
    _require_facilitator(workshop_id)
    name = translate(summary.language, "co_facilitator")
    participant, token, _events = store().add_participant(workshop_id, name, FACILITATOR,
                                                          publish=publish)
    link = base_url() + url_for("web.facilitate", workshop_id=workshop_id, token=token)
    return jsonify({"participant_id": participant.id, "token": token, "url": link}), 201


def _require_facilitator(workshop_id):
    member = current_member(workshop_id)
    if member is None:
        raise ApiError(401, "unauthorized", "A facilitator token is needed.")
    if member.role != FACILITATOR:
        raise ApiError(403, "forbidden", "Only the facilitator may do this.")
    return member


@bp.delete("/api/workshops/<workshop_id>")
def api_delete(workshop_id):
    """The facilitator removes the workshop and everything in it."""
    if store().summary(workshop_id) is None:
        raise ApiError(404, "not_found", "Workshop not found.")
    _require_facilitator(workshop_id)
    store().delete_workshop(workshop_id)
    close_workshop(workshop_id)
    return "", 204


@bp.get("/healthz")
def healthz():
    """Liveness for load balancers and the test set-up."""
    return jsonify({"status": "ok", "protocol": protocol.VERSION})
