"""The registry of problem codes: every code wenshu can report, in one place.

Like docxtemplater's error catalogue, each ``Problem.code`` (``yaml.duplicate-key``, ``tpl.split-tag`` …)
has one entry here: its severity, a one-sentence Chinese explanation and a Chinese fix. The call sites
keep writing the code as a literal (tests and scripts match on it); tests/test_problem_codes.py scans
``src/`` and fails when a code is raised that is not registered here, or registered but never raised.

``docs/问题代码.md`` is generated from this module and checked for staleness by the same test:

    python -m wenshu.problem_codes            # rewrite docs/问题代码.md
    python -m wenshu.problem_codes --check    # exit 1 if it is out of date

``model.<type>`` codes come from pydantic: the validation errors wenshu.validation translates (pydantic's
own types it names, and the custom types the models raise with ``PydanticCustomError``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

CodeSeverity = Literal["error", "warning", "either"]

SEVERITY_TEXT = {"error": "错误", "warning": "警告", "either": "错误或警告"}

# Sections of the documentation page, in order: namespace → Chinese title.
GROUPS: dict[str, str] = {
    "yaml": "读取 YAML 文件",
    "data": "数据文件与数据目录",
    "model": "字段校验",
    "ref": "数据之间的引用",
    "coherence": "数据之间的一致性（提醒）",
    "notice": "通知要素（提醒）",
    "calendar": "节假日数据",
    "number": "发文字号与发文登记簿",
    "sheet": "导入填报表",
    "export": "导出填报表",
    "init": "新建数据目录（wenshu init）",
    "usage": "命令行用法",
    "template": "使用模板",
    "tpl": "模板检查（wenshu template check）",
    "layout": "模板版式（GB/T 9704）",
    "render": "生成文书",
    "pdf": "PDF 转换与汇编",
    "batch": "批量生成（wenshu batch）",
    "spool": "大规模数据的临时索引",
    "wenshu": "其他",
}


@dataclass(frozen=True)
class CodeInfo:
    """One registered problem code."""

    id: str
    severity: CodeSeverity  # how it is reported: error, warning, or either depending on the case
    explanation: str  # one Chinese sentence: what the problem is
    fix: str  # Chinese: what to do about it

    @property
    def group(self) -> str:
        return self.id.split(".", 1)[0]

    def allows(self, severity: str) -> bool:
        return self.severity == "either" or self.severity == severity


_E, _W, _EW = "error", "warning", "either"

_ENTRIES: list[tuple[str, CodeSeverity, str, str]] = [
    # ── yaml ──
    ("yaml.alias-bomb", _E, "别名（*引用）展开得过多，文件疑似“别名炸弹”，为安全起见停止读取。",
     "不要用别名反复引用大块数据；把需要的数据直接写出来。"),
    ("yaml.ambiguous-bool", _E, "yes/no/on/off 之类的值会被 YAML 当作是非值，而不是文字。",
     "要写文字就加引号（如 \"yes\"），要写是非值就写 true 或 false。"),
    ("yaml.bad-date", _E, "看起来是日期或时间的值不是有效的日期（如 2 月 30 日）。",
     "按 YYYY-MM-DD 写一个存在的日期；若本意是文字，请加引号。"),
    ("yaml.bad-number", _E, "看起来是数值的值不是有效的数（如无穷大、非数）。",
     "写一个普通的数字；若本意是文字，请加引号。"),
    ("yaml.control-char", _E, "文件中含有不可见的控制字符，YAML 不允许。",
     "在编辑器中删除该字符（错误信息给出了它的编码和位置）后保存。"),
    ("yaml.duplicate-key", _E, "同一层中同一个键写了两次，后一个会悄悄覆盖前一个。",
     "删除或合并重复的键，保留正确的那一个。"),
    ("yaml.empty", _E, "文件是空的（或只有注释），没有任何数据。",
     "填写数据，或删除这个文件。"),
    ("yaml.encoding", _E, "文件不是 UTF-8 编码（如 GBK 或 UTF-16）。",
     "在编辑器中用“另存为”选择 UTF-8 编码保存。"),
    ("yaml.key-type", _E, "键不是文字（会被读成数字、日期、列表或映射）。",
     "给键加引号，如 \"2027\":，所有键都必须是文字。"),
    ("yaml.leading-zero", _E, "以 0 开头的数字会被当作八进制数，或丢掉开头的 0。",
     "代码、编号等请加引号，如 \"0123\"；数值请去掉开头的 0。"),
    ("yaml.merge", _E, "合并键“<<”的值不是映射或映射的列表。",
     "“<<”后面写一个锚点引用（如 *默认值）或它们的列表。"),
    ("yaml.multi-document", _E, "一个文件里出现了第二个 YAML 文档（“---”）。",
     "删除多余的“---”行，或把第二部分数据放到另一个文件中。"),
    ("yaml.not-found", _E, "找不到要读取的文件。", "检查路径和文件名是否写对。"),
    ("yaml.radix-number", _E, "值会被当作八进制、十六进制或二进制数。",
     "代码、编号等请加引号；数值请写成普通十进制数。"),
    ("yaml.read", _E, "文件无法读取（没有权限、是目录或磁盘故障）。",
     "按错误信息给出的原因检查文件和权限。"),
    ("yaml.recursive-alias", _E, "锚点引用了它自身，数据会无限展开。",
     "去掉循环引用，把数据直接写出来。"),
    ("yaml.sexagesimal", _E, "形如 1:30 的值会被 YAML 1.1 当作六十进制数。",
     "时间、比分等请加引号，如 \"1:30\"。"),
    ("yaml.syntax", _E, "YAML 语法错误：缩进、冒号、引号或锚点写法不对。",
     "按提示检查这一行及上一行的缩进、冒号和引号。"),
    ("yaml.tab", _E, "这一行用制表符（Tab）缩进，YAML 不允许。", "把 Tab 换成空格（每级缩进两个空格）。"),
    ("yaml.tag", _E, "数据文件中用了 YAML 类型标签（!!python 等），为安全起见不支持。",
     "删除类型标签，直接写值。"),
    ("yaml.too-deep", _E, "数据嵌套层次太深，已停止读取。", "检查是否有误写的缩进或循环引用。"),
    ("yaml.too-large", _E, "文件超过大小上限。", "把数据拆成几个文件。"),
    ("yaml.too-many-nodes", _E, "文件中的数据项超过上限，已停止读取。", "把数据拆成几个文件。"),
    ("yaml.unicode-line-break", _E, "文件中含有不可见的 Unicode 换行符，生成的文书会与看到的文字不同。",
     "删除该字符（常见于从网页或其他文档复制的文字）。"),
    # ── data ──
    ("data.duplicate-annual", _E, "数据中有多个年度综合绩效评价报告（annual_report）文件。", "只保留一个。"),
    ("data.duplicate-district", _E, "数据中有多个区情设置（district）文件。", "只保留一个 district.yaml。"),
    ("data.duplicate-month", _E, "同一个月的督办记录有多个文件。", "把同一个月的记录合并到一个文件中。"),
    ("data.full-width", _W, "值中有全角数字或字母，已按半角读取。", "在数据中改用半角（英文输入状态下的）数字和字母。"),
    ("data.invalid", _E, "数据有错误（未细分的数据问题）。", "按错误信息修改数据。"),
    ("data.kind", _E, "文件的 kind 缺失或不是 wenshu 认识的文件类型。",
     "在文件开头写 kind: 加文件类型，可选的类型见错误信息。"),
    ("data.no-files", _E, "目录中没有 .yaml 数据文件。", "检查目录是否写对，或先用 wenshu init / wenshu import 建立数据。"),
    ("data.not-mapping", _E, "文件顶层不是键值对。", "文件应以 kind: 开头，下面按字段写键值对。"),
    ("data.spreadsheet", _EW, "数据目录中有表格文件，wenshu 不直接读取表格，其中的数据没有用上。",
     "用 wenshu import 把表格导入为 YAML 数据文件，或把表格移出数据目录。"),
    ("data.too-deep", _E, "数据嵌套过深，无法校验。", "检查是否有误写的缩进。"),
    # ── model: pydantic's own types (wenshu.validation.translate) ──
    ("model.bool_parsing", _E, "应填是非值，填的却不是。", "写 true 或 false（表格中写“是”或“否”）。"),
    ("model.bool_type", _E, "应填是非值，填的却是其他类型。", "写 true 或 false。"),
    ("model.date_from_datetime_inexact", _E, "应填日期，填的却带有时间。", "只写日期，如 2024-04-28。"),
    ("model.date_from_datetime_parsing", _E, "应填日期，填的值无法读成日期。", "按 YYYY-MM-DD 写日期，如 2024-04-28。"),
    ("model.date_future", _E, "日期应晚于今天。", "改为今天以后的日期。"),
    ("model.date_parsing", _E, "应填日期，填的值无法读成日期。", "按 YYYY-MM-DD 写日期，如 2024-04-28。"),
    ("model.date_past", _E, "日期应早于今天。", "改为今天以前的日期。"),
    ("model.date_type", _E, "应填日期，填的却是其他类型。", "按 YYYY-MM-DD 写日期，如 2024-04-28。"),
    ("model.datetime_from_date_parsing", _E, "应填日期或时间，填的值无法读成日期。", "按 YYYY-MM-DD 写日期。"),
    ("model.datetime_future", _E, "时间应晚于现在。", "改为以后的时间。"),
    ("model.datetime_object_invalid", _E, "日期时间无效。", "按 YYYY-MM-DD 写日期。"),
    ("model.datetime_parsing", _E, "应填日期或时间，填的值无法读成日期。", "按 YYYY-MM-DD 写日期。"),
    ("model.datetime_past", _E, "时间应早于现在。", "改为以前的时间。"),
    ("model.datetime_type", _E, "应填日期或时间，填的却是其他类型。", "按 YYYY-MM-DD 写日期。"),
    ("model.decimal_max_digits", _E, "数字的位数超过上限。", "减少位数（金额以万元为单位）。"),
    ("model.decimal_max_places", _E, "小数位数超过上限。", "按错误信息给出的位数四舍五入。"),
    ("model.decimal_parsing", _E, "应填数字，填的值无法读成数字。", "只写数字，不带单位、逗号或“万元”字样，如 1250.5。"),
    ("model.decimal_type", _E, "应填数字，填的却是其他类型。", "只写数字，如 1250.5。"),
    ("model.decimal_whole_digits", _E, "数字的整数部分位数超过上限。", "检查是否多写了位数或用错了单位（万元）。"),
    ("model.dict_type", _E, "应填键值对（字段: 值），填的却是其他内容。", "按字段写成“字段: 值”，每个字段一行。"),
    ("model.enum", _E, "取值不在允许的范围内。", "从错误信息列出的取值中选一个，文字须完全一致。"),
    ("model.extra_forbidden", _E, "写了这里没有的字段（常见于字段名拼错）。",
     "按提示改正字段名，或删除该字段；允许的字段见错误信息。"),
    ("model.finite_number", _E, "应填有限的数值。", "写一个普通的数字。"),
    ("model.float_parsing", _E, "应填数字，填的值无法读成数字。", "只写数字，不带单位或逗号。"),
    ("model.float_type", _E, "应填数字，填的却是其他类型。", "只写数字。"),
    ("model.frozen_set_type", _E, "应填列表。", "每项另起一行，以“- ”开头。"),
    ("model.greater_than", _E, "数值太小：应大于规定的下限。", "按错误信息改为更大的数值。"),
    ("model.greater_than_equal", _E, "数值太小：不能小于规定的下限。", "按错误信息改为不小于下限的数值。"),
    ("model.int_from_float", _E, "应填整数，填的却有小数。", "改为整数。"),
    ("model.int_parsing", _E, "应填整数，填的值无法读成整数。", "只写整数，不带单位。"),
    ("model.int_type", _E, "应填整数，填的却是其他类型。", "只写整数。"),
    ("model.less_than", _E, "数值太大：应小于规定的上限。", "按错误信息改为更小的数值。"),
    ("model.less_than_equal", _E, "数值太大：不能大于规定的上限。", "按错误信息改为不大于上限的数值。"),
    ("model.list_type", _E, "应填列表，填的却是单个值或键值对。", "每项另起一行，以“- ”开头。"),
    ("model.literal_error", _E, "取值不在允许的范围内。", "从错误信息列出的取值中选一个。"),
    ("model.missing", _E, "缺少必填字段。", "按提示补上该字段。"),
    ("model.model_attributes_type", _E, "应填键值对（字段: 值）。", "按字段写成“字段: 值”。"),
    ("model.model_type", _E, "应填键值对（字段: 值）。", "按字段写成“字段: 值”。"),
    ("model.multiple_of", _E, "数值应为规定数的整数倍。", "按错误信息改正数值。"),
    ("model.set_type", _E, "应填列表。", "每项另起一行，以“- ”开头。"),
    ("model.string_pattern_mismatch", _E, "格式不正确。", "按“期望”给出的格式改写。"),
    ("model.string_too_long", _E, "文字太长。", "按错误信息给出的字数删减。"),
    ("model.string_too_short", _E, "文字太短（或是空的）。", "补全内容。"),
    ("model.string_type", _E, "应填文字，填的却是数字、日期或其他类型。",
     "代码、编号等看起来像数字的内容请加引号，如 \"420202\"。"),
    ("model.time_delta_parsing", _E, "应填时长，填的值无法读成时长。", "按错误信息改写。"),
    ("model.time_delta_type", _E, "应填时长，填的却是其他类型。", "按错误信息改写。"),
    ("model.time_parsing", _E, "应填时间，填的值无法读成时间。", "按错误信息改写。"),
    ("model.time_type", _E, "应填时间，填的却是其他类型。", "按错误信息改写。"),
    ("model.too_long", _E, "列表的项数超过上限。", "按错误信息删减列表项。"),
    ("model.too_short", _E, "列表的项数不够。", "按错误信息补足列表项。"),
    ("model.tuple_type", _E, "应填列表。", "每项另起一行，以“- ”开头。"),
    ("model.union_tag_invalid", _E, "取值不在允许的范围内。", "从允许的取值中选一个。"),
    ("model.union_tag_not_found", _E, "缺少决定类型的字段。", "按错误信息补上该字段。"),
    # ── model: wenshu's own rules (PydanticCustomError in wenshu.models) ──
    ("model.book_marks", _E, "文件名称加了书名号《》。", "去掉书名号，公文引用时 wenshu 自动加上。"),
    ("model.cell", _E, "表格单元格填了是非值。", "单元格写文字或数字。"),
    ("model.co_organs", _E, "联合发文机关重复。", "每个联合发文机关只写一次。"),
    ("model.columns", _E, "表格某一行的格数与表头列数不同。", "补齐或删减该行的格，使每行格数与表头相同。"),
    ("model.control_char", _E, "文字中含有公文中不能出现的不可见字符。", "按错误信息给出的位置删除该字符。"),
    ("model.copy_number", _E, "涉密公文没有标注份号（GB/T 9704 7.2.1）。", "填写 copy_number，如 \"000001\"。"),
    ("model.count_order", _E, "部分的数量大于总数（如登录次数多于应登录次数）。", "核对两个数字，部分不能大于总数。"),
    ("model.credit_code", _E, "统一社会信用代码不正确（位数、字符或校验码）。", "按营业执照或登记证书核对这18位代码。"),
    ("model.date_order", _E, "日期先后顺序不对（如竣工早于开工、印发早于成文）。", "按错误信息核对两个日期。"),
    ("model.doc_number", _E, "发文字号的写法不对。", "写成“机关代字〔年份〕序号号”，年份用六角括号〔〕，序号不编虚位、不加“第”字。"),
    ("model.doc_prefix", _E, "机关代字中写了年份、序号或括号。", "机关代字只写文字部分（如“某政办”）。"),
    ("model.duplicate", _E, "列表中有重复的项（部门、机关代号、年度、项目编号等）。", "删除或改正重复的项。"),
    ("model.emphasis", _E, "强调标记“**”没有成对出现，或中间没有文字。", "写成 **要强调的文字**。"),
    ("model.empty", _E, "必须有内容的项是空的（如附件没有内容、责任分工没有单位）。", "按错误信息补上内容。"),
    ("model.holidays.bad-date", _E, "节假日安排中的日期无效。", "写成 YYYY-MM-DD，或写成区间 {from: 起始日期, to: 截止日期}。"),
    ("model.holidays.date-year", _E, "节假日安排中的日期不属于所在的年份。", "把日期移到对应年份下，或改正年份。"),
    ("model.holidays.holiday-and-workday", _E, "同一日期既放假又调休上班。", "按国务院办公厅的通知改正其中一个。"),
    ("model.holidays.range-order", _E, "放假区间的起始日期晚于截止日期。", "交换或改正两个日期。"),
    ("model.holidays.workday-not-weekend", _E, "调休上班日期不是周六或周日。", "只有周末才需要登记为调休上班日期。"),
    ("model.library_fields", _E, "项目所在的库缺少该库必填的信息（储备库信息或实施库信息）。",
     "按错误信息补上 reserve 或 implementation。"),
    ("model.missing_conclusion", _E, "论证已完成（有完成日期），却没有论证结论。", "填写论证结论。"),
    ("model.missing_date", _E, "填写了结论或金额，却没有对应的完成日期。", "补上完成日期。"),
    ("model.negative", _E, "数量不能为负数。", "改为 0 或正数。"),
    ("model.no_lead", _E, "区情设置中没有角色为“牵头部门”的部门。", "为改革牵头部门加上“牵头部门”角色。"),
    ("model.note", _E, "附注是空的。", "填写附注，或删除该项。"),
    ("model.pair", _E, "成对的两个字段只填了一个。", "两个字段同时填写，或都不填。"),
    ("model.project_code", _E, "项目代码格式不正确。", "写成“年份-行政区划代码-行业代码-类型-序号”，如 2024-420202-48-01-123456。"),
    ("model.punct", _E, "附件名称后加了标点符号（GB/T 9704 7.3.3）。", "删去名称末尾的标点。"),
    ("model.register_source", _E, "发文登记簿中数据文件（source）和字号字段（field）只填了一个。", "两个都填，或都不填。"),
    ("model.secrecy_term", _E, "填写了保密期限却没有密级。", "填写 classification（秘密、机密或绝密），或删除保密期限。"),
    ("model.separate", _E, "另发的附件（separate: true）还写了内容。", "另发的附件只写名称。"),
    ("model.signers", _E, "签发人姓名重复。", "每位签发人只写一次。"),
    ("model.sum_mismatch", _E, "分项合计与总数不一致。", "核对各分项金额和总额。"),
    ("model.task_due", _E, "任务的完成时间没填或填了不止一种。", "due_date、due_month_end、rhythm 三者只填一种。"),
    ("model.threshold_order", _E, "规则中的下限大于上限。", "核对两个阈值。"),
    ("model.too_deep", _E, "正文层级超过4层（一、/（一）/1./（1））。", "把第5层及更深的内容并入上一层。"),
    ("model.unknown_department", _E, "行业的主管部门不在区情设置的部门中。", "在 departments 中补上该部门，或改正部门名称。"),
    ("model.unknown_source", _E, "资金拨付中的来源不在该项目的资金来源中。", "先在资金来源中登记，或改正来源名称。"),
    ("model.weights", _E, "各项权重全为 0。", "至少给一项设置大于 0 的权重。"),
    ("model.wording.braces", _E, "措辞中的花括号 {} 不成对。", "检查 {值} 的写法，花括号要成对。"),
    ("model.wording.value", _E, "措辞中引用了该说法没有的值。", "只用错误信息列出的 {值}。"),
    # ── ref ──
    ("ref.catalogue-appraisal", _W, "项目仍在目录库，却有论证记录。", "核对项目所在的库，或删除这条论证记录。"),
    ("ref.district-invalid", _W, "区情设置有错误或无法读取，引用检查不完整。", "先改正 district.yaml，再校验一次。"),
    ("ref.duplicate-project", _E, "项目编号重复。", "每个项目的平台项目编号须唯一。"),
    ("ref.duplicate-project-code", _E, "项目代码重复。", "核对储备库信息中的项目代码，每个项目须唯一。"),
    ("ref.invalid-file", _E, "附件引用的任务清单文件不是有效的任务清单。", "先改正该任务清单文件，或改为引用正确的文件。"),
    ("ref.missing-file", _E, "附件引用的任务清单文件不存在。", "检查路径（相对于数据目录）和文件名。"),
    ("ref.no-district", _W, "没有区情设置（district.yaml），跳过引用检查。", "在数据目录中放入 district.yaml（可用 wenshu init 生成）。"),
    ("ref.not-completed", _E, "项目尚未竣工，不能开展项目绩效评价。", "核对项目的竣工时间，或删除这条评价。"),
    ("ref.unknown-department", _E, "引用的部门不在区情设置的部门中。", "改正部门名称或简称，或在 district.yaml 中补上该部门。"),
    ("ref.unknown-industry", _E, "引用的行业不在区情设置的行业中。", "改正行业名称，或在 district.yaml 中补上该行业。"),
    ("ref.unknown-organ", _E, "引用的发文机关代号不在区情设置的 organs 中。", "改正机关代号，或在 district.yaml 的 organs 中补上。"),
    ("ref.unknown-project", _E, "引用的项目编号在项目数据中不存在。", "核对项目编号是否抄错。"),
    # ── coherence ──
    ("coherence.after-date", _W, "统计截止日晚于报告（评价）日期，报告不能引用成文日期之后的数据。", "核对两个日期。"),
    ("coherence.appraiser", _W, "论证部门不是区情设置中负责该类论证的部门。", "核对论证部门，或在 district.yaml 中为该部门加上这项职责。"),
    ("coherence.bulletin-early", _W, "月度督办通报的成文日期早于该月结束。", "通报应在该月结束后印发，核对成文日期。"),
    ("coherence.highlight", _W, "工作亮点与数据不符，通报表彰会把它当作事实印发。", "核对工作亮点的说法和相应数据。"),
    # ── notice ──
    ("notice.no-signers", _W, "上行文没有标注签发人（GB/T 9704 7.2.6）。", "填写 signers。"),
    ("notice.signers-downward", _W, "签发人只在上行文中标注，这份文件的签发人不会印出。", "核对行文方向，或删除 signers。"),
    # ── calendar ──
    ("calendar.incomplete-year", _W, "某一年的节假日安排没有列出或缺少法定假日的放假日期，这些日子会被算作工作日。",
     "按国务院办公厅当年的节假日安排通知，完整录入放假日期和调休上班日期。"),
    ("calendar.no-data", _E, "日期所在的年份没有法定节假日和调休安排数据，无法计算工作日。",
     "在数据目录的 holidays.yaml 中补充该年的安排。"),
    # ── number ──
    ("number.duplicate", _E, "同一发文字号被两份公文使用。", "改正其中一份的发文顺序号，或在发文登记簿中核对。"),
    ("number.gap", _W, "发文字号中间有空号，数据和发文登记簿中都没有。", "如果这些号已由其他公文使用，请在发文登记簿中登记。"),
    ("number.register", _EW, "发文登记簿无法读取、有错误或无法写入，自动编的发文字号没有登记。",
     "按错误信息改正发文登记簿或检查写入权限。"),
    # ── sheet ──
    ("sheet.alias-unknown", _W, "表格别名文件中写了不存在的工作表或列，已忽略。", "核对 表格别名.yaml 中的工作表名和列名。"),
    ("sheet.ambiguous", _E, "无法判断这个 CSV 文件是哪个工作表。", "把文件命名为工作表名称，如 资金来源.csv。"),
    ("sheet.bad-date", _E, "单元格中的日期不存在（例如该月没有这一天）。", "检查年、月、日。"),
    ("sheet.bad-file", _E, "填写的数据文件路径不合适。", "写数据目录中的相对路径，以 .yaml 结尾，不含“..”；也可以不填。"),
    ("sheet.body-table", _E, "正文中的表格标记写法不对。", "按【表格】…【表格完】的写法改正，各列用分隔符隔开。"),
    ("sheet.duplicate", _E, "两个文件都是同一个工作表的数据。", "只导入其中一个。"),
    ("sheet.duplicate-column", _E, "同一列名出现了两次。", "删除或改名其中一列。"),
    ("sheet.duplicate-key", _E, "记录的编号重复，其他工作表中属于它的行无法对应。", "每条记录的编号须唯一。"),
    ("sheet.empty", _E, "表格中没有任何数据。", "填写数据后再导入。"),
    ("sheet.fullwidth", _E, "代码或编号中有全角数字。", "改为半角数字（输入法切换到半角，或用“查找替换”）。"),
    ("sheet.level", _E, "正文小节的层级跳级了。", "每一级只能比上一行深一级，第一个小节为第1级。"),
    ("sheet.long-number", _E, "代码被 Excel/WPS 当成了数字，超过15位的部分已经变成 0。",
     "把该列设为“文本”格式后重新输入代码。"),
    ("sheet.missing-column", _E, "缺少必填的列。", "保留 wenshu 填报表中的列，或在 表格别名.yaml 中写明对应的列。"),
    ("sheet.no-header", _E, "前10行中找不到列名行。", "保留 wenshu 填报表第1行的列名。"),
    ("sheet.no-key", _E, "这一行没有填写所属记录，无法对应。", "填写所属记录的编号或名称。"),
    ("sheet.no-owner", _E, "工作表的行属于另一个工作表的记录，但那个工作表没有一起导入。", "把两个工作表一起导入。"),
    ("sheet.no-owner-row", _E, "这一行所属的记录在对应的工作表中不存在。", "检查编号是否抄错，或先在该工作表中填写这条记录。"),
    ("sheet.same-file", _E, "同一个数据文件被用于两类数据或两行。", "每行写一个不同的数据文件。"),
    ("sheet.unknown", _W, "不是 wenshu 填报表的工作表，已忽略。", "如果这是其他程序导出的表，在 表格别名.yaml 中写明它对应的工作表。"),
    ("sheet.unknown-column", _W, "不认识的列，已忽略。", "如果这是其他程序的列名，在 表格别名.yaml 中写明它对应的列。"),
    ("sheet.unknown-row", _W, "表单中不认识的项目，已忽略。", "核对第一列的项目名称。"),
    # ── export ──
    ("export.cell", _E, "某个值无法原样放进表格。", "按错误信息修改该值。"),
    ("export.duplicate", _E, "数据目录中同一类只能有一个的文件有两个。", "只保留一个。"),
    ("export.too-long", _E, "文字超过 Excel 单元格的字数上限。", "缩短这段文字。"),
    # ── init ──
    ("init.option", _E, "wenshu init 缺少或写错了选项。", "按错误信息补上或改正选项。"),
    # ── usage ──
    ("usage", _E, "命令行用法不对。", "用 --help 查看命令的用法。"),
    ("usage.ambiguous", _E, "数据中有多份此类文书，不知道要生成哪一份。", "用 --item 选择一份，或用 wenshu batch 全部生成。"),
    ("usage.bad-option", _E, "选项的值不对。", "按错误信息改正选项的值。"),
    ("usage.bad-workbook", _E, "工作簿无法打开：文件已损坏或不是 .xlsx 格式。", "在 Excel 或 WPS 中另存为 .xlsx 后再导入。"),
    ("usage.cannot-write", _E, "输出文件无法写入。", "检查目录是否存在、是否有写权限、磁盘是否已满。"),
    ("usage.encoding", _E, "CSV 文件的编码无法识别。", "另存为 UTF-8 编码的 CSV。"),
    ("usage.exists", _E, "输出文件已存在，没有覆盖。", "加 --force 覆盖，或换一个文件名。"),
    ("usage.is-a-folder", _E, "给出的是目录，这里需要文件。", "写文件的路径。"),
    ("usage.no-sheets", _E, "没有找到 wenshu 填报表的工作表。", "用 wenshu export 生成的填报表，或把 CSV 文件命名为工作表名称。"),
    ("usage.no-such-item", _E, "--item 给出的文书找不到。", "按错误信息列出的可选项改写 --item。"),
    ("usage.no-such-path", _E, "给出的路径不存在。", "检查路径是否写对。"),
    ("usage.no-tables", _E, "目录中没有 .xlsx 或 .csv 文件。", "检查目录是否写对。"),
    ("usage.not-a-directory", _E, "给出的目标不是目录。", "写一个目录的路径。"),
    ("usage.not-a-folder", _E, "给出的是文件，这里需要目录。", "写目录的路径。"),
    ("usage.nothing", _E, "数据中没有可生成这类文书的记录。", "先填写相应的数据。"),
    ("usage.old-format", _E, "旧版 Excel（.xls）或 WPS（.et）格式无法读取。", "另存为 Excel 工作簿（.xlsx）后再导入。"),
    ("usage.same-file", _E, "批注版不能覆盖原模板。", "为批注版另选一个文件名。"),
    ("usage.suffix", _E, "文件的扩展名不对。", "按错误信息使用 .xlsx 或 .csv。"),
    ("usage.too-large", _E, "文件超过大小上限。", "把数据拆成几个文件。"),
    ("usage.unknown-kind", _E, "未知的文书类型。", "用 wenshu kinds 查看可用的类型。"),
    ("usage.unknown-organ", _E, "--organ 给出的发文机关不存在。", "按错误信息列出的机关代字改写。"),
    # ── template ──
    ("template.bad-xml", _E, "模板某一部分的 XML 已损坏。", "在 Word/WPS 中打开模板并重新保存；若仍报错，请用备份。"),
    ("template.duplicate-kind", _W, "模板目录中同一类文书有多个模板，只用了其中一个。", "每类文书只保留一个模板。"),
    ("template.invalid", _E, "模板有错误（未细分的模板问题）。", "用 wenshu template check 检查模板。"),
    ("template.missing", _E, "模板文件不存在。", "检查模板路径。"),
    ("template.no-builtin", _E, "找不到内置模板目录，安装可能不完整。", "重新安装 wenshu。"),
    ("template.not-docx", _E, "模板不是有效的 .docx 文件。", "在 Word/WPS 中另存为 Word 文档（*.docx）。"),
    ("template.not-used", _W, "模板目录中的文件不是 .docx，未使用。", "在 Word/WPS 中另存为 Word 文档（*.docx）。"),
    ("template.syntax", _E, "模板的标签有语法错误，无法使用。", "用 wenshu template check 找出并改正所有问题。"),
    ("template.unknown-kind", _W, "无法判断模板是哪种文书的，未使用。", "把文件名改为以文书类型开头，或在文档属性中写明文书类型。"),
    ("template.unreadable", _E, "模板文件无法读取。", "检查文件权限。"),
    # ── tpl ──
    ("tpl.bad-xml", _E, "模板某一部分的 XML 已损坏。", "在 Word 中打开并重新保存；若 Word 也报错，请用备份。"),
    ("tpl.block-crosses-cells", _E, "一组 if/for 的开始和结束标签不在同一个单元格、同一行或同一个表格里。",
     "表格行循环用 {%tr for %}…{%tr endfor %}；单元格内的判断在同一单元格内结束。"),
    ("tpl.block-prefix-mismatch", _E, "一组 if/for 的开始、中间、结束标签用了不同的 p/tr/tc 前缀。", "统一用同样的前缀。"),
    ("tpl.block-spans-paragraphs", _W, "不带 p 前缀的判断或循环跨了段落，生成时段落会被合并或留下空段。",
     "跨段的判断/循环用 {%p if %} / {%p for %}，且单独成段。"),
    ("tpl.broken-delimiter", _W, "两个括号之间有空格，不构成标签。", "删去空格，写成 {{ 或 {%。"),
    ("tpl.container-tag-chars", _E, "{%p/tr/tc … %} 标签里出现了 % 或 }，docxtpl 会截断它。",
     "取余改写为 is divisibleby；或先用 {% set %} 算好。"),
    ("tpl.deleted-tag", _E, "段落中有被删除（修订）的标签文字，看不见但仍会执行。", "接受所有修订后再保存。"),
    ("tpl.fullwidth-brace", _E, "标签用了全角的 ｛ ｝ 或 ％，不会被当作标签。", "切换到英文输入法，重新输入半角的 { } %。"),
    ("tpl.fullwidth-punct", _E, "标签里有全角符号或不间断空格。", "标签里的括号、点、竖线、逗号、等号和空格都用半角。"),
    ("tpl.leftover-comments", _W, "模板中还留有 wenshu 检查时加的批注。", "在 Word 中删除文档中的所有批注后再使用。"),
    ("tpl.maybe-none", _W, "可能为空的字段被直接使用，生成时会出错或输出“None”。",
     "用 {%p if 字段 %} … {%p endif %} 包起来，或写 {{ 字段|default('') }}。"),
    ("tpl.merge-outside-loop", _E, "{% vm %} / {% hm %} 不在 {%tr for %} 循环内。", "把它移到表格行循环内。"),
    ("tpl.merge-outside-table", _E, "合并单元格、单元格底色等标签不在表格单元格里。", "把它移到表格单元格里。"),
    ("tpl.mismatched-block", _E, "开始和结束标签不配对（如 for 用 endif 结束）。", "for 用 endfor 结束，if 用 endif 结束。"),
    ("tpl.missing-space", _E, "{%p if 之类的标签前缀与语句之间缺少空格。", "在前缀和语句之间加一个半角空格。"),
    ("tpl.no-kind", _W, "无法判断模板是哪种文书的，没有检查字段名。", "用 --kind 指定文书类型，或保持内置模板的文件名。"),
    ("tpl.not-a-list", _EW, "对不是列表的字段用了 for 循环。", "用 wenshu template fields 查看哪些字段是列表。"),
    ("tpl.not-docx", _E, "模板不是有效的 .docx 文件。", "在 Word/WPS 中另存为 Word 文档（*.docx）。"),
    ("tpl.prefix-space", _E, "{% 与 p/tr/tc 前缀之间有空格，标签不会被认出。", "删去空格，写成 {%p、{%tr、{%tc。"),
    ("tpl.prints-object", _W, "直接输出列表或对象，会显示成程序格式。", "输出其中的字段，或用 join_cn 等过滤器连成文字。"),
    ("tpl.rich-tag", _E, "{{p/tr/tc/r …}} 用于插入子文档或富文本，wenshu 的数据只有文字。", "改为普通的 {{ 字段 }}。"),
    ("tpl.smart-quotes", _EW, "标签里有中文引号或全角引号。", "改为半角引号 \" 或 '，并关闭 Word 的“直引号替换为弯引号”。"),
    ("tpl.split-tag", _E, "Word 把标签拆开了（中间夹了修订、超链接、域等），无法拼回。",
     "删除整个标签，用英文输入法一次性重新输入。"),
    ("tpl.stray-close", _E, "有结束符 }} 或 %}，前面却没有开始符。", "删除多余的结束符，或补上开始符。"),
    ("tpl.syntax", _E, "标签语法错误。", "检查括号、引号是否成对，字段名和运算符是否写错。"),
    ("tpl.tag-in-unrendered-part", _W, "标签写在 wenshu 不处理的部分（批注、图表、文档属性），会原样留下。",
     "把标签移到正文、页眉或页脚中。"),
    ("tpl.tc-outside-cell", _E, "{%tc … %} 不在表格单元格里。", "把它移到单元格里，或改用 {%p … %}。"),
    ("tpl.text-removed", _W, "{%p %} 或 {%tr %} 所在的整段（整行）会被删除，其中的其他文字也会消失。",
     "把这类标签单独放一段（一行）。"),
    ("tpl.tr-outside-row", _E, "{%tr … %} 不在表格行里。", "表格外的段落用 {%p … %}。"),
    ("tpl.tracked-changes", _W, "模板中有未接受的修订。", "接受所有修订，并关闭“修订”后再保存。"),
    ("tpl.two-cell-tags", _E, "同一单元格里有两个 {%tc %} 标签，第二个会丢失。", "每个 {%tc %} 标签单独占一个单元格。"),
    ("tpl.two-paragraph-tags", _E, "同一段里有两个 {%p %} 标签，第二个会丢失。", "每个 {%p %} 标签单独占一段。"),
    ("tpl.two-row-tags", _E, "同一行里有两个 {%tr %} 标签，第二个会丢失。", "每个 {%tr %} 标签单独占一行。"),
    ("tpl.unclosed-block", _E, "if/for 等没有结束标签。", "在该结束的位置补上 endif/endfor。"),
    ("tpl.unclosed-tag", _E, "标签没有结束符，或被回车分成了两段。", "补上结束符，并把标签合并到同一段。"),
    ("tpl.unknown-field", _E, "模板引用了数据中没有的字段。", "按提示改正字段名；可用的字段见 wenshu template fields。"),
    ("tpl.unknown-filter", _E, "没有这个名字的过滤器。", "按提示改正；wenshu 的过滤器见《模板编辑指南》。"),
    ("tpl.unknown-tag", _E, "不认识的语句。", "常用语句：if / elif / else / endif，for / endfor，set。"),
    ("tpl.unknown-test", _E, "is 之后的判断名不存在。", "按提示改正判断名。"),
    ("tpl.unopened-block", _E, "有 else/elif/endif/endfor，前面却没有对应的开始标签。", "删除多余的标签，或补上开始标签。"),
    ("tpl.unsafe", _E, "模板访问程序内部、修改数据或引入其他文件，安全沙箱会拒绝。", "模板只使用数据字段和 wenshu 提供的过滤器。"),
    # ── layout ──
    ("layout.even-odd", _W, "没有启用“奇偶页不同”或缺少偶数页页脚，单双页码无法分居两侧。",
     "Word：布局 → 页面设置 → 版式 → 奇偶页不同，并设置偶数页页脚。"),
    ("layout.font", _W, "样式的中文字体不是标准规定的字体或没有设置。", "按期望的字体修改该样式。"),
    ("layout.font-size", _W, "样式的字号不是标准规定的字号。", "按期望的字号修改该样式。"),
    ("layout.line-grid", _W, "文档网格不是“只指定行网格，每页22行”。", "Word：布局 → 页面设置 → 文档网格 → 只指定行网格，每页 22 行。"),
    ("layout.margin", _W, "页边距或版心尺寸不符合标准。", "Word：布局 → 页边距 → 自定义页边距，按期望值设置。"),
    ("layout.page-number", _W, "页脚中没有页码域。", "在页脚插入页码（PAGE 域）。"),
    ("layout.page-number-dash", _W, "页码两侧没有一字线（— 1 —）。", "页码写成“— 页码 —”的形式。"),
    ("layout.page-size", _W, "纸张不是 A4 或没有设置。", "Word：布局 → 纸张大小 → A4。"),
    ("layout.theme-font", _W, "中文字体用的是主题字体，WPS 和未装该字体的电脑会换字体。", "为该样式直接指定中文字体。"),
    # ── render ──
    ("render.bad-xml", _E, "生成的文档 XML 无效，未写出文件。", "数据中可能有不可见的控制字符，检查最近修改的文字。"),
    ("render.error", _E, "模板执行出错（如除以零、过滤器用错了类型）。", "按错误信息指出的段落检查标签。"),
    ("render.failed", _E, "生成或写出文书失败（未细分的生成问题）。", "按错误信息处理。"),
    ("render.recursion", _E, "模板递归过深，已停止。", "检查模板中的宏或循环是否调用了自身。"),
    ("render.template", _E, "模板执行出错。", "用 wenshu template check 检查模板。"),
    ("render.timeout", _E, "生成一部分内容超时，已停止。", "检查模板中的循环是否失控。"),
    ("render.too-large", _E, "生成的内容超过大小上限，已停止。", "检查模板中的循环是否失控。"),
    ("render.undefined", _E, "模板用了数据中没有的字段或值。", "用 wenshu template check 检查模板中的字段名。"),
    ("render.unsafe", _E, "模板访问了安全沙箱不允许的内容。", "模板只使用数据字段和 wenshu 提供的过滤器。"),
    # ── pdf ──
    ("pdf.booklet-contents", _E, "汇编的目录页转换失败。", "检查 LibreOffice 是否正常（wenshu doctor），再重试。"),
    ("pdf.booklet-empty", _E, "汇编中没有任何文书。", "先生成文书及其 PDF。"),
    ("pdf.booklet-input", _E, "要汇编的 PDF 不存在或无法读取。", "重新生成该文书的 PDF。"),
    ("pdf.booklet-renumber", _E, "汇编页码重排失败。", "检查 LibreOffice 是否正常，再重试。"),
    ("pdf.convert-failed", _E, "LibreOffice 无法转换该文档。", "在 Word/WPS 中打开该文档检查是否损坏，再重试。"),
    ("pdf.input-missing", _E, "要转换的文件不存在。", "先生成 .docx 文件。"),
    ("pdf.libreoffice-missing", _E, "没有找到 LibreOffice，无法转换为 PDF。",
     "安装 libreoffice-writer-nogui，或设置环境变量 WENSHU_SOFFICE 指向 soffice。"),
    ("pdf.office-died", _E, "LibreOffice 进程意外退出。", "重试；多次出现时检查内存和 LibreOffice 安装。"),
    ("pdf.output-invalid", _E, "LibreOffice 没有写出 PDF，或写出的 PDF 无法读取。", "重试；多次出现时检查磁盘空间。"),
    ("pdf.pool-closed", _E, "PDF 转换池已关闭。", "重新运行命令。"),
    ("pdf.start-failed", _E, "LibreOffice 进程启动失败。", "检查 LibreOffice 安装（wenshu doctor）。"),
    ("pdf.timeout", _E, "转换超时，已终止 LibreOffice 进程。", "重试；文档很大时可能需要更长时间。"),
    ("pdf.write-failed", _E, "PDF 或汇编无法写入。", "检查磁盘空间和写权限。"),
    # ── batch ──
    ("batch.cannot-write", _E, "输出目录无法写入。", "换一个可写的目录，或检查磁盘和权限。"),
    ("batch.internal", _E, "生成某份文书时发生内部错误，其余文书照常生成。", "请把错误信息报告给维护人员。"),
    ("batch.journal", _E, "续跑日志写入失败，已生成的文书不受影响。", "检查磁盘空间；--resume 时会重新生成。"),
    ("batch.locked", _E, "另一个 wenshu batch 正在写入同一个输出目录。", "等它完成后再运行。"),
    ("batch.manifest", _E, "清单（manifest.json）写入失败。", "检查磁盘空间和写权限。"),
    ("batch.no-district", _E, "没有有效的区情设置，无法生成文书。", "先改正或补上 district.yaml。"),
    ("batch.out-not-dir", _E, "输出路径已存在且不是目录。", "换一个输出目录。"),
    ("batch.out-not-empty", _E, "输出目录不为空，且不是 wenshu batch 的输出目录。", "换一个空目录，或加 --force 确认写入。"),
    ("batch.unknown-department", _E, "指定的部门不存在。", "按错误信息列出的部门改写。"),
    ("batch.withdraw-postponed", _W, "数据有错误，以前生成但本次没有对应数据的文书暂不移走。", "改正数据后重新运行。"),
    ("batch.write", _E, "文书写入失败。", "检查磁盘空间和写权限。"),
    # ── spool ──
    ("spool.write", _E, "大规模数据的临时索引文件写入失败。", "清理磁盘空间或换一个输出目录后重试；批量生成可加 --resume。"),
    # ── wenshu ──
    ("wenshu.error", _E, "未细分的问题。", "按错误信息处理。"),
]

CODES: dict[str, CodeInfo] = {c.id: c for c in (CodeInfo(*e) for e in _ENTRIES)}


def lookup(code: str) -> CodeInfo | None:
    """The registry entry of ``code``, or None for a code not registered."""
    return CODES.get(code)


# ─── docs/问题代码.md ─────────────────────────────────────────────────────────────────────────

DOC_PATH = Path("docs") / "问题代码.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_doc() -> str:
    """The Markdown page listing every code, by group."""
    out = [
        "# 问题代码",
        "",
        "<!-- 本页由 src/wenshu/problem_codes.py 生成，请勿手工修改；修改后运行：python -m wenshu.problem_codes -->",
        "",
        "wenshu 报告的每个问题都带一个固定的代码，写在方括号里，例如：",
        "",
        "```",
        "data/projects.yaml，第12行，第5列：错误 [model.missing]",
        "```",
        "",
        "代码不随提示文字变化，可以用来查找本页的说明，也可以在脚本中按代码筛选问题。“级别”为“错误”的问题必须改正，"
        "wenshu 才会生成文书；“警告”提醒可能的疏漏，不影响生成。",
        "",
        f"共 {len(CODES)} 个代码。",
        "",
    ]
    for group, title in GROUPS.items():
        items = sorted((c for c in CODES.values() if c.group == group), key=lambda c: c.id)
        if not items:
            continue
        out += [f"## {title}（{group}）", "", "| 代码 | 级别 | 含义 | 怎么改 |", "| --- | --- | --- | --- |"]
        out += [f"| `{c.id}` | {SEVERITY_TEXT[c.severity]} | {_cell(c.explanation)} | {_cell(c.fix)} |" for c in items]
        out.append("")
    return "\n".join(out)


def write_doc(path: Path = DOC_PATH) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_doc(), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m wenshu.problem_codes [--check] [文件]``: write (or check) the documentation page."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    rest = [a for a in args if a != "--check"]
    path = Path(rest[0]) if rest else DOC_PATH
    if check:
        if not path.is_file() or path.read_text(encoding="utf-8") != render_doc():
            print(f"{path.as_posix()} 已过期：运行 python -m wenshu.problem_codes 重新生成。", file=sys.stderr)
            return 1
        print(f"{path.as_posix()} 是最新的。")
        return 0
    print(f"已写入 {write_doc(path).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
