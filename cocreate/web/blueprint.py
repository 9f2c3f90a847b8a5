"""The `web` blueprint and what its views share: who is asking, about which workshop, and
a page rendered in their language."""

import functools

from flask import Blueprint, abort, current_app, make_response, render_template, request

from ..access import request_token, store
from ..addresses import configured_room
from ..i18n import LANGUAGE_COOKIE, browser_catalogue, choose_language, translate
from ..protocol import PALETTE

bp = Blueprint("web", __name__)


def room():
    """Where participants reach this board (`addresses.room_address`) for this request."""
    return configured_room(current_app.config, request.host_url)


def base_url():
    """The scheme and host for links people share: the room's address, no trailing slash."""
    return room().base


def current_member(workshop_id):
    """(participant id, role) for this request's token, or None."""
    return store().authenticate(workshop_id, request_token(workshop_id))


def workshop_or_404(workshop_id):
    """The summary of a workshop; a 404 page when there is none."""
    summary = store().summary(workshop_id)
    if summary is None:
        abort(404)
    return summary


def render_page(template, status=200, workshop_language=None, **context):
    """A page in the visitor's language (or the workshop's), with the palette and texts."""
    language = choose_language(workshop_language)
    context.setdefault("title", None)
    response = make_response(
        render_template(
            template,
            lang=language,
            t=functools.partial(translate, language),
            catalogue=browser_catalogue(language, context.get("view")),
            palette=PALETTE,
            **context,
        ),
        status,
    )
    if request.args.get("lang") == language:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=60 * 60 * 24 * 365,
            samesite="Lax",
            secure=current_app.config["SECURE_COOKIES"],
        )
    return response
