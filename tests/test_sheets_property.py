"""Property: for any valid data folder, export then import gives back exactly the same data.

The folders are generated (hypothesis) as a district would fill them — every library stage, nested
groups, lists of texts, money with 0–4 decimals (and more than the 15 digits Excel keeps), dates,
true/false, choices — with texts chosen to trip YAML and spreadsheets: codes with leading zeros,
``yes``/``no``, ``=SUM(…)``, date-like and number-like texts, full-width digits inside a text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_sheets import exact, folder_data
from wenshu.models.codes import CREDIT_CHARSET, credit_check_char
from wenshu.sheets.yamlio import file_text

D = dt.date
DEPTS = [("某区发展和改革局", "区发改局", ["牵头部门", "论证部门"], ["能效水平", "财力"]),
         ("某区财政局", "区财政局", ["财政部门", "论证部门"], ["债务风险"]),
         ("某区教育局", "区教育局", ["行业主管部门"], [])]
INDUSTRIES = [("教育", "区教育局", "政府投资"), ("先进制造", "区发改局", "社会投资")]
SOURCES = ["中省预算内资金", "专项债", "本级财政资金", "银行贷款", "自筹资金", "其他"]

TRICKY = ["yes", "No", "null", "0123", "1:20", "=SUM(A1:A3)", "2024-04-28", "1e5", "-1", "@某", "＃１２",
          "“两算”", "a: b", "# 注释", "'单引号'", "\"双引号\"", "100%", "1,250万元"]
ALPHABET = "某区项目工程建设教育卫生（）()、，。；：！？“”《》0123456789０１２ABCxyz=+-_#&*/% "


def text(lo: int = 1, hi: int = 24):
    plain = st.text(alphabet=ALPHABET, min_size=lo, max_size=hi).map(str.strip).filter(lambda s: len(s) >= lo)
    return st.one_of(plain, st.sampled_from([t for t in TRICKY if len(t) >= lo]))


def item_text(lo: int = 1):
    """A list item: no line breaks (one item per line in a cell)."""
    return text(lo, 20)


def money(places=None, big: bool = False):
    """Money in 万元 with 0–4 decimals; ``big`` adds 16-digit amounts (more than Excel keeps as a number)."""
    def build(p: int):
        return st.decimals(min_value=0, max_value=Decimal("99999999.9999") if p else 10 ** 9, places=p,
                           allow_nan=False, allow_infinity=False)
    if places is not None:
        return build(places)
    if big:
        return st.one_of(st.integers(0, 4).flatmap(build),
                         st.decimals(min_value=Decimal("100000000000.0000"), max_value=Decimal("999999999999.9999"), places=4))
    return st.integers(0, 4).flatmap(build)


days = st.integers(0, 200)
dates = st.dates(min_value=D(2016, 1, 1), max_value=D(2024, 12, 31))


@st.composite
def credit_code(draw):
    body = draw(st.sampled_from(["91", "12", "11"])) + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=6, max_size=6)))
    body += "".join(draw(st.lists(st.sampled_from(CREDIT_CHARSET), min_size=9, max_size=9)))
    return body + credit_check_char(body)


def add(d: D, n: int) -> D:
    return d + dt.timedelta(days=n)


@st.composite
def project(draw, i: int):
    lib = draw(st.sampled_from(["目录库", "储备库", "实施库"]))
    ind = draw(st.sampled_from(INDUSTRIES))
    p: dict = {"id": f"T-{i:04d}", "name": draw(text(4, 30)), "library": lib, "investment_type": ind[2],
               "department": ind[1], "industry": ind[0], "nic_code": draw(st.sampled_from(["P8331", "C39", "E4813"])),
               "intended_investment": draw(money(big=True)), "source_basis": draw(text(2)), "summary": draw(text(4)),
               "location": draw(text(2, 10))}
    base = draw(dates)
    if draw(st.booleans()):
        p["catalogue_entered_on"] = base
    if lib == "目录库":
        return p
    shares = draw(st.lists(st.tuples(st.sampled_from(SOURCES), money(2)), min_size=1, max_size=3))
    start = add(base, draw(days))
    reserve: dict = {
        "owner": {"name": draw(text(2)), "legal_person": draw(text(2, 6)), "credit_code": draw(credit_code())},
        "nature": draw(st.sampled_from(["新建", "扩建", "改建", "迁建", "技术改造", "其他"])),
        "estimated_investment": sum((a for _, a in shares), Decimal("0.00")),
        "intended_funding": [{"source": s, "amount": a} for s, a in shares],
        "annual_plan": [{"year": y, "amount": draw(money(2))} for y in draw(st.lists(st.integers(2016, 2030), min_size=1, max_size=3))],
        "content_scale": draw(text(4)),
        "project_code": f"{base.year}-420000-{draw(st.integers(10, 99))}-0{draw(st.integers(1, 3))}-{i:06d}",
        "planned_start": start, "planned_completion": add(start, draw(days)),
        "address": draw(text(4)),
        "objectives": draw(st.lists(item_text(), min_size=1, max_size=3)),
        "applied_on": add(base, draw(days)),
    }
    parts = draw(st.lists(st.tuples(text(2, 8), money(2)), max_size=2))
    reserve["land_area_mu"] = sum((a for _, a in parts), Decimal(0)) if parts else draw(money(2))
    if parts:
        reserve["land_composition"] = [{"use": u, "area_mu": a} for u, a in parts]
    if draw(st.booleans()):
        reserve["entered_on"] = add(reserve["applied_on"], draw(days))
    p["reserve"] = reserve
    if lib != "实施库":
        return p
    funding = draw(st.lists(st.tuples(st.sampled_from(SOURCES), money()), min_size=1, max_size=3))
    impl: dict = {"total_investment": sum((a for _, a in funding), Decimal(0)),
                  "funding": [{"source": s, "amount": a} for s, a in funding],
                  "applied_on": add(reserve["applied_on"], draw(days))}
    if draw(st.booleans()):
        impl["entered_on"] = add(impl["applied_on"], draw(days))
    if draw(st.booleans()):
        years = sorted(set(draw(st.lists(st.integers(2016, 2030), min_size=1, max_size=3))))
        impl["progress"] = [{"year": y, "planned": draw(money(2)), "completed": draw(money(2))} for y in years]
    if draw(st.booleans()):
        impl["funds"] = [{"source": s, "planned": draw(money(2)), "disbursed": draw(money(2))} for s, _ in funding[:2]]
    if draw(st.booleans()):
        impl["actual_start"] = add(base, draw(days))
        if draw(st.booleans()):
            done = impl["actual_completion"] = add(impl["actual_start"], draw(days))
            if draw(st.booleans()):
                impl["acceptance"] = {"accepted_on": add(done, draw(days))}
                if draw(st.booleans()):
                    impl["acceptance"]["filed_on"] = add(impl["acceptance"]["accepted_on"], draw(days))
            if draw(st.booleans()):
                settled = add(done, draw(days))
                s = {"settled_on": settled, "settled_amount": draw(money(2))}
                if draw(st.booleans()):
                    s["final_report_on"] = add(settled, draw(days))
                    s["final_amount"] = draw(money(2))
                    if draw(st.booleans()):
                        s["filed_on"] = add(s["final_report_on"], draw(days))
                impl["settlement"] = s
            if draw(st.booleans()):
                op = {"year": done.year + 1, "capacity_unit": draw(text(1, 6)),
                      "design_capacity": draw(money(big=True)), "actual_capacity": draw(money()),
                      "functions": [{"name": draw(text(2, 10)), "achieved": draw(st.booleans())}
                                    for _ in range(draw(st.integers(0, 2)))]}
                if draw(st.booleans()):
                    op |= {"carbon_unit": "吨CO₂/万元产值", "carbon_design": draw(money(3)), "carbon_actual": draw(money(3))}
                if draw(st.booleans()):
                    op |= {"tax": draw(money(2)), "revenue": draw(money(2))}
                impl["operation"] = op
    if draw(st.booleans()):
        impl["weekly_reports"] = draw(st.integers(0, 52))
    p["implementation"] = impl
    return p


@st.composite
def folder(draw):
    n = draw(st.integers(1, 5))
    projects = [draw(project(i)) for i in range(n)]
    by_file: dict[str, list] = {}
    for p in projects:
        by_file.setdefault(draw(st.sampled_from(["projects/一.yaml", "projects/二.yaml", "projects/子/三.yaml"])), []).append(p)
    files: dict[str, tuple[str, dict]] = {rel: ("projects", {"projects": ps}) for rel, ps in by_file.items()}
    files["district.yaml"] = ("district", {
        "name": "某区", "government": "某区人民政府", "division_code": "420000", "year": 2025,
        "previous_year_investment": draw(money()),
        "reform_plan": {"title": "某区投资项目绩效综合评价改革工作方案", "doc_number": "某政办〔2024〕3号"},
        "organs": [{"key": "gov_office", "name": "某区人民政府办公室", "mark": "某区人民政府办公室", "doc_prefix": "某政办"}],
        "departments": [dict(name=a, short=b, roles=r, **({"appraisals": k} if k else {})) for a, b, r, k in DEPTS],
        "industries": [{"name": a, "department": b, "investment_type": c} for a, b, c in INDUSTRIES],
        "recipients": draw(st.lists(item_text(2), min_size=1, max_size=2)),
        "cc": [[draw(st.sampled_from(["区委各部门", "区人大", "区政协"]))] for _ in range(draw(st.integers(0, 2)))],
        "printer": "某区人民政府办公室"})
    later = [p for p in projects if p["library"] != "目录库"]
    if later:
        apps = []
        for p in later:
            for _ in range(draw(st.integers(0, 2))):
                a = {"project": p["id"], "kind": draw(st.sampled_from(["能效水平", "财力", "债务风险", "选址"])),
                     "department": draw(st.sampled_from(["区发改局", "区财政局"])), "submitted_on": draw(dates)}
                if draw(st.booleans()):
                    a["completed_on"] = add(a["submitted_on"], draw(days))
                    a["conclusion"] = draw(st.sampled_from(["通过", "有条件通过", "不通过"]))
                    if draw(st.booleans()):
                        a["opinions"] = draw(text(2))
                apps.append(a)
        if apps:
            files["appraisals.yaml"] = ("appraisals", {"appraisals": apps})
    done = [p for p in projects if p.get("implementation", {}).get("actual_completion")]
    if done:
        files["evaluations.yaml"] = ("evaluations", {"evaluations": [{
            "project": p["id"], "basis": draw(text(4)), "evaluated_on": draw(dates),
            "evaluators": [{"organisation": "区发改局", "role": "牵头", "people": draw(st.lists(text(2, 4), max_size=2))}],
            "extra_indicators": [{"name": "服务对象满意度", "dimension": draw(st.sampled_from(["效率", "效能", "效益"])),
                                  "value": draw(money()), "target": draw(money()), "unit": draw(st.sampled_from(["%", "人次"])),
                                  "higher_is_better": draw(st.booleans())} for _ in range(draw(st.integers(0, 1)))],
            "problems": draw(st.lists(item_text(), max_size=2))} for p in done]})
    if draw(st.booleans()):
        y, m = draw(st.integers(2020, 2026)), draw(st.integers(1, 12))
        records = []
        for dept in draw(st.lists(st.sampled_from(["区发改局", "区财政局", "区教育局"]), min_size=1, max_size=3, unique=True)):
            due = draw(st.integers(0, 20))
            r = {"department": dept, "weekly_logins": draw(st.lists(st.integers(0, 9), min_size=4, max_size=6)),
                 "items_due": due, "items_on_time": draw(st.integers(0, due))}
            if draw(st.booleans()):
                r["settlement_report_on"] = draw(dates)
                r["highlights"] = draw(st.lists(item_text(), max_size=2))
            records.append(r)
        sup = {"year": y, "month": m, "records": records}
        if draw(st.booleans()):
            sup["bulletin"] = {"organ": "gov_office", "commendation_seq": draw(st.integers(1, 99)), "issued_on": draw(dates)}
        files[f"supervision/{y}-{m:02d}.yaml"] = ("supervision", sup)
    if draw(st.booleans()):
        items = []
        for _ in range(draw(st.integers(1, 3))):
            it = {"work": draw(text(4)), "units": draw(st.lists(st.sampled_from(["区发改局", "区教育局", "各行业主管部门"]),
                                                                  min_size=1, max_size=2, unique=True))}
            which = draw(st.sampled_from(["due_date", "due_month_end", "rhythm"]))
            it[which] = {"due_date": draw(dates), "due_month_end": f"{draw(st.integers(2020, 2030))}-{draw(st.integers(1, 12)):02d}",
                         "rhythm": draw(text(2))}[which]
            items.append(it)
        files["tasks/清单.yaml"] = ("tasks", {"title": draw(text(4)), "year": 2025, "items": items})
    if draw(st.booleans()):
        year = draw(st.integers(2027, 2030))
        start = draw(st.integers(1, 300))
        first = D(year, 1, 1) + dt.timedelta(days=start)
        last = first + dt.timedelta(days=draw(st.integers(0, 6)))
        weekends = [D(year, 12, d) for d in range(1, 29) if D(year, 12, d).weekday() >= 5]
        files["holidays.yaml"] = ("holidays", {"years": {str(year): {
            "source": draw(text(2)), "holidays": [{"from": first, "to": last}],
            "workdays": draw(st.lists(st.sampled_from(weekends), max_size=2, unique=True))}}})
    return files


def differences(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in dict.fromkeys([*a, *b]) for d in differences(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(files=folder())
def test_export_then_import_gives_the_same_data(files, tmp_path_factory):
    from wenshu.sheets.export import export_workbook
    from wenshu.sheets.importer import import_tables

    work = tmp_path_factory.mktemp("prop")
    src = work / "数据"
    for rel, (kind, data) in files.items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(file_text(kind, data, rel), encoding="utf-8")
    want = exact(folder_data(src))
    book = work / "表.xlsx"
    export_workbook(src, book)
    import_tables([book], work / "导入")
    got = exact(folder_data(work / "导入"))
    assert got == want, differences(want, got)
    # And back into the same folder: nothing changes.
    before = {p.relative_to(src).as_posix(): p.read_bytes() for p in src.rglob("*.yaml")}
    import_tables([book], src, force=True)
    assert {p.relative_to(src).as_posix(): p.read_bytes() for p in src.rglob("*.yaml")} == before
