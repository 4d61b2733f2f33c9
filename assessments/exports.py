"""Excel (.xlsx) exports: the notice (通报) and the performance record (履职档案)."""

from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(wb, title, header, rows, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append([("" if v is None else v) for v in row])
    for i, _h in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = 16
    return ws


def _response(wb, filename):
    buf = BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def notice_xlsx(assessment, data):
    wb = Workbook()
    place = data["area"].name if data["area"] else "全区"
    rule_names = [r["name"] for r in assessment.rules]
    rows = []
    for s in data["scores"]:
        parts = {p.rule_name: p.points for p in s.parts.all()}
        rows.append([s.rank, s.deputy_name, s.area.name if s.area else "", *[float(parts.get(n, 0)) for n in rule_names],
                     float(s.raw_score), float(s.adjustment), float(s.total), s.grade])
    _sheet(wb, "代表考核结果", ["名次", "姓名", "街道/镇", *rule_names, "计分", "调整分", "总分", "等次"], rows, first=True)
    _sheet(wb, "等次统计", ["等次", "人数"], data["grade_counts"])
    if data["by_area"]:
        _sheet(wb, "分区统计", ["街道/镇", *data["grade_names"], "合计"],
               [[a["name"], *a["counts"], a["total"]] for a in data["by_area"]])
    _sheet(wb, "代表小组考核", ["代表小组", "成员数", "开展活动", "提交社情民意", "办结", "月度报送率(%)"],
           [[g.group_name, g.member_count, g.activity_count, g.items_submitted, g.items_concluded,
             None if g.submission_rate is None else float(g.submission_rate)] for g in data["groups"]])
    return _response(wb, f"{assessment.year}年度代表履职考核通报-{place}.xlsx")


def record_xlsx(rec):
    wb = Workbook()
    d = rec["deputy"]
    ic, sc = rec["item_counts"], rec["status_counts"]
    _sheet(wb, "基本情况", ["项目", "内容"], [
        ["姓名", d.name], ["性别", d.get_gender_display()], ["政治面貌", d.get_party_display()],
        ["工作单位及职务", d.workplace], ["届次", str(rec["term"])],
        ["档案期间", f"{rec['start']:%Y-%m-%d} 至 {rec['end']:%Y-%m-%d}"],
        ["提交社情民意", ic["submitted"]], ["办结", ic["concluded"]], ["满意(含基本满意)", ic["satisfied"]],
        ["出席活动", sc["attended"]], ["请假", sc["leave"]], ["缺席", sc["absent"]],
        ["学习培训", rec["trainings"]], ["接待选民日值班", rec["receptions"]], ["向选民述职", rec["reports"]],
        ["接待中反映问题", rec["problems"]["raised"]], ["已解决", rec["problems"]["solved"]],
        *[[f"{s.assessment.year}年度考核", f"{s.total} 分 {s.grade}"] for s in rec["scores"]],
    ], first=True)
    _sheet(wb, "社情民意", ["编号", "计入月份", "标题", "状态", "满意度", "主办单位"], [
        [i.number, f"{i.period:%Y-%m}", i.title, i.get_state_display(), i.get_satisfaction_display(),
         str(i.lead_unit or "")] for i in rec["items"]])
    _sheet(wb, "履职活动", ["日期", "类型", "活动名称", "组织", "出席情况"], [
        [f"{a.activity.date:%Y-%m-%d}", a.activity.get_kind_display(), a.activity.title,
         str(a.activity.organiser or ""), a.get_status_display()] for a in rec["attendances"]])
    return _response(wb, f"履职档案-{d.name}-{rec['term']}.xlsx")
