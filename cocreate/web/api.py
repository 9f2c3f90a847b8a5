"""The JSON API: create, import, join and delete workshops, and a health check."""

import functools

from flask import jsonify, request, url_for
from marshmallow import ValidationError

from .. import export, protocol
from ..access import set_token_cookie, store
from ..realtime.broadcast import close_workshop, publish
from ..domain import DEFAULT_FORMAT, FACILITATOR, LANGUAGES, DomainError, available_formats
from ..i18n import translate
from ..protocol import JOIN_CODE_MAX
from ..schemas import participant_create, valid_text, workshop_create
from .blueprint import base_url, bp, current_member
from .errors import ApiError
from .qr import qr_data_url
from .rate_limits import limit_creating, limit_guessing, limit_joining, limit_joining_workshop

DEFAULT_LANGUAGE = LANGUAGES[0]


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
                raise ApiError(400, "invalid", "The body must be a JSON object.", key="refusal_json_object")
            try:
                # Every JSON body, an import's too: its texts are stored as they come.
                body = schema.load(valid_text(data))
            except ValidationError as err:
                raise ApiError(400, "invalid", "Some fields are not right.", err.messages, key="refusal_fields")
            return view(*args, body=body, **kwargs)

        return wrapper

    return decorate


def _urls(workshop):
    base = base_url()
    urls = {
        "facilitate": base + url_for("web.facilitate", workshop_id=workshop.id),
        "join": base + url_for("web.board", workshop_id=workshop.id),
        "present": base + url_for("web.present", workshop_id=workshop.id),
    }
    if workshop.follow_up_of:
        urls["series"] = base + url_for("web.series_page", workshop_id=workshop.id)
    return urls


def create_workshop(body):
    """Create a workshop from a validated body; returns (workshop, facilitator token).

    With `follow_up_of` it is the next session of that workshop's series: the caller has
    made sure the request holds that workshop's facilitator token.
    """
    if body.get("follow_up_of"):
        language = body["language"] or store().summary(body["follow_up_of"]).language
        return store().create_follow_up(
            body["follow_up_of"],
            body["title"],
            body["goal"],
            body["language"],
            body["format"],
            translate(language, "facilitator"),
            body["retention"],
            body["date"],
            publish=publish,
        )
    language = body["language"] or DEFAULT_LANGUAGE
    return store().create_workshop(
        body["title"],
        body["goal"],
        language,
        body["format"] or DEFAULT_FORMAT,
        translate(language, "facilitator"),
        body["retention"],
        date=body["date"],
    )


def require_facilitator_of_earlier(body):
    """For a follow-up: 404 without the earlier workshop, 401/403 without its facilitator."""
    if body.get("follow_up_of"):
        if store().summary(body["follow_up_of"]) is None:
            raise ApiError(404, "not_found", "The workshop to follow up was not found.", key="refusal_follow_up_gone")
        _require_facilitator(body["follow_up_of"])


@bp.post("/api/workshops")
@limit_creating
@json_body(workshop_create)
def api_create(body):
    """Create a workshop, or the next session of a series; the answer carries the facilitator
    token once."""
    require_facilitator_of_earlier(body)
    workshop, token = create_workshop(body)
    response = jsonify(
        {"id": workshop.id, "join_code": workshop.join_code, "facilitator_token": token, "urls": _urls(workshop)}
    )
    return set_token_cookie(response, workshop.id, token), 201


@bp.post("/api/workshops/import")
@limit_creating
@json_body(export.backup_schema)
def api_import(body):
    """Recreate a workshop from an `export.json`; answers like creating one."""
    if body["workshop"]["format"] not in available_formats():
        raise ApiError(
            400, "invalid", "Unknown format.", {"workshop": {"format": ["Unknown."]}}, key="refusal_format_unknown"
        )
    name = translate(body["workshop"]["language"], "facilitator")
    workshop, token = store().import_workshop(
        lambda workshop_id, code, now: export.restore(body, workshop_id, code, now), name
    )
    response = jsonify(
        {"id": workshop.id, "join_code": workshop.join_code, "facilitator_token": token, "urls": _urls(workshop)}
    )
    return set_token_cookie(response, workshop.id, token), 201


@bp.get("/api/join/<code>")
@limit_guessing
def api_join_code(code):
    """The workshop behind a join code."""
    found = store().find_by_join_code(code[:JOIN_CODE_MAX])
    if found is None:
        raise ApiError(404, "not_found", "No workshop with this code.", key="refusal_code_unknown")
    return jsonify({"workshop_id": found.id, "title": found.title})


@bp.post("/api/workshops/<workshop_id>/participants")
@limit_joining
@limit_joining_workshop
@json_body(participant_create)
def api_join(workshop_id, body):
    """Join a workshop with a display name; the answer carries the participant token.

    With `returning` ({workshop, token} of an earlier session of the series) the person
    comes back as who they were there: the same participant id, so their actions are theirs.
    """
    if store().summary(workshop_id) is None:
        raise ApiError(404, "not_found", "Workshop not found.", key="refusal_workshop_gone")
    participant_id = None
    if "returning" in body:
        participant_id, _name = store().returning_person(
            workshop_id, body["returning"]["workshop"], body["returning"]["token"]
        )
    try:
        participant, token, _events = store().add_participant(
            workshop_id, body["name"], publish=publish, participant_id=participant_id
        )
    except DomainError as err:
        if err.code == "conflict":
            raise ApiError(409, "conflict", err.message, key=err.key, values=err.values) from err
        raise
    response = jsonify({"participant_id": participant.id, "token": token})
    return set_token_cookie(response, workshop_id, token), 201


@bp.post("/api/workshops/<workshop_id>/facilitators")
def api_add_facilitator(workshop_id):
    """A facilitator makes a link for a second device or a co-facilitator."""
    summary = store().summary(workshop_id)
    if summary is None:
        raise ApiError(404, "not_found", "Workshop not found.", key="refusal_workshop_gone")
    _require_facilitator(workshop_id)
    name = translate(summary.language, "co_facilitator")
    participant, token, _events = store().add_participant(workshop_id, name, FACILITATOR, publish=publish)
    link = base_url() + url_for("web.facilitate", workshop_id=workshop_id, token=token)
    remote = base_url() + url_for("web.remote", workshop_id=workshop_id, token=token)
    return jsonify(
        {
            "participant_id": participant.id,
            "token": token,
            "url": link,
            "remote_url": remote,
            "remote_qr": qr_data_url(remote),
        }
    ), 201


def _require_facilitator(workshop_id):
    member = current_member(workshop_id)
    if member is None:
        raise ApiError(401, "unauthorized", "A facilitator token is needed.", key="refusal_facilitator_token")
    if member.role != FACILITATOR:
        raise ApiError(403, "forbidden", "Only the facilitator may do this.", key="error_forbidden")
    return member


@bp.delete("/api/workshops/<workshop_id>")
def api_delete(workshop_id):
    """The facilitator removes the workshop and everything in it."""
    if store().summary(workshop_id) is None:
        raise ApiError(404, "not_found", "Workshop not found.", key="refusal_workshop_gone")
    _require_facilitator(workshop_id)
    store().delete_workshop(workshop_id)
    close_workshop(workshop_id)
    return "", 204


@bp.get("/healthz")
def healthz():
    """Liveness for load balancers and the test set-up."""
    return jsonify({"status": "ok", "protocol": protocol.VERSION})
