"""区情设置 (district set-up): organs, departments, industries and default document parties."""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from wenshu.models.appraisal import AppraisalKind
from wenshu.models.base import Money, WenshuModel
from wenshu.models.codes import DivisionCode
from wenshu.official.fmt import parse_doc_number


class DeptRole(str, Enum):
    # What a department does in the reform (source notice, 二、工作任务). Documents find "the lead
    # bureau", "the finance bureau" and "the supervising office" by role, never by name.

    INDUSTRY = "行业主管部门"
    APPRAISAL = "论证部门"
    STREET = "街道"
    COMMITTEE = "投资管理委员会"
    COMMITTEE_OFFICE = "投委会办公室"
    LEAD = "牵头部门"
    AUDIT = "审计部门"
    FINANCE = "财政部门"
    OTHER = "其他"


class InvestmentType(str, Enum):
    GOVERNMENT = "政府投资"
    SOCIAL = "社会投资"


class Organ(WenshuModel):
    """An issuing organ (发文机关) and how its documents are numbered."""

    key: str = Field(title="机关代号", description="数据中引用该机关时使用的简短英文代号，如 gov_office", pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(title="机关全称", description="发文机关署名使用的全称，如 某区人民政府办公室", min_length=2)
    mark: str = Field(title="发文机关标志", description="红头上的机关标志文字，如 某区人民政府办公室文件；可省略“文件”二字", min_length=2)
    doc_prefix: str = Field(title="发文字号机关代字", description="发文字号中〔年份〕前的机关代字，如 某政办", min_length=1, max_length=12)

    @field_validator("doc_prefix")
    @classmethod
    def _no_brackets(cls, v: str) -> str:
        if any(c in v for c in "〔〕[]【】()（）0123456789"):
            raise PydanticCustomError(
                "doc_prefix", "机关代字只写文字部分（如“某政办”），年份和序号由 wenshu 生成", {}
            )
        return v


class Department(WenshuModel):
    """A department (部门/单位) of the district."""

    name: str = Field(title="部门全称", description="如 某区发展和改革局", min_length=2)
    short: str = Field(title="部门简称", description="公文和任务清单中使用的简称，如 区发展改革局；在其他文件中引用部门时使用", min_length=2)
    roles: list[DeptRole] = Field(title="职责角色", description="该部门在改革中的角色，可多选；公文按角色找到牵头部门（署名年度报告）、财政部门（两算备案）和投委会办公室（督办通报）", min_length=1)
    appraisals: list[AppraisalKind] = Field(default_factory=list, title="负责的论证", description="该部门负责的论证类型，如 能效水平、供需总量；论证记录的论证部门须负责该类型")
    head: str | None = Field(default=None, title="主要负责人", description="通报批评后约谈的主要负责人姓名（可选）")


class BasisDocument(WenshuModel):
    """The district's own reform plan: the document that reports and bulletins cite as their basis."""

    __cn_doc__ = "本区改革工作方案：报告和通报开头“根据《……》（……号）要求”引用的文件"

    title: str = Field(title="文件名称", description="不加书名号，如 某区加快推动投资项目绩效综合评价改革工作方案（试行）", min_length=4)
    doc_number: str = Field(title="发文字号", description="印发该方案的发文字号，如 某政办〔2024〕3号")

    @field_validator("title")
    @classmethod
    def _no_book_marks(cls, v: str) -> str:
        if v.startswith("《") or v.endswith("》"):
            raise PydanticCustomError("book_marks", "文件名称不加书名号《》，公文引用时自动加上", {})
        return v

    @field_validator("doc_number")
    @classmethod
    def _doc_number(cls, v: str) -> str:
        try:
            parse_doc_number(v)
        except ValueError:
            raise PydanticCustomError(
                "doc_number", "发文字号应写成“机关代字〔年份〕序号号”，年份用六角括号〔〕，序号不编虚位、不加“第”字", {}
            ) from None
        return v


class Industry(WenshuModel):
    """An industry (行业) whose projects are evaluated together in one industry report."""

    name: str = Field(title="行业名称", description="如 教育、卫生健康、水利水务", min_length=2)
    department: str = Field(title="行业主管部门", description="负责该行业绩效评价的部门简称，须在 departments 中列出")
    investment_type: InvestmentType = Field(title="投资类型", description="政府投资或社会投资：决定行业报告的分析口径")


class DistrictFile(WenshuModel):
    """The district set-up file (区情设置, ``district.yaml``). Exactly one per data folder."""

    kind: Literal["district"] = Field(title="文件类型", description="固定为 district")
    name: str = Field(title="区名", description="如 某区", min_length=2)
    government: str = Field(title="区人民政府全称", description="如 某区人民政府", min_length=2)
    division_code: DivisionCode = Field(title="行政区划代码", description="6位数字，如 420202")
    year: int = Field(title="工作年度", description="当前改革工作年度，如 2024", ge=2000, le=2100)
    previous_year_investment: Money = Field(title="上年度投资规模（万元）", description="上年度全区固定资产投资完成额，三库倍数（目录库4倍、储备库2倍）以此为基数")
    reform_plan: BasisDocument = Field(title="改革工作方案", description="本区印发的投资项目绩效综合评价改革工作方案（名称和发文字号），报告和通报以此为依据")
    organs: list[Organ] = Field(title="发文机关", description="可以发文的机关及其发文字号代字", min_length=1)
    departments: list[Department] = Field(title="部门", description="全区各部门、街道及其角色", min_length=1)
    industries: list[Industry] = Field(title="行业", description="参与行业绩效评价的行业及其主管部门", min_length=1)
    recipients: list[str] = Field(title="默认主送机关", description="下行文默认主送机关，如 各街道办事处、区直各部门", min_length=1)
    cc: list[list[str]] = Field(default_factory=list, title="默认抄送机关", description="按组列出，组内用逗号、组间用分号分隔，如 [[区委各部门, 区人武部], [区人大, 区政协]]")
    printer: str = Field(title="默认印发机关", description="版记中的印发机关，如 某区人民政府办公室", min_length=2)

    @model_validator(mode="after")
    def _unique_names(self) -> DistrictFile:
        seen: dict[str, str] = {}
        for d in self.departments:
            for label in (d.name, d.short):
                if label in seen and seen[label] != d.name:
                    raise PydanticCustomError("duplicate", "部门名称“{n}”重复", {"n": label})
                seen[label] = d.name
        keys = [o.key for o in self.organs]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise PydanticCustomError("duplicate", "机关代号重复：{k}", {"k": "、".join(sorted(dup))})
        if not self.with_role(DeptRole.LEAD):
            raise PydanticCustomError(
                "no_lead", "departments 中没有角色为“牵头部门”的部门：年度综合绩效评价报告由牵头部门署名，请为改革牵头部门加上该角色", {}
            )
        known = {d.short for d in self.departments} | {d.name for d in self.departments}
        for ind in self.industries:
            if ind.department not in known:
                raise PydanticCustomError(
                    "unknown_department",
                    "行业“{i}”的主管部门“{d}”不在 departments 中",
                    {"i": ind.name, "d": ind.department},
                )
        return self

    def with_role(self, role: DeptRole) -> list[Department]:
        """The departments holding ``role``, in file order."""
        return [d for d in self.departments if role in d.roles]

    def first_with_role(self, role: DeptRole) -> Department | None:
        found = self.with_role(role)
        return found[0] if found else None

    def appraisers(self, kind: AppraisalKind) -> list[Department]:
        """The departments declared responsible for one 论证 kind."""
        return [d for d in self.departments if kind in d.appraisals]

    def department(self, name: str) -> Department | None:
        for d in self.departments:
            if name in (d.name, d.short):
                return d
        return None

    def organ(self, key: str) -> Organ | None:
        return next((o for o in self.organs if o.key == key), None)
