"""Render the meeting brief as a Word document (.docx) in Simplified Chinese."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from analysis.export.brief import COUNTY_COLUMNS, KPI_COLUMNS, POINT_COLUMNS, BriefContent
from analysis.export.brief_review import REVIEW_COLUMNS, REVIEW_HEADING
from analysis.export.notes import PLACEMENT_COLUMNS

#: East-Asian fonts named in the document (present on every Chinese Windows/WPS; Linux
#: office suites substitute Noto CJK).
BODY_FONT_ZH = "宋体"
HEADING_FONT_ZH = "黑体"
LATIN_FONT = "Arial"
#: Colours of the compliance verdict.
RED = RGBColor(180, 20, 20)
GREEN = RGBColor(20, 110, 40)


def render_docx(content: BriefContent, path: Path) -> Path:
    """Write the brief to ``path`` as .docx and return the path."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(1.8)
    _fonts(doc)
    doc.core_properties.title = content.title
    doc.core_properties.subject = content.scenario
    doc.core_properties.language = "zh-CN"

    title = doc.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(content.title)
    for text, size in (
        (content.subtitle, 12),
        (f"{content.date_text}    {content.coords_note}", 10),
        (content.author_line, 10),
    ):
        if not text:
            continue
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.add_run(text).font.size = Pt(size)

    doc.add_heading(content.headings["summary"], level=1)
    if content.compliance.text:
        run = doc.add_paragraph().add_run(content.compliance.text)
        run.bold = True
        run.font.color.rgb = GREEN if content.compliance.compliant else RED
    doc.add_paragraph(content.summary)
    for note in content.notes:
        doc.add_paragraph().add_run(note).font.size = Pt(9.5)
    if content.solve_heading:  # an optimiser's plan: the solve behind it, from its facts
        doc.add_paragraph().add_run(content.solve_heading).bold = True
        for line in content.solve_lines:
            doc.add_paragraph().add_run(line).font.size = Pt(9.5)

    if content.map_png is not None:
        doc.add_heading(content.headings["map"], level=1)
        doc.add_picture(str(content.map_png), width=Cm(17.0))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading(content.headings["kpis"], level=1)
    _table(doc, KPI_COLUMNS, content.kpi_rows, (7.0, 3.0, 3.0, 4.0))
    doc.add_heading(content.headings["counties"], level=1)
    if content.county_rows:
        widths = (1.6, 1.9, 1.6, 1.6, 1.4, 1.4, 1.6, 5.9)
        _table(doc, COUNTY_COLUMNS, content.county_rows, widths, 9.0)
    else:
        doc.add_paragraph("（无县区数据）")
    doc.add_heading(content.headings["points"], level=1)
    if content.point_rows:
        point_widths = (0.7, 4.6, 2.3, 1.2, 1.6, 1.9, 1.8, 1.8, 1.1)
        _table(doc, POINT_COLUMNS, content.point_rows, point_widths, 8.0)
        doc.add_paragraph().add_run(content.points_note).font.size = Pt(8.5)
    else:
        doc.add_paragraph("本方案未新增或迁移点位。")
    doc.add_heading(content.headings["placement"], level=1)
    doc.add_paragraph(content.placement_summary)
    if content.placement_rows:
        _table(doc, PLACEMENT_COLUMNS, content.placement_rows, (2.0, 5.0, 5.0, 5.0), 8.5)
    if content.review is not None:  # 七、运行评估 (when records exist)
        rev = content.review
        doc.add_heading(REVIEW_HEADING, level=1)
        for text in (rev.summary, rev.standards):
            doc.add_paragraph(text)
        for label, rows in (("调整名单", rev.adjust_rows), ("表彰名单", rev.commend_rows)):
            doc.add_paragraph().add_run(f"{label}（{len(rows)}）").bold = True
            if rows:
                _table(doc, REVIEW_COLUMNS, rows, (1.6, 5.0, 1.6, 8.8), 8.5)
        if rev.more_note:
            doc.add_paragraph().add_run(rev.more_note).font.size = Pt(8.5)
    doc.save(str(path))
    return Path(path)


def _set_east_asian(style_font_element: object, east_asian: str, latin: str) -> None:
    r_pr = style_font_element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = r_pr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)


def _fonts(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_east_asian(normal.element, BODY_FONT_ZH, LATIN_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        style = doc.styles[name]
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_east_asian(style.element, HEADING_FONT_ZH, LATIN_FONT)
    doc.styles["Title"].font.size = Pt(20)
    doc.styles["Heading 1"].font.size = Pt(14)


def _table(
    doc: DocxDocument,
    headers: tuple[str, ...],
    rows: list[list[str]],
    widths_cm: tuple[float, ...],
    size: float = 9.5,
) -> None:
    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for j, width in enumerate(widths_cm):
        table.columns[j].width = Cm(width)  # the grid (LibreOffice reads it), cells below (Word)
    for i, values in enumerate([list(headers), *rows]):
        for j, text in enumerate(values):
            cell = table.cell(i, j)
            cell.width = Cm(widths_cm[j])
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = para.add_run(text)
            run.font.size = Pt(size)
            run.bold = i == 0
    _repeat_header(table.rows[0])
    doc.add_paragraph()


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = tr_pr.makeelement(qn("w:tblHeader"), {})
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
