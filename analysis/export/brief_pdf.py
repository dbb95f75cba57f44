"""Render the meeting brief as an A4 PDF in Simplified Chinese (fpdf2 + Noto Sans CJK SC)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from analysis.export.brief import COUNTY_COLUMNS, KPI_COLUMNS, POINT_COLUMNS, BriefContent
from analysis.export.brief_review import REVIEW_COLUMNS, REVIEW_HEADING
from analysis.export.fonts import find_cjk_font
from analysis.export.notes import PLACEMENT_COLUMNS

FAMILY = "NotoSansSC"
_HEAD_FILL = (222, 232, 245)
#: Colours of the compliance verdict (dark enough to read when printed in grey).
_RED = (180, 20, 20)
_GREEN = (20, 110, 40)


class _BriefPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, f"{self.footer_text}  第 {self.page_no()} 页", align="C")
        self.set_text_color(0, 0, 0)


def render_pdf(content: BriefContent, path: Path) -> Path:
    """Write the brief to ``path`` as PDF and return the path.

    The Simplified Chinese face (index 2) of the Noto Sans CJK collection is embedded
    (subset), so the PDF prints the same everywhere.

    Raises
    ------
    AnalysisError
        ``missing_cjk_font`` when Noto Sans CJK is not installed.
    """
    font = find_cjk_font()
    pdf = _BriefPDF(orientation="P", unit="mm", format="A4")
    pdf.footer_text = f"{content.title} · {content.scenario}"
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_font(FAMILY, "", font.regular, collection_font_number=font.index)
    pdf.add_font(FAMILY, "B", font.bold or font.regular, collection_font_number=font.index)
    pdf.set_title(content.title)
    pdf.set_subject(content.scenario)
    pdf.set_creator("覆盖规划 Coverage Planner")
    pdf.set_lang("zh-CN")
    pdf.add_page()

    pdf.set_font(FAMILY, "B", 18)
    pdf.cell(0, 11, content.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 11)
    pdf.cell(0, 7, content.subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 9)
    for line in (f"{content.date_text}    {content.coords_note}", content.author_line):
        if line:
            pdf.cell(0, 6, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)

    _heading(pdf, content.headings["summary"])
    if content.compliance.text:
        ok = bool(content.compliance.compliant)
        pdf.set_text_color(*(_GREEN if ok else _RED))
        _paragraph(pdf, content.compliance.text, style="B")
        pdf.set_text_color(0, 0, 0)
    _paragraph(pdf, content.summary)
    for note in content.notes:
        _paragraph(pdf, note, size=9.5)
    if content.solve_heading:  # an optimiser's plan: the solve behind it, from its facts
        _paragraph(pdf, content.solve_heading, style="B")
        for line in content.solve_lines:
            _paragraph(pdf, line, size=9.5)

    if content.map_png is not None:
        _heading(pdf, content.headings["map"])
        pdf.image(str(content.map_png), x=pdf.l_margin, w=pdf.epw, keep_aspect_ratio=True)
        pdf.ln(2)

    _heading(pdf, content.headings["kpis"])
    _table(pdf, KPI_COLUMNS, content.kpi_rows, (46, 14, 14, 26), size=9.5)

    _heading(pdf, content.headings["counties"])
    if content.county_rows:
        widths = (12, 14, 12, 12, 10, 10, 12, 44)
        _table(pdf, COUNTY_COLUMNS, content.county_rows, widths, size=9)
    else:
        _paragraph(pdf, "（无县区数据）")

    _heading(pdf, content.headings["points"])
    if content.point_rows:
        point_widths = (5, 38, 20, 10, 14, 16, 17, 15, 8)
        _table(pdf, POINT_COLUMNS, content.point_rows, point_widths, size=8)
        _paragraph(pdf, content.points_note, size=8.5)
    else:
        _paragraph(pdf, "本方案未新增或迁移点位。")

    _heading(pdf, content.headings["placement"])
    _paragraph(pdf, content.placement_summary)
    if content.placement_rows:
        _table(pdf, PLACEMENT_COLUMNS, content.placement_rows, (14, 40, 40, 40), size=8.5)
    if content.review is not None:  # 七、运行评估 (when records exist)
        rev = content.review
        _heading(pdf, REVIEW_HEADING)
        _paragraph(pdf, rev.summary)
        _paragraph(pdf, rev.standards)
        for label, rows in (("调整名单", rev.adjust_rows), ("表彰名单", rev.commend_rows)):
            _paragraph(pdf, f"{label}（{len(rows)}）", style="B")
            if rows:
                _table(pdf, REVIEW_COLUMNS, rows, (12, 36, 12, 74), size=8.5)
        if rev.more_note:
            _paragraph(pdf, rev.more_note, size=8.5)
    pdf.output(str(path))
    return Path(path)


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(0, 9, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 10.5)


#: Punctuation that must not begin a line in Chinese typesetting (it hangs at the end).
NO_LINE_START = "，。、；：？！）》」』】”’%,.;:?!)"


def cjk_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Break Chinese text into lines of at most ``width`` (closing punctuation may hang).

    Parameters
    ----------
    text
        One paragraph.
    width
        Line width, in the unit of ``measure``.
    measure
        Width of a string (e.g. ``FPDF.get_string_width``).

    Returns
    -------
    list[str]
        The lines; no line starts with a character of :data:`NO_LINE_START`.
    """
    lines: list[str] = []
    current = ""
    for ch in text:
        if current and measure(current + ch) > width and ch not in NO_LINE_START:
            lines.append(current)
            current = ch
        else:
            current += ch
    if current:
        lines.append(current)
    return lines


def _paragraph(pdf: FPDF, text: str, *, size: float = 10.5, style: str = "") -> None:
    pdf.set_font(FAMILY, style, size)
    for line in cjk_lines(text, pdf.epw, pdf.get_string_width):
        pdf.cell(0, size * 0.62, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 10.5)
    pdf.ln(1)


def _table(
    pdf: FPDF,
    headers: tuple[str, ...],
    rows: list[list[str]],
    widths: tuple[float, ...],
    *,
    size: float,
) -> None:
    pdf.set_font(FAMILY, "", size)
    head_style = FontFace(emphasis="BOLD", fill_color=_HEAD_FILL)
    with pdf.table(
        col_widths=widths,
        headings_style=head_style,
        line_height=size * 0.55,
        text_align="CENTER",
        wrapmode=WrapMode.CHAR,
        repeat_headings=1,
    ) as table:
        header = table.row()
        for text in headers:
            header.cell(text)
        total = float(sum(widths))
        room = [pdf.epw * w / total - _CELL_PADDING_MM for w in widths]
        for values in rows:
            row = table.row()
            for text, width in zip(values, room, strict=True):
                row.cell(_wrap_cell(pdf, text, width))
    pdf.ln(2)


#: Room lost to a table cell's padding and borders (mm), so pre-broken lines fit.
_CELL_PADDING_MM = 2.5


def _wrap_cell(pdf: FPDF, text: str, width: float) -> str:
    """Break a cell's text the Chinese way: no closing bracket or comma starts a line."""
    return "\n".join(
        "\n".join(cell_lines(line, width, pdf.get_string_width)) for line in text.split("\n")
    )


def cell_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Like :func:`cjk_lines`, for a table cell where nothing may overrun the width.

    A closing mark that does not fit takes the character before it to the next line.
    """
    lines: list[str] = []
    current = ""
    for ch in text:
        if current and measure(current + ch) > width:
            if ch in NO_LINE_START and len(current) > 1:
                lines.append(current[:-1])
                current = current[-1] + ch
            else:
                lines.append(current)
                current = ch
        else:
            current += ch
    return [*lines, current]
