"""Input models, one module per input kind, and the registry of file kinds.

A data file says what it is with a top-level ``kind:`` key; ``FILE_KINDS`` maps that key to the
file model, its Chinese name and the JSON Schema file name.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from wenshu.models.appraisal import AppraisalFile
from wenshu.models.district import DistrictFile
from wenshu.models.evaluation import EvaluationFile
from wenshu.models.holidays import HolidayFile
from wenshu.models.notice import NoticeFile
from wenshu.models.project import ProjectFile
from wenshu.models.register import RegisterFile
from wenshu.models.reports import AnnualReportFile, IndustryReportFile
from wenshu.models.rules import RulesFile
from wenshu.models.sheet_aliases import SheetAliasFile
from wenshu.models.supervision import SupervisionFile
from wenshu.models.tasks import TaskListFile
from wenshu.models.wording import WordingFile


@dataclass(frozen=True)
class FileKind:
    key: str
    model: type[BaseModel]
    title: str
    description: str

    @property
    def schema_file(self) -> str:
        return f"{self.key}.schema.json"


FILE_KINDS: dict[str, FileKind] = {
    k.key: k
    for k in [
        FileKind("district", DistrictFile, "区情设置", "区名、发文机关、部门、行业、默认主送抄送、上年度投资规模"),
        FileKind("projects", ProjectFile, "项目", "目录库、储备库、实施库项目及其进度、资金、验收、两算和运营数据"),
        FileKind("appraisals", AppraisalFile, "论证记录", "各类论证的部门、提交和完成日期、结论、意见"),
        FileKind("evaluations", EvaluationFile, "项目绩效评价输入", "评价依据、评价单位、补充指标、成效、问题、建议"),
        FileKind("industry_reports", IndustryReportFile, "行业绩效评价输入", "各行业报告的背景、结构分析、问题、建议、整改清单"),
        FileKind("annual_report", AnnualReportFile, "年度综合绩效评价输入", "年度报告的定性分析、问题、建议、下一年度工作安排"),
        FileKind("supervision", SupervisionFile, "月度督办记录", "各部门每月平台登录、事项办理、预警处置、两算报送、评价报送"),
        FileKind("tasks", TaskListFile, "任务清单", "重点工作、责任单位、完成时间"),
        FileKind("notice", NoticeFile, "通知", "结构化的通知正文、印发文件、附件和版记"),
        FileKind("rules", RulesFile, "计算规则", "红黄绿灯阈值、指标目标值、评分权重、督办考评和通报条件（只写要改的项）"),
        FileKind("wording", WordingFile, "措辞", "公文中随情况变化的短句（预警原因、期限状态等）的本区说法（只写要改的项）"),
        FileKind("holidays", HolidayFile, "节假日补充", "chinesecalendar 尚未覆盖年份的法定节假日和调休上班日"),
        FileKind("register", RegisterFile, "发文登记簿", "各发文机关每年已使用的发文字号；wenshu 自动编号时写入，也可手工登记其他公文"),
        FileKind("sheet_aliases", SheetAliasFile, "表格别名", "wenshu import 读取其他程序导出的表格时，工作表和列的其他名称"),
    ]
}

__all__ = ["FILE_KINDS", "FileKind"]
