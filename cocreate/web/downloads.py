"""The plan: as a page, and as Markdown, CSV, PDF, a calendar file and a JSON backup."""

import functools
import re
import threading
import unicodedata

from flask import Response, current_app, jsonify, redirect, request, url_for

from .. import export, links
from ..access import store
from ..domain import FACILITATOR, available_formats, load_format
from ..export.picture import soft_hyphens
from ..i18n import choose_language, long_date, translate
from ..protocol import TITLE_MAX
from .blueprint import base_url, bp, current_member, render_page, workshop_or_404
from .errors import ApiError

SLUG_MAX = 40  # the title's part of a download's file name


def formats(language):
    """(key, title) of every shipped format, in `language`, for a form's choice."""
    return [(key, load_format(key)["title"][language]) for key in available_formats()]


def _plan_for_member(workshop_id):
    summary = workshop_or_404(workshop_id)
    member = current_member(workshop_id)
    if member is None:
        raise ApiError(401, "unauthorized", "A participant or facilitator token is needed.", key="refusal_member_token")
    if member.role == FACILITATOR and request.endpoint != "web.plan_page":
        store().mark_downloaded(workshop_id)
    workshop, plan = plan_of(workshop_id)
    language = choose_language(summary.language)
    t = functools.partial(translate, language)
    return workshop, plan, t, functools.partial(long_date, language)


def plan_of(workshop_id):
    """(workshop, its plan) with what the later sessions of its series know: each action's
    latest status, review decision and progress, and its votes from where it was voted."""
    sessions = store().series_sessions(workshop_id) or []
    workshop = next((session for session in sessions if session.id == workshop_id), None)
    if workshop is None:
        workshop = store().workshop(workshop_id)
    return workshop, export.build_plan(workshop, sessions)


def _filename(title, suffix):
    """A plain ASCII file name from a workshop title: "één plan" → "een-plan"."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:SLUG_MAX].strip("-")
    return f"{slug or 'workshop'}-{suffix}"


def attachment(body, mimetype, title, suffix):
    """A download of `body` named after the workshop's `title` ("teamdag-actieplan.pdf"),
    never kept in a cache: it holds the workshop's people and plans."""
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(title, suffix)}"',
            "Cache-Control": "no-store",
        },
    )


def _download(body, mimetype, plan, t, extension):
    return attachment(body, mimetype, plan["title"], f"{t('plan_file')}.{extension}")


@bp.get("/w/<workshop_id>/plan")
def plan_page(workshop_id):
    """The plan as a page: actions by votes, then what the group said per step."""
    summary = workshop_or_404(workshop_id)
    if current_member(workshop_id) is None:
        return redirect(url_for("web.join_page", code=summary.join_code))
    return render_plan(workshop_id)


def render_plan(workshop_id, follow_up=None, errors=None, status=200):
    """The plan page; the facilitator's has "Terugkomdag plannen" (`follow_up`: its form as
    sent, with `errors`)."""
    summary = workshop_or_404(workshop_id)
    workshop, plan, t, fmt = _plan_for_member(workshop_id)
    facilitating = current_member(workshop_id).role == FACILITATOR
    board = "web.facilitate" if facilitating else "web.board"
    # The member's own calendar feed: every action for a facilitator, their own for others.
    calendar_url = base_url() + links.calendar_path(
        current_app.extensions["cocreate.secret"], workshop, None if facilitating else current_member(workshop_id).id
    )
    title = t("follow_up_title", title=summary.title[: TITLE_MAX - len(t("follow_up_title", title=""))])
    return render_page(
        "plan.html",
        status=status,
        workshop_language=summary.language,
        workshop=summary,
        plan=plan,
        format_date=fmt,
        title=summary.title,
        facilitating=facilitating,
        board_url=url_for(board, workshop_id=workshop_id),
        calendar_url=calendar_url,
        follow_up=follow_up or {"title": title, "format": summary.format},
        errors=errors or {},
        formats=formats(choose_language(summary.language)),
        hyphenate=functools.partial(soft_hyphens, language=summary.language),
    )


@bp.get("/w/<workshop_id>/plan.md")
def plan_markdown(workshop_id):
    """The plan as Markdown."""
    _workshop, plan, t, fmt = _plan_for_member(workshop_id)
    return _download(export.render_markdown(plan, t, fmt), "text/markdown", plan, t, "md")


@bp.get("/w/<workshop_id>/plan.csv")
def plan_csv(workshop_id):
    """The actions as CSV for Excel (UTF-8 with BOM, `;`-separated)."""
    _workshop, plan, t, _fmt = _plan_for_member(workshop_id)
    return _download(export.render_csv(plan, t).encode("utf-8"), "text/csv", plan, t, "csv")


@bp.get("/w/<workshop_id>/plan.pdf")
def plan_pdf(workshop_id):
    """The plan as an A4 PDF."""
    _workshop, plan, t, fmt = _plan_for_member(workshop_id)
    return _download(printed(export.render_pdf, plan, t, fmt), "application/pdf", plan, t, "pdf")


_printing = threading.Lock()  # one PDF at a time where each request has its own thread


def printed(render, *args):
    """`render(*args)`: a PDF printed in an operating-system thread, one at a time.

    WeasyPrint takes most of a second for a plan; in the server's event loop (eventlet,
    gevent) that second would hold every open board. In a thread of its own (`cocreate
    serve` says how: `IN_OS_THREAD`, cli.py) the loop goes on while the GIL passes between
    them.
    """
    run = current_app.config.get("IN_OS_THREAD")
    if run is not None:
        return run(render, *args)
    with _printing:
        return render(*args)


@bp.get("/w/<workshop_id>/plan.ics")
def plan_ics(workshop_id):
    """Each action with a due date as an all-day calendar event."""
    workshop, plan, t, _fmt = _plan_for_member(workshop_id)
    member = current_member(workshop_id)
    # A reminder the day before of what the downloader follows up: their own actions, or
    # every owned one for the facilitator.
    reminded = {
        action.id for action in workshop.actions.values() if member.role == FACILITATOR or action.owner_id == member.id
    }
    return _download(export.render_ics(plan, t, reminded=reminded), "text/calendar", plan, t, "ics")


@bp.get("/w/<workshop_id>/export.json")
def export_json(workshop_id):
    """The whole workshop as a versioned backup, importable with `POST /api/workshops/import`."""
    workshop, plan, t, _fmt = _plan_for_member(workshop_id)
    response = jsonify(export.backup(workshop))
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(workshop.title, "export.json")}"'
    response.headers["Cache-Control"] = "no-store"
    return response
