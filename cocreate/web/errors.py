"""Error answers (JSON for the API, a page for a browser), security headers on every
response, and the same-origin check on every change."""

from urllib.parse import urlsplit

from flask import current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from .. import protocol
from ..access import store
from ..domain import DomainError
from ..store import RETRY_AFTER, UNAVAILABLE
from .blueprint import bp, render_page

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


class ApiError(Exception):
    """An HTTP error answered as `{"error": {code, message, fields?}}`."""

    def __init__(self, status, code, message, fields=None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields


@bp.before_app_request
def _same_origin():
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != request.host:
            raise ApiError(403, "forbidden", "Cross-origin requests are not allowed.")


# Every answer, Socket.IO's included (see `with_security_headers`).
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                    "X-Frame-Options": "DENY"}
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
            extra = [(name, value) for name, value in headers.items()
                     if name.lower() not in present]
            return start_response(status, list(response_headers) + extra, exc_info)
        return wsgi_app(environ, respond)
    return app


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
    if _wants_json():
        return jsonify(protocol.error_body(code, err.description or err.name)), err.code
    return render_page("error.html", status=err.code, error_code=code)


@bp.app_errorhandler(SQLAlchemyError)
def _database_error(err):
    """503 while the database is out of reach (one warning in the log, no traceback)."""
    if not store().unreachable(err):
        raise err  # a bug: Flask logs it and answers 500
    if _wants_json():
        response = jsonify(protocol.error_body("unavailable", UNAVAILABLE,
                                               retry_after=RETRY_AFTER))
        response.status_code = 503
    else:
        response = render_page("error.html", status=503, error_code="unavailable")
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def _wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"
