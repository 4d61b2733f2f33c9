"""Excel (.xlsx) exports: the notice (通报) and the performance record (履职档案)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core import downloads


def _sheet(wb, title, header, rows, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = downloads.sheet_title(title)
    downloads.append(ws, header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        downloads.append(ws, [("" if v is None else v) for v in row])
    for i, _h in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = 16
    return ws


def _response(wb, filename, fallback):
    return downloads.xlsx_response(wb, filename, fallback=fallback)


def notice_xlsx(assessment, data):
    wb = Workbook()
    place = data["area"].name if data["area"] else _("全区")
    rule_names = [r["name"] for r in assessment.rules]
    rows = []
    for s in data["scores"]:
        parts = {p.rule_name: p.points for p in s.parts.all()}
        rows.append([s.rank, s.deputy_name, s.area.name if s.area else "", *[float(parts.get(n, 0)) for n in rule_names],
                     float(s.raw_score), float(s.adjustment), float(s.total), s.grade])
    _sheet(wb, _("代表考核结果"), [_("名次"), _("姓名"), _("街道/镇"), *rule_names, _("计分"), _("调整分"), _("总分"), _("等次")],
           rows, first=True)
    _sheet(wb, _("等次统计"), [_("等次"), _("人数")], data["grade_counts"])
    if data["by_area"]:
        _sheet(wb, _("分区统计"), [_("街道/镇"), *data["grade_names"], _("合计")],
               [[a["name"], *a["counts"], a["total"]] for a in data["by_area"]])
    _sheet(wb, _("代表小组考核"), [_("代表小组"), _("成员数"), _("开展活动"), _("提交社情民意"), _("办结"), _("月度报送率")],
           [[g.group_name, g.member_count, g.activity_count, g.items_submitted, g.items_concluded,
             downloads.Rate(g.submission_rate)] for g in data["groups"]])
    return _response(wb, _("%(year)s年度代表履职考核通报-%(place)s.xlsx") % {"year": assessment.year, "place": place},
                     f"assessment-notice-{assessment.year}.xlsx")


def record_xlsx(rec):
    wb = Workbook()
    d = rec["deputy"]
    ic, sc = rec["item_counts"], rec["status_counts"]
    _sheet(wb, _("基本情况"), [_("项目"), _("内容")], [
        [_("姓名"), d.name], [_("性别"), d.get_gender_display()], [_("政治面貌"), d.get_party_display()],
        [_("工作单位及职务"), d.workplace], [_("届次"), str(rec["term"])],
        [_("档案期间"), _("%(start)s 至 %(end)s") % {"start": f"{rec['start']:%Y-%m-%d}", "end": f"{rec['end']:%Y-%m-%d}"}],
        [_("提交社情民意"), ic["submitted"]], [_("办结"), ic["concluded"]], [_("满意(含基本满意)"), ic["satisfied"]],
        [_("出席活动"), sc["attended"]], [_("请假"), sc["leave"]], [_("缺席"), sc["absent"]],
        [_("学习培训"), rec["trainings"]], [_("接待选民日值班"), rec["receptions"]], [_("向选民述职"), rec["reports"]],
        [_("接待中反映问题"), rec["problems"]["raised"]], [_("已解决"), rec["problems"]["solved"]],
        [_("领衔代表建议"), rec["suggestions"]["led"]], [_("附议代表建议"), rec["suggestions"]["cosigned"]],
        *[[_("%(c)s 类答复") % {"c": c}, rec["suggestions"][c]] for c in "ABCD"],
        *[[_("%(year)s年度考核") % {"year": s.assessment.year},
           _("%(total)s 分 %(grade)s") % {"total": s.total, "grade": s.grade}] for s in rec["scores"]],
    ], first=True)
    _sheet(wb, _("社情民意"), [_("编号"), _("计入月份"), _("标题"), _("状态"), _("满意度"), _("主办单位")], [
        [i.number, f"{i.period:%Y-%m}", i.title, i.get_state_display(), i.get_satisfaction_display(),
         str(i.lead_unit or "")] for i in rec["items"]])
    _sheet(wb, _("履职活动"), [_("日期"), _("类型"), _("活动名称"), _("组织"), _("出席情况")], [
        [f"{a.activity.date:%Y-%m-%d}", a.activity.get_kind_display(), a.activity.title,
         str(a.activity.organiser or ""), a.get_status_display()] for a in rec["attendances"]])
    return _response(wb, _("履职档案-%(name)s-%(term)s.xlsx") % {"name": d.name, "term": rec["term"]},
                     f"record-{d.pk}-{rec['start']:%Y%m%d}-{rec['end']:%Y%m%d}.xlsx")
