"""Resolve every variable path of a template against a kind's context model.

The template's tags are parsed by Jinja into an AST; this module walks it with the small type system
of tplcheck/typesys.py (built from the pydantic context model: models, lists, dicts, Optional, plain
values), following ``{% for %}`` targets, ``loop``, ``{% set %}``, ``{% with %}`` and macros, and reports:

* ``tpl.unknown-field`` — ``{{ p.nmae }}`` where the element type has no ``nmae`` (with "是否应为 name"),
* ``tpl.unknown-filter`` / ``tpl.unknown-test`` — not in the wenshu environment,
* ``tpl.unsafe`` — attributes the sandbox forbids (``__class__``, ``mro``, ``globals`` …),
* warnings: ``tpl.maybe-none`` (an Optional used without ``{% if %}``), ``tpl.not-a-list``,
  ``tpl.prints-object``.

At render time the context is ``model_dump(mode="python")``: models are dicts, so only model fields
(and computed fields) exist, never methods or properties of the pydantic class.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from jinja2 import nodes

from wenshu.tplcheck.typesys import (  # noqa: F401 (T … type_name re-exported: the names this module had)
    ANY, ATTR_FILTERS, BOOL, DATE_ATTRS, DICT_METHODS, INT, JINJA_GLOBALS, LIST_METHODS, LOOP_ATTRS, MUTATING, NONE,
    NUM_ATTRS, STR, STR_METHODS, UNSAFE_ATTRS, UNSAFE_NAMES, AnyT, DictT, ListT, LoopT, ModelT, NamespaceT, OptT,
    PrimT, T, TupleT, field_list, filter_result, from_annotation, model_fields, suggest, type_name,
)


@dataclass
class Finding:
    """A problem at a line of the part's Jinja source (line n+1 is paragraph n), for the checker to place."""

    code: str
    message: str
    lineno: int
    needle: str | None = None  # text to mark in the paragraph
    severity: str = "error"
    hint: str | None = None
    field: str | None = None


def expr_str(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = expr_str(node.node)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = expr_str(node.node)
        if base is None:
            return None
        return f"{base}.{node.arg.value}" if isinstance(node.arg.value, str) else f"{base}[{node.arg.value}]"
    return None


class Scope:
    def __init__(self, parent: Scope | None = None):
        self.parent = parent
        self.vars: dict[str, T] = {}
        self.narrowed: set[str] = set()

    def lookup(self, name: str) -> T | None:
        s: Scope | None = self
        while s is not None:
            if name in s.vars:
                return s.vars[name]
            s = s.parent
        return None

    def is_narrowed(self, path: str) -> bool:
        s: Scope | None = self
        while s is not None:
            if path in s.narrowed:
                return True
            s = s.parent
        return False

    def names(self) -> set[str]:
        out: set[str] = set()
        s: Scope | None = self
        while s is not None:
            out |= set(s.vars)
            s = s.parent
        return out

    def child(self) -> Scope:
        return Scope(self)


def truthy_paths(test: nodes.Node) -> set[str]:
    """Paths known to be non-empty inside ``{% if test %}``."""
    if isinstance(test, (nodes.Name, nodes.Getattr, nodes.Getitem)):
        p = expr_str(test)
        out = {p} if p else set()
        # `a.table.groups` being truthy means `a.table` is not None either.
        while p and "." in p:
            p = p.rsplit(".", 1)[0]
            out.add(p)
        return out
    if isinstance(test, nodes.And):
        return truthy_paths(test.left) | truthy_paths(test.right)
    if isinstance(test, nodes.Not) and isinstance(test.node, nodes.Test) and test.node.name in ("none",):
        return truthy_paths(test.node.node)
    if isinstance(test, nodes.Test) and test.name in ("defined", "string", "number", "sequence", "mapping", "iterable"):
        return truthy_paths(test.node)
    if isinstance(test, nodes.Compare):
        return truthy_paths(test.expr)
    if isinstance(test, nodes.Filter) and test.node is not None:
        return truthy_paths(test.node)
    return set()


class Resolver:
    def __init__(self, model: type | None, filters: Iterable[str], tests: Iterable[str], loop_vars: dict[str, int]):
        self.root = ModelT(model) if model is not None else None
        self.root_fields = model_fields(model) if model is not None else {}
        self.filters = set(filters)
        self.tests = set(tests)
        self.loop_vars = loop_vars  # names bound by some for loop in the part → line of the loop
        self.findings: list[Finding] = []
        self._seen: set[tuple] = set()
        self._no_none_check = 0

    def add(self, f: Finding) -> None:
        key = (f.code, f.lineno, f.needle, f.message)
        if key not in self._seen:
            self._seen.add(key)
            self.findings.append(f)

    # ── statements ──
    def run(self, tree: nodes.Template) -> list[Finding]:
        scope = Scope()
        self.stmts(tree.body, scope)
        return self.findings

    def stmts(self, body: list[nodes.Node], scope: Scope) -> None:
        for n in body:
            self.stmt(n, scope)

    def stmt(self, n: nodes.Node, scope: Scope) -> None:
        if isinstance(n, nodes.Output):
            for e in n.nodes:
                if isinstance(e, nodes.TemplateData):
                    continue
                t = self.expr(e, scope)
                self.check_printed(e, t, scope)
        elif isinstance(n, nodes.For):
            it = self.expr(n.iter, scope)
            elem = self.iter_elem(n.iter, it, scope)
            inner = scope.child()
            self.bind(n.target, elem, inner)
            inner.vars["loop"] = LoopT()
            if n.test is not None:
                self.expr(n.test, inner)
            self.stmts(n.body, inner)
            if n.else_:
                self.stmts(n.else_, scope.child())
        elif isinstance(n, nodes.If):
            self.expr(n.test, scope)
            inner = scope.child()
            inner.narrowed |= truthy_paths(n.test)
            self.stmts(n.body, inner)
            for e in n.elif_:
                self.stmt(e, scope)
            if n.else_:
                self.stmts(n.else_, scope.child())
        elif isinstance(n, nodes.Assign):
            t = self.expr(n.node, scope)
            self.bind(n.target, t, scope)
        elif isinstance(n, nodes.AssignBlock):
            self.stmts(n.body, scope.child())
            if n.filter is not None:
                self.expr(n.filter, scope, filter_input=STR)
            self.bind(n.target, STR, scope)
        elif isinstance(n, nodes.With):
            inner = scope.child()
            for target, value in zip(n.targets, n.values):
                self.bind(target, self.expr(value, scope), inner)
            self.stmts(n.body, inner)
        elif isinstance(n, nodes.Macro):
            scope.vars[n.name] = ANY
            inner = scope.child()
            for a in n.args:
                inner.vars[a.name] = ANY
            for d in n.defaults:
                self.expr(d, scope)
            inner.vars.update({"varargs": ANY, "kwargs": ANY, "caller": ANY})
            self.stmts(n.body, inner)
        elif isinstance(n, nodes.CallBlock):
            self.expr(n.call, scope)
            inner = scope.child()
            for a in n.args:
                inner.vars[a.name] = ANY
            self.stmts(n.body, inner)
        elif isinstance(n, nodes.FilterBlock):
            self.stmts(n.body, scope.child())
            self.expr(n.filter, scope, filter_input=STR)
        elif isinstance(n, nodes.Scope) or isinstance(n, nodes.ScopedEvalContextModifier):
            for o in n.options if hasattr(n, "options") else []:
                self.expr(o.value, scope)
            self.stmts(n.body, scope.child())
        elif isinstance(n, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            self.add(Finding("tpl.unsafe", "模板不能引入或继承其他模板文件。", n.lineno))
        else:
            for child in n.iter_child_nodes():
                if isinstance(child, nodes.Expr):
                    self.expr(child, scope)
                else:
                    self.stmt(child, scope)

    def bind(self, target: nodes.Node, t: T, scope: Scope) -> None:
        if isinstance(target, nodes.Name):
            scope.vars[target.name] = t
        elif isinstance(target, nodes.Tuple):
            items = t.items if isinstance(t, TupleT) and len(t.items) == len(target.items) else None
            for i, sub in enumerate(target.items):
                self.bind(sub, items[i] if items else ANY, scope)
        elif isinstance(target, nodes.NSRef):
            pass

    def iter_elem(self, node: nodes.Node, t: T, scope: Scope) -> T:
        if isinstance(t, OptT):
            self.maybe_none(node, scope, "循环")
            t = t.inner
        if isinstance(t, ListT):
            return t.elem
        if isinstance(t, (ModelT, DictT)):
            return STR  # iterating a dict yields its keys
        if isinstance(t, PrimT) and t.py in (str, int, bool, float, Decimal):
            self.add(Finding(
                "tpl.not-a-list", f"“{expr_str(node) or '表达式'}”是{t.describe()}，不是列表，不能用 for 循环。",
                node.lineno, needle=_last_name(node), severity="error" if t.py is not str else "warning",
                hint="用 wenshu template fields 查看哪些字段是列表（显示为 xxx[]）。"))
        return ANY

    # ── expressions ──
    def expr(self, n: nodes.Node, scope: Scope, filter_input: T | None = None) -> T:
        m = getattr(self, "e_" + type(n).__name__, None)
        if m is not None:
            return m(n, scope) if filter_input is None else m(n, scope, filter_input)
        for child in n.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self.expr(child, scope)
        return ANY

    def e_Const(self, n: nodes.Const, scope: Scope) -> T:
        return PrimT(type(n.value)) if n.value is not None else NONE

    def e_TemplateData(self, n, scope) -> T:
        return STR

    def e_List(self, n: nodes.List, scope: Scope) -> T:
        ts = [self.expr(i, scope) for i in n.items]
        return ListT(ts[0] if ts and all(t == ts[0] for t in ts) else ANY)

    def e_Tuple(self, n: nodes.Tuple, scope: Scope) -> T:
        return TupleT(tuple(self.expr(i, scope) for i in n.items))

    def e_Dict(self, n: nodes.Dict, scope: Scope) -> T:
        for item in n.items:
            self.expr(item.key, scope)
            self.expr(item.value, scope)
        return DictT(ANY)

    def e_Name(self, n: nodes.Name, scope: Scope) -> T:
        name = n.name
        t = scope.lookup(name)
        if t is not None:
            return t
        if name.startswith("_") or name in UNSAFE_NAMES:
            self.add(Finding("tpl.unsafe", f"模板不能使用“{name}”：它不是数据字段，可能用来访问程序内部。",
                             n.lineno, needle=name))
            return ANY
        if self.root is None:
            return ANY
        if name in self.root_fields:
            return self.root_fields[name][0]
        if name in JINJA_GLOBALS:
            return JINJA_GLOBALS[name]
        if name == "loop":
            self.add(Finding("tpl.unknown-field", "“loop”只能在 {% for %} 循环内使用。", n.lineno, needle="loop",
                             field="loop"))
            return LoopT()
        if name in self.loop_vars:
            self.add(Finding(
                "tpl.unknown-field",
                f"“{name}”只在第{self.loop_vars[name]}段开始的 for 循环内有效，这里已在循环之外。",
                n.lineno, needle=name, field=name,
                hint="把这一段移到 {%p for %} 与 {%p endfor %} 之间。"))
            return ANY
        cands = dict(self.root_fields)
        for v in scope.names():
            cands.setdefault(v, (ANY, ""))
        guess = suggest(name, cands)
        msg = f"模板引用了不存在的字段“{name}”。"
        if guess:
            msg += f"是否应为“{guess}”？"
        self.add(Finding("tpl.unknown-field", msg, n.lineno, needle=name, field=name,
                         hint=f"可用的顶层字段：{field_list(self.root_fields)}。完整列表见 wenshu template fields。"))
        return ANY

    def _attr(self, n: nodes.Node, base: nodes.Node, attr: str, scope: Scope) -> T:
        t = self.expr(base, scope)
        if attr.startswith("_") or attr in UNSAFE_ATTRS:
            self.add(Finding("tpl.unsafe", f"模板不能访问内部属性“{attr}”：wenshu 的安全沙箱会拒绝，渲染时报错。",
                             n.lineno, needle=attr, hint="模板只能使用数据字段和 wenshu 提供的过滤器。"))
            return ANY
        if attr in MUTATING:
            self.add(Finding("tpl.unsafe", f"模板不能修改数据（“{attr}”）：wenshu 的沙箱只允许读取。",
                             n.lineno, needle=attr, hint="需要计算时用 {% set %} 生成新值。"))
            return ANY
        if isinstance(t, OptT):
            self.maybe_none(base, scope, f"取“{attr}”")
            t = t.inner
        return self.member(t, attr, n, base)

    def member(self, t: T, attr: str, n: nodes.Node, base: nodes.Node) -> T:
        where = expr_str(base) or "表达式"
        if isinstance(t, (AnyT, NamespaceT)):
            return ANY
        if isinstance(t, ModelT):
            fields = model_fields(t.cls)
            if attr in fields:
                return fields[attr][0]
            if attr in DICT_METHODS:
                return ANY
            guess = suggest(attr, fields)
            msg = f"模板引用了不存在的字段“{attr}”（{where} 中没有这个字段）。"
            if guess:
                msg += f"是否应为“{guess}”（{fields[guess][1] or guess}）？"
            self.add(Finding("tpl.unknown-field", msg, n.lineno, needle=attr, field=f"{where}.{attr}",
                             hint=f"{where} 的字段：{field_list(fields)}。"))
            return ANY
        if isinstance(t, LoopT):
            if attr in LOOP_ATTRS:
                return LOOP_ATTRS[attr]
            guess = suggest(attr, LOOP_ATTRS)
            self.add(Finding("tpl.unknown-field", f"loop 没有“{attr}”。" + (f"是否应为“{guess}”？" if guess else ""),
                             n.lineno, needle=attr, field=f"loop.{attr}",
                             hint="loop 可用：index（从1起）、index0、first、last、length、revindex。"))
            return ANY
        if isinstance(t, DictT):
            return t.val
        if isinstance(t, ListT):
            if attr in LIST_METHODS:
                return ANY
            elem_fields = model_fields(t.elem.cls) if isinstance(t.elem, ModelT) else {}
            hint = None
            if attr in elem_fields:
                var = (where.rsplit(".", 1)[-1][:1] or "x").lower()
                hint = f"先循环：{{%p for {var} in {where} %}} … {{{{ {var}.{attr} }}}} … {{%p endfor %}}"
            self.add(Finding("tpl.unknown-field", f"“{where}”是列表，不能直接取“{attr}”；要对每一项分别取。",
                             n.lineno, needle=attr, field=f"{where}.{attr}", hint=hint))
            return ANY
        if isinstance(t, PrimT):
            py = t.py
            ok = (py is str and attr in STR_METHODS) or (py in (dt.date, dt.datetime) and attr in DATE_ATTRS) \
                or (py in (int, float, Decimal) and attr in NUM_ATTRS) \
                or (isinstance(py, type) and issubclass(py, enum.Enum) and attr in ("value", "name"))
            if ok:
                return STR if py is str else ANY
            self.add(Finding("tpl.unknown-field", f"“{where}”是{t.describe()}，没有“{attr}”。", n.lineno, needle=attr,
                             field=f"{where}.{attr}"))
            return ANY
        return ANY

    def e_Getattr(self, n: nodes.Getattr, scope: Scope) -> T:
        return self._attr(n, n.node, n.attr, scope)

    def e_Getitem(self, n: nodes.Getitem, scope: Scope) -> T:
        if isinstance(n.arg, nodes.Const) and isinstance(n.arg.value, str):
            return self._attr(n, n.node, n.arg.value, scope)
        t = self.expr(n.node, scope)
        self.expr(n.arg, scope)
        if isinstance(t, OptT):
            self.maybe_none(n.node, scope, "取下标")
            t = t.inner
        if isinstance(n.arg, nodes.Slice):
            return t
        if isinstance(t, ListT):
            return t.elem
        if isinstance(t, DictT):
            return t.val
        if isinstance(t, PrimT) and t.py is str:
            return STR
        if isinstance(t, TupleT) and isinstance(n.arg, nodes.Const) and isinstance(n.arg.value, int):
            return t.items[n.arg.value] if -len(t.items) <= n.arg.value < len(t.items) else ANY
        return ANY

    def e_Slice(self, n: nodes.Slice, scope: Scope) -> T:
        for c in (n.start, n.stop, n.step):
            if c is not None:
                self.expr(c, scope)
        return ANY

    def e_Filter(self, n: nodes.Filter, scope: Scope, filter_input: T | None = None) -> T:
        if n.name in ("default", "d"):
            self._no_none_check += 1
        try:
            t = self.expr(n.node, scope) if n.node is not None else (filter_input or ANY)
        finally:
            if n.name in ("default", "d"):
                self._no_none_check -= 1
        for a in n.args:
            self.expr(a, scope)
        for kw in n.kwargs:
            self.expr(kw.value, scope)
        if n.name not in self.filters:
            guess = suggest(n.name, sorted(self.filters))
            self.add(Finding("tpl.unknown-filter", f"没有名为“{n.name}”的过滤器。" + (f"是否应为“{guess}”？" if guess else ""),
                             n.lineno, needle=n.name,
                             hint="wenshu 的过滤器：cn_date、money、money_auto、percent、join_cn 等，见《模板编辑指南》。"))
            return ANY
        return self.filter_type(n, t)

    def filter_type(self, n: nodes.Filter, t: T) -> T:
        name = n.name
        base = t.inner if isinstance(t, OptT) else t
        elem = base.elem if isinstance(base, ListT) else ANY
        # attribute arguments name fields of the element type: check them too
        spec = ATTR_FILTERS.get(name)
        attr_arg = None
        if isinstance(spec, int) and len(n.args) > spec and isinstance(n.args[spec], nodes.Const):
            attr_arg = n.args[spec].value
        elif isinstance(spec, str):
            for kw in n.kwargs:
                if kw.key == spec and isinstance(kw.value, nodes.Const):
                    attr_arg = kw.value.value
        attr_t: T = ANY
        if isinstance(attr_arg, str) and not isinstance(elem, AnyT):
            cur: T = elem
            for part in attr_arg.split("."):
                if isinstance(cur, OptT):
                    cur = cur.inner
                fake = nodes.Name("项", "load", lineno=n.lineno)
                cur = self.member(cur, part, n, fake)
            attr_t = cur
        return filter_result(name, t, attr_arg, attr_t)

    def e_Test(self, n: nodes.Test, scope: Scope) -> T:
        self._no_none_check += 1
        try:
            self.expr(n.node, scope)
        finally:
            self._no_none_check -= 1
        for a in n.args:
            self.expr(a, scope)
        if n.name not in self.tests:
            guess = suggest(n.name, sorted(self.tests))
            self.add(Finding("tpl.unknown-test", f"没有名为“{n.name}”的判断（is 之后的词）。" + (f"是否应为“{guess}”？" if guess else ""),
                             n.lineno, needle=n.name))
        return BOOL

    def e_CondExpr(self, n: nodes.CondExpr, scope: Scope) -> T:
        self.expr(n.test, scope)
        inner = scope.child()
        inner.narrowed |= truthy_paths(n.test)
        a = self.expr(n.expr1, inner)
        b = self.expr(n.expr2, scope) if n.expr2 is not None else NONE
        return a if a == b else ANY

    def e_And(self, n: nodes.And, scope: Scope) -> T:
        self.expr(n.left, scope)
        inner = scope.child()
        inner.narrowed |= truthy_paths(n.left)
        self.expr(n.right, inner)
        return ANY

    def e_Or(self, n: nodes.Or, scope: Scope) -> T:
        self._no_none_check += 1
        try:
            a = self.expr(n.left, scope)
        finally:
            self._no_none_check -= 1
        b = self.expr(n.right, scope)
        a = a.inner if isinstance(a, OptT) else a
        return a if a == b else ANY

    def e_Not(self, n: nodes.Not, scope: Scope) -> T:
        self._no_none_check += 1
        try:
            self.expr(n.node, scope)
        finally:
            self._no_none_check -= 1
        return BOOL

    def e_Compare(self, n: nodes.Compare, scope: Scope) -> T:
        self._no_none_check += 1
        try:
            self.expr(n.expr, scope)
            for op in n.ops:
                self.expr(op.expr, scope)
        finally:
            self._no_none_check -= 1
        return BOOL

    def e_Concat(self, n: nodes.Concat, scope: Scope) -> T:
        for x in n.nodes:
            self.expr(x, scope)
        return STR

    def e_Call(self, n: nodes.Call, scope: Scope) -> T:
        for a in n.args:
            self.expr(a, scope)
        for kw in n.kwargs:
            self.expr(kw.value, scope)
        for d in (n.dyn_args, n.dyn_kwargs):
            if d is not None:
                self.expr(d, scope)
        if isinstance(n.node, nodes.Name) and scope.lookup(n.node.name) is None:
            if n.node.name == "range":
                return ListT(INT)
            if n.node.name == "namespace":
                return NamespaceT()
            if n.node.name == "dict":
                return DictT(ANY)
        if isinstance(n.node, nodes.Getattr):
            owner = self.expr(n.node.node, scope)
            owner = owner.inner if isinstance(owner, OptT) else owner
            attr = n.node.attr
            if attr.startswith("_") or attr in UNSAFE_ATTRS or attr in MUTATING:
                return self._attr(n.node, n.node.node, attr, scope)
            if attr in ("items", "keys", "values", "get") and isinstance(owner, (ModelT, DictT)):
                if isinstance(owner, ModelT):
                    fields = model_fields(owner.cls)
                    if attr == "get" and n.args and isinstance(n.args[0], nodes.Const) and n.args[0].value in fields:
                        return fields[n.args[0].value][0]
                    return ListT(TupleT((STR, ANY))) if attr == "items" else ANY
                val = owner.val
                return {"items": ListT(TupleT((STR, val))), "keys": ListT(STR), "values": ListT(val)}.get(attr, val)
            if isinstance(owner, PrimT) and owner.py is str:
                if attr in STR_METHODS:
                    return ListT(STR) if attr in ("split", "rsplit", "splitlines") else STR
            self.expr(n.node, scope)  # reports an unknown method/field on a model
            return ANY
        self.expr(n.node, scope)
        return ANY

    def _arith(self, n, scope) -> T:
        for child in n.iter_child_nodes():
            self.expr(child, scope)
        return ANY

    e_Add = e_Sub = e_Mul = e_Div = e_FloorDiv = e_Mod = e_Pow = e_Neg = e_Pos = _arith

    # ── checks ──
    def maybe_none(self, node: nodes.Node, scope: Scope, what: str) -> None:
        if self._no_none_check:
            return
        path = expr_str(node)
        if path is None or scope.is_narrowed(path):
            return
        self.add(Finding(
            "tpl.maybe-none", f"“{path}”可能为空（数据中没有时），此处直接{what}会在生成时出错或输出“None”。",
            node.lineno, needle=path.rsplit(".", 1)[-1], severity="warning", field=path,
            hint=f"用 {{%p if {path} %}} … {{%p endif %}} 包起来，或写 {{{{ {path}|default('') }}}}。"))

    def check_printed(self, e: nodes.Node, t: T, scope: Scope) -> None:
        if isinstance(t, OptT):
            self.maybe_none(e, scope, "输出")
            t = t.inner
        if isinstance(t, (ListT, ModelT, DictT, TupleT)):
            path = expr_str(e) or "表达式"
            self.add(Finding("tpl.prints-object",
                             f"“{path}”是{t.describe()}，直接输出会显示成程序格式（如 [...] 或 {{...}}）。",
                             e.lineno, needle=path.rsplit(".", 1)[-1], severity="warning", field=path,
                             hint="输出其中的字段，或用 join_cn 等过滤器把列表连成文字。"))


def _last_name(node: nodes.Node) -> str | None:
    p = expr_str(node)
    return p.rsplit(".", 1)[-1] if p else None


def loop_targets(tree: nodes.Template) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in tree.find_all(nodes.For):
        for nm in f.target.find_all(nodes.Name) if not isinstance(f.target, nodes.Name) else [f.target]:
            out.setdefault(nm.name, f.lineno)
    return out


def resolve(tree: nodes.Template, model: type | None, filters: Iterable[str], tests: Iterable[str]) -> list[Finding]:
    return Resolver(model, filters, tests, loop_targets(tree)).run(tree)


__all__ = ["Finding", "resolve", "from_annotation", "model_fields", "ListT", "ModelT", "OptT", "PrimT", "AnyT",
           "DictT", "T", "type_name", "suggest"]
