"""Generate data_examples/: a realistic, fictional set of projects in the district of the source notice.

The district set-up, departments and the notice itself follow 港政办〔2024〕3号; every project, owner,
amount and date is invented. Deterministic (seeded), so re-running gives the same files.

    python tools/make_examples.py data_examples
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal
from pathlib import Path

import chinese_calendar
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from wenshu.models.codes import CREDIT_CHARSET, credit_check_char  # noqa: E402

D = dt.date
rng = random.Random(20250428)


def credit_code(i: int, kind: str = "91") -> str:
    body = kind + "420202" + "".join(rng.choice(CREDIT_CHARSET[:10] + "MA") for _ in range(9))
    body = body[:17]
    return body + credit_check_char(body)


def add_workdays(d: D, n: int) -> D:
    return chinese_calendar.find_workday(n, d)


def money(x: float | int) -> Decimal:
    return Decimal(str(round(x, 2))).quantize(Decimal("0.01"))


def header(kind: str) -> str:
    return f"# yaml-language-server: $schema=../schemas/{kind}.schema.json\n"


class Dumper(yaml.SafeDumper):
    # Repeated values are written out in full: anchors (&id001) confuse the people who edit the files.
    def ignore_aliases(self, data):
        return True


def _decimal(d: yaml.SafeDumper, v: Decimal):
    text = format(v, "f")
    # Whole numbers are written as YAML ints (a plain "1080" would need an explicit float tag).
    return d.represent_scalar("tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float", text)


def _str(d: yaml.SafeDumper, v: str):
    # Quote strings YAML 1.1 would misread (numbers, dates, yes/no) so the examples model good habit.
    style = None
    if v[:1].isdigit() or v.lower() in {"yes", "no", "on", "off", "y", "n", "true", "false", "null"}:
        style = '"'
    return d.represent_scalar("tag:yaml.org,2002:str", v, style=style)


Dumper.add_representer(Decimal, _decimal)
Dumper.add_representer(str, _str)


def write(path: Path, kind: str, data: dict, depth: int = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rel = "../" * depth
    text = header(kind).replace("../", rel) + yaml.dump(
        {"kind": kind, **data}, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120
    )
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------------------------
DEPARTMENTS = [
    # name, short name, roles, 论证 kinds it is responsible for (source notice 二、（一）2 and 3)
    ("黄石港区投资管理委员会", "区投资管理委员会", ["投资管理委员会"], []),
    ("黄石港区投资管理委员会办公室", "区投委会办公室", ["投委会办公室"], []),
    ("黄石港区发展和改革局", "区发改局", ["牵头部门", "论证部门"], ["能效水平", "供需总量", "财力"]),
    ("黄石港区财政局", "区财政局", ["财政部门", "论证部门"], ["债务风险", "财政可承受能力", "财力"]),
    ("黄石港区审计局", "区审计局", ["审计部门"], []),
    ("黄石市自然资源和规划局黄石港分局", "区资规分局", ["论证部门"], ["用地指标", "选址"]),
    ("黄石市生态环境局黄石港分局", "区生态环境分局", ["论证部门"], ["污染物排放总量", "环境准入清单"]),
    ("黄石港区水利和湖泊局", "区水湖局", ["行业主管部门", "论证部门"], ["水资源量", "选址复核", "财力"]),
    ("黄石港区住房保障服务中心", "区住保局", ["行业主管部门", "论证部门"], ["选址复核", "财力"]),
    ("黄石港区住房和城市建设局", "区建设局", ["行业主管部门", "论证部门"], ["选址复核", "财力"]),
    ("黄石港区城市管理执法局", "区城执局", ["行业主管部门"], ["财力"]),
    ("黄石港区教育局", "区教育局", ["行业主管部门"], ["财力"]),
    ("黄石港区卫生健康局", "区卫健局", ["行业主管部门"], ["财力"]),
    ("黄石港区民政局", "区民政局", ["行业主管部门"], ["财力"]),
    ("黄石港区科技和经济信息化局", "区科经局", ["行业主管部门"], ["财力"]),
    ("黄石港区招商服务中心", "区招商中心", ["行业主管部门"], ["财力"]),
    ("黄石港区商务局", "区商务局", ["行业主管部门"], ["财力"]),
    ("黄石港区文化和旅游局", "区文旅局", ["行业主管部门", "论证部门"], ["选址复核", "财力"]),
    ("江北管理区", "江北管理区", ["街道"], []),
    ("黄石港区黄石港街道办事处", "黄石港街办", ["街道"], []),
    ("黄石港区花湖街道办事处", "花湖街办", ["街道"], []),
    ("黄石港区胜阳港街道办事处", "胜阳港街办", ["街道"], []),
    ("黄石港区沈家营街道办事处", "沈家营街办", ["街道"], []),
]

INDUSTRIES = [
    # name, dept, type, nic, project-code industry digits
    ("教育", "区教育局", "政府投资", "P8331", "83"),
    ("卫生健康", "区卫健局", "政府投资", "Q8411", "84"),
    ("水利水务", "区水湖局", "政府投资", "N7610", "76"),
    ("住房保障与城市更新", "区住保局", "政府投资", "K7010", "70"),
    ("市政基础设施", "区建设局", "政府投资", "E4813", "48"),
    ("养老服务", "区民政局", "政府投资", "Q8514", "85"),
    ("城市管理", "区城执局", "政府投资", "N7820", "78"),
    ("先进制造", "区科经局", "社会投资", "C3979", "39"),
    ("现代服务业", "区招商中心", "社会投资", "L7212", "72"),
    ("商贸流通", "区商务局", "社会投资", "F5211", "52"),
    ("文化旅游", "区文旅局", "社会投资", "R8870", "88"),
]
IND = {i[0]: i for i in INDUSTRIES}

STREETS = ["黄石港街道", "花湖街道", "胜阳港街道", "沈家营街道", "江北管理区"]
ROADS = ["磁湖路", "颐阳路", "交通路", "湖滨大道", "天津路", "华中大道", "王家里路", "花湖大道", "沿湖路", "江北大道"]

# (name, industry, library, total 万元, state) — state: done (completed before 2024-06), late-start,
# building, lagging-funds, overdue-settlement, not-started, catalogue, reserve
PROJECTS = [
    ("黄石港区第二实验小学新建工程", "教育", "实施库", 18600, "done"),
    ("黄石港区花湖中学教学综合楼改扩建项目", "教育", "实施库", 9800, "done-overdue"),
    ("黄石港区沈家营幼儿园新建项目", "教育", "实施库", 4200, "building"),
    ("黄石港区江北九年一贯制学校建设项目", "教育", "实施库", 32500, "late-start"),
    ("黄石港区中小学智慧校园提升工程", "教育", "储备库", 3600, "reserve"),
    ("黄石港区社区卫生服务中心提档升级项目", "卫生健康", "实施库", 6400, "done"),
    ("黄石港区疾病预防控制中心业务用房建设项目", "卫生健康", "实施库", 12800, "lagging-funds"),
    ("黄石港区胜阳港社区医院新建项目", "卫生健康", "储备库", 8800, "reserve"),
    ("黄石港区中医医院康复中心项目", "卫生健康", "目录库", 15000, "catalogue"),
    ("黄石港区磁湖沿岸排涝泵站改造工程", "水利水务", "实施库", 14200, "done-overdue"),
    ("黄石港区老旧管网雨污分流改造工程（一期）", "水利水务", "实施库", 21800, "building"),
    ("黄石港区青山湖水环境综合治理项目", "水利水务", "实施库", 26500, "lagging-funds"),
    ("黄石港区江北片区供水管网延伸工程", "水利水务", "目录库", 7800, "catalogue"),
    ("黄石港区胜阳港老旧小区改造项目（2023年度）", "住房保障与城市更新", "实施库", 11600, "done"),
    ("黄石港区黄石港街道棚户区改造安置房项目", "住房保障与城市更新", "实施库", 46800, "late-start"),
    ("黄石港区沈家营片区城市更新项目", "住房保障与城市更新", "储备库", 38500, "reserve"),
    ("黄石港区保障性租赁住房建设项目", "住房保障与城市更新", "实施库", 19800, "not-started"),
    ("黄石港区颐阳路道路提升改造工程", "市政基础设施", "实施库", 8600, "done"),
    ("黄石港区江北大道（二期）新建工程", "市政基础设施", "实施库", 36200, "building"),
    ("黄石港区背街小巷综合整治工程", "市政基础设施", "实施库", 5400, "done-overdue"),
    ("黄石港区智慧停车场建设项目", "市政基础设施", "储备库", 6800, "reserve"),
    ("黄石港区花湖大道人行天桥新建工程", "市政基础设施", "目录库", 3200, "catalogue"),
    ("黄石港区区域养老服务中心建设项目", "养老服务", "实施库", 7200, "done"),
    ("黄石港区社区嵌入式养老服务设施项目", "养老服务", "实施库", 3900, "building"),
    ("黄石港区智慧养老信息平台项目", "养老服务", "目录库", 1800, "catalogue"),
    ("黄石港区生活垃圾分类转运站建设项目", "城市管理", "实施库", 5600, "done"),
    ("黄石港区城市照明节能改造工程", "城市管理", "实施库", 2900, "lagging-funds"),
    ("黄石港区数字城管平台升级项目", "城市管理", "储备库", 2400, "reserve"),
    ("华新智造新型建材数字化生产线项目", "先进制造", "实施库", 42000, "done"),
    ("黄石港区光电子元器件产业园项目", "先进制造", "实施库", 68000, "building"),
    ("楚江精密模具智能制造项目", "先进制造", "实施库", 23500, "late-start"),
    ("黄石港区新能源电池材料研发中心项目", "先进制造", "储备库", 35000, "reserve"),
    ("黄石港区高端装备零部件产业园项目", "先进制造", "目录库", 56000, "catalogue"),
    ("黄石港区数字经济产业园项目", "现代服务业", "实施库", 28600, "done-overdue"),
    ("长江港航物流信息服务中心项目", "现代服务业", "实施库", 15200, "building"),
    ("黄石港区科创孵化大厦项目", "现代服务业", "目录库", 22000, "catalogue"),
    ("黄石港区冷链物流配送中心项目", "商贸流通", "实施库", 18500, "done"),
    ("黄石港区磁湖商业街区提升改造项目", "商贸流通", "实施库", 12600, "lagging-funds"),
    ("黄石港区农产品批发市场迁建项目", "商贸流通", "储备库", 24800, "reserve"),
    ("黄石港区工业遗址文化旅游街区项目", "文化旅游", "实施库", 31800, "done"),
    ("黄石港区沿江文化旅游带提升项目", "文化旅游", "实施库", 19600, "building"),
    ("黄石港区磁湖湿地研学营地项目", "文化旅游", "储备库", 8600, "reserve"),
    ("黄石港区城市记忆博物馆新建项目", "文化旅游", "目录库", 12500, "catalogue"),
    ("黄石港区江北生态农业观光园项目", "文化旅游", "目录库", 9800, "catalogue"),
]

OWNERS_GOV = {
    "区教育局": "黄石港区教育基础设施建设中心",
    "区卫健局": "黄石港区卫生健康服务中心",
    "区水湖局": "黄石港区水务投资建设有限公司",
    "区住保局": "黄石港区城市更新投资有限公司",
    "区建设局": "黄石港区城市建设投资有限公司",
    "区民政局": "黄石港区社会福利服务中心",
    "区城执局": "黄石港区环境卫生管理所",
}
OWNERS_SOCIAL = {
    "华新智造新型建材数字化生产线项目": "华新智造（黄石）建材有限公司",
    "黄石港区光电子元器件产业园项目": "黄石光谷光电科技有限公司",
    "楚江精密模具智能制造项目": "黄石楚江精密模具有限公司",
    "黄石港区新能源电池材料研发中心项目": "黄石瑞能新材料科技有限公司",
    "黄石港区数字经济产业园项目": "黄石港数字经济产业发展有限公司",
    "长江港航物流信息服务中心项目": "黄石长江港航物流有限公司",
    "黄石港区冷链物流配送中心项目": "黄石鲜达冷链物流有限公司",
    "黄石港区磁湖商业街区提升改造项目": "黄石磁湖商业管理有限公司",
    "黄石港区农产品批发市场迁建项目": "黄石港农产品市场有限公司",
    "黄石港区工业遗址文化旅游街区项目": "黄石矿冶文旅发展有限公司",
    "黄石港区沿江文化旅游带提升项目": "黄石沿江文旅投资有限公司",
    "黄石港区磁湖湿地研学营地项目": "黄石磁湖研学教育有限公司",
}
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["建国", "志强", "海涛", "丽华", "晓东", "文斌", "红梅", "国庆", "明辉", "秀英", "卫东", "春生", "立新", "静", "伟", "敏"]

CAPACITY = {
    "教育": ("个学位", 1080), "卫生健康": ("张床位", 120), "水利水务": ("立方米/秒", 18), "住房保障与城市更新": ("户", 960),
    "市政基础设施": ("辆/日", 16000), "养老服务": ("张床位", 200), "城市管理": ("吨/日", 150), "先进制造": ("万件/年", 600),
    "现代服务业": ("家入驻企业", 120), "商贸流通": ("吨/日", 300), "文化旅游": ("万人次/年", 80),
}
FUNCTIONS = {
    "教育": ["新增学位", "建成标准化教室", "配套运动场地"], "卫生健康": ["新增床位", "建成发热门诊", "配置医疗设备"],
    "水利水务": ["排涝能力达标", "管网改造长度达标", "水质达标"], "住房保障与城市更新": ["完成改造户数", "配套设施完善", "消防设施达标"],
    "市政基础设施": ["道路通车", "排水设施完善", "照明设施完善"], "养老服务": ["新增养老床位", "建成日间照料中心", "医养结合服务"],
    "城市管理": ["转运能力达标", "除臭设施运行", "节能率达标"], "先进制造": ["生产线投产", "产能达标", "环保设施验收"],
    "现代服务业": ["园区建成", "入驻率达标", "配套服务完善"], "商贸流通": ["冷库建成", "配送能力达标", "信息系统上线"],
    "文化旅游": ["街区开放", "游客容量达标", "配套设施完善"],
}


def person() -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def split_funding(total: Decimal, gov: bool) -> list[dict]:
    if gov:
        parts = [("中省预算内资金", 0.3), ("专项债", 0.4), ("本级财政资金", 0.3)]
    else:
        parts = [("银行贷款", 0.4), ("自筹资金", 0.6)]
    out = []
    acc = Decimal(0)
    for i, (src, share) in enumerate(parts):
        amt = money(float(total) * share) if i < len(parts) - 1 else total - acc
        acc += amt
        out.append({"source": src, "amount": amt})
    return out


def make_projects() -> tuple[dict[str, list[dict]], list[dict], list[dict]]:
    by_dept: dict[str, list[dict]] = {}
    appraisals: list[dict] = []
    evaluations: list[dict] = []
    seq = 100000
    for idx, (name, ind, lib, total, state) in enumerate(PROJECTS, start=1):
        _, dept, itype, nic, icode = IND[ind]
        gov = itype == "政府投资"
        total_d = money(total)
        street = STREETS[idx % len(STREETS)]
        pid = f"HSG-{2022 + idx % 3}-{idx:03d}"
        p: dict = {
            "id": pid,
            "name": name,
            "library": lib,
            "investment_type": itype,
            "department": dept,
            "industry": ind,
            "nic_code": nic,
            "intended_investment": money(total * rng.uniform(0.92, 1.08)),
            "source_basis": rng.choice([
                "黄石港区国民经济和社会发展第十四个五年规划纲要",
                f"黄石港区{ind}事业发展“十四五”规划",
                "黄石港区2024年重点项目谋划清单",
                "黄石港区招商引资项目合作协议" if not gov else "黄石港区城市更新三年行动方案",
            ]),
            "summary": f"{name.replace('黄石港区', '')}，主要建设{FUNCTIONS[ind][0]}、{FUNCTIONS[ind][1]}等内容。",
            "location": street,
        }
        base_year = 2021 + idx % 3
        p["catalogue_entered_on"] = D(base_year, 1 + idx % 9, 5 + idx % 20)
        if lib in ("储备库", "实施库"):
            applied = p["catalogue_entered_on"] + dt.timedelta(days=40 + idx % 30)
            while not chinese_calendar.is_workday(applied):
                applied += dt.timedelta(days=1)
            # Most appraisals finish within 15 working days; every 7th project runs late.
            slow = idx % 7 == 3
            entered = add_workdays(applied, 19 if slow else 9 + idx % 6)
            owner_name = OWNERS_GOV.get(dept) if gov else OWNERS_SOCIAL[name]
            start = D(applied.year + (1 if applied.month > 8 else 0), 3 + idx % 6, 1 + idx % 25)
            months = 14 + idx % 12
            completion = D(start.year + (start.month + months - 1) // 12, (start.month + months - 1) % 12 + 1, min(start.day, 28))
            area = money(8 + (idx * 7) % 60)
            seq += 137 * idx
            p["reserve"] = {
                "owner": {"name": owner_name, "legal_person": person(), "credit_code": credit_code(idx, "12" if gov and "中心" in owner_name else "91")},
                "nature": rng.choice(["新建", "新建", "扩建", "改建"]) if "改" not in name else "改建",
                "estimated_investment": total_d,
                "intended_funding": split_funding(total_d, gov),
                "annual_plan": [],
                "content_scale": f"总用地面积约{area}亩，{FUNCTIONS[ind][0]}、{FUNCTIONS[ind][1]}、{FUNCTIONS[ind][2]}及配套工程。",
                "project_code": f"{applied.year}-420202-{icode}-0{1 if gov else 3}-{seq % 1000000:06d}",
                "planned_start": start,
                "planned_completion": completion,
                "address": f"黄石市黄石港区{street}{rng.choice(ROADS)}{10 + idx * 3}号",
                "land_area_mu": area,
                "land_composition": [
                    {"use": {"教育": "教育用地", "先进制造": "工业用地", "商贸流通": "商业用地"}.get(ind, "公共设施用地"), "area_mu": money(float(area) * 0.8)},
                    {"use": "道路与绿化用地", "area_mu": area - money(float(area) * 0.8)},
                ],
                "objectives": [f"{f}达到设计要求" for f in FUNCTIONS[ind]],
                "applied_on": applied,
                "entered_on": entered,
            }
            # Annual plan: split over the construction years.
            years = list(range(start.year, completion.year + 1))
            acc = Decimal(0)
            for j, y in enumerate(years):
                amt = money(float(total_d) / len(years)) if j < len(years) - 1 else total_d - acc
                acc += amt
                p["reserve"]["annual_plan"].append({"year": y, "amount": amt})
            # Appraisals
            kinds = (["能效水平", "供需总量", "债务风险", "财政可承受能力", "用地指标", "选址"] if gov
                     else ["能效水平", "供需总量", "污染物排放总量", "环境准入清单", "用地指标", "选址"])
            if ind in ("水利水务", "先进制造"):
                kinds.append("水资源量")
            depts = {"能效水平": "区发改局", "供需总量": "区发改局", "债务风险": "区财政局", "财政可承受能力": "区财政局",
                     "用地指标": "区资规分局", "选址": "区资规分局", "水资源量": "区水湖局", "污染物排放总量": "区生态环境分局",
                     "环境准入清单": "区生态环境分局"}
            for k in kinds:
                wd = 19 if (slow and k in ("选址", "用地指标")) else 4 + (idx + len(k)) % 9
                done = add_workdays(applied, wd)
                appraisals.append({
                    "project": pid, "kind": k, "department": depts[k], "submitted_on": applied,
                    "completed_on": done, "conclusion": "有条件通过" if (idx + len(k)) % 11 == 0 else "通过",
                    "opinions": f"项目{k}论证符合要求" + ("，需补充完善相关材料。" if (idx + len(k)) % 11 == 0 else "。"),
                })
            if dept in ("区住保局", "区建设局", "区水湖局", "区文旅局"):
                appraisals.append({"project": pid, "kind": "选址复核", "department": dept, "submitted_on": applied,
                                   "completed_on": add_workdays(applied, 6), "conclusion": "通过", "opinions": "选址与规划一致。"})
            if lib == "储备库" and idx % 4 == 0:
                # One pending appraisal, submitted recently and not yet completed.
                appraisals.append({"project": pid, "kind": "财力", "department": "区财政局" if gov else dept,
                                   "submitted_on": D(2025, 10, 20), "completed_on": None, "conclusion": None, "opinions": None})
        if lib == "实施库":
            r = p["reserve"]
            impl_applied = r["entered_on"] + dt.timedelta(days=20)
            impl: dict = {
                "total_investment": total_d,
                "funding": split_funding(total_d, gov),
                "applied_on": impl_applied,
                "entered_on": add_workdays(impl_applied, 8 + idx % 5),
            }
            appraisals.append({"project": pid, "kind": "财力", "department": "区财政局" if gov else dept,
                               "submitted_on": impl_applied, "completed_on": add_workdays(impl_applied, 8 + idx % 5),
                               "conclusion": "通过", "opinions": "资金来源真实，符合债务限额管理要求。" if gov else "资金规模和来源真实，收益可平衡。"})
            planned_start: D = r["planned_start"]
            planned_done: D = r["planned_completion"]
            if state != "not-started":
                delay = 75 + idx % 40 if state == "late-start" else idx % 12
                impl["actual_start"] = planned_start + dt.timedelta(days=delay)
            done_states = ("done", "done-overdue")
            if state in done_states:
                # Completed projects: pull the schedule back so they finished in 2023–2024.
                s = D(2022, 2 + idx % 8, 10)
                impl["actual_start"] = s
                months = 12 + idx % 9
                c = D(s.year + (s.month + months - 1) // 12, (s.month + months - 1) % 12 + 1, 20)
                impl["actual_completion"] = c
                # Most completed projects started on plan; every fourth started about three weeks late.
                r["planned_start"] = s - dt.timedelta(days=20) if idx % 4 == 0 else s + dt.timedelta(days=idx % 5)
                r["planned_completion"] = c + dt.timedelta(days=-15 + idx % 40)
                r["annual_plan"] = [{"year": s.year, "amount": money(float(total_d) * 0.6)},
                                    {"year": c.year if c.year != s.year else s.year + 1, "amount": total_d - money(float(total_d) * 0.6)}]
                r["applied_on"] = min(r["applied_on"], s - dt.timedelta(days=120))
                while not chinese_calendar.is_workday(r["applied_on"]):
                    r["applied_on"] -= dt.timedelta(days=1)
                r["entered_on"] = add_workdays(r["applied_on"], 19 if idx % 7 == 3 else 10)
                p["catalogue_entered_on"] = min(p["catalogue_entered_on"], r["applied_on"] - dt.timedelta(days=45))
                for a in appraisals:
                    if a["project"] == pid and a["kind"] != "财力":
                        a["submitted_on"] = r["applied_on"]
                        a["completed_on"] = add_workdays(r["applied_on"], 19 if (idx % 7 == 3 and a["kind"] in ("选址", "用地指标")) else 5 + len(a["kind"]) % 7)
                impl["applied_on"] = r["entered_on"] + dt.timedelta(days=10)
                impl["entered_on"] = add_workdays(impl["applied_on"], 9)
                for a in appraisals:
                    if a["project"] == pid and a["kind"] == "财力":
                        a["submitted_on"] = impl["applied_on"]
                        a["completed_on"] = impl["entered_on"]
                accepted = c + dt.timedelta(days=25)
                impl["acceptance"] = {"accepted_on": accepted, "filed_on": accepted + dt.timedelta(days=30)}
                settle = {}
                if state == "done":
                    settled = c + dt.timedelta(days=95 + idx % 20)
                    report = settled + dt.timedelta(days=20 + idx % 8)
                    settle = {"settled_on": settled, "settled_amount": money(float(total_d) * 0.97),
                              "final_report_on": report, "final_amount": money(float(total_d) * 0.965),
                              "filed_on": report + dt.timedelta(days=90 + idx % 60)}
                else:
                    # 两算 overdue: settlement took 6+ months, final accounts not yet filed.
                    settled = c + dt.timedelta(days=190 + idx % 30)
                    settle = {"settled_on": settled, "settled_amount": money(float(total_d) * 0.98)}
                    if idx % 2 == 0:
                        settle["final_report_on"] = settled + dt.timedelta(days=55)
                        settle["final_amount"] = money(float(total_d) * 0.975)
                impl["settlement"] = settle
                unit, cap = CAPACITY[ind]
                ratio = 0.6 + (idx % 5) * 0.1
                op: dict = {
                    "year": 2024,
                    "capacity_unit": unit,
                    "design_capacity": Decimal(cap),
                    "actual_capacity": money(cap * ratio),
                    "functions": [{"name": f, "achieved": not (idx % 4 == 1 and k == 2)} for k, f in enumerate(FUNCTIONS[ind])],
                }
                if not gov:
                    op["carbon_unit"] = "吨二氧化碳/万元产值"
                    op["carbon_design"] = Decimal("0.42")
                    op["carbon_actual"] = Decimal("0.38") if idx % 3 else Decimal("0.47")
                    op["tax"] = money(float(total_d) * 0.035)
                    op["revenue"] = money(float(total_d) * 0.6)
                impl["operation"] = op
                impl["progress"] = [{"year": y["year"], "planned": y["amount"], "completed": y["amount"]} for y in r["annual_plan"]]
                impl["funds"] = [{"source": f["source"], "planned": f["amount"], "disbursed": f["amount"] if state == "done" else money(float(f["amount"]) * 0.92)} for f in impl["funding"]]
                evaluations.append(make_evaluation(pid, name, ind, gov, dept, idx, accepted))
            else:
                # Under construction (or not started) in autumn 2025: a 2024–2027 schedule.
                if state == "late-start":
                    ps = D(2025, 3, 3 + idx % 20)
                    pc = D(2027, 3 + idx % 6, 28)
                    impl["actual_start"] = ps + dt.timedelta(days=75 + idx % 40)
                elif state == "not-started":
                    ps, pc = D(2025, 5, 15), D(2027, 6, 30)
                    impl.pop("actual_start", None)
                else:  # building, lagging-funds: started on time in 2024
                    ps = D(2024, 3 + idx % 6, 5 + idx % 20)
                    pc = D(2026, 4 + idx % 8, 28)
                    impl["actual_start"] = ps + dt.timedelta(days=idx % 9)
                r["planned_start"], r["planned_completion"] = ps, pc
                years = list(range(ps.year, pc.year + 1))
                acc = Decimal(0)
                r["annual_plan"] = []
                for j, y in enumerate(years):
                    amt = money(float(total_d) / len(years)) if j < len(years) - 1 else total_d - acc
                    acc += amt
                    r["annual_plan"].append({"year": y, "amount": amt})
                share = {"building": 0.82, "late-start": 0.35, "lagging-funds": 0.55, "not-started": 0.0}[state]
                impl["progress"] = []
                for y in r["annual_plan"]:
                    if y["year"] == 2024:
                        impl["progress"].append({"year": 2024, "planned": y["amount"], "completed": money(float(y["amount"]) * (0.97 if state == "building" else 0.8))})
                    elif y["year"] == 2025:
                        impl["progress"].append({"year": 2025, "planned": y["amount"], "completed": money(float(y["amount"]) * share)})
                fund_share = {"building": 0.92, "late-start": 0.6, "lagging-funds": 0.45, "not-started": 0.0}[state]
                impl["funds"] = [{"source": f["source"], "planned": money(float(f["amount"]) * 0.5), "disbursed": money(float(f["amount"]) * 0.5 * fund_share)} for f in impl["funding"]]
                impl["weekly_reports"] = 30 + idx % 12
            p["implementation"] = impl
        by_dept.setdefault(dept, []).append(p)
    return by_dept, appraisals, evaluations


def make_evaluation(pid, name, ind, gov, dept, idx, accepted) -> dict:
    evaluators = [{"organisation": "区发改局", "role": "牵头", "people": [person(), person()]}]
    if gov:
        evaluators += [{"organisation": "区财政局", "role": "参与", "people": [person()]},
                       {"organisation": dept, "role": "参与", "people": [person()]}]
        basis = f"《{name}可行性研究报告》及其批复"
    else:
        evaluators += [{"organisation": "区科经局", "role": "参与", "people": [person()]},
                       {"organisation": "区商务局", "role": "参与", "people": [person()]}]
        basis = f"《{name}策划书》" if name.endswith("项目") else f"《{name}项目策划书》"
    return {
        "project": pid,
        "basis": basis,
        "evaluated_on": D(2025, 4, 10 + idx % 15),
        "evaluators": evaluators,
        "extra_indicators": [{"name": "服务对象满意度", "dimension": "效益", "value": Decimal(str(86 + idx % 12)), "target": Decimal("90"), "unit": "%"}],
        "findings": [
            "项目建设程序规范，严格执行项目法人责任制、招标投标制、工程监理制和合同管理制。",
            f"项目建成后{FUNCTIONS[ind][0]}目标基本实现，社会效益逐步显现。",
        ],
        "problems": [
            "部分建设内容较批复工期延后，前期手续办理耗时较长。",
            "竣工结算和财务决算工作推进偏慢。" if idx % 2 else "运营初期能力利用率不高，配套服务有待完善。",
        ],
        "recommendations": [
            "加强项目前期谋划和要素保障，科学确定建设工期。",
            "严格落实“两算”时限要求，按时完成竣工结算和财务决算备案。",
        ],
    }


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    district = {
        "name": "黄石港区",
        "government": "黄石港区人民政府",
        "division_code": "420202",
        "year": 2025,
        "previous_year_investment": Decimal("452300.00"),
        "reform_plan": {"title": "黄石港区加快推动投资项目绩效综合评价改革工作方案（试行）", "doc_number": "港政办〔2024〕3号"},
        "organs": [
            {"key": "gov", "name": "黄石港区人民政府", "mark": "黄石港区人民政府文件", "doc_prefix": "港政"},
            {"key": "gov_office", "name": "黄石港区人民政府办公室", "mark": "黄石港区人民政府办公室", "doc_prefix": "港政办"},
            {"key": "committee_office", "name": "黄石港区投资管理委员会办公室", "mark": "黄石港区投资管理委员会办公室", "doc_prefix": "港投委办"},
        ],
        "departments": [{"name": n, "short": s, "roles": r, **({"appraisals": a} if a else {})} for n, s, r, a in DEPARTMENTS],
        "industries": [{"name": n, "department": d, "investment_type": t} for n, d, t, _, _ in INDUSTRIES],
        "recipients": ["江北管理区、各街道办事处", "区直各部门"],
        "cc": [["区委各部门", "区人武部", "各人民团体"], ["区人大", "区政协", "区法院", "区检察院"]],
        "printer": "黄石港区人民政府办公室",
    }
    write(out / "district.yaml", "district", district, depth=1)
    by_dept, appraisals, evaluations = make_projects()
    slug = {d: f"{i:02d}" for i, d in enumerate(sorted(by_dept), start=1)}
    for dept, projects in sorted(by_dept.items()):
        write(out / "projects" / f"{slug[dept]}-{dept}.yaml", "projects", {"projects": projects}, depth=2)
    write(out / "appraisals.yaml", "appraisals", {"appraisals": appraisals}, depth=1)
    write(out / "evaluations.yaml", "evaluations", {"evaluations": evaluations}, depth=1)
    make_supervision(out)
    make_reports(out)
    print(f"{sum(len(v) for v in by_dept.values())} projects, {len(appraisals)} appraisals, {len(evaluations)} evaluations")


SUPERVISED = ["区发改局", "区财政局", "区资规分局", "区生态环境分局", "区水湖局", "区住保局", "区建设局", "区城执局",
              "区教育局", "区卫健局", "区民政局", "区科经局", "区招商中心", "区商务局", "区文旅局", "区审计局"]
# Departments that do well / poorly, so that the month's 通报 has something to say.
STRONG = {"区发改局", "区教育局", "区建设局"}
WEAK = {"区城执局", "区招商中心"}


def make_supervision(out: Path) -> None:
    for month, seq in ((8, 21), (9, 24), (10, 27)):
        records = []
        for i, dept in enumerate(SUPERVISED):
            weeks = 4 if month != 9 else 5
            if dept in WEAK and month >= 9:
                logins = [1, 0, 1, 0, 0][:weeks]
            elif dept in STRONG:
                logins = [3, 2, 3, 2, 3][:weeks]
            else:
                logins = [1 + (i + w + month) % 2 for w in range(weeks)]
            due = 6 + (i + month) % 7
            # Varied performance so the month's ranking has few ties.
            on_time = due if dept in STRONG else (due - 3 if dept in WEAK else due - 1 - (i * 5 + month) % 3)
            warnings = (i + month) % 4 if dept not in WEAK else 4
            handled = warnings if dept not in WEAK else 1
            report_day = 3 + (i % 4) if dept not in WEAK else 14 + month % 3
            rec = {
                "department": dept,
                "weekly_logins": logins,
                "items_due": due,
                "items_on_time": on_time,
                "warnings_received": warnings,
                "warnings_handled": handled,
                "settlement_report_on": D(2025, month + 1, report_day) if not (dept == "区招商中心" and month == 10) else None,
                "evaluations_due": 1 if month == 8 and dept in ("区教育局", "区卫健局", "区水湖局") else 0,
                "evaluations_submitted": 1 if month == 8 and dept in ("区教育局", "区卫健局", "区水湖局") else 0,
            }
            if dept in STRONG:
                # A highlight states only what the record bears out (validate flags the contrary).
                rec["highlights"] = [f"{month}月按时完成全部{due}项平台事项" + ("，预警项目全部明确整改时限。" if warnings else "。")]
            if dept in WEAK and month >= 9:
                # A fact the platform figures do not show (those are computed and stated by wenshu).
                rec["issues"] = ["未明确负责平台填报的科室和联系人，业主单位反馈的开工、进展信息未及时录入平台。"]
            records.append(rec)
        data = {
            "year": 2025,
            "month": month,
            "records": records,
            "bulletin": {"organ": "committee_office", "commendation_seq": seq, "criticism_seq": seq + 1,
                         "issued_on": add_workdays(D(2025, month + 1, 20), 0)},
        }
        write(out / "supervision" / f"2025-{month:02d}.yaml", "supervision", data, depth=2)


def make_reports(out: Path) -> None:
    reports = []
    for name, dept, itype, _, _ in INDUSTRIES:
        gov = itype == "政府投资"
        reports.append({
            "industry": name,
            "year": 2024,
            "report_date": D(2025, 5, 20 + len(name) % 8),
            "background": f"近年来，全区{name}领域投资保持稳定增长，{dept}按照全区投资项目绩效综合评价改革部署，依托绩效平台对本行业项目实行全生命周期管理。",
            "structure_analysis": ([
                f"从资产存量看，全区{name.removesuffix('设施')}设施总体满足现阶段需求，但区域分布不够均衡，江北片区相对薄弱。",
                "从供给能力发挥看，已建成项目供给能力逐步释放，个别项目运营初期利用率偏低。",
                "从未来需求看，随着城市更新和人口结构变化，需求将保持平稳增长，应适度超前布局。",
            ] if gov else [
                f"从投资总量看，{name}领域社会投资规模稳步扩大，龙头企业带动作用明显。",
                "从在建产能规模看，在建项目投产后将新增较大产能，需关注产能消化和市场开拓。",
                "从发展趋势和未来需求看，数字化、绿色化转型加快，亩均效益有较大提升空间。",
            ]),
            "problems": [
                "部分项目前期工作不够扎实，开工时间较计划推迟。",
                "个别项目“两算”办理超过规定时限。",
            ],
            "recommendations": [
                "强化项目谋划储备，提高入库项目成熟度。",
                "压实业主单位主体责任，严格执行“两算”时限。",
            ],
            "rectifications": [
                {"problem": "项目开工滞后", "measure": "建立开工前要素保障清单，逐项销号", "unit": dept, "due": D(2025, 9, 30)},
                {"problem": "“两算”办理超期", "measure": "对超期项目挂牌督办，每月通报进度", "unit": dept, "due": D(2025, 12, 31)},
            ],
        })
    write(out / "reports" / "industry-2024.yaml", "industry_reports", {"reports": reports}, depth=2)
    annual = {
        "year": 2024,
        "report_date": D(2025, 6, 26),
        "overall_trend": ["2024年，全区投资项目总体保持稳中有进态势，政府投资聚焦民生短板，社会投资向先进制造和现代服务业集聚。"],
        "input_output": ["已竣工项目总体实现预期功能，政府投资项目供给能力逐步释放，社会投资项目亩均税收稳步提高。"],
        "development": ["随着绩效平台全面应用，项目生成、论证、建设、“两算”和评价全过程管理水平明显提升。"],
        "problems": ["目录库储备规模距4倍目标仍有差距。", "部分项目开工滞后、资金到位不及时。", "“两算”超期问题仍然存在。"],
        "suggestions_scale": ["加大项目谋划力度，推动目录库、储备库规模达到上年度投资规模的4倍、2倍以上。"],
        "suggestions_structure": ["优化投资结构，提高产业投资和民生补短板投资比重。"],
        "suggestions_management": ["将绩效评价结果与投资计划安排、资金分配挂钩，实行差异化支持。"],
        "suggestions_growth": ["围绕光电子信息、新能源新材料和数字经济培育投资新的增长点。"],
        "next_year_tasks": [
            {"work": "开展2025年度竣工项目绩效预评价。", "units": ["区各行业主管部门", "区发改局"], "due_month_end": "2026-04"},
            {"work": "完成重点行业绩效评价报告。", "units": ["区各行业主管部门"], "due_month_end": "2026-05"},
            {"work": "形成2025年度投资项目综合绩效评价报告。", "units": ["区发改局"], "due_month_end": "2026-06"},
        ],
    }
    write(out / "reports" / "annual-2024.yaml", "annual_report", annual, depth=2)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "data_examples"))
