"""The plan as an accessible A4 PDF: the plan page's own template printed by WeasyPrint.

The PDF is tagged PDF/UA-1: a structure tree with headings, lists, tables and the canvas
pictures as figures with their alternative text, the document's language (`/Lang`), its
title shown in the window, and an outline of its headings. Words are hyphenated in the
document's language (Pyphen), never broken without a hyphen. Text is set in DejaVu Sans,
emoji in Noto Color Emoji (both installed by scripts/install-system-deps; docs/deploy.md).
"""

import logging
from pathlib import Path

import jinja2

# Imported with the module, never on first use: the PDF is printed in an operating-system
# thread (web/downloads.py), and finding Pango runs ldconfig, which gevent cannot start
# from such a thread.
from weasyprint import HTML

PACKAGE = Path(__file__).resolve().parents[1]
STATIC = PACKAGE / "static"
_TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(PACKAGE / "templates"), autoescape=True)
# The page's stylesheets hold rules for screens only (hover, :has, animations): WeasyPrint
# says so for each one on every PDF. Only its errors are worth the log.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def render_pdf(plan, t, format_date):
    """The plan as PDF bytes."""
    # WeasyPrint hyphenates by itself; soft hyphens would break its text's extraction.
    return print_page(
        "plan_print.html", plan=plan, t=t, format_date=format_date, printing=True, facilitating=False, hyphenate=str
    )


def print_page(template, **context):
    """A template printed as tagged PDF/UA-1 bytes. The template is a whole HTML document
    with `lang` on its root and a `<title>`; stylesheets are linked relative to static/
    (`css/print.css` holds the page rules)."""
    html = _TEMPLATES.get_template(template).render(**context)
    return HTML(string=html, base_url=f"{STATIC}/").write_pdf(pdf_variant="pdf/ua-1")
