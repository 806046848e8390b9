"""Turn analysis facts into the district's words.

``load_wording(data_dir)`` gives the shipped phrases (``documents/wording_default.yaml``) with the
data folder's ``wording.yaml`` over them. ``Wording.say(fact)`` fills a phrase with the fact's values,
each written by ``official.fmt`` according to its type (see ``analysis.facts``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any


from wenshu.analysis.facts import Amount, Fact, Number, Percent, Points, Score, YearMonth
from wenshu.models.wording import default_specs
from wenshu.official import fmt


class Wording:
    """The phrases in force: defaults, with the district's rewording over them."""

    def __init__(self, overrides: dict[str, str] | None = None, source: str | None = None):
        self._texts = {k: s.text for k, s in default_specs().items()}
        self._texts.update(overrides or {})
        self.source = source  # the district's wording.yaml, or None

    def text_of(self, key: str) -> str:
        try:
            return self._texts[key]
        except KeyError:
            raise KeyError(f"no phrase {key!r} in the wording defaults") from None

    def phrase(self, key: str, **values: Any) -> str:
        return self.say(Fact(key, values))

    def say(self, f: Fact) -> str:
        text = self.text_of(f.key)
        return text.format_map(_Values(self, f))

    def say_all(self, facts: Iterable[Fact], sep: str = "；") -> str:
        return sep.join(self.say(f) for f in facts)

    def value(self, v: Any) -> str:
        return format_value(self, v)


class _Values(dict):
    """Formats a fact's values lazily, only those the phrase uses."""

    def __init__(self, wording: Wording, f: Fact):
        super().__init__()
        self._w, self._f = wording, f

    def __missing__(self, name: str) -> str:
        if name not in self._f.values:
            raise KeyError(f"phrase {self._f.key!r} uses {{{name}}} but the fact has no such value")
        return format_value(self._w, self._f.values[name])


def format_value(w: Wording, v: Any) -> str:
    if v is None:
        return fmt.MISSING
    if isinstance(v, Fact):
        return w.say(v)
    if isinstance(v, bool):
        raise TypeError("a fact value cannot be a bool; choose the phrase instead")
    if isinstance(v, date):
        return fmt.cn_date(v)
    if isinstance(v, Amount):
        return fmt.money(v)
    if isinstance(v, Percent):
        return fmt.percent(v)
    if isinstance(v, Score):
        return fmt.points(v)
    if isinstance(v, Points):
        return fmt.percent(v)[:-1]
    if isinstance(v, (Number, Decimal)):
        return fmt.number(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return v
    if isinstance(v, YearMonth):
        return fmt.cn_month(v.year, v.month)
    if isinstance(v, (list, tuple)):
        # Several phrases (each with its own commas) are separated by semicolons; names by 、.
        sep = "；" if v and all(isinstance(x, Fact) for x in v) else "、"
        return fmt.join_cn([format_value(w, x) for x in v], sep=sep)
    raise TypeError(f"cannot word a {type(v).__name__}")


GROUPS = {
    "light": "红黄绿灯原因", "appraisal": "论证事项", "deadline": "期限名称和完成情况", "overdue": "逾期事项",
    "supervision": "督办考评事实（通报表彰、通报批评）", "indicator": "指标", "title": "标题", "file": "文件名",
    "annual": "年度报告",
}


def wording_doc() -> str:
    """docs/措辞.md: every phrase, what it is for, the values it may use and its default text."""
    lines = [
        "# 措辞：公文中随情况变化的短句",
        "",
        "报告、通报中固定的句子在 `templates/` 的 Word 模板里，办公室直接在 Word/WPS 中修改。"
        "随情况变化的短句（红黄绿灯原因、期限完成情况、督办考评事实、标题和文件名）的默认说法在 "
        "`wenshu/documents/wording_default.yaml`；各区在数据目录建 `wording.yaml`，只写要改的键：",
        "",
        "```yaml",
        "kind: wording",
        "phrases:",
        "  light.start.overdue: 计划于{planned}开工，截至{as_of}已逾期{days}天仍未开工",
        "```",
        "",
        "说法中用 `{名称}` 引用下表“可用的值”，值已按公文格式写好（日期“2025年3月1日”、金额“1,250.00万元”、"
        "比率“85.3%”）；写了不存在的键或不可用的值，`wenshu validate` 指出文件、行和可用的值。",
        "本文由 `python -m wenshu.wording docs/措辞.md` 生成，与默认措辞文件保持一致（测试检查）。",
        "",
    ]
    specs = default_specs()
    for prefix, heading in GROUPS.items():
        keys = [k for k in specs if k.split(".")[0] == prefix]
        if not keys:
            continue
        lines += [f"## {heading}", "", "| 键 | 用在哪里 | 可用的值 | 默认说法 |", "|---|---|---|---|"]
        for k in keys:
            s = specs[k]
            values = "；".join(f"`{{{n}}}` {t}" for n, t in s.values.items()) or "—"
            text = s.text.replace("|", "\\|") or "（空）"
            lines.append(f"| `{k}` | {s.title} | {values} | {text} |")
        lines.append("")
    missing = [k for k in specs if k.split(".")[0] not in GROUPS]
    if missing:
        raise ValueError(f"wording keys without a group: {missing}")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m wenshu.wording docs/措辞.md
    import sys

    Path(sys.argv[1]).write_text(wording_doc(), encoding="utf-8")
