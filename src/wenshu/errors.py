"""One error hierarchy for wenshu.

Every expected failure is a typed exception carrying structured ``Problem`` records (file, line,
column, field path, Chinese field title, expected/found), never a pre-formatted blob. The CLI maps
the exception class to an exit code and prints each problem with ``Problem.format()``; every
rendering of a problem into text (the terminal, a Word comment) is ``render_problem``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from wenshu.problem_codes import CodeInfo, lookup

Severity = Literal["error", "warning"]

SEVERITY_LABEL = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True)
class Problem:
    """One located problem, in Chinese, for a person to fix.

    ``code`` is a stable id (``yaml.duplicate-key``, ``model.missing`` ...) so tests and scripts can
    match on it without parsing the message; every code is registered in ``wenshu.problem_codes``.

    A problem in a Word template is located by ``part``, ``paragraph`` and ``context`` (set by the
    template checker and the engine); ``field_path`` holds the same place as the user reads it
    ("正文 第12段（表格1 第2行第3列）"), so nothing needs to parse it back.
    """

    code: str
    message: str
    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    field_path: str | None = None  # e.g. "projects[3].catalogue.name"
    field_title: str | None = None  # e.g. "项目 › 目录库信息 › 项目名称"
    expected: str | None = None
    found: str | None = None
    hint: str | None = None
    severity: Severity = "error"
    part: str | None = None  # the .docx part of a template problem: "word/document.xml", "word/footer1.xml"
    paragraph: int | None = None  # 1-based paragraph in that part, numbered as engine/paragraphs.py does
    context: str | None = None  # that paragraph's text (the checker marks the offending tag with 【】)

    @property
    def info(self) -> CodeInfo | None:
        """This code's entry in the registry (wenshu.problem_codes): explanation and fix, or None."""
        return lookup(self.code)

    def location(self, where: str | None = None) -> str:
        # A problem with the command line itself (an option value) has no file: say so.
        parts = [self.file or where or ("命令行" if self.code.startswith("usage") else "<输入>")]
        if self.line is not None:
            parts.append(f"第{self.line}行")
            if self.column is not None:
                parts.append(f"第{self.column}列")
        return "，".join(parts)

    def format(self, where: str | None = None) -> str:
        """Render as the lines a user sees (see ``render_problem``), e.g.

        data/projects.yaml，第12行，第5列：错误 [model.missing]
          字段：项目 › 目录库信息 › 项目名称（projects[3].catalogue.name）
          缺少必填字段。
        """
        return "\n".join(render_problem(self, where=where))

    def sort_key(self) -> tuple:
        return (self.file or "", self.line or 0, self.column or 0, self.code)


_PLACED_BY_PARAGRAPH = ("template.", "tpl.", "render.", "layout.")


def render_problem(p: Problem, *, where: str | None = None, comment: bool = False,
                   with_location: bool = True) -> list[str]:
    """The one rendering of a ``Problem`` into the lines a person reads.

    As a terminal shows it (``Problem.format``): a head line with the location, severity and code, then
    the field (or, for a template, the part and paragraph), the message, and what was expected, found
    and advised, each indented by two spaces.

    ``comment=True``: as a Word comment of ``wenshu template check --annotate`` (tplcheck/annotate.py),
    which sits in the file itself: severity and code, the message, the location only ``with_location``
    (when the comment cannot be anchored on the problem's own paragraph), then the same details.
    """
    label = SEVERITY_LABEL[p.severity]
    if comment:
        lines = [f"【{label}】{p.code}", p.message]
        if with_location and p.field_path:
            lines.append(f"位置：{p.field_path}")
        indent = ""
    else:
        lines = [f"{p.location(where)}：{label} [{p.code}]"]
        if p.field_path and not p.field_title and p.code.startswith(_PLACED_BY_PARAGRAPH):
            # Template problems are located by part and paragraph ("正文 第12段"), not by a data field.
            lines.append(f"  位置：{p.field_path}")
        elif p.field_title or p.field_path:
            title = p.field_title or ""
            path = f"（{p.field_path}）" if p.field_path else ""
            lines.append(f"  字段：{title}{path}")
        lines.append(f"  {p.message}")
        indent = "  "
    if p.expected is not None:
        lines.append(f"{indent}期望：{p.expected}")
    if p.found is not None:
        lines.append(f"{indent}实际：{p.found}")
    if p.hint:
        lines.append(f"{indent}提示：{p.hint}")
    return lines


# Chinese reasons for the OS errors a user can meet (the English strerror never reaches them).
_ERRNO_ZH = {
    1: "没有权限", 2: "文件或目录不存在", 5: "读写出错（磁盘或网络存储故障）", 13: "没有权限",
    17: "已存在", 20: "路径中有一段不是目录", 21: "这是一个目录", 24: "同时打开的文件太多",
    27: "文件太大", 28: "磁盘已满", 30: "所在文件系统是只读的", 36: "文件名太长",
    39: "目录不是空的", 40: "符号链接层次太多", 122: "超出磁盘配额",
}


def os_reason(exc: OSError) -> str:
    """A short Chinese reason for an ``OSError`` (never the English ``strerror``)."""
    return _ERRNO_ZH.get(exc.errno or 0, f"系统错误（错误号 {exc.errno}）" if exc.errno else "系统错误")


class WenshuError(Exception):
    """Base of every expected wenshu failure. ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(code=self.default_code, message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))

    default_code = "wenshu.error"

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class DataError(WenshuError):
    """Input data (YAML) is unreadable or invalid. Exit code 1."""

    default_code = "data.invalid"


class UsageError(WenshuError):
    """The command line was used wrongly (missing path, unknown kind ...). Exit code 2."""

    exit_code = 2
    default_code = "usage"


class TemplateError(WenshuError):
    """A template is broken, unsafe or missing. Exit code 1."""

    default_code = "template.invalid"


class RenderError(WenshuError):
    """Rendering or writing an output failed. Exit code 1."""

    default_code = "render.failed"


class CalendarError(WenshuError):
    """A date falls in a year with no holiday data. Exit code 1."""

    default_code = "calendar.no-data"


@dataclass
class ProblemCollector:
    """Collects problems across many files so that one run reports all of them."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=Problem.sort_key)
