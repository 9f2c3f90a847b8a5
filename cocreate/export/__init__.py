"""The action plan and the workshop backup, in the formats a team takes home."""

from .backup import BACKUP_FORMAT, BACKUP_VERSION, backup, backup_schema, restore
from .calendar import render_ics
from .markdown import render_markdown
from .pdf import render_pdf
from .plan import build_plan, plan_action
from .table import render_csv, render_links_csv

__all__ = [
    "BACKUP_FORMAT",
    "BACKUP_VERSION",
    "backup",
    "backup_schema",
    "build_plan",
    "plan_action",
    "restore",
    "render_csv",
    "render_ics",
    "render_links_csv",
    "render_markdown",
    "render_pdf",
]
