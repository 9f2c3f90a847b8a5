"""The plan as a tidy A4 PDF a manager can read: title, date, goal, actions, per step.

Uses DejaVu Sans when the system has it (all of Unicode's European scripts);
otherwise the PDF core font, which covers Dutch diacritics. Characters the
font lacks are replaced, never allowed to break the document.
"""

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
INK = (31, 41, 51)
SOFT = (82, 96, 109)
ACCENT = (11, 110, 79)
HEADER_FILL = (227, 241, 234)


def _dejavu():
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    return None


class PlanDocument(FPDF):
    """An A4 page with the workshop's name and page numbers in the footer."""

    def __init__(self, footer_text):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        fonts = _dejavu()
        if fonts:
            self.add_font("Plan", "", str(fonts[0]))
            self.add_font("Plan", "B", str(fonts[1]))
            self.family, self.unicode = "Plan", True
        else:
            self.family, self.unicode = "helvetica", False
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)

    def clean(self, text):
        """Text the font can draw: core fonts get Latin-1 with `?` for the rest."""
        text = "" if text is None else str(text)
        if self.unicode:
            return "".join(ch if self.is_drawable(ch) else "?" for ch in text)
        return text.encode("latin-1", "replace").decode("latin-1")

    def is_drawable(self, ch):
        """True when the current Unicode font has a glyph for `ch`."""
        font = self.fonts[self.current_font.fontkey] if self.current_font else None
        return ch.isspace() or font is None or ord(ch) in font.cmap

    def footer(self):
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.set_text_color(*SOFT)
        self.cell(0, 6, self.clean(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")


def render_pdf(plan, t, format_date):
    """The plan as PDF bytes."""
    pdf = PlanDocument(f"cocreate · {plan['title']}")
    pdf.set_title(pdf.clean(plan["title"]))
    pdf.set_creator("cocreate")
    pdf.add_page()
    _heading(pdf, plan, t, format_date)
    _actions(pdf, plan, t, format_date)
    _said(pdf, plan, t)
    return bytes(pdf.output())


def _text(pdf, text, size=10, style="", color=INK, height=5.2):
    pdf.set_font(pdf.family, style, size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, height, pdf.clean(text), new_x="LMARGIN", new_y="NEXT")


def _heading(pdf, plan, t, format_date):
    _text(pdf, plan["title"], size=22, style="B", height=10)
    _text(pdf, f"{t('plan_heading')} · {format_date(plan['date'])}", size=11, color=SOFT)
    if plan["goal"]:
        pdf.ln(3)
        _text(pdf, f"{t('plan_goal')}: {plan['goal']}", size=11)
    pdf.ln(6)


def _section(pdf, title):
    pdf.set_font(pdf.family, "B", 14)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 8, pdf.clean(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*ACCENT)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)


def _actions(pdf, plan, t, format_date):
    _section(pdf, t("plan_actions"))
    if not plan["actions"]:
        _text(pdf, t("plan_no_actions"), color=SOFT)
        pdf.ln(4)
        return
    pdf.set_font(pdf.family, "", 9.5)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(200, 196, 186)
    heading = FontFace(emphasis="BOLD", fill_color=HEADER_FILL, color=INK)
    with pdf.table(col_widths=(7, 60, 33, 28, 24, 22), text_align="LEFT", line_height=5.2,
                   headings_style=heading, padding=1.6) as table:
        row = table.row()
        for label in ("#", t("col_action"), t("col_owner"), t("col_due"), t("col_votes"),
                      t("col_status")):
            row.cell(pdf.clean(label))
        for number, action in enumerate(plan["actions"], 1):
            row = table.row()
            title = action["title"] + "".join(f"\n· {line}" for line in _sources(action, t))
            row.cell(str(number))
            row.cell(pdf.clean(title))
            row.cell(pdf.clean(action["owner"] or t("plan_no_owner")))
            row.cell(pdf.clean(format_date(action["due"]) if action["due"] else t("plan_no_due")))
            row.cell(str(action["votes"]))
            row.cell(pdf.clean(t("status_" + action["status"])))
    pdf.ln(6)


SOURCES_SHOWN = 3
SOURCE_CHARS = 90


def _sources(action, t):
    """A few short source lines, so one action's row always fits on a page."""
    lines = [s["text"] if len(s["text"]) <= SOURCE_CHARS else s["text"][:SOURCE_CHARS] + "…"
             for s in action["sources"][:SOURCES_SHOWN]]
    hidden = len(action["sources"]) - SOURCES_SHOWN
    if hidden > 0:
        lines.append(t("plan_more_sources", n=hidden))
    return lines


def _said(pdf, plan, t):
    _section(pdf, t("plan_what_we_said"))
    for step in plan["steps"]:
        if pdf.will_page_break(20):
            pdf.add_page()
        _text(pdf, f"{step['index'] + 1}. {step['title']}", size=12, style="B", height=7)
        if step["private"]:
            _text(pdf, t("plan_private_notes", n=step["private"]), color=SOFT)
        elif not step["clusters"] and not step["notes"]:
            _text(pdf, t("plan_no_notes"), color=SOFT)
        for cluster in step["clusters"]:
            _text(pdf, cluster["title"] or t("cluster_untitled"), size=10.5, style="B")
            for note in cluster["notes"]:
                _note(pdf, note, t, indent=4)
        for note in step["notes"]:
            _note(pdf, note, t)
        pdf.ln(3)


def _note(pdf, note, t, indent=0):
    extra = [t("plan_votes", n=note["votes"])] if note["votes"] else []
    extra.append(note["author"] or t("plan_anonymous_or_unknown"))
    pdf.set_x(pdf.l_margin + indent)
    pdf.set_font(pdf.family, "", 10)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 5.2, pdf.clean(f"• {note['text']}  ({', '.join(extra)})"),
                   new_x="LMARGIN", new_y="NEXT")
