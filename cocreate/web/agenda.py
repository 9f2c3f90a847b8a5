"""The agenda over HTTP: the forecast the run sheet shows (`agenda.json`) and the
draaiboek downloads (`draaiboek.md` and `draaiboek.pdf`, facilitator only).

The forecast moves with the clock, not only with changes, so the boards ask for it again
now and then instead of being sent it with every event. After a step change every
participant's board asks at once; what comes next is the same for all of them, so it is
worked out once every few seconds per workshop and process.
"""

import functools
import time
from collections import OrderedDict
from datetime import date

from flask import jsonify

from ..access import store
from ..domain import FACILITATOR
from ..domain.agenda import forecast
from ..export.draaiboek import build_draaiboek, render_draaiboek_markdown, render_draaiboek_pdf
from ..i18n import choose_language, long_date, translate
from ..store.cache import keep_recent
from ..store.rows import now_iso
from .blueprint import bp, current_member, workshop_or_404
from .downloads import attachment, printed
from .errors import ApiError


NEXT_KEPT_SECONDS = 5
NEXT_KEPT_WORKSHOPS = 256
_next_views = OrderedDict()  # workshop id -> (monotonic time, the participants' view)


def _member(workshop_id, facilitator=False):
    workshop_or_404(workshop_id)
    member = current_member(workshop_id)
    if member is None:
        raise ApiError(401, "unauthorized", "A participant or facilitator token is needed.", key="refusal_member_token")
    if facilitator and member.role != FACILITATOR:
        raise ApiError(403, "forbidden", "Only the facilitator may do this.", key="error_forbidden")
    return member


@bp.get("/w/<workshop_id>/agenda.json")
def agenda_forecast(workshop_id):
    """The forecast now: the facilitator gets every day and item, a participant only what
    comes next (`{zone, now, next}`); `{"forecast": null}` without an agenda."""
    member = _member(workshop_id)
    if member.role == FACILITATOR:
        view = forecast(store().workshop(workshop_id), now_iso())
    else:
        view = _next_view(workshop_id)
    response = jsonify({"forecast": view})
    response.headers["Cache-Control"] = "no-store"
    return response


def _next_view(workshop_id):
    """`{zone, now, next}` (or None) for participants, kept a few seconds per workshop."""
    kept = _next_views.get(workshop_id)
    if kept is not None and time.monotonic() - kept[0] < NEXT_KEPT_SECONDS:
        return kept[1]
    view = forecast(store().workshop(workshop_id), now_iso())
    if view is not None:
        view = {key: view[key] for key in ("zone", "now", "next")}
    keep_recent(_next_views, workshop_id, (time.monotonic(), view), NEXT_KEPT_WORKSHOPS)
    return view


def _draaiboek(workshop_id):
    """(draaiboek, language, t, format_date) for the facilitator's downloads."""
    _member(workshop_id, facilitator=True)
    workshop = store().workshop(workshop_id)
    language = choose_language(workshop.language)
    draaiboek = build_draaiboek(workshop, now_iso(), date.today().isoformat())
    return (draaiboek, language, functools.partial(translate, language), functools.partial(long_date, language))


def _attachment(body, mimetype, draaiboek, t, extension):
    return attachment(body, mimetype, draaiboek["title"], f"{t('draaiboek_file')}.{extension}")


@bp.get("/w/<workshop_id>/draaiboek.md")
def draaiboek_markdown(workshop_id):
    """The draaiboek as Markdown, in the workshop's (or the visitor's) language."""
    draaiboek, _language, t, format_date = _draaiboek(workshop_id)
    return _attachment(render_draaiboek_markdown(draaiboek, t, format_date), "text/markdown", draaiboek, t, "md")


@bp.get("/w/<workshop_id>/draaiboek.pdf")
def draaiboek_pdf(workshop_id):
    """The draaiboek as a tagged A4 PDF, in the workshop's (or the visitor's) language."""
    draaiboek, language, t, format_date = _draaiboek(workshop_id)
    body = printed(render_draaiboek_pdf, draaiboek, t, format_date, language)
    return _attachment(body, "application/pdf", draaiboek, t, "pdf")
