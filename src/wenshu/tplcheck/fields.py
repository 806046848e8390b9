"""What a template of each kind may reference: the context model as a table, in Chinese.

``fields_for("notice")`` walks ``NoticeContext``: nested models are expanded (``doc.title``), lists
are shown as ``body[]`` with their element fields below (``body[].text``), and each row says how to
write it in a template (``{{ b.text }}`` inside ``{%p for b in body %}``). ``docs/fields/<kind>.md``
is generated from the same walk, and a test keeps it in step with the models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from wenshu.tplcheck.typesys import DictT, ListT, ModelT, OptT, PrimT, TupleT, from_annotation, type_name


@dataclass(frozen=True)
class FieldDoc:
    path: str  # "body[].text"
    title: str  # "正文 › 文字"
    type: str  # "文字", "列表", "对象（可为空）"
    example: str  # an example value, "" if none is known
    description: str = ""
    usage: str = ""  # how to write it in a template


def _type_label(t) -> str:
    if isinstance(t, OptT):
        return _type_label(t.inner) + "（可为空）"
    if isinstance(t, ListT):
        return "列表"
    if isinstance(t, ModelT):
        return "对象"
    if isinstance(t, DictT):
        return "字典"
    if isinstance(t, TupleT):
        return "元组"
    if isinstance(t, PrimT):
        return type_name(t.py)
    return "任意"


_EXAMPLE = re.compile(r"如\s*[“\"]?([^，；。“”\"]+?)[”\"]?(?:[，；。]|$)")


def _example(field, t) -> str:
    examples = getattr(field, "examples", None)
    if examples:
        return str(examples[0])
    desc = field.description or ""
    m = _EXAMPLE.search(desc)
    if m:
        return m.group(1).strip()
    ann = field.annotation
    from typing import Literal, get_args, get_origin

    if get_origin(ann) is Literal:
        return " / ".join(str(a) for a in get_args(ann))
    base = t.inner if isinstance(t, OptT) else t
    if isinstance(base, PrimT) and base.py is bool:
        return "true"
    return ""


def _var(name: str, taken: set[str]) -> str:
    v = (name[:1] or "x").lower()
    if v in taken:
        n = 2
        while f"{v}{n}" in taken:
            n += 1
        v = f"{v}{n}"
    return v


def _walk(model: type, path: str, expr: str, titles: list[str], loopvars: set[str], out: list[FieldDoc]) -> None:
    for name, field in model.model_fields.items():  # type: ignore[attr-defined]
        t = from_annotation(field.annotation)
        base = t.inner if isinstance(t, OptT) else t
        p = f"{path}{name}"
        e = f"{expr}.{name}" if expr else name
        title = " › ".join([*titles, field.title or name])
        if isinstance(base, ListT):
            v = _var(name, loopvars)
            usage = f"{{%p for {v} in {e} %}} … {{%p endfor %}}"
            out.append(FieldDoc(p + "[]", title, _type_label(t), _example(field, t), field.description or "", usage))
            elem = base.elem
            if isinstance(elem, ModelT):
                _walk(elem.cls, p + "[].", v, [*titles, field.title or name], loopvars | {v}, out)
        elif isinstance(base, ModelT):
            usage = f"{{%p if {e} %}} … {{%p endif %}}" if isinstance(t, OptT) else ""
            out.append(FieldDoc(p, title, _type_label(t), "", field.description or "", usage))
            _walk(base.cls, p + ".", e, [*titles, field.title or name], loopvars, out)
        else:
            out.append(FieldDoc(p, title, _type_label(t), _example(field, t), field.description or "",
                                f"{{{{ {e} }}}}"))


def fields_for(kind: str) -> list[FieldDoc]:
    """Every path a template of ``kind`` may reference, in model order."""
    from wenshu.render import kind as kind_lookup

    k = kind_lookup(kind)
    out: list[FieldDoc] = []
    _walk(k.context_model, "", "", [], set(), out)
    return out


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ") or " "


def render_field_doc(kind: str) -> str:
    """The Markdown of ``docs/fields/<kind>.md``."""
    from wenshu.render import kind as kind_lookup

    k = kind_lookup(kind)
    lines = [
        f"# 模板字段：{k.title}（{k.key}）",
        "",
        f"> 本文件由 `wenshu template fields {k.key} --write-docs` 根据数据模型生成，请勿手工修改；"
        "模型改动后重新生成（测试会比对）。",
        "",
        f"- 内置模板：`{k.template}`",
        f"- 所需数据：{k.inputs}",
        "- 检查模板：`wenshu template check 模板.docx --kind " + k.key + "`",
        "",
        "“字段”一列中 `xxx[]` 表示列表，要先循环（见“模板写法”），循环内再用循环变量取下一级字段；"
        "“可为空”的字段要先用 `{%p if … %}` 判断。表格里按行循环时把 `{%p` 换成 `{%tr`"
        "（标签放在要重复的行上方一行的第一格）。",
        "",
        "| 字段 | 名称 | 类型 | 示例 | 模板写法 | 说明 |",
        "|---|---|---|---|---|---|",
    ]
    for f in fields_for(kind):
        lines.append("| " + " | ".join(_cell(x) for x in (f"`{f.path}`", f.title, f.type, f.example,
                                                            f"`{f.usage}`" if f.usage else "", f.description)) + " |")
    return "\n".join(lines) + "\n"


def write_field_docs(out_dir: Path, kinds: list[str] | None = None) -> list[Path]:
    """Write ``<out_dir>/<kind>.md`` for ``kinds`` (default: every registered kind)."""
    from wenshu.documents import REGISTRY

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for key in kinds or list(REGISTRY):
        target = out_dir / f"{key}.md"
        target.write_text(render_field_doc(key), encoding="utf-8")
        written.append(target)
    return written

