"""A series of sessions: "Terugkomdag plannen" on the facilitator's plan page, and the
series page that lists every session with its actions over time.

Who may see what: a member of any session of the series (participant or facilitator) sees
the series page through that session — every session's title and date, and the actions
of every session with their owners, statuses, history and the decisions taken at each
review. Never notes, votes, update links or calendar addresses; a session's plan is
linked only for sessions this browser is a member of.
"""

import functools

from flask import abort, redirect, request, url_for
from marshmallow import ValidationError

from ..access import request_token, set_token_cookie, store
from ..domain import FACILITATOR
from ..domain.series import series_view
from ..i18n import choose_language, long_date
from ..schemas import workshop_create
from .api import create_workshop
from .blueprint import bp, current_member, render_page, workshop_or_404
from .downloads import render_plan
from .rate_limits import limit_creating

FORM_FIELDS = ("title", "format", "date")


@bp.post("/w/<workshop_id>/follow-up")
@limit_creating
def follow_up_form(workshop_id):
    """The plan page's "Terugkomdag plannen": create the next session, then facilitate it."""
    summary = workshop_or_404(workshop_id)
    member = current_member(workshop_id)
    if member is None or member.role != FACILITATOR:
        return render_page("error.html", status=403, workshop_language=summary.language, error_code="forbidden")
    form = {name: request.form.get(name, "") for name in FORM_FIELDS}
    try:
        body = workshop_create.load(
            {
                "title": form["title"],
                "follow_up_of": workshop_id,
                **{name: form[name] for name in ("format", "date") if form[name]},
            }
        )
    except ValidationError as err:
        return render_plan(workshop_id, follow_up=form, errors=err.messages, status=400)
    workshop, token = create_workshop(body)
    return set_token_cookie(redirect(url_for("web.facilitate", workshop_id=workshop.id), 303), workshop.id, token)


@bp.get("/w/<workshop_id>/series")
def series_page(workshop_id):
    """Every session of the series in order, and its actions over time (members only)."""
    summary = workshop_or_404(workshop_id)
    if current_member(workshop_id) is None:
        if request_token(workshop_id) is None:  # a browser that never joined: join first
            return redirect(url_for("web.join_page", code=summary.join_code))
        abort(401)
    sessions = store().series_sessions(workshop_id) or []
    opens = {session.id for session in sessions if session.id == workshop_id or current_member(session.id) is not None}
    language = choose_language(summary.language)
    return render_page(
        "series.html",
        workshop_language=summary.language,
        workshop=summary,
        series=series_view(sessions),
        opens=opens,
        title=summary.title,
        format_date=functools.partial(long_date, language),
    )
