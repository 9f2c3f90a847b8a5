"""Pages, the join flow and the JSON API."""

import functools
import io
import re
import unicodedata
from urllib.parse import urlsplit

import segno
from flask import (Blueprint, Response, abort, current_app, jsonify, make_response, redirect,
                   render_template, request, url_for)
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from . import export, protocol
from .access import request_token, set_token_cookie, store
from .extensions import limiter
from .domain import FACILITATOR, DomainError, available_formats, load_format
from .protocol import JOIN_CODE_MAX, NAME_MAX, PALETTE
from .i18n import LANGUAGE_COOKIE, browser_catalogue, choose_language, long_date, translate
from .broadcast import close_workshop, publish
from .schemas import join_code as join_code_schema
from .schemas import participant_create, workshop_create

bp = Blueprint("web", __name__)


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

SLUG_MAX = 40  # the title's part of a download's file name

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


# -- plumbing -------------------------------------------------------------------

class ApiError(Exception):
    """An HTTP error answered as `{"error": {code, message, fields?}}`."""

    def __init__(self, status, code, message, fields=None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields


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


def _base_url():
    return request.host_url.rstrip("/")


def _urls(workshop_id):
    base = _base_url()
    return {"facilitate": base + url_for("web.facilitate", workshop_id=workshop_id),
            "join": base + url_for("web.board", workshop_id=workshop_id),
            "present": base + url_for("web.present", workshop_id=workshop_id)}


def _member(workshop_id):
    """(participant id, role) for this request's token, or None."""
    return store().authenticate(workshop_id, request_token(workshop_id))


def _workshop_or_404(workshop_id):
    summary = store().summary(workshop_id)
    if summary is None:
        abort(404)
    return summary


def _page(template, status=200, workshop_language=None, **context):
    language = choose_language(workshop_language)
    context.setdefault("title", None)
    response = make_response(render_template(
        template, lang=language, t=functools.partial(translate, language),
        catalogue=browser_catalogue(language), palette=PALETTE, **context), status)
    if request.args.get("lang") == language:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=60 * 60 * 24 * 365,
                            samesite="Lax", secure=current_app.config["SECURE_COOKIES"])
    return response


def _without_token(response_url, workshop_id, token):
    """Move a `?token=` from the address bar into the cookie."""
    return set_token_cookie(redirect(response_url), workshop_id, token)


@bp.before_app_request
def _same_origin():
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != request.host:
            raise ApiError(403, "forbidden", "Cross-origin requests are not allowed.")


@bp.after_app_request
def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    return response


@bp.app_errorhandler(ApiError)
def _api_error(err):
    return jsonify(protocol.error_body(err.code, err.message, err.fields)), err.status


@bp.app_errorhandler(DomainError)
def _domain_error(err):
    status = {"not_found": 404, "forbidden": 403, "unauthorized": 401}.get(err.code, 400)
    return jsonify(err.body()), status


@bp.app_errorhandler(HTTPException)
def _http_error(err):
    code = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 413: "payload_too_large", 429: "rate_limited",
            }.get(err.code, "internal" if err.code >= 500 else "invalid")
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(protocol.error_body(code, err.description or err.name)), err.code
    return _page("error.html", status=err.code, error_code=code)


# -- pages ----------------------------------------------------------------------

def _formats(language):
    return [(key, load_format(key)["title"][language]) for key in available_formats()]


@bp.get("/")
def landing():
    """Create a workshop or join one with a code."""
    return _page("landing.html", form={}, errors={}, formats=_formats(choose_language()))


@bp.post("/")
@limit_creating
def create_from_form():
    """The landing page's form: create, then go to the facilitator's board."""
    form = {key: value for key, value in request.form.items() if key in
            ("title", "goal", "language", "format", "retention")}
    try:
        body = workshop_create.load(form)
    except ValidationError as err:
        return _page("landing.html", status=400, form=form, errors=err.messages,
                     formats=_formats(choose_language()))
    workshop, token = _create(body)
    return set_token_cookie(redirect(url_for("web.facilitate", workshop_id=workshop.id)),
                            workshop.id, token)


@bp.get("/join")
@limit_guessing
def join_with_code():
    """Type the code shown on the projector."""
    code = request.args.get("code")
    if code is None:
        return _page("code.html", code="", errors={})
    found = None
    try:
        found = store().find_by_join_code(join_code_schema.load({"code": code})["code"])
    except ValidationError:
        pass
    if found is None:
        return _page("code.html", status=404, code=code[:JOIN_CODE_MAX], errors={"code": ["not_found"]})
    return redirect(url_for("web.join_page", code=_code_of(found.id)))


def _code_of(workshop_id):
    return store().summary(workshop_id).join_code


@bp.get("/j/<code>")
@limit_guessing
def join_page(code):
    """Enter a display name; someone who joined before goes straight to the board."""
    found = store().find_by_join_code(code[:JOIN_CODE_MAX])
    if found is None:
        abort(404)
    summary = store().summary(found.id)
    if _member(found.id) is not None:
        return redirect(url_for("web.board", workshop_id=found.id))
    return _page("join.html", workshop_language=summary.language, workshop=summary,
                 name="", errors={})


@bp.post("/j/<code>")
@limit_guessing
def join_submit(code):
    """Join with a display name, then land on the board."""
    found = store().find_by_join_code(code[:JOIN_CODE_MAX])
    if found is None:
        abort(404)
    summary = store().summary(found.id)
    try:
        body = participant_create.load({"name": request.form.get("name", "")})
    except ValidationError as err:
        return _page("join.html", status=400, workshop_language=summary.language,
                     workshop=summary, name=request.form.get("name", "")[:NAME_MAX],
                     errors=err.messages)
    participant, token, _events = store().add_participant(found.id, body["name"],
                                                          publish=publish)
    return set_token_cookie(redirect(url_for("web.board", workshop_id=found.id)),
                            found.id, token)


def _board_page(workshop_id, view, need_facilitator=False):
    summary = _workshop_or_404(workshop_id)
    member = _member(workshop_id)
    if member is not None and request.args.get("token"):
        return _without_token(request.path, workshop_id, request.args["token"])
    if member is None:
        if need_facilitator:
            return _page("error.html", status=403, workshop_language=summary.language,
                         error_code="forbidden")
        return redirect(url_for("web.join_page", code=summary.join_code))
    if need_facilitator and member.role != FACILITATOR:
        return _page("error.html", status=403, workshop_language=summary.language,
                     error_code="forbidden")
    return _page(f"{view}.html", workshop_language=summary.language, workshop=summary,
                 view=view, join_url=_base_url() + url_for("web.join_page",
                                                           code=summary.join_code),
                 title=summary.title)


@bp.get("/w/<workshop_id>")
def board(workshop_id):
    """The participant's board."""
    return _board_page(workshop_id, "board")


@bp.get("/w/<workshop_id>/facilitate")
def facilitate(workshop_id):
    """The facilitator's board with step navigation and the share panel."""
    return _board_page(workshop_id, "facilitate", need_facilitator=True)


@bp.get("/w/<workshop_id>/present")
def present(workshop_id):
    """The projector view: large type, the current step, the join code."""
    return _board_page(workshop_id, "present")


@bp.get("/w/<workshop_id>/qr.svg")
def join_qr(workshop_id):
    """A QR code of the join link, for the projector and the share panel."""
    summary = _workshop_or_404(workshop_id)
    link = _base_url() + url_for("web.join_page", code=summary.join_code)
    svg = io.BytesIO()
    segno.make(link, error="m").save(svg, kind="svg", scale=8, border=2, dark="#1f2933",
                                     light="#ffffff", xmldecl=False, svgns=True, omitsize=True)
    return Response(svg.getvalue(), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600"})


# -- the plan and its downloads -----------------------------------------------------

def _plan_for_member(workshop_id):
    summary = _workshop_or_404(workshop_id)
    member = _member(workshop_id)
    if member is None:
        raise ApiError(401, "unauthorized", "A participant or facilitator token is needed.")
    if member.role == FACILITATOR and request.endpoint != "web.plan_page":
        store().mark_downloaded(workshop_id)
    workshop = store().workshop(workshop_id)
    language = choose_language(summary.language)
    t = functools.partial(translate, language)
    return workshop, export.build_plan(workshop), t, functools.partial(long_date, language)


def _filename(title, suffix):
    """A plain ASCII file name from a workshop title: "één plan" → "een-plan"."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:SLUG_MAX].strip("-")
    return f"{slug or 'workshop'}-{suffix}"


def _download(body, mimetype, plan, t, extension):
    name = _filename(plan["title"], f"{t('plan_file')}.{extension}")
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.get("/w/<workshop_id>/plan")
def plan_page(workshop_id):
    """The plan as a page: actions by votes, then what the group said per step."""
    summary = _workshop_or_404(workshop_id)
    if _member(workshop_id) is None:
        return redirect(url_for("web.join_page", code=summary.join_code))
    workshop, plan, t, fmt = _plan_for_member(workshop_id)
    facilitating = _member(workshop_id).role == FACILITATOR
    board = "web.facilitate" if facilitating else "web.board"
    return _page("plan.html", workshop_language=summary.language, workshop=summary, plan=plan,
                 format_date=fmt, title=summary.title, facilitating=facilitating,
                 board_url=url_for(board, workshop_id=workshop_id))


@bp.get("/w/<workshop_id>/plan.md")
def plan_markdown(workshop_id):
    """The plan as Markdown."""
    _workshop, plan, t, fmt = _plan_for_member(workshop_id)
    return _download(export.render_markdown(plan, t, fmt), "text/markdown",
                     plan, t, "md")


@bp.get("/w/<workshop_id>/plan.csv")
def plan_csv(workshop_id):
    """The actions as CSV for Excel (UTF-8 with BOM, `;`-separated)."""
    _workshop, plan, t, _fmt = _plan_for_member(workshop_id)
    return _download(export.render_csv(plan, t).encode("utf-8"), "text/csv",
                     plan, t, "csv")


@bp.get("/w/<workshop_id>/plan.pdf")
def plan_pdf(workshop_id):
    """The plan as an A4 PDF."""
    _workshop, plan, t, fmt = _plan_for_member(workshop_id)
    return _download(export.render_pdf(plan, t, fmt), "application/pdf", plan, t, "pdf")


@bp.get("/w/<workshop_id>/plan.ics")
def plan_ics(workshop_id):
    """Each action with a due date as an all-day calendar event."""
    _workshop, plan, t, _fmt = _plan_for_member(workshop_id)
    return _download(export.render_ics(plan, t, request.host.split(":")[0]),
                     "text/calendar", plan, t, "ics")


@bp.get("/w/<workshop_id>/export.json")
def export_json(workshop_id):
    """The whole workshop as a versioned backup, importable with `POST /api/workshops/import`."""
    workshop, plan, t, _fmt = _plan_for_member(workshop_id)
    response = jsonify(export.backup(workshop))
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_filename(workshop.title, "export.json")}"')
    response.headers["Cache-Control"] = "no-store"
    return response


# -- JSON API -------------------------------------------------------------------

def _create(body):
    name = translate(body["language"], "facilitator")
    return store().create_workshop(body["title"], body["goal"], body["language"],
                                   body["format"], name, body["retention"])


@bp.post("/api/workshops")
@limit_creating
@json_body(workshop_create)
def api_create(body):
    """Create a workshop; the answer carries the facilitator token once."""
    workshop, token = _create(body)
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
    link = _base_url() + url_for("web.facilitate", workshop_id=workshop_id, token=token)
    return jsonify({"participant_id": participant.id, "token": token, "url": link}), 201


def _require_facilitator(workshop_id):
    member = _member(workshop_id)
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
