"""docxtpl's containers and Jinja's blocks over a part's tags (step 4 of tplcheck/check.py).

Blocks (for/if/with/set …) are matched here, over the tag sequence, with recovery, so several
unclosed/mismatched blocks are all reported, each at its OPENING tag; docxtpl's containers are
checked too (``{%p`` twice in a paragraph, ``{%tr`` outside a table row, a loop that starts in one
table cell and ends in another). Matching also writes the repaired Jinja source (``Tag.emit``,
``PartResult.tail``) from which the fields are resolved.
"""

from __future__ import annotations

from typing import Callable

from wenshu.engine.paragraphs import part_label
from wenshu.tplcheck.tags import CLOSERS, DOCXTPL, MIDDLES, OPENERS, PLACEHOLDER, PartResult, Tag


class BlockCheck:
    """Checker's step 4 (a mixin of ``tplcheck.check.Checker``), reporting through its ``add``."""

    add: Callable[..., None]

    def check_containers(self, res: PartResult) -> None:
        by_container: dict[tuple[str, int], list[Tag]] = {}
        for t in res.tags:
            para, span = t.para, (t.start, t.end)
            if t.prefix == "tr" and para.tr is None:
                self.add("tpl.tr-outside-row", "{%tr … %} 只能写在表格的某一行里（它会删除所在的整行），这里不在表格中。",
                         para, span, hint="表格外的段落请用 {%p … %}。")
            if t.prefix == "tc" and para.tc is None:
                self.add("tpl.tc-outside-cell", "{%tc … %} 只能写在表格单元格里，这里不在表格中。", para, span)
            if t.keyword in DOCXTPL and para.tc is None:
                self.add("tpl.merge-outside-table", f"{{% {t.keyword} %}} 只能写在表格单元格里。", para, span)
            if t.prefix in ("p", "tr", "tc"):
                el = {"p": para.el, "tr": para.tr, "tc": para.tc}[t.prefix]
                if el is not None:
                    by_container.setdefault((t.prefix, id(el)), []).append(t)
        for (prefix, _), ts in by_container.items():
            code, what = {"p": ("tpl.two-paragraph-tags", "段"), "tr": ("tpl.two-row-tags", "行"),
                          "tc": ("tpl.two-cell-tags", "单元格")}[prefix]
            for extra in ts[1:]:
                self.add(code, f"同一{what}里有两个 {{%{prefix} … %}} 标签；生成时整{what}被第一个标签替换，第二个会丢失。",
                         extra.para, (extra.start, extra.end),
                         hint=f"每个 {{%{prefix} %}} 标签单独占一{what}。")
            first = ts[0]
            if prefix == "p":
                others = _outside(first.para.text, [(t.start, t.end) for t in res.tags if t.para is first.para] or [(first.start, first.end)])
                if others.strip():
                    self.add("tpl.text-removed", f"这一段有 {{%p … %}} 标签，生成时整段被删除，段中的其他文字“{others.strip()[:20]}”也会消失。",
                             first.para, (first.start, first.end), severity="warning",
                             hint="把 {%p %} 标签单独放一段。")
            elif prefix == "tr":
                row_paras = [p for p in res.paras if p.tr is first.para.tr]
                row_text = "".join(_outside(p.text, [(t.start, t.end) for t in res.tags if t.para is p]) for p in row_paras)
                if row_text.strip():
                    self.add("tpl.text-removed", f"这一行有 {{%tr … %}} 标签，生成时整行被删除，行中的其他文字“{row_text.strip()[:20]}”也会消失。",
                             first.para, (first.start, first.end), severity="warning",
                             hint="{%tr %} 标签所在行只放标签，内容放在下一行。")

    def match_blocks(self, res: PartResult) -> None:
        stack: list[dict] = []
        tentative: list[tuple[dict, Tag]] = []  # closer that did not match the open block on top

        def emit(t: Tag, text: str) -> None:
            t.emit = (t.emit or "") + text

        def close(frame: dict, at: Tag | None, auto: bool) -> None:
            opener: Tag = frame["tag"]
            closing = "{%% end%s %%}" % frame["kw"]
            if auto:
                if at is not None:
                    at.emit = closing + (at.emit or "")
                else:
                    frame["tail"] = closing
            else:
                frame["members"].append(at)
                self.check_block(frame["members"], opener)

        for t in res.tags:
            kw = t.keyword
            if t.delim == "#" or kw is None:
                continue
            if kw == "":
                continue  # {{ }} already has its emit
            if kw in OPENERS or (kw == "set" and "=" not in t.rest):
                frame = {"kw": kw, "tag": t, "members": [t]}
                stack.append(frame)
                emit(t, "{%% %s %%}" % (PLACEHOLDER[kw] if t.bad else t.rest))
            elif kw in MIDDLES:
                allowed = MIDDLES[kw]
                if stack and stack[-1]["kw"] in allowed and not (kw == "elif" and stack[-1].get("else")):
                    if kw == "else":
                        stack[-1]["else"] = True
                    stack[-1]["members"].append(t)
                    emit(t, "{% elif false %}" if t.bad else "{%% %s %%}" % t.rest)
                else:
                    where = ""
                    if stack:
                        o = stack[-1]["tag"]
                        where = f"（当前未结束的是第{o.para.index}段的 {o.raw}）"
                    self.add("tpl.unopened-block", f"{kw} 前面没有对应的 if{where}。", t.para, (t.start, t.end),
                             hint="检查 if 是否被删掉了，或这个标签是否多余。")
            elif kw in CLOSERS:
                want = kw[3:]
                depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i]["kw"] == want), None)
                if depth is None:
                    if stack:
                        tentative.append((stack[-1], t))
                    else:
                        self.add("tpl.unopened-block", f"多余的 {kw}：前面没有对应的 {want}。", t.para, (t.start, t.end),
                                 hint=f"删除它，或在前面补上 {want}。")
                    continue
                while len(stack) - 1 > depth:
                    inner = stack.pop()
                    o = inner["tag"]
                    self.add("tpl.unclosed-block",
                             f"{o.raw} 没有结束：在第{t.para.index}段的 {t.raw} 之前缺少 end{inner['kw']}。",
                             o.para, (o.start, o.end), hint=f"在适当位置补上对应的 end{inner['kw']}。")
                    close(inner, t, auto=True)
                frame = stack.pop()
                emit(t, "{%% %s %%}" % kw)
                close(frame, t, auto=False)
            elif kw in ("vm", "hm"):
                if not any(f["kw"] == "for" for f in stack):
                    self.add("tpl.merge-outside-loop", f"{{% {kw} %}} 只能用在 {{%tr for %}} 循环内（它按 loop.first 合并单元格）。",
                             t.para, (t.start, t.end))
            elif kw in ("colspan", "cellbg"):
                if not t.bad:
                    emit(t, "{{ %s }}" % t.rest[len(kw):].strip())
            elif kw == "set":
                if not t.bad:
                    emit(t, "{%% %s %%}" % t.rest)
        # closers that matched nothing: a mismatch for the block still open at that point, else stray
        leftover_ids = {id(f) for f in stack}
        mismatched: set[int] = set()
        for frame, t in tentative:
            if id(frame) in leftover_ids and id(frame) not in mismatched:
                mismatched.add(id(frame))
                o = frame["tag"]
                self.add("tpl.mismatched-block",
                         f"{o.raw} 被第{t.para.index}段的 {t.raw} 结束了，二者不配对：for 要用 endfor 结束，if 要用 endif 结束。",
                         o.para, (o.start, o.end), hint=f"把第{t.para.index}段的 {t.raw} 改为 end{frame['kw']}。")
            else:
                self.add("tpl.unopened-block", f"多余的 {t.keyword}：前面没有对应的 {t.keyword[3:]}"
                         f"（当前未结束的是第{frame['tag'].para.index}段的 {frame['tag'].raw}）。",
                         t.para, (t.start, t.end))
        for frame in reversed(stack):
            if id(frame) not in mismatched:
                o = frame["tag"]
                self.add("tpl.unclosed-block", f"{o.raw} 一直到{part_label(res.part)}末尾都没有结束（缺少 end{frame['kw']}）。",
                         o.para, (o.start, o.end), hint=f"在该结束的位置加上 {{%{o.prefix + ' ' if o.prefix else ' '}end{frame['kw']} %}}。")
        res.tail = "".join(f.get("tail", "") for f in reversed(stack)) + "".join(
            "{%% end%s %%}" % f["kw"] for f in reversed(stack) if "tail" not in f)

    def check_block(self, members: list[Tag], opener: Tag) -> None:
        """A block's tags must sit where docxtpl can cut the XML: same cell / table / row, same prefix."""
        span = (opener.start, opener.end)
        for m in members[1:]:
            if (m.prefix or None) != (opener.prefix or None):
                self.add("tpl.block-prefix-mismatch",
                         f"{opener.raw} 与第{m.para.index}段的 {m.raw} 前缀不同（{opener.prefix or '无'} / {m.prefix or '无'}），生成的文档结构会错乱。",
                         opener.para, span, hint="同一组 if/for 的开始、中间、结束标签要用同样的 p/tr/tc 前缀。")
                return

        def container(t: Tag):
            if t.prefix == "tr":
                return t.para.tbl
            if t.prefix == "tc":
                return t.para.tr
            return t.para.tc

        c0 = container(opener)
        for m in members[1:]:
            if container(m) is not c0:
                what = {"tr": "同一个表格", "tc": "同一行"}.get(opener.prefix or "", "同一个单元格（或都在表格外）")
                self.add("tpl.block-crosses-cells",
                         f"{opener.raw} 与第{m.para.index}段的 {m.raw} 不在{what}里，生成时会把表格结构打乱。",
                         opener.para, span, hint="表格行循环用 {%tr for %}…{%tr endfor %}；单元格内的判断要在同一单元格内结束。")
                return
        if not opener.prefix and any(m.para is not opener.para for m in members[1:]):
            self.add("tpl.block-spans-paragraphs",
                     f"不带 p 前缀的 {opener.raw} 跨了段落结束，生成时这些段落会被合并或留下空段。",
                     opener.para, span, severity="warning", hint="跨段的判断/循环请用 {%p if %} / {%p for %}，且单独成段。")


def _outside(text: str, spans: list[tuple[int, int]]) -> str:
    out, i = [], 0
    for s, e in sorted(spans):
        out.append(text[i:s])
        i = max(i, e)
    out.append(text[i:])
    return "".join(out)
