"""Error answers (JSON for the API, a page for a browser), security headers on every
response, and the same-origin check on every change."""

from urllib.parse import urlsplit

from flask import current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from .. import protocol
from ..access import store
from ..domain import LANGUAGES, DomainError
from ..i18n import choose_language, translate
from ..store import RETRY_AFTER, UNAVAILABLE
from .blueprint import bp, render_page

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


class ApiError(DomainError):
    """An HTTP error answered as `{"error": {code, message, fields?, text}}` with `status`."""

    def __init__(self, status, code, message, fields=None, *, key, values=None):
        super().__init__(code, message, fields, key=key, values=values)
        self.status = status


# The text of an HTTP error Flask or Werkzeug answers (their message is English).
HTTP_KEYS = {
    400: "refusal_fields",
    401: "error_unauthorized",
    403: "error_forbidden",
    404: "error_not_found",
    405: "refusal_method",
    413: "refusal_too_large",
    429: "error_rate_limited",
    503: "error_unavailable",
}


@bp.before_app_request
def _same_origin():
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != request.host:
            raise ApiError(403, "forbidden", "Cross-origin requests are not allowed.", key="refusal_cross_origin")


# Every answer, Socket.IO's included (see `with_security_headers`).
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}
HSTS = "max-age=31536000"  # a year; only where the installation says it serves https


@bp.after_app_request
def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.update(SECURITY_HEADERS)
    if current_app.config["SECURE_COOKIES"]:
        response.headers["Strict-Transport-Security"] = HSTS
    if request.path.startswith("/a/") or "token" in request.args:
        # A page opened by a capability link or a token: no cache keeps a copy of it.
        response.headers["Cache-Control"] = "no-store"
    return response


def with_security_headers(wsgi_app, secure):
    """`wsgi_app` whose answers all carry the security headers (HSTS when `secure`): the
    Socket.IO server answers its requests before Flask sees them."""
    headers = dict(SECURITY_HEADERS, **{"Content-Security-Policy": "default-src 'none'"})
    if secure:
        headers["Strict-Transport-Security"] = HSTS

    def app(environ, start_response):
        def respond(status, response_headers, exc_info=None):
            present = {name.lower() for name, _value in response_headers}
            extra = [(name, value) for name, value in headers.items() if name.lower() not in present]
            return start_response(status, list(response_headers) + extra, exc_info)

        return wsgi_app(environ, respond)

    return app


@bp.app_errorhandler(DomainError)
def _domain_error(err):
    status = getattr(err, "status", None) or {"not_found": 404, "forbidden": 403, "unauthorized": 401}.get(
        err.code, 400
    )
    return jsonify(err.body(_language())), status


@bp.app_errorhandler(HTTPException)
def _http_error(err):
    code = {
        400: "invalid",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "payload_too_large",
        429: "rate_limited",
    }.get(err.code, "internal" if err.code >= 500 else "invalid")
    if _wants_json():
        text = translate(_language(), HTTP_KEYS.get(err.code, "error_internal"))
        return jsonify(protocol.error_body(code, err.description or err.name, text=text)), err.code
    return render_page("error.html", status=err.code, error_code=code)


@bp.app_errorhandler(SQLAlchemyError)
def _database_error(err):
    """503 while the database is out of reach (one warning in the log, no traceback)."""
    if not store().unreachable(err):
        raise err  # a bug: Flask logs it and answers 500
    if _wants_json():
        text = translate(_language(ask_store=False), HTTP_KEYS[503])
        response = jsonify(protocol.error_body("unavailable", UNAVAILABLE, retry_after=RETRY_AFTER, text=text))
        response.status_code = 503
    else:
        response = render_page("error.html", status=503, error_code="unavailable")
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def _language(ask_store=True):
    """The language the asking page was in: the person's choice, else the workshop's, else
    the one the browser prefers (a script without a page), else Dutch."""
    workshop_id = (request.view_args or {}).get("workshop_id")
    summary = None
    if ask_store and isinstance(workshop_id, str) and len(workshop_id) <= protocol.ID_MAX:
        try:
            summary = store().summary(workshop_id)
        except SQLAlchemyError:
            summary = None  # out of reach: the text need not wait for it
    return choose_language(summary.language if summary else request.accept_languages.best_match(LANGUAGES))


def _wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"
