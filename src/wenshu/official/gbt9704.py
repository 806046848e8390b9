"""GB/T 9704-2012《党政机关公文格式》: every number wenshu uses, in one annotated place.

Template building (``official/layout.py``) and format checks read their numbers from here and
nowhere else. Each constant is a ``Spec`` carrying the clause it comes from and how strongly the
standard says it:

* 规定 — the standard fixes it ("应当", or a dimension with a tolerance). A deviation is a
  non-conformance.
* 一般 — "一般用/一般每面排…"; the standard allows "特定情况可以作适当调整". Deviations warn.
* 推荐 — "推荐使用/推荐高度为"; deviations warn.
* 可以 — the standard permits it ("可以用"); deviations warn.
* 实务 — common practice in Word/WPS offices; the standard says nothing. Never present it as 国标.
* 推算 — arithmetic from 规定/一般 numbers (e.g. the bottom margin from the 版心 height). The note
  shows the arithmetic.

Values the standard leaves open (red-rule weight, mark size, concrete font names ...) are in
``Settings`` so a district can override them without touching this module.

Units: 1 inch = 25.4 mm = 72 pt = 1440 twips; run sizes are half-points (``w:sz``); border widths
are eighths of a point (``w:sz`` on ``w:pBdr``/``w:tblBorders``); border spacing is whole points.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any, Union

from pydantic import ConfigDict, Field, field_validator

from wenshu.models.base import WenshuModel

Number = Union[int, float, Decimal]


# ─── unit conversion ──────────────────────────────────────────────────────────────────────────
# Decimal arithmetic with explicit half-up rounding: round() on floats is banker's rounding and
# 37 mm = 2097.64 twips must come out as 2098 on every platform.

_MM_PER_INCH = Decimal("25.4")
_TWIPS_PER_INCH = Decimal(1440)
_PT_PER_INCH = Decimal(72)
_EMU_PER_MM = Decimal(36000)


def _dec(x: Number) -> Decimal:
    if isinstance(x, bool):
        raise TypeError("expected a number, got bool")
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, float):
        # str() gives the shortest repr, so 28.95 stays 28.95 instead of 28.949999…
        return Decimal(str(x))
    raise TypeError(f"expected int, float or Decimal, got {type(x).__name__}")


def _round(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def mm_to_twips(mm: Number) -> int:
    """Millimetres → twips (1/20 pt), rounded half-up: 37 → 2098, 156 → 8844."""
    return _round(_dec(mm) * _TWIPS_PER_INCH / _MM_PER_INCH)


def mm_to_pt(mm: Number) -> Decimal:
    """Millimetres → points (exact Decimal, not rounded)."""
    return _dec(mm) * _PT_PER_INCH / _MM_PER_INCH


def mm_to_emu(mm: Number) -> int:
    """Millimetres → English Metric Units (python-docx ``Length``)."""
    return _round(_dec(mm) * _EMU_PER_MM)


def pt_to_twips(pt: Number) -> int:
    """Points → twips: 16 → 320, 28.95 → 579."""
    return _round(_dec(pt) * 20)


def pt_to_half_points(pt: Number) -> int:
    """Points → half-points for ``w:sz``: 三号 16 → 32, 五号 10.5 → 21."""
    return _round(_dec(pt) * 2)


def pt_to_eighths(pt: Number) -> int:
    """Points → eighths of a point for border ``w:sz``: 1 pt → 8."""
    return _round(_dec(pt) * 8)


def mm_to_eighths(mm: Number) -> int:
    """Millimetres → border ``w:sz``: 0.35 mm (0.992 pt) → 8, 0.25 mm (0.709 pt) → 6."""
    return _round(mm_to_pt(mm) * 8)


def twips_to_mm(twips: Number) -> Decimal:
    """Twips → millimetres (exact Decimal)."""
    return _dec(twips) * _MM_PER_INCH / _TWIPS_PER_INCH


def twips_to_pt(twips: Number) -> Decimal:
    return _dec(twips) / 20


# ─── the annotated constant ───────────────────────────────────────────────────────────────────


class Strength(str, Enum):
    """How strongly GB/T 9704-2012 states a value (see the module docstring)."""

    REQUIRED = "规定"
    GENERAL = "一般"
    RECOMMENDED = "推荐"
    PERMITTED = "可以"
    PRACTICE = "实务"
    DERIVED = "推算"

    @property
    def binding(self) -> bool:
        """Only 规定 values make a deviation a non-conformance; everything else warns."""
        return self is Strength.REQUIRED


@dataclass(frozen=True)
class Spec:
    """One number (or name) with its unit, clause, strength and a why-note."""

    value: Any
    unit: str
    clause: str
    strength: Strength
    note: str = ""

    @property
    def binding(self) -> bool:
        return self.strength.binding

    def cite(self) -> str:
        """Chinese citation for reports, e.g. "GB/T 9704—2012 5.2.1，规定"."""
        if self.strength in (Strength.PRACTICE, Strength.DERIVED):
            return f"{self.strength.value}（非国标条文，参照 {self.clause}）"
        return f"GB/T 9704—2012 {self.clause}，{self.strength.value}"


R, G, REC, P, PR, D = (
    Strength.REQUIRED,
    Strength.GENERAL,
    Strength.RECOMMENDED,
    Strength.PERMITTED,
    Strength.PRACTICE,
    Strength.DERIVED,
)

# ─── clause 3: units ──────────────────────────────────────────────────────────────────────────

ZI_UNIT = Spec("字", "", "3.1", R, "一个汉字宽度的距离；以 3号字计为 16 pt，以 4号字计为 14 pt。")
HANG_UNIT = Spec(
    Decimal(30), "pt", "3.2", R,
    "一行 = 一个字的高度 + 3号字高度的 7/8 = 16 + 14 = 30 pt ≈ 10.58 mm。"
    "22 × 30 pt 超过 225 mm 版心，故排版行距用 LINE_PITCH（推算），不用 30 pt。",
)

# ─── clause 5: paper, margins, text area ──────────────────────────────────────────────────────

PAPER_WIDTH = Spec(210, "mm", "5.1", R, "GB/T 148 A4 成品幅面。")
PAPER_HEIGHT = Spec(297, "mm", "5.1", R, "GB/T 148 A4 成品幅面。")
MARGIN_TOP = Spec(37, "mm", "5.2.1", R, "天头 37 mm ± 1 mm。")
MARGIN_LEFT = Spec(28, "mm", "5.2.1", R, "订口 28 mm ± 1 mm。")
MARGIN_TOLERANCE = Spec(1, "mm", "5.2.1", R, "天头、订口允许误差。")
TEXT_WIDTH = Spec(156, "mm", "5.2.1", R, "版心宽 156 mm = 8844 twips。")
TEXT_HEIGHT = Spec(225, "mm", "5.2.1", R, "版心高 225 mm = 12756 twips（不含页码）。")
MARGIN_BOTTOM = Spec(35, "mm", "5.2.1", D, "297 − 37 − 225 = 35 mm；标准只给天头与版心高。")
MARGIN_RIGHT = Spec(26, "mm", "5.2.1", D, "210 − 28 − 156 = 26 mm；标准只给订口与版心宽。")

LINES_PER_PAGE = Spec(22, "行", "5.2.3", G, "一般每面排22行，并撑满版心；特定情况可以作适当调整。")
CHARS_PER_LINE = Spec(28, "字", "5.2.3", G, "一般每行排28个字，并撑满版心；特定情况可以作适当调整。")

LINE_PITCH = Spec(
    579, "twips", "5.2.3", D,
    "225 mm = 12755.9 twips；22 × 579 = 12738 ≤ 12755.9，而 22 × 580 = 12760 超出版心，"
    "只排得下 21 行。579 是能排 22 行的最大整数行距（28.95 pt），也是 Word 文档网格"
    "“每页 22 行”写出的 w:linePitch。",
)
CHAR_SPACING_3HAO = Spec(
    -5, "twips", "5.2.3", PR,
    "156 mm = 8844 twips；28 × 16 pt = 28 × 320 = 8960 > 8844，只排得下 27 字。"
    "每字收紧 5 twips（−0.25 pt）：28 × 315 = 8820 ≤ 8844，29 × 315 = 9135 > 8844，正好 28 字。"
    "用字符间距而非字符网格，因为字符网格会把二号标题也拉到网格字距。",
)
FIRST_LINE_INDENT = Spec(
    640, "twips", "7.3.3", G, "每个自然段左空二字：2 × 16 pt = 32 pt = 640 twips（与字符间距无关，按字号计）。"
)

TEXT_COLOR = Spec("000000", "RGB", "5.2.4", G, "如无特殊说明，公文格式各要素一般颜色均为黑色。")
RED_RGB = Spec(
    "FF0000", "RGB", "6.2", PR,
    "标准只规定印刷红色墨为 Y80% M80%（见 RED_PRINT）；电子模板通用纯红 FF0000。",
)
RED_PRINT = Spec("Y80 M80", "CMYK%", "6.2", R, "印刷红色油墨 Y80%、M80%（≈ CMYK 0/80/80/0）。")

# ─── 5.2.2: font sizes (号 → pt); the size table itself is typographic convention ──────────────


@dataclass(frozen=True)
class FontSize:
    """A Chinese font size (字号)."""

    name: str
    pt: Decimal

    @property
    def half_points(self) -> int:
        return pt_to_half_points(self.pt)

    @property
    def twips(self) -> int:
        """Width of one full-width character at this size (one 字)."""
        return pt_to_twips(self.pt)


CHUHAO = FontSize("初号", Decimal(42))
XIAOCHU = FontSize("小初", Decimal(36))
YIHAO = FontSize("一号", Decimal(26))
XIAOYI = FontSize("小一", Decimal(24))
ERHAO = FontSize("二号", Decimal(22))
XIAOER = FontSize("小二", Decimal(18))
SANHAO = FontSize("三号", Decimal(16))
XIAOSAN = FontSize("小三", Decimal(15))
SIHAO = FontSize("四号", Decimal(14))  # not 12: 12 pt is 小四, a common mistake in public tools
XIAOSI = FontSize("小四", Decimal(12))
WUHAO = FontSize("五号", Decimal("10.5"))
XIAOWU = FontSize("小五", Decimal(9))

FONT_SIZES: dict[str, FontSize] = {
    s.name: s
    for s in (CHUHAO, XIAOCHU, YIHAO, XIAOYI, ERHAO, XIAOER, SANHAO, XIAOSAN, SIHAO, XIAOSI, WUHAO, XIAOWU)
}

# ─── fonts: a category (what the standard names) + a concrete Windows font + alternates ───────


@dataclass(frozen=True)
class FontSpec:
    """A font the standard names by category (仿宋体), realised by a concrete font name."""

    category: str
    name: str
    alternates: tuple[str, ...] = ()


FANGSONG = FontSpec("仿宋体", "仿宋_GB2312", ("仿宋", "FangSong", "方正仿宋_GBK", "STFangsong"))
XIAOBIAOSONG = FontSpec("小标宋体", "方正小标宋简体", ("方正小标宋_GBK", "华文中宋", "STZhongsong", "宋体"))
HEITI = FontSpec("黑体", "黑体", ("SimHei", "方正黑体_GBK", "STHeiti"))
KAITI = FontSpec("楷体", "楷体_GB2312", ("楷体", "KaiTi", "方正楷体_GBK", "STKaiti"))
SONGTI = FontSpec("宋体", "宋体", ("SimSun", "STSong"))

FONT_NAMES_NOTE = Spec(
    "仿宋_GB2312 / 方正小标宋简体 / 黑体 / 楷体_GB2312 / 宋体", "", "5.2.2", PR,
    "标准只写字体类别（仿宋体、小标宋体…）；具体字体名是 Windows/WPS 办公实务，可在 Settings 中替换。",
)

# ─── fonts and sizes by role ──────────────────────────────────────────────────────────────────

BODY_FONT = Spec((FANGSONG, SANHAO), "", "5.2.2 / 7.3.3", G, "公文格式各要素一般用3号仿宋体字。")
TITLE_FONT = Spec((XIAOBIAOSONG, ERHAO), "", "7.3.1", G, "标题一般用2号小标宋体字。")
HEADING_FONTS = Spec(
    {1: (HEITI, SANHAO), 2: (KAITI, SANHAO), 3: (FANGSONG, SANHAO), 4: (FANGSONG, SANHAO)},
    "", "7.3.3", G,
    "一般第一层用黑体字、第二层用楷体字、第三层和第四层用仿宋体字标注；二级加粗、数字用 Times New Roman"
    "是地方习惯，不是国标（见 Settings）。",
)
HEADING_ORDINALS = Spec(
    {1: "一、", 2: "（一）", 3: "1.", 4: "（1）"}, "", "7.3.3", P,
    "结构层次序数依次可以用“一、”“（一）”“1.”“（1）”标注；第三层用半角句点。",
)
SECURITY_FONT = Spec((HEITI, SANHAO), "", "7.2.2 / 7.2.3", G, "密级和保密期限、紧急程度用3号黑体字。")
ATTACHMENT_LABEL_FONT = Spec((HEITI, SANHAO), "", "7.3.7", R, "“附件”二字及顺序号用3号黑体字顶格编排在版心左上角第一行。")
ATTACHMENT_TITLE_LINE = Spec(3, "行", "7.3.7", R, "附件标题居中编排在版心第三行。")
ATTACHMENT_TITLE_FONT = Spec((XIAOBIAOSONG, ERHAO), "", "7.3.7", PR, "标准只说“附件格式要求同正文”；比照公文标题用2号小标宋。")
IMPRINT_FONT = Spec((FANGSONG, SIHAO), "", "7.4.2 / 7.4.3", G, "抄送机关、印发机关和印发日期一般用4号仿宋体字。")
IMPRINT_SIDE_INDENT = Spec(1, "字", "7.4.2 / 7.4.3", G, "左右各空一字；以4号字计 = 14 pt = 280 twips。")
PAGE_NUMBER_FONT = Spec((SONGTI, SIHAO), "", "7.5", G, "一般用4号半角宋体阿拉伯数字。")

TITLE_LINE_PITCH = Spec(
    700, "twips", "7.3.1", PR,
    "2号字（22 pt）放在 579 twips 的行里，多行标题上下只隔约 7 pt，显得挤，且字体上伸部可能被裁；"
    "Word 办公实务常用固定值 32～35 pt。取 35 pt = 700 twips。首页本来不满 22 行，不破坏正文页网格。",
)
PAGE_NUMBER_LINE_PITCH = Spec(280, "twips", "7.5", PR, "页码行固定 14 pt（=4号字高），便于按页脚距离精确定位一字线。")
IMPRINT_LINE_PITCH = Spec(579, "twips", "7.4", PR, "版记每行占一个正文行高，与正文网格一致。")
TABLE_FONT = Spec((FANGSONG, SIHAO), "", "8", PR, "标准不规定表格字体；任务清单表常用4号仿宋，表头黑体。")
TABLE_LINE_PITCH = Spec(400, "twips", "8", PR, "表格文字固定 20 pt 行距：比正文紧凑，Word 与 LibreOffice 排版一致。")
TABLE_BORDER = Spec(Decimal("0.5"), "pt", "8", PR, "表格框线 0.5 pt 为常见做法；标准未规定。")

# ─── 7.2: 版头 ─────────────────────────────────────────────────────────────────────────────────

MARK_TOP = Spec(35, "mm", "7.2.4", R, "发文机关标志上边缘至版心上边缘为 35 mm（信函格式另计）。")
MARK_FONT = Spec(XIAOBIAOSONG, "", "7.2.4", REC, "推荐使用小标宋体字，颜色为红色，以醒目、美观、庄重为原则。")
MARK_SIZE = Spec(
    XIAOCHU.pt, "pt", "7.2.4", PR,
    "2012 版标准不规定标志字号（1999 版有 22 mm × 15 mm 下限）。默认小初 36 pt，"
    "名称过长时按版心宽的 96% 缩小（见 mark_size_for）。",
)
MARK_MAX_WIDTH_RATIO = Spec(Decimal("0.96"), "", "7.2.4", PR, "标志不顶满版心宽，两侧各留约 2% 余量。")
MARK_GLYPH_INSET = Spec(
    Decimal("-0.04"), "em", "7.2.4", PR,
    "行高等于字号（一字高）的固定行距里，标志字面上缘相对行顶的位置（负数 = 高出行顶）。"
    "LibreOffice 7.4 实测：32.5 pt 标志字面上缘高出行顶 0.42 mm ≈ 0.04 字高。35 mm 占位段据此加长。"
    "所用为替代字体（Noto CJK）；装上方正小标宋或在 Word 中排版应重新测量。",
)
DOC_NUMBER_GAP = Spec(2, "行", "7.2.5", R, "发文字号编排在发文机关标志下空二行位置，居中排布。")
RED_RULE_GAP = Spec(4, "mm", "7.2.7", R, "发文字号之下 4 mm 处居中印一条与版心等宽的红色分隔线。")
DOC_NUMBER_INK_TO_LINE_BOTTOM = Spec(
    Decimal("1.7"), "mm", "7.2.7", PR,
    "发文字号（3号字，579 twips 固定行距）字面下缘（含六角括号）到行底的距离，LibreOffice 7.4 实测 1.7 mm。"
    "段落下边框的 w:space 从行底量起，所以 4 mm 间距只需再加 2.3 mm（≈ 7 pt）。",
)
RED_RULE_WIDTH = Spec(156, "mm", "7.2.7", R, "与版心等宽。")
RED_RULE_WEIGHT = Spec(
    Decimal("2.25"), "pt", "7.2.7", PR,
    "标准不规定粗细；实务常见单线 1～2.25 pt，默认 2.25 pt（Settings.red_rule_weight_pt 可改）。",
)
TITLE_GAP = Spec(2, "行", "7.3.1", G, "标题编排于红色分隔线下空二行位置。")
RECIPIENTS_GAP = Spec(1, "行", "7.3.2", G, "主送机关编排于标题下空一行位置，居左顶格，最后标全角冒号。")

# ─── 7.3: 主体 ─────────────────────────────────────────────────────────────────────────────────

ATTACHMENT_NOTE_GAP = Spec(1, "行", "7.3.4", G, "正文下空一行左空二字编排“附件”二字，后标全角冒号和附件名称。")
SEALED_DATE_RIGHT_INDENT = Spec(4, "字", "7.3.5.1", G, "加盖印章的公文，成文日期一般右空四字编排；署名以成文日期为准居中。")
UNSEALED_SIGNATURE_RIGHT_INDENT = Spec(2, "字", "7.3.5.2", G, "不加盖印章的公文，署名右空二字；成文日期首字比署名首字右移二字。")
NOTE_INDENT = Spec(2, "字", "7.3.6", G, "附注居左空二字加圆括号编排在成文日期下一行。")

# ─── 7.4: 版记 ─────────────────────────────────────────────────────────────────────────────────

IMPRINT_OUTER_RULE = Spec(
    Decimal("0.35"), "mm", "7.4.1", REC,
    "首条和末条分隔线用粗线，推荐高度 0.35 mm = 0.99 pt → 边框 w:sz = 8（1/8 pt）。",
)
IMPRINT_INNER_RULE = Spec(
    Decimal("0.25"), "mm", "7.4.1", REC,
    "中间分隔线用细线，推荐高度 0.25 mm = 0.71 pt → 边框 w:sz = 6（1/8 pt）。",
)
IMPRINT_RULE_WIDTH = Spec(156, "mm", "7.4.1", R, "版记分隔线与版心等宽。")
IMPRINT_BOTTOM = Spec(0, "mm", "7.4.1", R, "末条分隔线与公文最后一面的版心下边缘重合。")
IMPRINT_ON_EVEN_PAGE = Spec(
    True, "", "7.4", PR, "双面印刷时版记置于偶数页是实务解读（栾照钧），标准无明文；做成选项，默认开启。"
)

# ─── 7.5: 页码 ─────────────────────────────────────────────────────────────────────────────────

PAGE_NUMBER_DASH = Spec("\u2014", "", "7.5", R, "数字左右各放一条一字线：U+2014 EM DASH，不是连字符“-”。")
PAGE_NUMBER_GAP = Spec(7, "mm", "7.5", R, "一字线上距版心下边缘 7 mm。")
PAGE_NUMBER_SIDE_INDENT = Spec(1, "字", "7.5", G, "单页码居右空一字，双页码居左空一字；以4号字计 14 pt = 280 twips。")
PAGE_NUMBER_DASH_HEIGHT = Spec(
    Decimal("0.50"), "em", "7.5", PR,
    "一字线上缘高出页码行（14 pt 固定行距）行底约 0.50 字高 = 2.5 mm（LibreOffice 7.4 实测校准），"
    "用于推算页脚距离：页脚距离 = 35 − 7 − 2.5 ≈ 25.5 mm。",
)


# ─── derived twips (what OOXML needs) ─────────────────────────────────────────────────────────

PAGE_WIDTH_TWIPS = mm_to_twips(PAPER_WIDTH.value)  # 11906
PAGE_HEIGHT_TWIPS = mm_to_twips(PAPER_HEIGHT.value)  # 16838
MARGIN_TOP_TWIPS = mm_to_twips(MARGIN_TOP.value)  # 2098
MARGIN_BOTTOM_TWIPS = mm_to_twips(MARGIN_BOTTOM.value)  # 1984
MARGIN_LEFT_TWIPS = mm_to_twips(MARGIN_LEFT.value)  # 1587
MARGIN_RIGHT_TWIPS = mm_to_twips(MARGIN_RIGHT.value)  # 1474
TEXT_WIDTH_TWIPS = mm_to_twips(TEXT_WIDTH.value)  # 8844
TEXT_HEIGHT_TWIPS = mm_to_twips(TEXT_HEIGHT.value)  # 12756

# Rounding each margin separately must not eat into the text area (a 1-twip overflow in width
# would push the 28th character to the next line).
assert PAGE_WIDTH_TWIPS - MARGIN_LEFT_TWIPS - MARGIN_RIGHT_TWIPS >= TEXT_WIDTH_TWIPS - 1
assert LINES_PER_PAGE.value * LINE_PITCH.value <= TEXT_HEIGHT_TWIPS
assert LINES_PER_PAGE.value * (LINE_PITCH.value + 1) > TEXT_HEIGHT_TWIPS
assert CHARS_PER_LINE.value * (SANHAO.twips + CHAR_SPACING_3HAO.value) <= TEXT_WIDTH_TWIPS
assert (CHARS_PER_LINE.value + 1) * (SANHAO.twips + CHAR_SPACING_3HAO.value) > TEXT_WIDTH_TWIPS


# ─── what a district may override ─────────────────────────────────────────────────────────────


class Settings(WenshuModel):
    """Values GB/T 9704 leaves open, with defaults; a district overrides them in YAML.

    Every field is 实务 unless noted, so changing one is never a non-conformance by itself.
    """

    model_config = ConfigDict(frozen=True)

    red_rule_weight_pt: Decimal = Field(
        RED_RULE_WEIGHT.value, gt=0, le=6, title="版头红色分隔线粗细（磅）",
        description="标准未规定；Word 边框粗细以 1/8 磅为单位，超过 6 磅 Word 不支持。",
    )
    red_color: str = Field(RED_RGB.value, pattern=r"^[0-9A-F]{6}$", title="红色（RGB 十六进制）")
    mark_size_pt: Decimal = Field(MARK_SIZE.value, gt=0, le=72, title="发文机关标志字号上限（磅）")
    mark_auto_fit: bool = Field(True, title="标志过长时自动缩小字号以不超过版心宽")
    mark_font: str = Field(XIAOBIAOSONG.name, min_length=1, title="发文机关标志字体")
    title_font: str = Field(XIAOBIAOSONG.name, min_length=1, title="标题字体")
    body_font: str = Field(FANGSONG.name, min_length=1, title="正文字体")
    heading1_font: str = Field(HEITI.name, min_length=1, title="一级标题字体")
    heading2_font: str = Field(KAITI.name, min_length=1, title="二级标题字体")
    heading2_bold: bool = Field(False, title="二级标题加粗（地方习惯，非国标）")
    heading3_bold: bool = Field(False, title="三级标题加粗（地方习惯，非国标）")
    page_number_font: str = Field(SONGTI.name, min_length=1, title="页码字体")
    latin_font: str | None = Field(
        None, title="数字和西文字体",
        description="留空则与中文同字体；有的地方要求数字用 Times New Roman（非国标）。",
    )
    imprint_on_even_page: bool = Field(IMPRINT_ON_EVEN_PAGE.value, title="版记置于偶数页")

    @field_validator("red_color", mode="before")
    @classmethod
    def _upper(cls, v: Any) -> Any:
        return v.upper().lstrip("#") if isinstance(v, str) else v

    @property
    def red_rule_eighths(self) -> int:
        """``w:sz`` of the red rule: 2.25 pt → 18."""
        return pt_to_eighths(self.red_rule_weight_pt)

    def font_for_latin(self, cjk_font: str) -> str:
        """The ascii/hAnsi font to pair with ``cjk_font``."""
        return self.latin_font or cjk_font

    def mark_size_for(self, mark_text: str) -> Decimal:
        """Mark size in pt: the configured size, shrunk so the mark fits 96 % of the text width.

        Each CJK character of the mark is one em wide; half-points are the unit Word stores, so the
        result is floored to 0.5 pt.
        """
        size = self.mark_size_pt
        chars = len(mark_text.strip())
        if self.mark_auto_fit and chars:
            width_pt = mm_to_pt(TEXT_WIDTH.value) * MARK_MAX_WIDTH_RATIO.value
            fit = width_pt / chars
            if fit < size:
                size = (fit * 2).to_integral_value(rounding=ROUND_FLOOR) / 2
        return size

    def deviations(self) -> list[str]:
        """Chinese lines describing every setting that differs from the default (for reports)."""
        out = []
        for name, field in type(self).model_fields.items():
            value, default = getattr(self, name), field.default
            if value != default:
                out.append(f"{field.title}：{default} → {value}（实务设置，非国标规定）")
        return out


DEFAULT_SETTINGS = Settings()
