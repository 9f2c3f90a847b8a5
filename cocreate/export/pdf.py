"""The plan as a tidy A4 PDF a manager can read: title, date, goal, actions, per step.

Uses DejaVu Sans when the system has it (all of Unicode's European scripts);
otherwise the PDF core font, which covers Dutch diacritics. Characters the
font lacks are replaced, never allowed to break the document.
"""

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import CellBordersLayout
from fpdf.fonts import FontFace

from .picture import NOTE_RGB
from .plan import decision_text, status_text, update_text

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
INK = (31, 41, 51)
LINE_GREY = (217, 212, 199)
CLUSTER_FILL = (235, 245, 240)
SOFT = (82, 96, 109)
ACCENT = (11, 110, 79)
HEADER_FILL = (227, 241, 234)
MARGIN = 18
LINE = 5.2


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
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)

    def clean(self, text):
        """Text the font can draw: core fonts get Latin-1 with `?` for the rest."""
        text = "" if text is None else str(text)
        if self.unicode:
            return "".join(ch if self.is_drawable(ch) else "?" for ch in text)
        return text.encode("latin-1", "replace").decode("latin-1")

    def is_drawable(self, ch):
        """True when both Unicode fonts, regular and bold, have a glyph for `ch`."""
        return ch.isspace() or all(ord(ch) in font.cmap for font in self.fonts.values())

    def footer(self):
        # A page may end inside a note, while its left margin is moved for the hanging indent.
        self.set_xy(MARGIN, -12)
        self.set_font(self.family, "", 8)
        self.set_text_color(*SOFT)
        text = self.clean(f"{self.footer_text} · {self.page_no()}/{{nb}}")
        self.cell(self.w - 2 * MARGIN, 6, text, align="C")


def render_pdf(plan, t, format_date):
    """The plan as PDF bytes."""
    pdf = PlanDocument(f"cocreate · {plan['title']}")
    pdf.set_title(pdf.clean(plan["title"]))
    pdf.set_creator("cocreate")
    pdf.add_page()
    _heading(pdf, plan, t, format_date)
    _actions(pdf, plan, t, format_date)
    _said(pdf, plan, t)
    for step in plan["steps"]:
        if step["picture"]:
            _picture(pdf, step, t)
    return bytes(pdf.output())


PICTURE_WIDTH = 261  # mm of a landscape A4 page between its margins


def _picture(pdf, step, t):
    """A canvas step as the room left it, on a landscape page of its own."""
    picture = step["picture"]
    pdf.add_page(orientation="L")
    _text(pdf, f"{step['index'] + 1}. {step['title']} · {t('plan_canvas')}", size=12, style="B",
          height=7)
    scale = PICTURE_WIDTH / picture["width"]
    left, top = pdf.l_margin, pdf.get_y() + 2

    def box(shape):
        return (left + shape["x"] * scale, top + shape["y"] * scale,
                shape["width"] * scale, shape.get("height", picture["height"]) * scale)

    pdf.set_draw_color(*LINE_GREY)
    pdf.rect(left, top, PICTURE_WIDTH, picture["height"] * scale)
    for lane in picture["lanes"]:
        x, y, _w, _h = box({**lane, "y": 0})
        pdf.line(x, y, x, y + picture["height"] * scale)
        pdf.set_xy(x + 1.5, y + 1.5)
        pdf.set_font(pdf.family, "B", 8)
        pdf.set_text_color(*SOFT)
        pdf.cell(lane["width"] * scale - 3, 4, pdf.clean(lane["title"].upper()))
    pdf.set_draw_color(*ACCENT)
    for cluster in picture["clusters"]:
        x, y, w, h = box(cluster)
        pdf.set_fill_color(*CLUSTER_FILL)
        pdf.rect(x, y, w, h, style="DF")
        pdf.set_xy(x + 1, y + 0.8)
        pdf.set_font(pdf.family, "B", 7.5)
        pdf.set_text_color(*ACCENT)
        pdf.cell(w - 2, 3.6, pdf.clean(cluster["title"] or t("cluster_untitled")))
    for note in picture["notes"]:
        x, y, w, h = box(note)
        pdf.set_fill_color(*NOTE_RGB.get(note["color"], NOTE_RGB["yellow"]))
        pdf.rect(x, y, w, h, style="F")
        pdf.set_font(pdf.family, "", 7)
        pdf.set_text_color(*INK)
        for number, line in enumerate(note["lines"]):
            pdf.set_xy(x + 1.2, y + 1.2 + number * 3.1)
            pdf.cell(w - 2.4, 3.1, pdf.clean(line))


def _text(pdf, text, size=10, style="", color=INK, height=LINE):
    pdf.set_font(pdf.family, style, size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, height, pdf.clean(text), align="L", new_x="LMARGIN", new_y="NEXT")


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


# Millimetres of the 174 mm between the margins: #, action, owner, due, votes, status.
# The action column is the widest; the others fit their Dutch headings at 9 pt.
COLUMNS = (7, 77.5, 30, 25, 20, 14.5)
TITLE_BORDERS = CellBordersLayout.LEFT | CellBordersLayout.RIGHT | CellBordersLayout.TOP
SOURCE_BORDERS = CellBordersLayout.LEFT | CellBordersLayout.RIGHT | CellBordersLayout.BOTTOM


def _actions(pdf, plan, t, format_date):
    _section(pdf, t("plan_actions"))
    if not plan["actions"]:
        _text(pdf, t("plan_no_actions"), color=SOFT)
        pdf.ln(4)
        return
    pdf.set_font(pdf.family, "", 9)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(200, 196, 186)
    heading = FontFace(emphasis="BOLD", fill_color=HEADER_FILL, color=INK)
    title_face = FontFace(emphasis="BOLD")
    source_face = FontFace(size_pt=8, color=SOFT)
    with pdf.table(col_widths=COLUMNS, width=sum(COLUMNS), text_align="LEFT", v_align="TOP",
                   line_height=4.6, headings_style=heading, padding=(1.6, 1.2)) as table:
        row = table.row()
        for label in ("#", t("col_action"), t("col_owner"), t("col_due"), t("col_votes"),
                      t("col_status")):
            row.cell(pdf.clean(label))
        for number, action in enumerate(plan["actions"], 1):
            sources = "\n".join(line for line in (
                _sources(action, t), decision_text(action, t, format_date),
                *(update_text(update, format_date) for update in action["updates"][-3:]))
                if line)
            # The source notes sit in a row of their own under the title, without a line
            # between them, so the title can be bold and the notes small and grey.
            span = 2 if sources else 1
            row = table.row()
            row.cell(str(number), rowspan=span)
            if sources:
                row.cell(pdf.clean(action["title"]), style=title_face, border=TITLE_BORDERS,
                         padding=(1.6, 1.2, 0.6, 1.2))
            else:
                row.cell(pdf.clean(action["title"]), style=title_face)
            row.cell(pdf.clean(action["owner"] or t("plan_no_owner")), rowspan=span)
            row.cell(pdf.clean(format_date(action["due"]) if action["due"] else t("plan_no_due")),
                     rowspan=span)
            row.cell(str(action["votes"]), rowspan=span)
            row.cell(pdf.clean(status_text(action, t)), rowspan=span)
            if sources:
                table.row().cell(pdf.clean(sources), style=source_face, border=SOURCE_BORDERS,
                                 padding=(0, 1.2, 1.6, 1.2))
    pdf.ln(6)


SOURCES_SHOWN = 3


def _sources(action, t):
    """The "From: …" line: the first few source notes in full, so a row fits on a page."""
    texts = [" ".join(source["text"].split()) for source in action["sources"][:SOURCES_SHOWN]]
    hidden = len(action["sources"]) - SOURCES_SHOWN
    if hidden > 0:
        texts.append(t("plan_more_sources", n=hidden))
    return t("action_from_notes", notes=" · ".join(texts)) if texts else ""


def _said(pdf, plan, t):
    _section(pdf, t("plan_what_we_said"))
    for step in plan["steps"]:
        if pdf.will_page_break(20):
            pdf.add_page()
        _text(pdf, f"{step['index'] + 1}. {step['title']}", size=12, style="B", height=7)
        for action in step["review"] or []:
            decided = (t("review_decided_" + action["decision"]) if action["decision"]
                       else t("plan_review_pending"))
            status = f" ({t('status_' + action['state'])})" if action["state"] else ""
            _text(pdf, f"{action['title']}: {decided}{status}")
        if step["review"] == []:
            _text(pdf, t("plan_no_review"), color=SOFT)
        if step["private"]:
            _text(pdf, t("plan_private_notes", n=step["private"]), color=SOFT)
        elif not step["clusters"] and not step["notes"] and step["review"] is None:
            _text(pdf, t("plan_no_notes"), color=SOFT)
        for cluster in step["clusters"]:
            _group(pdf, cluster["title"] or t("cluster_untitled"), cluster["notes"], t)
        for group in step["by_lane"]:
            title = (group["title"] or t("plan_other")) if step["headed"] else None
            _group(pdf, title, group["notes"], t)
        pdf.ln(3)


def _group(pdf, title, notes, t):
    """A bold heading (when given) over a bulleted list of notes."""
    if title:
        if pdf.will_page_break(2 * LINE + 2):  # never a heading alone at the foot of a page
            pdf.add_page()
        pdf.ln(1)
        _text(pdf, title, size=10, style="B")
    for note in notes:
        _note(pdf, note, t)


BULLET = 4.5  # mm from a bullet to its text; wrapped lines hang there too


def _note(pdf, note, t):
    """One note as a bullet: its text, then votes and author in grey."""
    extra = [t("plan_votes", n=note["votes"])] if note["votes"] else []
    extra.append(note["author"] or t("plan_anonymous_or_unknown"))
    if pdf.will_page_break(LINE):
        pdf.add_page()
    pdf.set_fill_color(*INK)
    pdf.ellipse(pdf.l_margin + 1.2, pdf.get_y() + LINE / 2 - 0.65, 1.3, 1.3, style="F")
    margin = pdf.l_margin
    # write() wraps at the left margin: moving it gives the hanging indent.
    pdf.set_left_margin(margin + BULLET)
    pdf.set_x(margin + BULLET)
    pdf.set_font(pdf.family, "", 10)
    pdf.set_text_color(*INK)
    pdf.write(LINE, pdf.clean(note["text"]))
    pdf.set_text_color(*SOFT)
    pdf.write(LINE, pdf.clean(f"  ({', '.join(extra)})"))
    pdf.set_left_margin(margin)
    pdf.ln(LINE)
