"""Static scan of ``src/wenshu`` for every problem code the program can raise.

Used by tests/test_problem_codes.py to hold the registry (wenshu/problem_codes.py) and the code in
step. A *sink* is where a code enters a problem:

* ``Problem(code=…)`` (or its first positional argument),
* ``PydanticCustomError("type", …)`` — reported by wenshu.validation as ``model.<type>``,
* a class attribute ``default_code = …`` (``WenshuError("text")`` uses it).

The expression at a sink is *resolved* to the set of codes it can take: a literal, either branch of
``a if c else b``, a local or module-level name (followed through ``from … import``), a dict literal
looked up (``{"p": ("tpl.two-paragraph-tags", …)}[prefix]``), and — the common case — a parameter of
a helper (``def _problem(ref, code, message)``), in which case every call of that helper is resolved
in turn (functions, nested functions, methods called on ``self`` within the class hierarchy or on any
object in the same module, and class constructors whose ``code`` parameter is stored). What cannot
be followed this way is listed in ``DYNAMIC`` / ``ATTRIBUTES`` below with where its values come from;
anything else is reported as unresolved, so a new computed code cannot slip past the registry.
"""

from __future__ import annotations

import ast
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "wenshu"

# f-strings at sinks, by (module, source text): where the values come from.
DYNAMIC = {
    ("validation.py", "f\"model.{err['type']}\""): "model",
    ("sheets/trace.py", "f\"model.{err['type']}\""): "model",
    ("sheets/scaffold.py", "f\"model.{err['type']}\""): "model",
}

# ``x.code`` at sinks, by (module, source text): the class whose constructor's ``code`` it is.
ATTRIBUTES = {
    ("engine/template.py", "e.code"): "_Overrun",
    ("pdf/pool.py", "e.code"): "JobFailed",
    ("tplcheck/check.py", "f.code"): "Finding",
    ("sheets/assemble.py", "e.code"): "CellError",
}

# Codes a loop takes from a method's result, by (module, iterated expression): the function whose
# code-shaped string constants are the values (``for loc, code, message in n.advisories()``).
ITERATED = {
    ("data/checks.py", "n.advisories()"): ("models/notice.py", "advisories"),
}

# Strings shaped like a code that are not problem codes (spool tables, file and module names).
NOT_CODES = {"batch.names", "batch.outputs", "batch.pdfs", "batch.planned", "spool.sqlite", "wenshu.analysis",
             "wenshu.documents", "wenshu.imprint_on_even_page", "wenshu.pdf", "wenshu.sheets"}

CODE_SHAPE = re.compile(r"^([a-z]+)\.[a-z0-9_][a-z0-9_.-]*$")


@dataclass
class Site:
    module: str
    line: int

    def __str__(self) -> str:
        return f"src/wenshu/{self.module}:{self.line}"


@dataclass
class Scan:
    codes: dict[str, list[Site]] = field(default_factory=dict)  # code -> where it is raised
    unresolved: list[tuple[Site, str]] = field(default_factory=list)
    literals: dict[str, list[Site]] = field(default_factory=dict)  # code-shaped strings anywhere
    all_strings: set[str] = field(default_factory=set)  # every code-shaped string, NOT_CODES included
    used_dynamic: set[tuple[str, str]] = field(default_factory=set)
    used_attributes: set[tuple[str, str]] = field(default_factory=set)
    used_iterated: set[tuple[str, str]] = field(default_factory=set)


class _Module:
    def __init__(self, rel: str, tree: ast.Module):
        self.rel = rel
        self.tree = tree
        self.parent: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node
        self.imports: dict[str, tuple[str, str]] = {}  # local name -> (module rel path, name)
        for node in ast.walk(tree):  # module-level and function-local imports alike
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("wenshu"):
                target = node.module.replace(".", "/").removeprefix("wenshu/")
                for a in node.names:
                    self.imports[a.asname or a.name] = (target, a.name)

    def enclosing(self, node: ast.AST, kinds=(ast.FunctionDef, ast.AsyncFunctionDef)) -> list[ast.AST]:
        out = []
        cur = self.parent.get(node)
        while cur is not None:
            if isinstance(cur, kinds):
                out.append(cur)
            cur = self.parent.get(cur)
        return out

    def owner_class(self, func: ast.AST) -> ast.ClassDef | None:
        p = self.parent.get(func)
        return p if isinstance(p, ast.ClassDef) else None


def _call_name(call: ast.Call) -> str | None:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return None


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


class _Scanner:
    def __init__(self, root: Path, namespaces: set[str], model_family: typing.Callable[[], set[str]]):
        self.mods: dict[str, _Module] = {}
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            self.mods[rel] = _Module(rel, ast.parse(path.read_text(encoding="utf-8")))
        self.namespaces = namespaces
        self.model_family = model_family
        self.scan = Scan()
        self._memo: dict[tuple, list] = {}  # followed helpers/constructors -> their (code, site) list
        self._busy: set[tuple] = set()  # being followed (a helper that calls itself)
        self.classes: dict[str, list[tuple[_Module, ast.ClassDef]]] = {}
        for m in self.mods.values():
            for node in ast.walk(m.tree):
                if isinstance(node, ast.ClassDef):
                    self.classes.setdefault(node.name, []).append((m, node))

    # ── helpers ──
    def _mod_by_import(self, target: str) -> _Module | None:
        return self.mods.get(target + ".py") or self.mods.get(target + "/__init__.py")

    def _bases(self, name: str, seen=None) -> set[str]:
        seen = seen if seen is not None else set()
        if name in seen:
            return seen
        seen.add(name)
        for _, c in self.classes.get(name, []):
            for b in c.bases:
                bn = b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else None
                if bn:
                    self._bases(bn, seen)
        return seen

    def _related(self, a: str, b: str) -> bool:
        return a in self._bases(b) or b in self._bases(a)

    def add(self, code: str, site: Site) -> None:
        self.scan.codes.setdefault(code, []).append(site)

    def unresolved(self, m: _Module, node: ast.AST, why: str) -> None:
        self.scan.unresolved.append((Site(m.rel, getattr(node, "lineno", 0)), why))

    # ── sinks ──
    def run(self) -> Scan:
        for m in self.mods.values():
            docs = _docstrings(m.tree)
            for node in ast.walk(m.tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                    mm = CODE_SHAPE.match(node.value)
                    if mm:
                        self.scan.all_strings.add(node.value)
                    if mm and mm.group(1) in self.namespaces and node.value not in NOT_CODES:
                        self.scan.literals.setdefault(node.value, []).append(Site(m.rel, node.lineno))
                if isinstance(node, ast.Call):
                    name = _call_name(node)
                    if name == "Problem":
                        expr = next((k.value for k in node.keywords if k.arg == "code"), node.args[0] if node.args else None)
                        if expr is not None:
                            self.sink(m, expr, "")
                    elif name == "PydanticCustomError" and node.args:
                        self.sink(m, node.args[0], "model.")
                elif isinstance(node, ast.Assign) and isinstance(m.parent.get(node), ast.ClassDef):
                    if any(isinstance(t, ast.Name) and t.id == "default_code" for t in node.targets):
                        self.sink(m, node.value, "")
        return self.scan

    def sink(self, m: _Module, expr: ast.AST, prefix: str) -> None:
        for code, site in self.resolve(m, expr):
            self.add(prefix + code, site)

    # ── resolution: yields (code, site) ──
    def resolve(self, m: _Module, expr: ast.AST):
        site = Site(m.rel, getattr(expr, "lineno", 0))
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            yield expr.value, site
        elif isinstance(expr, ast.IfExp):
            yield from self.resolve(m, expr.body)
            yield from self.resolve(m, expr.orelse)
        elif isinstance(expr, ast.JoinedStr):
            key = (m.rel, ast.unparse(expr))
            parts = expr.values
            if len(parts) == 2 and isinstance(parts[0], ast.Constant) and isinstance(parts[1], ast.FormattedValue) \
                    and isinstance(parts[1].value, ast.Name) and parts[1].conversion == -1 and parts[1].format_spec is None:
                for code, where in self.name(m, parts[1].value):  # f"model.{kind}": the prefix and kind's values
                    yield parts[0].value + code, where
            elif key in DYNAMIC:
                self.scan.used_dynamic.add(key)
                for code in sorted(self.model_family()):
                    yield code, site
            else:
                self.unresolved(m, expr, f"computed code {key[1]} (list it in tests/code_scan.py DYNAMIC)")
        elif isinstance(expr, ast.Attribute):
            key = (m.rel, ast.unparse(expr))
            if expr.attr == "default_code":
                return  # every class's default_code is a sink of its own
            if key in ATTRIBUTES:
                self.scan.used_attributes.add(key)
                yield from self.constructor(ATTRIBUTES[key], "code")
            else:
                self.unresolved(m, expr, f"code taken from attribute {key[1]}")
        elif isinstance(expr, ast.Name):
            yield from self.name(m, expr)
        elif isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Dict):
            for v in expr.value.values:
                yield from self.resolve(m, v)
        else:
            self.unresolved(m, expr, f"code computed as {ast.unparse(expr)}")

    def name(self, m: _Module, expr: ast.Name, index: int | None = None):
        """Values of a name at ``expr``; ``index``: the element taken by tuple unpacking."""
        for func in m.enclosing(expr):
            params = [a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)]
            if expr.id in params:
                yield from self.forward(m, func, expr.id)
                return
            assigned = list(self._assignments(func, expr.id))
            if assigned:
                for value, idx in assigned:
                    yield from self._value(m, value, idx)
                return
        for node in m.tree.body:
            for value, idx in self._assign_targets(node, expr.id):
                yield from self._value(m, value, idx)
                return
        if expr.id in m.imports:
            target, name = m.imports[expr.id]
            src = self._mod_by_import(target)
            if src is not None:
                yield from self.name(src, ast.Name(id=name, ctx=ast.Load(), lineno=0))
                return
        self.unresolved(m, expr, f"code from name {expr.id!r} that cannot be followed")

    def _value(self, m: _Module, value: ast.AST, idx):
        if isinstance(idx, tuple):  # a loop variable
            key = (m.rel, ast.unparse(value))
            if key not in ITERATED:
                self.unresolved(m, value, f"code taken from a loop over {key[1]} (list it in ITERATED)")
                return
            self.scan.used_iterated.add(key)
            src, fname = ITERATED[key]
            sm = self.mods[src]
            func = next(n for n in ast.walk(sm.tree) if isinstance(n, ast.FunctionDef) and n.name == fname)
            for node in ast.walk(func):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE_SHAPE.match(node.value):
                    yield node.value, Site(sm.rel, node.lineno)
        elif idx is None:
            yield from self.resolve(m, value)
        elif isinstance(value, ast.Subscript) and isinstance(value.value, ast.Dict):
            for v in value.value.values:
                if isinstance(v, ast.Tuple) and idx < len(v.elts):
                    yield from self.resolve(m, v.elts[idx])
                else:
                    self.unresolved(m, v, "unpacked code that is not a tuple element")
        elif isinstance(value, ast.Tuple) and idx < len(value.elts):
            yield from self.resolve(m, value.elts[idx])
        else:
            self.unresolved(m, value, f"code unpacked from {ast.unparse(value)}")

    @staticmethod
    def _assign_targets(node: ast.AST, name: str):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name) and t.id == name:
                    yield node.value, None
                elif isinstance(t, ast.Tuple):
                    for i, e in enumerate(t.elts):
                        if isinstance(e, ast.Name) and e.id == name:
                            yield node.value, i
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name \
                and node.value is not None:
            yield node.value, None

    def _assignments(self, func: ast.AST, name: str):
        for node in ast.walk(func):
            yield from self._assign_targets(node, name)
            if isinstance(node, (ast.For, ast.comprehension)):
                targets = node.target.elts if isinstance(node.target, ast.Tuple) else [node.target]
                for i, t in enumerate(targets):
                    if isinstance(t, ast.Name) and t.id == name:
                        yield node.iter, ("iter", i)

    # ── following a parameter to the calls ──
    def _param_index(self, func: ast.FunctionDef, param: str, method: bool) -> tuple[int | None, ast.AST | None]:
        positional = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
        if method and positional:
            positional = positional[1:]
        defaults = dict(zip([a.arg for a in (*func.args.posonlyargs, *func.args.args)][::-1], func.args.defaults[::-1]))
        defaults.update({a.arg: d for a, d in zip(func.args.kwonlyargs, func.args.kw_defaults) if d is not None})
        return (positional.index(param) if param in positional else None), defaults.get(param)

    def _memoised(self, key: tuple, compute):
        if key in self._memo:
            yield from self._memo[key]
        elif key not in self._busy:
            self._busy.add(key)
            self._memo[key] = list(compute())
            self._busy.discard(key)
            yield from self._memo[key]

    def forward(self, m: _Module, func: ast.FunctionDef, param: str):
        yield from self._memoised((m.rel, func.lineno, param), lambda: self._forward(m, func, param))

    def _forward(self, m: _Module, func: ast.FunctionDef, param: str):
        cls = m.owner_class(func)
        is_method = cls is not None and not any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in func.decorator_list)
        if cls is not None and func.name == "__init__":
            yield from self.constructor(cls.name, param)
            return
        idx, default = self._param_index(func, param, is_method)
        calls = list(self._calls(m, func, cls))
        if not calls:
            self.unresolved(m, func, f"helper {func.name}() forwards its {param!r} but no call of it was found")
        for cm, call in calls:
            yield from self._argument(cm, call, idx, param, default, m)

    def _argument(self, cm: _Module, call: ast.Call, idx: int | None, param: str, default, dm: _Module):
        kw = next((k.value for k in call.keywords if k.arg == param), None)
        if kw is not None:
            yield from self.resolve(cm, kw)
        elif idx is not None and idx < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:idx + 1]):
            yield from self.resolve(cm, call.args[idx])
        elif default is not None:
            yield from self.resolve(dm, default)
        else:
            self.unresolved(cm, call, f"call passes no resolvable {param!r}")

    def _calls(self, m: _Module, func: ast.FunctionDef, cls: ast.ClassDef | None):
        outer = m.enclosing(func)
        if outer:  # a nested helper: called by name inside its enclosing function
            for node in ast.walk(outer[0]):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == func.name:
                    yield m, node
            return
        if cls is None:  # a module-level function: by name here and where it is imported
            for om in self.mods.values():
                local = {n for n, (t, orig) in om.imports.items() if orig == func.name and self._mod_by_import(t) is m}
                if om is m:
                    local.add(func.name)
                for node in ast.walk(om.tree):
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in local:
                        yield om, node
            return
        # a method: self.f(...) within the class hierarchy, obj.f(...) in the defining module
        for om in self.mods.values():
            for node in ast.walk(om.tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == func.name):
                    continue
                recv = node.func.value
                if isinstance(recv, ast.Name) and recv.id == "self":
                    caller = next((c for c in om.enclosing(node, (ast.ClassDef,))), None)
                    if caller is not None and self._related(caller.name, cls.name):
                        yield om, node
                elif om is m and isinstance(recv, ast.Name) and self._instance_of(om, node, recv.id, cls.name):
                    yield om, node

    @staticmethod
    def _instance_of(m: _Module, at: ast.AST, var: str, cls_name: str) -> bool:
        """True if ``var`` at ``at`` is a parameter annotated with, or a name assigned an instance of, ``cls_name``."""
        for func in m.enclosing(at):
            for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs):
                if a.arg == var:
                    return a.annotation is not None and cls_name in ast.unparse(a.annotation)
            for node in ast.walk(func):
                if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == var for t in node.targets):
                    v = node.value
                    return isinstance(v, ast.Call) and _call_name(v) == cls_name
        return False

    def constructor(self, cls_name: str, param: str):
        """Codes given to ``cls_name(...)`` for the constructor parameter ``param``."""
        yield from self._memoised(("__ctor__", cls_name, param), lambda: self._constructor(cls_name, param))

    def _constructor(self, cls_name: str, param: str):
        for m, cls in self.classes.get(cls_name, []):
            init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
            if init is not None:
                idx, default = self._param_index(init, param, True)
            else:  # a dataclass: fields in order
                fields = [n.target.id for n in cls.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]
                idx = fields.index(param) if param in fields else None
                default = None
            for om in self.mods.values():
                local = {n for n, (t, orig) in om.imports.items() if orig == cls_name and self._mod_by_import(t) is m}
                if om is m:
                    local.add(cls_name)
                for node in ast.walk(om.tree):
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in local:
                        yield from self._argument(om, node, idx, param, default, m)


def pydantic_types_translated() -> set[str]:
    """Pydantic's own error types that wenshu.validation.translate names (``et == "missing"`` …,
    ``et.startswith(("datetime_", …))`` expanded over pydantic-core's ``ErrorType``)."""
    from pydantic_core import core_schema

    tree = ast.parse((SRC / "validation.py").read_text(encoding="utf-8"))
    out: set[str] = set()
    prefixes: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            names = [s for s in sides if isinstance(s, ast.Name) and s.id == "et"
                     or isinstance(s, ast.Subscript) and ast.unparse(s) == "err['type']"]
            if names:
                for s in sides:
                    if isinstance(s, ast.Constant) and isinstance(s.value, str):
                        out.add(s.value)
                    elif isinstance(s, ast.Tuple):
                        out |= {e.value for e in s.elts if isinstance(e, ast.Constant)}
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "startswith" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "et":
            for a in node.args:
                items = a.elts if isinstance(a, ast.Tuple) else [a]
                prefixes += [e.value for e in items if isinstance(e, ast.Constant)]
    known = set(typing.get_args(core_schema.ErrorType))
    out |= {t for t in known if t.startswith(tuple(prefixes))}
    return out


def scan_codes(namespaces: set[str]) -> Scan:
    """Every code ``src/wenshu`` can raise (see module docstring)."""
    box: dict[str, set[str]] = {}
    scanner: _Scanner

    def model_family() -> set[str]:
        if "v" not in box:
            custom = {c.removeprefix("model.") for c, _ in _custom_types(scanner)}
            box["v"] = {"model." + t for t in pydantic_types_translated() | custom}
        return box["v"]

    scanner = _Scanner(SRC, namespaces, model_family)
    return scanner.run()


def _custom_types(scanner: _Scanner):
    """``model.<type>`` of every PydanticCustomError raised in src (resolved like any sink)."""
    for m in scanner.mods.values():
        for node in ast.walk(m.tree):
            if isinstance(node, ast.Call) and _call_name(node) == "PydanticCustomError" and node.args:
                for code, _ in scanner.resolve(m, node.args[0]):
                    yield "model." + code, None
