"""Pages, the join flow, downloads and the JSON API: one blueprint, `web`, in several modules.

- blueprint.py   the blueprint and what its views share
- pages.py       the landing page, joining, the boards, the join QR code
- downloads.py   the plan page and its downloads
- api.py         the JSON API
- afterwards.py  after the workshop: an owner's update page, the calendar feed
- series.py      a series of sessions: planning a follow-up, the series page
- errors.py      error answers, security headers, the same-origin check
- rate_limits.py join-code guessing and creating workshops
- identity.py    a `?token=` link in a browser that already is someone else: ask first
- agenda.py      the run sheet's forecast and the draaiboek download
"""

# Each module adds its views to `bp`.
from . import afterwards, agenda, api, downloads, errors, identity, pages, series  # noqa: F401
from .blueprint import bp

__all__ = ["bp"]
