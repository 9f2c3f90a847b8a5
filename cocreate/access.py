"""Who is asking: tokens from cookies, `Authorization: Bearer` or `?token=`."""

from flask import current_app, request

from .protocol import TOKEN_MAX

COOKIE_PREFIX = "cc_"


def cookie_name(workshop_id):
    """The cookie holding this browser's token for one workshop."""
    return f"{COOKIE_PREFIX}{workshop_id}"


def request_token(workshop_id):
    """The token this HTTP request carries for the workshop, or None."""
    return token_of(request, workshop_id)


def token_of(asking, workshop_id):
    """The token a request (or a socket's handshake) carries for the workshop, or None."""
    header = asking.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = header[len("Bearer ") :].strip()
    else:
        token = asking.args.get("token") or asking.cookies.get(cookie_name(workshop_id))
    if not token or len(token) > TOKEN_MAX:
        return None
    return token


def set_token_cookie(response, workshop_id, token):
    """Keep the token in an HttpOnly cookie so a reload keeps the same identity."""
    response.set_cookie(
        cookie_name(workshop_id),
        token,
        max_age=60 * 60 * 24 * 90,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SECURE_COOKIES"],
    )
    return response


def store():
    """The app's `Store`."""
    return store_of(current_app)


def store_of(app):
    """The `Store` of `app`."""
    return app.extensions["cocreate.store"]
