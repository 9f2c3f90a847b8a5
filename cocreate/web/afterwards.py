"""After the workshop: an owner's update page (their link, no account) and the calendar feed.

`GET /a/<workshop>/<action>/<key>` shows the action and a form to set its status and add a
progress note; `POST` to the same address takes the form (a page again, without
JavaScript) or JSON `{status?, text?}` (→ 200 with the action). A wrong key is a 404; an
earlier key of the action (it got another owner, or a new link) is a 410 whose page says
so. `GET /w/<workshop>/calendar/<key>.ics` is the plan's calendar to subscribe to, with a
reminder at 09:00 the day before each due date of what is still to do, and each action's
update link; a participant's own feed (`/w/<workshop>/calendar/<participant>/<key>.ics`)
holds only the actions they own.
"""

import functools

from flask import Response, abort, current_app, redirect, request
from marshmallow import ValidationError

from .. import export, links
from ..access import store
from ..realtime.broadcast import publish
from ..domain import FACILITATOR, DomainError
from ..domain.workshop import ACTION_STATUSES
from ..export.calendar import revision_tag
from ..extensions import limiter
from ..i18n import choose_language, long_date, translate
from ..protocol import ID_MAX
from ..schemas import action_progress
from .blueprint import base_url, bp, current_member, render_page
from .downloads import plan_of
from .errors import ApiError

# Per link: an owner posts a few updates a minute at most. Per address: anything that
# tries links (a guess at a 256-bit key gets nowhere anyway) is slowed down.
limit_updates = limiter.shared_limit(
    lambda: current_app.config["UPDATE_LIMIT"],
    scope="action-link",
    methods=["POST"],
    key_func=lambda: request.view_args.get("key", ""),
    error_message="Too many updates; wait a minute.",
)
limit_links = limiter.shared_limit(
    lambda: current_app.config["LINK_LIMIT"], scope="link-address", error_message="Too many requests from here."
)


def _key():
    return current_app.extensions["cocreate.secret"]


def _linked_action(workshop_id, action_id, key):
    """(workshop, action) behind an update link; 404 for a wrong key or a removed action,
    410 for an earlier key of the action (`_replaced`).

    The link's workshop may be gone while later sessions of its series still hold the
    action: the link then opens it there.
    """
    found = store().linked_action(workshop_id, action_id[:ID_MAX])
    if found is None:
        abort(404)
    workshop, action = found
    if action.removed:
        abort(404)
    if not links.matches(links.action_key(_key(), workshop_id, action), key):
        if links.replaced_action_key(_key(), workshop_id, action, key):
            _replaced(workshop)
        abort(404)
    return workshop, action


def _replaced(workshop):
    """410 Gone for an earlier link of the action: the workshop and the action are there,
    this link no longer opens them. The page says so and shows nothing of either: a link
    the facilitator revoked may have gone astray."""
    if _wants_json():
        raise ApiError(
            410, "link_replaced", "This update link was replaced by a newer one.", key="refusal_link_replaced"
        )
    abort(
        render_page(
            "action_replaced.html",
            status=410,
            workshop_language=workshop.language,
            title=translate(choose_language(workshop.language), "action_replaced_heading"),
        )
    )


def _wants_json():
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _update_page(workshop, action, status=200, errors=None, saved=False, text=""):
    language = choose_language(workshop.language)
    shown = export.plan_action(action, workshop)
    return render_page(
        "action_update.html",
        status=status,
        workshop_language=workshop.language,
        workshop=workshop,
        action=shown,
        history=list(reversed(action.progress)),
        statuses=ACTION_STATUSES,
        current=action.status,
        errors=errors or {},
        saved=saved,
        text=text,
        title=action.title,
        format_date=functools.partial(long_date, language),
    )


@bp.get("/a/<workshop_id>/<action_id>/<key>")
@limit_links
def action_update_page(workshop_id, action_id, key):
    """The owner's page: the action, its history, and a form to report progress."""
    workshop, action = _linked_action(workshop_id, action_id, key)
    return _update_page(workshop, action, saved=request.args.get("saved") == "1")


@bp.post("/a/<workshop_id>/<action_id>/<key>")
@limit_links
@limit_updates
def action_update(workshop_id, action_id, key):
    """Set the status and/or add a progress note; the board sees it at once."""
    workshop, action = _linked_action(workshop_id, action_id, key)
    if _wants_json():
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ApiError(400, "invalid", "The body must be a JSON object.", key="refusal_json_object")
    else:
        data = {name: value for name, value in request.form.items() if name in ("status", "text") and value != ""}
        if data.get("status") == action.status and "text" not in data:
            data = {}  # nothing changed: say so rather than add an empty line to the history
    try:
        body = action_progress.load(data)
    except ValidationError as err:
        if _wants_json():
            raise ApiError(400, "invalid", "Some fields are not right.", err.messages, key="refusal_fields")
        return _update_page(workshop, action, status=400, errors=err.messages, text=request.form.get("text", "")[:600])
    try:
        shown = store().report_progress(workshop_id, action_id, body.get("status"), body.get("text"), publish=publish)
    except DomainError as err:
        raise ApiError(
            404 if err.code == "not_found" else 400, err.code, err.message, key=err.key, values=err.values
        ) from err
    if _wants_json():
        return shown
    return redirect(request.path + "?saved=1", code=303)


@bp.get("/w/<workshop_id>/calendar/<key>.ics")
@limit_links
def calendar_feed(workshop_id, key):
    """The plan's calendar to subscribe to, with every owner's update link (facilitators)."""
    return _calendar(workshop_id, key, None)


@bp.get("/w/<workshop_id>/calendar/<holder>/<key>.ics")
@limit_links
def own_calendar_feed(workshop_id, holder, key):
    """A participant's calendar of the plan: the actions they own, with their update links."""
    return _calendar(workshop_id, key, holder)


def _calendar(workshop_id, key, holder):
    """A feed that answers `If-None-Match` with 304 while it is unchanged."""
    if store().summary(workshop_id) is None:
        abort(404)
    workshop, plan = plan_of(workshop_id)
    if (holder is not None and holder not in workshop.participants) or not links.matches(
        links.calendar_key(_key(), workshop, holder), key
    ):
        abort(404)
    language = choose_language(workshop.language)
    base = base_url()
    update_urls = {
        action.id: base + links.update_path(_key(), workshop, action)
        for action in workshop.actions.values()
        if holder is None or action.owner_id == holder
    }
    if holder is not None:  # a participant's feed: their own actions, nobody else's
        plan = {**plan, "actions": [action for action in plan["actions"] if action["id"] in update_urls]}
    body = export.render_ics(plan, functools.partial(translate, language), update_urls=update_urls)
    etag = revision_tag(body)
    if request.if_none_match.contains(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    return Response(
        body, mimetype="text/calendar", headers={"ETag": f'"{etag}"', "Cache-Control": "private, max-age=300"}
    )


@bp.get("/w/<workshop_id>/links.csv")
def owner_links(workshop_id):
    """The facilitator's list of every action's update link, by owner, to send on."""
    if store().summary(workshop_id) is None:
        abort(404)
    member = current_member(workshop_id)
    if member is None:
        raise ApiError(401, "unauthorized", "A facilitator token is needed.", key="refusal_facilitator_token")
    if member.role != FACILITATOR:
        raise ApiError(403, "forbidden", "Only the facilitator may do this.", key="error_forbidden")
    workshop, plan = plan_of(workshop_id)
    base = base_url()
    update_urls = {
        action.id: base + links.update_path(_key(), workshop, action) for action in workshop.actions.values()
    }
    t = functools.partial(translate, choose_language(workshop.language))
    body = export.render_links_csv(plan, t, update_urls)
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{t("links_file")}.csv"', "Cache-Control": "no-store"},
    )
