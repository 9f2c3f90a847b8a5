"""A `?token=` link opened in a browser that already is someone else in the workshop: the
page asks first, naming both people, and a facilitator is never replaced by a link (they
open it in a private window). Else a link sent to the facilitator could take their token
(kept only in that cookie) away, or make a board connect as the sender, who would then
read the reader's anonymous notes.
"""

from flask import abort, redirect, request, url_for
from marshmallow import ValidationError

from ..access import cookie_name, set_token_cookie, store
from ..domain import FACILITATOR
from ..protocol import TOKEN_MAX
from ..schemas import identity_switch
from .blueprint import bp, render_page, workshop_or_404

VIEWS = {"board": "web.board", "facilitate": "web.facilitate", "present": "web.present", "remote": "web.remote"}


def arrive_by_link(summary, view, token):
    """The answer to a board page opened with `?token=`: into the cookie and on to the page
    without it, or — when this browser already is someone else here — a page that asks."""
    linked = store().authenticate(summary.id, token[:TOKEN_MAX])
    here = store().authenticate(summary.id, request.cookies.get(cookie_name(summary.id)))
    onward = redirect(url_for(VIEWS[view], workshop_id=summary.id))
    if linked is None:
        return onward  # a wrong token changes nothing
    if here is None or here.id == linked.id:
        return set_token_cookie(onward, summary.id, token)
    people = store().workshop(summary.id).participants
    return render_page(
        "identity.html",
        workshop_language=summary.language,
        workshop=summary,
        here=people[here.id],
        linked=people[linked.id],
        token=token,
        view=view,
        stay=url_for(VIEWS[view], workshop_id=summary.id),
        may_switch=here.role != FACILITATOR,
        title=summary.title,
    )


@bp.post("/w/<workshop_id>/identity")
def switch_identity(workshop_id):
    """ "Doorgaan als …": this browser becomes the person of the link; never instead of a
    facilitator."""
    summary = workshop_or_404(workshop_id)
    try:
        body = identity_switch.load(dict(request.form))
    except ValidationError:
        abort(400)
    here = store().authenticate(workshop_id, request.cookies.get(cookie_name(workshop_id)))
    if here is not None and here.role == FACILITATOR:
        abort(403)
    if store().authenticate(workshop_id, body["token"]) is None:
        abort(404)
    onward = redirect(url_for(VIEWS[body["view"]], workshop_id=summary.id), code=303)
    return set_token_cookie(onward, workshop_id, body["token"])
