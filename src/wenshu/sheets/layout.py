"""The workbook layout, derived from the input models: which sheets, which columns, in which order.

Nothing here names a field one by one. The models are walked field by field:

* a scalar field (text, number, date, true/false, a choice) is one column;
* a nested model (``reserve``, ``implementation.settlement``) is flattened into the row of its owner,
  its columns next to each other;
* a list of texts is one cell, one item per line (a list of department names or of numbers: one
  cell, items separated by “、”);
* a notice's body items (paragraphs, tables, page breaks) are one cell, one paragraph per line, a
  page break and a table written between markers (see ``cells.body_text``);
* a list (or mapping) of models is a sheet of its own — a *repeated group* — whose rows name the
  record they belong to by its identifying columns (a project's 平台项目编号 ...);
* a list of the model itself (a section's sub-sections) is flattened into the same sheet with a
  level column (层级 1–4).

Which file kind is a list of records, which is one form per file and which is a single form comes
from the file models too: a file model holding just one list of records gives one row per record;
a kind that a data folder holds once (区情设置, 年度综合绩效评价, 计算规则) is a two-column form
(项目 | 值); any other kind gives one row per file.

The only hand-written tables are the identifying fields of the records that own repeated groups
(``KEYS``) and the fields that name a department, an industry, an organ or a project (``REFS``, for
the dropdowns): both are facts about references between records, not about columns.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from wenshu.models import FILE_KINDS
from wenshu.models.appraisal import Appraisal
from wenshu.models.district import Industry
from wenshu.models.evaluation import EvaluationInput
from wenshu.models.notice import NoticeFile, Responsibility, TableItem
from wenshu.models.project import Project
from wenshu.models.reports import IndustryReportInput, Rectification
from wenshu.models.supervision import BulletinMeta, DeptMonthRecord, SupervisionFile
from wenshu.models.tasks import TaskItem, TaskListFile

# File kinds a data folder holds at most once: a two-column form (项目 | 值).
SINGLE_FORMS = ("district", "annual_report", "rules", "wording")

# Kinds that never go into the workbook (settings of the workbook itself).
NOT_IN_WORKBOOK = ("sheet_aliases",)

# Order of the kinds in the workbook: what departments fill in first, the district's set-up later.
KIND_ORDER = ("projects", "appraisals", "evaluations", "industry_reports", "annual_report", "supervision",
              "tasks", "district", "notice", "rules", "wording", "holidays")

# Fields identifying a record that owns repeated groups (the rows of a group sheet name it by these).
# A record without an entry here is named by its position (序号) in its owner.
KEYS: dict[type[BaseModel], tuple[str, ...]] = {
    Project: ("id",),
    EvaluationInput: ("project",),
    IndustryReportInput: ("industry", "year"),
    SupervisionFile: ("year", "month"),
    TaskListFile: ("title",),
    NoticeFile: ("organ", "year", "seq"),
}

# Fields referring to a record of another kind (dropdowns in the workbook).
REFS: dict[tuple[type[BaseModel], str], str] = {
    (Project, "department"): "department",
    (Project, "industry"): "industry",
    (Appraisal, "project"): "project",
    (Appraisal, "department"): "department",
    (EvaluationInput, "project"): "project",
    (IndustryReportInput, "industry"): "industry",
    (Rectification, "unit"): "unit",
    (DeptMonthRecord, "department"): "department",
    (TaskItem, "units"): "unit",
    (Responsibility, "lead"): "unit",
    (Responsibility, "units"): "unit",
    (Industry, "department"): "department",
    (BulletinMeta, "organ"): "organ",
    (NoticeFile, "organ"): "organ",
    (NoticeFile, "co_organs"): "organ",
}

# Title of the key of a mapping of records (``years: {2027: …}`` in holidays.yaml).
DICT_KEY_TITLE = "年份"
SEQ_TITLE = "序号"
LEVEL_TITLE = "层级"
FILE_TITLE = "数据文件"
FILE_TITLE_ALT = "所在数据文件"

# Column kinds.
TEXT, INT, DECIMAL, DATE, BOOL, CHOICE, LINES, LIST, GROUPS, BODY = (
    "text", "int", "decimal", "date", "bool", "choice", "lines", "list", "groups", "body")

LIST_SEP = "、"
GROUP_SEP = "，"


@dataclass
class Column:
    """One column of a sheet (or one row of a two-column form)."""

    path: tuple[str, ...]  # YAML keys from the sheet's record to the value
    titles: tuple[str, ...]  # Chinese titles along the path
    kind: str
    header: str = ""
    item: str | None = None  # element kind of a LIST column
    choices: tuple[str, ...] = ()
    item_choices: tuple[str, ...] = ()
    ref: str | None = None
    required: bool = False  # required whenever the row exists
    group: str | None = None  # title of the optional group the field belongs to (conditional)
    decimals: int | None = None  # most decimal places allowed
    unit: str | None = None
    description: str = ""
    default: Any = None
    has_default: bool = False
    int_bounds: tuple[Any, Any] = (None, None)
    pattern: str | None = None
    special: str | None = None  # "key" (parent key copy), "seq", "level", "file", "dict_key"

    @property
    def label(self) -> str:
        """The header without the required mark."""
        return self.header


@dataclass
class Sheet:
    """One sheet: the rows of one record model."""

    name: str
    kind: str  # file kind
    model: type[BaseModel]
    mode: str  # "records" | "files" | "form" | "group"
    list_path: tuple[str, ...] = ()  # path from the owner record (or file) to this list
    list_title: str = ""
    parent: Sheet | None = None
    columns: list[Column] = field(default_factory=list)  # all columns, in order
    own_key: list[Column] = field(default_factory=list)  # columns naming one row for its groups
    parent_key: list[Column] = field(default_factory=list)  # copies of the owner's identifying columns
    tree: str | None = None  # YAML key of the recursive list (sections)
    dict_key: Column | None = None  # key column of a mapping of records
    children: list[Sheet] = field(default_factory=list)

    @property
    def data_columns(self) -> list[Column]:
        return [c for c in self.columns if c.special is None]

    def column_by_path(self) -> dict[tuple[str, ...], Column]:
        return {c.path: c for c in self.columns if c.special is None}

    @property
    def identity(self) -> list[Column]:
        """Columns naming one row of this sheet for its own groups: owner's key, then its own."""
        return self.parent_key + self.own_key

    def root(self) -> Sheet:
        s = self
        while s.parent is not None:
            s = s.parent
        return s


@dataclass
class Layout:
    sheets: list[Sheet]

    def by_name(self) -> dict[str, Sheet]:
        return {s.name: s for s in self.sheets}

    def main(self, kind: str) -> Sheet:
        return next(s for s in self.sheets if s.kind == kind and s.parent is None)

    def of_kind(self, kind: str) -> list[Sheet]:
        return [s for s in self.sheets if s.kind == kind]


# --------------------------------------------------------------------------------------------
# Type helpers


def unwrap(tp: Any) -> tuple[Any, bool]:
    """(inner type, optional?) of an annotation: strips Annotated and ``| None``."""
    optional = False
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(tp))
            if len(args) == 1:
                tp = args[0]
                continue
        return tp, optional


def resolved(tp: Any, owner: type) -> Any:
    """An annotation left as a string by ``from __future__ import annotations`` (a model built at
    import time, as the wording phrases are), evaluated where its model was defined."""
    if isinstance(tp, typing.ForwardRef):
        import sys

        return eval(tp.__forward_arg__, vars(sys.modules[owner.__module__]))  # noqa: S307 - our own source
    return tp


def is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def scalar_kind(tp: Any) -> tuple[str, tuple[str, ...]] | None:
    """(kind, choices) of a scalar annotation, None when it is not a scalar."""
    if typing.get_origin(tp) is Literal:
        return CHOICE, tuple(str(a) for a in typing.get_args(tp))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return CHOICE, tuple(str(m.value) for m in tp)
    if tp is bool:
        return BOOL, ()
    if tp is int:
        return INT, ()
    if tp is Decimal or tp is float:
        return DECIMAL, ()
    if tp is dt.date:
        return DATE, ()
    if tp is str:
        return TEXT, ()
    return None


def _meta(f: FieldInfo, name: str) -> Any:
    for m in f.metadata:
        v = getattr(m, name, None)
        if v is not None:
            return v
    return None


def field_key(name: str, f: FieldInfo) -> str:
    return f.alias or name


def _unit(f: FieldInfo) -> str | None:
    extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
    return extra.get("unit")


def header_of(title: str, unit: str | None) -> str:
    if unit and unit not in title:
        return f"{title}（{unit}）"
    return title


# --------------------------------------------------------------------------------------------
# Building the layout


def _columns(model: type[BaseModel], sheet: Sheet, sheets: list[Sheet], path: tuple[str, ...] = (),
             titles: tuple[str, ...] = (), required: bool = True, group: str | None = None,
             skip_kind: bool = False) -> None:
    for name, f in model.model_fields.items():
        if skip_kind and name == "kind":
            continue
        key = field_key(name, f)
        title = f.title or name
        tp, optional = unwrap(resolved(f.annotation, model))
        req = required and f.is_required()
        fpath, ftitles = path + (key,), titles + (title,)
        if is_model(tp):
            _columns(tp, sheet, sheets, fpath, ftitles, req,
                     group if group is not None else (None if f.is_required() else title))
            continue
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is list:
            elem, _ = unwrap(args[0])
            if is_model(elem):
                if elem is model and not path:
                    sheet.tree = key
                    continue
                _group_sheet(sheet, sheets, elem, fpath, ftitles)
                continue
            col = _list_column(model, name, f, elem, fpath, ftitles, req, group)
        elif origin is dict:
            elem, _ = unwrap(args[1])
            if not is_model(elem):
                raise TypeError(f"unsupported mapping field {model.__name__}.{name}")
            _group_sheet(sheet, sheets, elem, fpath, ftitles, dict_key=True)
            continue
        else:
            sk = scalar_kind(tp)
            if sk is None:
                raise TypeError(f"unsupported field {model.__name__}.{name}: {tp!r}")
            col = Column(path=fpath, titles=ftitles, kind=sk[0], choices=sk[1], required=req, group=group)
        col.ref = REFS.get((model, name))
        col.description = f.description or ""
        col.unit = _unit(f)
        col.decimals = _meta(f, "decimal_places")
        col.pattern = _meta(f, "pattern")
        col.int_bounds = (_meta(f, "ge"), _meta(f, "le"))
        if not f.is_required():
            col.has_default = True
            col.default = f.get_default(call_default_factory=True)
        sheet.columns.append(col)


def _is_body_item(tp: Any) -> bool:
    """The notice's body item: a paragraph, a table or a page break (models/notice.py BodyItem)."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return False
    return any(unwrap(a)[0] is TableItem for a in typing.get_args(tp))


def _list_column(model, name, f, elem, path, titles, req, group) -> Column:
    origin = typing.get_origin(elem)
    if _is_body_item(elem):  # paragraphs with tables and page breaks between them
        return Column(path=path, titles=titles, kind=BODY, required=req and _min_len(f) > 0, group=group)
    if origin is list:  # list of lists of texts: groups (抄送机关)
        return Column(path=path, titles=titles, kind=GROUPS, required=req and _min_len(f) > 0, group=group)
    sk = scalar_kind(elem)
    if sk is None:
        raise TypeError(f"unsupported list field {model.__name__}.{name}")
    needed = req and _min_len(f) > 0
    if sk[0] == TEXT and (model, name) not in REFS:
        return Column(path=path, titles=titles, kind=LINES, required=needed, group=group)
    return Column(path=path, titles=titles, kind=LIST, item=sk[0], item_choices=sk[1], required=needed, group=group)


def _min_len(f: FieldInfo) -> int:
    v = _meta(f, "min_length")
    return int(v) if v is not None else 0


def _group_sheet(owner: Sheet, sheets: list[Sheet], model: type[BaseModel], path: tuple[str, ...],
                 titles: tuple[str, ...], dict_key: bool = False) -> None:
    child = Sheet(name="", kind=owner.kind, model=model, mode="group", list_path=path,
                  list_title=" › ".join(titles), parent=owner)
    owner.children.append(child)
    sheets.append(child)
    if dict_key:
        child.dict_key = Column(path=(), titles=(DICT_KEY_TITLE,), kind=INT, required=True, special="dict_key")
    _fill(child, sheets)


def _fill(sheet: Sheet, sheets: list[Sheet]) -> None:
    """Columns of a record sheet: owner key copies, own key / level, data columns, file column."""
    sheet.parent_key = [_key_copy(c) for c in (sheet.parent.identity if sheet.parent else [])]
    lead: list[Column] = list(sheet.parent_key)
    if sheet.dict_key is not None:
        lead.append(sheet.dict_key)
    data_start = len(sheet.columns)
    _columns(sheet.model, sheet, sheets, skip_kind=sheet.mode in ("files", "form"))
    data = sheet.columns[data_start:]
    if sheet.tree is not None:
        lead.append(Column(path=(), titles=(LEVEL_TITLE,), kind=INT, required=True, special="level",
                           description="1 为一级标题（一、），2 为二级（（一）），3 为三级（1.），4 为四级（（1））；"
                                       "下一行层级比本行大1时是本行的下级小节", int_bounds=(1, 4)))
    sheet.columns = lead + data
    if sheet.parent is None:
        sheet.columns.append(Column(path=(), titles=(FILE_TITLE,), kind=TEXT, special="file",
                                    description="该行数据所在的 YAML 文件（相对数据目录，如 projects/区某局.yaml）；"
                                                "新填的行可以不填，导入时自动分文件"))
    # Own key: named fields, else a position number, for a record that owns groups.
    if sheet.children:
        names = KEYS.get(sheet.model)
        if sheet.dict_key is not None:
            sheet.own_key = [sheet.dict_key]
        elif names:
            by_path = {c.path: c for c in data}
            sheet.own_key = [by_path[(sheet.model.model_fields[n].alias or n,)] for n in names]
        elif sheet.mode != "form":
            seq = Column(path=(), titles=(sheet.list_title.split(" › ")[-1] + SEQ_TITLE,), kind=INT, required=True, special="seq",
                         description="本行在所属记录中的顺序号（1、2、3……），其下级工作表用它对应本行",
                         int_bounds=(1, None))
            sheet.columns.insert(len(sheet.parent_key), seq)
            sheet.own_key = [seq]
    # Children were created while walking: their key copies need the final identity.
    for child in sheet.children:
        child.parent_key = [_key_copy(c) for c in sheet.identity]
        keep = [c for c in child.columns if c.special != "key"]
        child.columns = child.parent_key + keep
        _refresh_grandchildren(child)


def _refresh_grandchildren(sheet: Sheet) -> None:
    for child in sheet.children:
        child.parent_key = [_key_copy(c) for c in sheet.identity]
        child.columns = child.parent_key + [c for c in child.columns if c.special != "key"]
        _refresh_grandchildren(child)


def _key_copy(c: Column) -> Column:
    titles = c.titles
    return Column(path=c.path, titles=titles, kind=c.kind, header=c.header, item=c.item, choices=c.choices,
                  ref=c.ref, required=True, decimals=c.decimals, unit=c.unit,
                  description=f"所属记录的{c.header or titles[-1]}", int_bounds=c.int_bounds,
                  pattern=c.pattern, special="key")


def _mode(kind: str) -> tuple[str, tuple[str, ...], type[BaseModel] | None]:
    """(mode, list path, record model) of a file kind."""
    model = FILE_KINDS[kind].model
    if kind in SINGLE_FORMS:
        return "form", (), model
    fields = [(n, f) for n, f in model.model_fields.items() if n != "kind"]
    if len(fields) == 1:
        name, f = fields[0]
        tp, _ = unwrap(f.annotation)
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin in (list, dict):
            elem, _ = unwrap(args[-1])
            if is_model(elem):
                return "records", (field_key(name, f),), elem
    return "files", (), model


def _headers(sheet: Sheet) -> None:
    """Chinese headers: the field's title (with its unit), made unique inside the sheet by prefixing
    the titles of the nested groups it belongs to. A form (one row per field) shows the whole chain."""
    cols = sheet.columns
    depth = {id(c): (len(c.titles) if sheet.mode == "form" else 1) for c in cols}

    def text(c: Column) -> str:
        n = depth[id(c)]
        parts = c.titles[-n:]
        return "·".join(parts[:-1] + (header_of(parts[-1], c.unit),)) if n > 1 else header_of(c.titles[-1], c.unit)

    for _ in range(6):
        seen: dict[str, list[Column]] = {}
        for c in cols:
            if c.special == "key" and c.header:
                seen.setdefault(c.header, []).append(c)
                continue
            seen.setdefault(text(c), []).append(c)
        clash = [cs for cs in seen.values() if len(cs) > 1]
        if not clash:
            break
        for cs in clash:
            for c in cs:
                if c.special != "key" and depth[id(c)] < len(c.titles):
                    depth[id(c)] += 1
    for c in cols:
        if not (c.special == "key" and c.header):
            c.header = text(c)
    # The file column yields to a field of the same title (a register entry's own 数据文件).
    taken = {c.header for c in cols if c.special != "file"}
    for c in cols:
        if c.special == "file" and c.header in taken:
            c.header = FILE_TITLE_ALT


def _sheet_names(sheets: list[Sheet]) -> None:
    """A main sheet is named after its file kind, a group after its field; when two groups share a
    title (a notice's 附件 and its enclosure's 附件), each is qualified by where it belongs."""
    base: dict[int, str] = {}
    for s in sheets:
        base[id(s)] = FILE_KINDS[s.kind].title if s.parent is None else s.list_title.split(" › ")[-1]
    counts: dict[str, int] = {}
    for name in base.values():
        counts[name] = counts.get(name, 0) + 1
    for s in sheets:  # owners come before their groups
        name = base[id(s)]
        if counts[name] > 1 and s.parent is not None:
            parts = s.list_title.split(" › ")
            if len(parts) > 1:
                name = "·".join(parts)
            else:
                prefix = s.parent.name
                head, _, last = prefix.rpartition("·")
                if head and name.startswith(last):
                    prefix = head
                name = f"{prefix}·{name}"
        s.name = name[:31]


@lru_cache(maxsize=1)
def layout() -> Layout:
    """The workbook layout of every file kind (cached: it depends on the models only)."""
    sheets: list[Sheet] = []
    kinds = [k for k in KIND_ORDER if k in FILE_KINDS] + [
        k for k in FILE_KINDS if k not in KIND_ORDER and k not in NOT_IN_WORKBOOK]
    for kind in kinds:
        mode, list_path, model = _mode(kind)
        main = Sheet(name="", kind=kind, model=model, mode=mode, list_path=list_path)
        sheets.append(main)
        if mode == "records":
            fmodel = FILE_KINDS[kind].model
            tp, _ = unwrap(fmodel.model_fields[_field_name(fmodel, list_path[0])].annotation)
            if typing.get_origin(tp) is dict:
                main.dict_key = Column(path=(), titles=(DICT_KEY_TITLE,), kind=INT, required=True, special="dict_key",
                                       description="四位年份，如 2027", int_bounds=(1900, 2200))
        _fill(main, sheets)
    # Order: each main sheet followed by its groups, depth first.
    ordered: list[Sheet] = []

    def add(s: Sheet) -> None:
        ordered.append(s)
        for c in s.children:
            add(c)

    for s in sheets:
        if s.parent is None:
            add(s)
    for s in ordered:
        # Key copies show their source's header (the owner comes first in this order).
        for k, src in zip(s.parent_key, s.parent.identity if s.parent else [], strict=True):
            k.header = src.header
        _headers(s)
    _sheet_names(ordered)
    return Layout(ordered)


def _field_name(model: type[BaseModel], key: str) -> str:
    for n, f in model.model_fields.items():
        if field_key(n, f) == key:
            return n
    raise KeyError(key)
