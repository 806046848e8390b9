"""Self-checking identifier types: 统一社会信用代码 (GB 32100-2015) and 项目代码.

Both are plain ``str`` after validation; the validators explain failures in Chinese.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

# GB 32100-2015: 31 characters, the letters I, O, Z, S, V are never used.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_char(first17: str) -> str:
    """The 18th (check) character for the first 17 characters of a credit code."""
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def _check_credit_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 18:
        raise PydanticCustomError(
            "credit_code", "统一社会信用代码应为18位，实际为{n}位", {"n": len(code)}
        )
    bad = [c for c in code if c not in CREDIT_CHARSET]
    if bad:
        raise PydanticCustomError(
            "credit_code",
            "统一社会信用代码含有不允许的字符“{chars}”（GB 32100 不使用 I、O、Z、S、V）",
            {"chars": "".join(dict.fromkeys(bad))},
        )
    if not code[2:8].isdigit():
        raise PydanticCustomError(
            "credit_code", "统一社会信用代码第3—8位应为行政区划代码（6位数字）", {}
        )
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        raise PydanticCustomError(
            "credit_code",
            "统一社会信用代码校验码错误：第18位应为“{expected}”，实际为“{found}”（请核对是否抄错）",
            {"expected": expected, "found": code[17]},
        )
    return code


CreditCode = Annotated[
    str,
    AfterValidator(_check_credit_code),
    Field(
        min_length=1,
        json_schema_extra={"pattern": "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"},
    ),
]

# 项目代码 on the national investment-project platform: 年份-行政区划代码-行业代码-类型-序号,
# e.g. 2024-420202-48-01-123456. 类型: 01 审批, 02 核准, 03 备案.
PROJECT_CODE_RE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(0[1-3])-(\d{6})$")
PROJECT_CODE_PATTERN = r"^\d{4}-\d{6}-\d{2}-0[1-3]-\d{6}$"


def _check_project_code(value: str) -> str:
    m = PROJECT_CODE_RE.match(value.strip())
    if not m:
        raise PydanticCustomError(
            "project_code",
            "项目代码格式应为“年份-行政区划代码-行业代码-类型-序号”，"
            "如 2024-420202-48-01-123456（类型：01审批、02核准、03备案）",
            {},
        )
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise PydanticCustomError(
            "project_code", "项目代码的年份“{year}”不合理", {"year": m.group(1)}
        )
    return value.strip()


ProjectCode = Annotated[
    str, AfterValidator(_check_project_code), Field(json_schema_extra={"pattern": PROJECT_CODE_PATTERN})
]

# 国民经济行业分类 (GB/T 4754-2017): a section letter and 2–4 digits, e.g. P8321 or E48.
NIC_PATTERN = r"^[A-T]\d{2,4}$"
NicCode = Annotated[str, Field(pattern=NIC_PATTERN)]

# 行政区划代码: six digits.
DivisionCode = Annotated[str, Field(pattern=r"^\d{6}$")]
