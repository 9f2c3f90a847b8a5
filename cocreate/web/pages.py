"""Pages: the landing page, joining with a code and a name, the boards, the join QR code,
and the strings of a script the board loads late."""

from flask import Response, abort, jsonify, redirect, request, url_for
from marshmallow import ValidationError

from ..access import cookie_name, set_token_cookie, store
from ..realtime.broadcast import publish
from ..domain import FACILITATOR, LANGUAGES, DomainError, available_formats, load_format, table_names
from ..hyphens import LONG_WORD, soft_word
from ..i18n import choose_language, later_catalogue
from ..protocol import ID_MAX, JOIN_CODE_MAX, NAME_MAX
from ..schemas import hyphen_words
from ..schemas import join_code as join_code_schema
from ..schemas import participant_create, workshop_create
from .api import create_workshop
from .downloads import formats
from .qr import qr_svg
from .identity import arrive_by_link
from .errors import ApiError
from .blueprint import base_url, bp, current_member, render_page, room, workshop_or_404
from .rate_limits import limit_creating, limit_guessing, limit_joining, limit_joining_workshop


@bp.get("/")
def landing():
    """Create a workshop or join one with a code."""
    return render_page("landing.html", form={}, errors={}, formats=formats(choose_language()))


@bp.post("/")
@limit_creating
def create_from_form():
    """The landing page's form: create, then go to the facilitator's board."""
    form = {
        key: value for key, value in request.form.items() if key in ("title", "goal", "language", "format", "retention")
    }
    try:
        body = workshop_create.load(form)
    except ValidationError as err:
        return render_page(
            "landing.html", status=400, form=form, errors=err.messages, formats=formats(choose_language())
        )
    workshop, token = create_workshop(body)
    return set_token_cookie(redirect(url_for("web.facilitate", workshop_id=workshop.id)), workshop.id, token)


@bp.get("/join")
@limit_guessing
def join_with_code():
    """Type the code shown on the projector."""
    code = request.args.get("code")
    if code is None:
        return render_page("code.html", code="", errors={})
    found = None
    try:
        found = store().find_by_join_code(join_code_schema.load({"code": code})["code"])
    except ValidationError:
        pass
    if found is None:
        return render_page("code.html", status=404, code=code[:JOIN_CODE_MAX], errors={"code": ["not_found"]})
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
    if current_member(found.id) is not None:
        return redirect(url_for("web.board", workshop_id=found.id))
    return _join_form(summary)


def _join_form(summary, status=200, name="", errors=None):
    """The join page: a name to type and, for someone this browser knows from an earlier
    session of the series, "Verder als Anouk" (the same person, owning their actions)."""
    known = store().returning_candidates(summary.id, lambda session: request.cookies.get(cookie_name(session)))
    returning = None
    if known:
        session, _participant_id, known_name = known[0]
        returning = {"session": session.id, "title": session.title, "name": known_name}
    return render_page(
        "join.html",
        status=status,
        workshop_language=summary.language,
        workshop=summary,
        name=name,
        errors=errors or {},
        returning=returning,
    )


def _returning_id(workshop_id):
    """The participant id of the person the join form's "Verder als …" names: checked against
    this browser's token of that earlier session (its cookie); `DomainError` when it is not."""
    earlier_id = request.form.get("returning", "")[:ID_MAX]
    return store().returning_person(workshop_id, earlier_id, request.cookies.get(cookie_name(earlier_id)) or "")[0]


@bp.post("/j/<code>")
@limit_guessing
@limit_joining
@limit_joining_workshop
def join_submit(code):
    """Join with a display name, then land on the board."""
    found = store().find_by_join_code(code[:JOIN_CODE_MAX])
    if found is None:
        abort(404)
    summary = store().summary(found.id)
    try:
        body = participant_create.load({"name": request.form.get("name", "")})
    except ValidationError as err:
        return _join_form(summary, 400, request.form.get("name", "")[:NAME_MAX], err.messages)
    try:
        participant_id = _returning_id(found.id) if "returning" in request.form else None
        participant, token, _events = store().add_participant(
            found.id, body["name"], publish=publish, participant_id=participant_id
        )
    except DomainError as err:
        if err.code not in ("forbidden", "conflict"):
            raise
        # Not recognised (or here already on another device): join under a name instead.
        return _join_form(summary, 403 if err.code == "forbidden" else 409, "", {"returning": [err.code]})
    return set_token_cookie(redirect(url_for("web.board", workshop_id=found.id)), found.id, token)


def _proposed_table_names(summary):
    """The table names the workshop's format proposes, in the workshop's language."""
    if summary.format not in available_formats():
        return []
    return table_names(load_format(summary.format), summary.language)


def _board_page(workshop_id, view, need_facilitator=False):
    summary = workshop_or_404(workshop_id)
    if request.args.get("token"):
        return arrive_by_link(summary, view, request.args["token"])
    member = current_member(workshop_id)
    if member is None:
        if need_facilitator:
            return render_page("error.html", status=403, workshop_language=summary.language, error_code="forbidden")
        return redirect(url_for("web.join_page", code=summary.join_code))
    if need_facilitator and member.role != FACILITATOR:
        return render_page("error.html", status=403, workshop_language=summary.language, error_code="forbidden")
    where = room()
    return render_page(
        f"{view}.html",
        workshop_language=summary.language,
        workshop=summary,
        view=view,
        join_url=where.base + url_for("web.join_page", code=summary.join_code),
        room_reachable=where.reachable,
        title=summary.title,
        table_names=_proposed_table_names(summary) if need_facilitator else [],
    )


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


@bp.get("/w/<workshop_id>/remote")
def remote(workshop_id):
    """The facilitator's remote: steer the room from a phone."""
    return _board_page(workshop_id, "remote", need_facilitator=True)


@bp.get("/w/<workshop_id>/qr.svg")
def join_qr(workshop_id):
    """A QR code of the join link, for the projector and the share panel."""
    summary = workshop_or_404(workshop_id)
    link = base_url() + url_for("web.join_page", code=summary.join_code)
    return Response(qr_svg(link), mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"})


@bp.get("/texts/<language>/later.json")
def later_texts(language):
    """The strings of the scripts a board loads at first use or only when needed."""
    if language not in LANGUAGES:
        abort(404)
    response = jsonify(later_catalogue(language))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/texts/<language>/hyphens.json")
def hyphens(language):
    """Each long word asked for, with soft hyphens where it may break in `language`."""
    if language not in LANGUAGES:
        abort(404)
    try:
        words = hyphen_words.load(request.args.to_dict())["words"].split()
    except ValidationError as error:
        raise ApiError(
            400, "invalid", "Give up to 2000 characters of words.", error.messages, key="refusal_hyphen_words"
        ) from None
    answer = {word: soft_word(word, language) for word in words[:200] if LONG_WORD.fullmatch(word)}
    response = jsonify(answer)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
