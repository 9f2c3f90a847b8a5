"""Capability links: an action's update link for its owner, and the workshop's calendar feed.

A link is the HMAC-SHA256 (256 bits) of what it opens — the workshop, the action, the
link's generation — under this installation's secret key. An action the sessions of a
series share keeps the link made with the session it started in, in every session, even
once that session is deleted. The database holds neither the
links nor the key, only each link's generation: making a new one (`action:relink`) makes
every older link of that action a 404. The key is `COCREATE_SECRET_KEY` (hex or text),
or a random one kept in the instance folder; several processes must share one.
"""

import base64
import hashlib
import hmac
import os
import re
import secrets

KEY_FILE = "secret.key"
# How many replaced generations of an update link are still recognised (to say it was
# replaced rather than that nothing is there).
REPLACED_KEPT = 50
# The secret parts of an address: an update link's key, a calendar feed's key, a token.
SECRET_PARTS = re.compile(
    r"(?P<keep>/a/[^/?#]+/[^/?#]+/|/calendar/(?:[^/?#]+/)?|[?&]token=)"
    r"[A-Za-z0-9_-]+"
)  # URL-safe base64


def secret_key(config, instance_path):
    """The installation's secret key: the configured one, else the instance folder's."""
    configured = config.get("SECRET_KEY")
    if configured:
        return str(configured).encode("utf-8")
    path = os.path.join(instance_path, KEY_FILE)
    try:
        # Created once, readable by this user only; a second process starting at the
        # same moment finds the file instead.
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w") as out:
            out.write(secrets.token_hex(32))
    except FileExistsError:
        pass
    with open(path) as source:
        return source.read().strip().encode("utf-8")


def _mac(key, *parts):
    digest = hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def action_key(key, workshop_id, action):
    """The secret part of an action's update link (its current generation)."""
    return _mac(key, "action", workshop_id, action.id, str(action.link))


def replaced_action_key(key, workshop_id, action, given):
    """True when `given` is an earlier generation of the action's update link: one replaced
    when the action got another owner (or the facilitator made a new link)."""
    return isinstance(given, str) and any(
        hmac.compare_digest(_mac(key, "action", workshop_id, action.id, str(generation)), given)
        for generation in range(max(1, action.link - REPLACED_KEPT), action.link)
    )


def calendar_key(key, workshop, holder=None):
    """The secret part of a calendar feed's address: the facilitators' feed (`holder` None),
    or one participant's."""
    if holder is None:
        return _mac(key, "calendar", workshop.id, str(workshop.calendar_link))
    return _mac(key, "calendar", workshop.id, holder, str(workshop.calendar_link))


def matches(expected, given):
    """True when a link's secret part is the expected one (in constant time)."""
    return isinstance(given, str) and hmac.compare_digest(expected, given)


def update_path(key, workshop, action):
    """The path of an action's update page: made with the session it started in when the
    sessions of a series share it (the same link in every session), else its workshop."""
    made_with = action.origin or workshop.id
    return f"/a/{made_with}/{action.id}/{action_key(key, made_with, action)}"


def calendar_path(key, workshop, holder=None):
    """The path of a calendar feed of the workshop: the facilitators' (with every update
    link), or participant `holder`'s (the same events, with the links of their own actions)."""
    if holder is None:
        return f"/w/{workshop.id}/calendar/{calendar_key(key, workshop)}.ics"
    return f"/w/{workshop.id}/calendar/{holder}/{calendar_key(key, workshop, holder)}.ics"


def redacted(address):
    """`address` (a path, perhaps with its query) with every capability key and token
    written `*`: what a log line may say about a request."""
    return SECRET_PARTS.sub(r"\g<keep>*", address)


def add_links(view, workshop, viewer, key, base):
    """Give a snapshot the links this viewer may see: a calendar feed to every member, an
    action's update link to the facilitator (all) and to the action's owner (their own).

    A participant's feed is their own, so it carries only their own update links too.
    """
    view["calendar_url"] = base + calendar_path(key, workshop, None if viewer.is_facilitator else viewer.id)
    for shown in view["actions"]:
        action = workshop.actions[shown["id"]]
        if viewer.is_facilitator or action.owner_id == viewer.id:
            shown["update_url"] = base + update_path(key, workshop, action)
    return view
