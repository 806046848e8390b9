"""What every ``wenshu`` command shares: click in Chinese, and option values checked with Chinese messages.

Options are read as plain text and checked here rather than by click's own types (``click.Path``
with ``exists``/``file_okay``, ``int``), whose messages are English ("Directory 'x' is a file.").
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from wenshu.errors import Problem, UsageError
from wenshu.widechars import narrow

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
OPTIONS_METAVAR = "[选项]"

# click's own words (headings, built-in options, errors) in Chinese, like everything else a user
# reads. click looks them up through the module-level ``_`` / ``ngettext`` of each of its modules.
CLICK_ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Missing command.": "缺少子命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有子命令 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 后面不能带值。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Aborted!": "已中断。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是一个文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是一个目录。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "Value must be an iterable.": "应为多个值。",
    "unknown error": "未知错误",
}

CLICK_ZH_PLURAL = {
    "Did you mean {possibility}?": ("是否应为 {possibility}？", "（是否应为以下之一：{possibilities}？）"),
    "Got unexpected extra argument ({args})": ("多余的参数：{args}", "多余的参数：{args}"),
    "Option {name!r} requires an argument.": ("选项 {name!r} 后面要写一个值。", "选项 {name!r} 后面要写 {nargs} 个值。"),
    "Takes {nargs} values but 1 was given.": ("需要 {nargs} 个值，只给了 1 个。", "需要 {nargs} 个值，给了 {len} 个。"),
}


def _zh(message: str) -> str:
    return CLICK_ZH.get(message, message)


def _zh_plural(singular: str, plural: str, n: int) -> str:
    pair = CLICK_ZH_PLURAL.get(singular)
    if pair is None:
        return singular if n == 1 else plural
    return pair[0] if n == 1 else pair[1]


def install_click_chinese() -> None:
    for mod in ("core", "formatting", "decorators", "exceptions", "parser", "types", "termui", "utils"):
        m = __import__(f"click.{mod}", fromlist=["_"])
        if hasattr(m, "_"):
            m._ = _zh
        if hasattr(m, "ngettext"):
            m.ngettext = _zh_plural


install_click_chinese()


# ── option values ────────────────────────────────────────────────────────────────────────────


def _bad(option: str, message: str, hint: str | None = None, expected: str | None = None) -> UsageError:
    return UsageError(Problem(code="usage.bad-option", message=f"{option}：{message}", hint=hint, expected=expected))


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    """YYYY-MM-DD (full-width digits read as half-width), with a Chinese reason when it is no date."""
    if value is None:
        return None
    text = narrow(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not m:
        raise _bad(option, f"“{value}”不是日期，应写成 YYYY-MM-DD，如 2025-10-31。")
    y, mo, d = (int(g) for g in m.groups())
    if not 1 <= mo <= 12:
        raise _bad(option, f"“{value}”的月份应为1至12。")
    import calendar

    last = calendar.monthrange(y, mo)[1]
    if not 1 <= d <= last:
        raise _bad(option, f"“{value}”不是有效日期：{y}年{mo}月只有{last}天。")
    return dt.date(y, mo, d)


def parse_period(value: str | None) -> str | None:
    """YYYY-MM (one month's 通报) or YYYY (one year's annual report), normalised to that form."""
    if value is None:
        return None
    text = narrow(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", text)
    if not m:
        raise _bad("--period", f"“{value}”格式不对，应为 YYYY-MM（某月的通报）或 YYYY（某年度的年度报告），如 2025-10。")
    if m.group(2) is None:
        return m.group(1)
    month = int(m.group(2))
    if not 1 <= month <= 12:
        raise _bad("--period", f"“{value}”的月份应为1至12。")
    return f"{m.group(1)}-{month:02d}"


def parse_workers(value: str | None) -> int:
    """-j/--jobs: a whole number ≥ 1; None (not given) means every core (0 for the batch)."""
    if value is None:
        return 0
    text = narrow(value).strip()
    if not re.fullmatch(r"\d+", text) or int(text) < 1:
        raise _bad("-j/--jobs", f"“{value}”不是有效的进程数，应为不小于 1 的整数；不写时使用全部 CPU 核心。")
    return int(text)


def parse_year(value: str | None, option: str = "--year") -> int | None:
    if value is None:
        return None
    text = narrow(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise _bad(option, f"“{value}”不是年份，应为四位数字，如 2025。")
    return int(text)


def kind_key(value: str) -> str:
    """A document kind's code from its code, its Chinese title (通知, 通报表彰 ……) or a short name."""
    from wenshu.documents import REGISTRY

    text = narrow(value).strip()
    if text in REGISTRY:
        return text
    by_title = {name: key for key, k in REGISTRY.items() for name in (k.title, *k.aliases)}
    if text in by_title:
        return by_title[text]
    import difflib

    guess = difflib.get_close_matches(text, list(by_title) + list(REGISTRY), n=1, cutoff=0.5)
    suggestion = ""
    if guess and guess[0] in REGISTRY:  # typed like a code: answer with the code
        suggestion = f"是否应为“{guess[0]}”（{REGISTRY[guess[0]].title}）？"
    elif guess:
        code = by_title[guess[0]]
        suggestion = f"是否应为“{REGISTRY[code].title}”（{code}）？"
    raise UsageError(Problem(
        code="usage.unknown-kind",
        message=f"未知的文书类型“{value}”。" + suggestion,
        expected="、".join(f"{k.title}（{key}）" for key, k in REGISTRY.items()),
        hint="可以写中文名称或类型代码，多个类型用逗号分隔",
    ))


def kind_list(value: str | None) -> list[str] | None:
    items = split_list(value)
    return [kind_key(k) for k in items] if items else None


def split_list(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [v.strip() for v in re.split(r"[,，、;；]", value) if v.strip()]


def existing_dir(path: Path, what: str = "数据目录") -> Path:
    if not path.exists():
        raise UsageError(Problem(code="usage.no-such-path", message=f"{what}不存在。", file=str(path)))
    if not path.is_dir():
        raise UsageError(Problem(code="usage.not-a-folder", message=f"这是一个文件，不是{what}。", file=str(path),
                                 hint=f"请写{what}的路径"))
    return path


def not_a_file(path: Path | None, what: str = "输出目录") -> Path | None:
    """A folder to write into: may not exist yet, but may not be a file."""
    if path is not None and path.exists() and not path.is_dir():
        raise UsageError(Problem(code="usage.not-a-folder", message=f"这是一个文件，不能作为{what}。", file=str(path)))
    return path


def not_a_folder(path: Path | None, what: str = "输出文件") -> Path | None:
    """A file to read or write: may not be a folder."""
    if path is not None and path.is_dir():
        raise UsageError(Problem(code="usage.is-a-folder", message=f"这是一个目录，不能作为{what}。", file=str(path)))
    return path


def existing_file(path: Path | None, what: str = "文件") -> Path | None:
    if path is None:
        return None
    if not path.exists():
        raise UsageError(Problem(code="usage.no-such-path", message=f"{what}不存在。", file=str(path)))
    return not_a_folder(path, what)
