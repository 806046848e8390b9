"""The 发文字号 register (发文登记簿): every number each organ used in a year, across the data folder.

An office keeps one 发文登记簿 per organ and year: each number is given out once, in order, and is
never given out again. wenshu builds the same register from the data:

* numbers written in data files (a notice's ``seq``, a month's ``bulletin.commendation_seq`` /
  ``criticism_seq``) are authoritative;
* ``发文登记簿.yaml`` in the data folder (``wenshu.models.register``) holds the numbers wenshu gave to
  documents whose data leaves the number out, and any number the office entered by hand for a
  document wenshu does not produce;
* a document without a number and without an entry gets the next number after the largest one its
  organ used that year (a gap is never filled: it is usually a document issued outside the data, and
  numbers follow the order of issue). Several such documents are numbered in order of date, then
  data file. The number is entered in the register when the document is first generated
  (``record``), so later runs keep it whatever documents are added meanwhile.

Problems: ``number.duplicate`` (an error at every place that uses the number), ``number.gap`` (a
warning listing the numbers missing between the first and the last used), ``number.register``
(the register cannot be written or was changed by another run).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenshu.errors import Problem, WenshuError
from wenshu.models.register import REGISTER_FILE_NAME, RegisterEntry, RegisterFile



def numbered_kinds() -> dict[str, str]:
    """Document kinds that carry a 发文字号 → the data field the number is written in
    (``DocumentKind.number_field``)."""
    from wenshu.documents import REGISTRY

    return {k.key: k.number_field for k in REGISTRY.values() if k.number_field}

# How each use came by its number (shown by ``wenshu numbers``).
STATUS_TEXT = {
    "explicit": "数据文件中写明",
    "registered": "自动编号，已登记",
    "pending": "自动编号，生成文书时登记",
    "manual": "登记簿登记（非本工具生成）",
    "stale": "登记簿登记（原数据已改动，号不再分配）",
}


@dataclass
class Use:
    """One document's 发文字号 (or, while ``pending``, the number it will get)."""

    organ: str
    year: int
    seq: int | None
    title: str
    date: dt.date | None
    key: str | None  # the data file as documents name it (Dataset.rel), None for a register-only entry
    field: str | None  # seq / bulletin.commendation_seq / bulletin.criticism_seq
    status: str  # see STATUS_TEXT
    file: Any = None  # SourceFile / RawFile the number is located in (for problems)
    loc: tuple = ()
    path: Path | None = None  # the data file, resolved
    entry: int | None = None  # index in the register file
    note: str | None = None  # the register entry's note

    @property
    def kind(self) -> str | None:
        return {v: k for k, v in numbered_kinds().items()}.get(self.field or "")

    def where(self) -> tuple[str | None, int | None, int | None]:
        if self.file is None:
            return None, None, None
        line, col = self.file.loaded.locate(self.loc) if self.loc else (None, None)
        return self.file.display, line, col


@dataclass
class Register:
    uses: list[Use] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)  # organ key → 机关代字
    organ_order: list[str] = field(default_factory=list)
    root: Path | None = None  # the data folder (where 发文登记簿.yaml lives)
    file: Any = None  # the register's SourceFile, when there is one
    file_rel: str | None = None  # …and its path in the data folder
    moved: dict[int, Use] = field(default_factory=dict)  # register entry → the use it now belongs to

    def number(self, organ: str, year: int, seq: int) -> str:
        from wenshu.official import fmt

        prefix = self.prefixes.get(organ)
        return fmt.doc_number(prefix, year, seq) if prefix else f"{organ}〔{year}〕{seq}号"

    def find(self, key: str, field_name: str) -> Use | None:
        return next((u for u in self.uses if u.key == key and u.field == field_name), None)

    def seq_for(self, key: str, field_name: str, *, organ: str, year: int, title: str, date: dt.date | None) -> int:
        """The number of the document made from data file ``key``'s ``field_name``.

        A document the register did not foresee (a 通报 whose units depend on ``--as-of``) is
        numbered now, after every other, by the same rule.
        """
        use = self.find(key, field_name)
        if use is None:
            use = Use(organ, year, None, title, date, key, field_name, "pending")
            self.uses.append(use)
        if use.seq is None:
            use.seq = self._next(organ, year)
        return use.seq

    def _next(self, organ: str, year: int) -> int:
        return max((u.seq for u in self.uses if u.organ == organ and u.year == year and u.seq is not None), default=0) + 1

    def rows(self, organ: str | None = None, year: int | None = None) -> list[Use]:
        order = {k: i for i, k in enumerate(self.organ_order)}
        out = [u for u in self.uses if u.seq is not None and (organ is None or u.organ == organ)
               and (year is None or u.year == year)]
        return sorted(out, key=lambda u: (order.get(u.organ, len(order)), u.organ, u.year, u.seq, u.key or "", u.field or ""))

    def gaps(self) -> dict[tuple[str, int], list[int]]:
        used: dict[tuple[str, int], set[int]] = defaultdict(set)
        for u in self.uses:
            if u.seq is not None:
                used[(u.organ, u.year)].add(u.seq)
        out = {}
        for k, seqs in used.items():
            missing = [n for n in range(min(seqs), max(seqs)) if n not in seqs]
            if missing:
                out[k] = missing
        return out


def seq_of(ds, key: str, field_name: str, explicit: int | None, *, organ: str, year: int, title: str,
           date: dt.date | None) -> int:
    """A document's 顺序号: ``explicit`` when the data gives it, else the register's (see module doc)."""
    if explicit is not None:
        return explicit
    if getattr(ds, "numbers", None) is None:
        ds.numbers = build_register(ds)
    return ds.numbers.seq_for(key, field_name, organ=organ, year=year, title=title, date=date)


def data_root(ds) -> Path | None:
    """The data folder: the one given, else the folder of district.yaml."""
    if ds.root is not None:
        return Path(ds.root)
    d = next((f for f in ds.files if f.kind == "district"), None)
    return d.path.parent if d is not None else None


def bulletin_title(year: int, month: int, kind: str) -> str:
    from wenshu.documents import REGISTRY

    return f"{year}年{month}月{REGISTRY[kind].title}"


def _bulletin_due(ds, sup, kind: str, rules) -> bool:
    """Whether the month's 通报 of ``kind`` will be issued: some unit is commended / criticised when
    judged on the bulletin's date (what the document itself reports)."""
    from wenshu.analysis.supervision import month_supervision

    try:
        ms = month_supervision(sup, sup.bulletin.issued_on, rules, ds.district)
    except WenshuError:
        return True
    return bool(ms.criticised if kind == "criticism" else ms.commended)


def build_register(ds) -> Register:
    """The register of the whole data folder, with its problems (see module doc)."""
    reg = Register(root=data_root(ds))
    if ds.district is not None:
        reg.prefixes = {o.key: o.doc_prefix for o in ds.district.organs}
        reg.organ_order = [o.key for o in ds.district.organs]
    rules = None
    uses = reg.uses

    for sf in ds.files:
        m = sf.model
        if sf.kind == "notice":
            key = ds.rel(sf)
            uses.append(Use(m.organ, m.year, m.seq, m.title, m.signed_on, key, "seq",
                            "explicit" if m.seq is not None else "pending", sf, ("seq",) if m.seq is not None else ("year",),
                            sf.path.resolve()))
        elif sf.kind == "supervision" and m.bulletin is not None:
            meta, key = m.bulletin, ds.rel(sf)
            for kind, fname in (("commendation", "commendation_seq"), ("criticism", "criticism_seq")):
                explicit = getattr(meta, fname)
                title = bulletin_title(m.year, m.month, kind)
                if explicit is None:
                    if not getattr(meta, kind):
                        continue
                    if rules is None:
                        rules = _rules(ds)
                    if not _bulletin_due(ds, m, kind, rules):
                        continue
                loc = ("bulletin", fname) if explicit is not None else ("bulletin", "issued_on")
                uses.append(Use(meta.organ, meta.issued_on.year, explicit, title, meta.issued_on, key,
                                f"bulletin.{fname}", "explicit" if explicit is not None else "pending", sf, loc,
                                sf.path.resolve()))
        elif sf.kind == "register":
            if reg.file is None:
                reg.file, reg.file_rel = sf, ds.rel(sf)
            else:
                reg.problems.append(Problem(code="number.register", file=sf.display, line=1, column=1,
                                            message=f"数据中有多个发文登记簿，只能有一个（已使用 {reg.file.display}）。"))
    for rf in getattr(ds, "raw", []):
        for what, value, loc in rf.refs:
            if what == "number":
                uses.append(Use(value["organ"], value["year"], value["seq"], value["title"], None, None, value["field"],
                                "explicit", rf, loc, rf.path.resolve()))
    _take_register(ds, reg)
    _check_duplicates(reg)
    for u in sorted((u for u in uses if u.status == "pending"),
                    key=lambda u: (u.organ, u.year, u.date or dt.date.min, u.key or "", u.field or "")):
        u.seq = reg._next(u.organ, u.year)
    _check_gaps(reg)
    if ds.names is not None:
        known = set(ds.names.organs)
        if reg.file is not None:
            for i, e in enumerate(reg.file.model.entries):
                if e.organ not in known:
                    line, col = reg.file.loaded.locate(("entries", i, "organ"))
                    reg.problems.append(Problem(code="ref.unknown-organ", file=reg.file.display, line=line, column=col,
                                                field_path=f"entries[{i}].organ", field_title="发文机关代号",
                                                message=f"发文机关代号“{e.organ}”不在 district.yaml 的 organs 中。"))
    return reg


def _rules(ds):
    from wenshu.errors import DataError
    from wenshu.data.settings import load_rules
    from wenshu.models.rules import RulesFile

    try:
        return load_rules(ds.root)
    except DataError:
        return RulesFile()


def _take_register(ds, reg: Register) -> None:
    """Give pending documents their registered numbers; keep every other entry as a used number."""
    if reg.file is None:
        return
    root = reg.root or reg.file.path.parent
    entries: list[RegisterEntry] = reg.file.model.entries
    known_paths = {u.path for u in reg.uses if u.path is not None}
    by_source = {(u.path, u.field): u for u in reg.uses if u.path is not None}
    left: list[int] = []
    for i, e in enumerate(entries):
        loc = ("entries", i, "seq")
        if e.source is None:
            reg.uses.append(Use(e.organ, e.year, e.seq, e.title, e.date, None, None, "manual", reg.file, loc, entry=i,
                                note=e.note))
            continue
        path = (root / e.source).resolve()
        u = by_source.get((path, e.field))
        if u is not None and u.status == "pending" and (u.organ, u.year) == (e.organ, e.year) and u.entry is None:
            u.seq, u.status, u.entry = e.seq, "registered", i
        elif u is not None and u.status == "explicit" and (u.organ, u.year, u.seq) == (e.organ, e.year, e.seq):
            u.entry = i  # the number wenshu gave is now written in the data file: the same document
        elif not path.exists():
            left.append(i)  # the data file is gone (renamed?): matched by title below
        elif path not in known_paths:
            # The data file exists but was not read (not among the files checked, or invalid): the
            # number stays with it.
            reg.uses.append(Use(e.organ, e.year, e.seq, e.title, e.date, e.source, e.field, "registered", reg.file, loc,
                                path, entry=i))
        else:
            reg.uses.append(Use(e.organ, e.year, e.seq, e.title, e.date, None, e.field, "stale", reg.file, loc, path, entry=i))
    for i in left:
        e = entries[i]
        u = next((u for u in reg.uses if u.status == "pending" and u.entry is None
                  and (u.organ, u.year, u.title, u.field) == (e.organ, e.year, e.title, e.field)), None)
        if u is not None:
            u.seq, u.status, u.entry = e.seq, "registered", i
            reg.moved[i] = u
        else:
            reg.uses.append(Use(e.organ, e.year, e.seq, e.title, e.date, None, e.field, "stale", reg.file,
                                ("entries", i, "seq"), (root / e.source).resolve(), entry=i))


def _describe(reg: Register, u: Use) -> str:
    file, line, _ = u.where()
    at = f"{file} 第{line}行" if file and line else (file or "")
    return f"{at}（{u.title}）" if at else u.title


def _check_duplicates(reg: Register) -> None:
    groups: dict[tuple[str, int, int], list[Use]] = defaultdict(list)
    for u in reg.uses:
        if u.seq is not None:
            groups[(u.organ, u.year, u.seq)].append(u)
    for (organ, year, seq), us in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        explicit_titles = {u.title for u in us if u.status == "explicit"}
        # A stale entry for a document that now writes the same number itself is the same document.
        us = [u for u in us if not (u.status == "stale" and u.title in explicit_titles)]
        if len(us) < 2:
            continue
        number = reg.number(organ, year, seq)
        for u in us:
            others = "；".join(_describe(reg, o) for o in us if o is not u)
            file, line, col = u.where()
            from_register = u.file is not None and u.file is reg.file
            reg.problems.append(Problem(
                code="number.duplicate", file=file, line=line, column=col,
                field_path=".".join(str(x) for x in u.loc) if u.loc else None,
                field_title="发文登记簿 › 顺序号" if from_register else "发文顺序号",
                message=f"发文字号“{number}”重复：{u.title}与{others}使用了同一个号。",
                hint="同一机关同一年的发文字号只能用一次：请改正其中一个顺序号；"
                     "删去顺序号则由 wenshu 按发文登记簿编下一个号",
            ))


def _spans(numbers: list[int]) -> str:
    parts, i = [], 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        parts.append(f"{numbers[i]}号" if i == j else f"{numbers[i]}—{numbers[j]}号")
        i = j + 1
    return "、".join(parts)


def _check_gaps(reg: Register) -> None:
    for (organ, year), missing in sorted(reg.gaps().items()):
        after = min((u for u in reg.uses if u.organ == organ and u.year == year and u.seq is not None
                     and u.seq > missing[0] and u.file is not None), key=lambda u: u.seq, default=None)
        file, line, col = after.where() if after is not None else (None, None, None)
        prefix = reg.prefixes.get(organ, organ)
        reg.problems.append(Problem(
            code="number.gap", severity="warning", file=file, line=line, column=col,
            message=f"{prefix}〔{year}〕的发文字号中，{_spans(missing)}在数据和发文登记簿中都没有。",
            hint=f"如果这些号已由其他公文使用，请在 {REGISTER_FILE_NAME} 中登记（不填 source）；"
                 "如果是顺序号写错了，请改正",
        ))


# ── recording ────────────────────────────────────────────────────────────────────────────────


def pending_for(reg: Register, jobs: Iterable[Any]) -> list[Use]:
    """The pending uses of the given document jobs (those to be entered in the register)."""
    out = []
    for job in jobs:
        fname = numbered_kinds().get(job.kind)
        if fname is None or not job.sources:
            continue
        u = reg.find(job.sources[0], fname)
        if u is not None and u.status == "pending" and u not in out:
            out.append(u)
    return out


@contextlib.contextmanager
def _locked(folder: Path):
    """An exclusive lock on the data folder while the register is read and rewritten."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Linux
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def record(ds, jobs: Iterable[Any]) -> list[Problem]:
    """Enter the automatic numbers of ``jobs`` in 发文登记簿.yaml (written atomically).

    Returns problems: a warning when the register cannot be written (the documents keep their
    numbers, but a later run may number them differently), an error when another run changed the
    register meanwhile.
    """
    reg: Register | None = getattr(ds, "numbers", None)
    if reg is None:
        return []
    todo = pending_for(reg, jobs)
    moved = dict(reg.moved)
    if not todo and not moved:
        return []
    root = reg.root
    target = reg.file.path if reg.file is not None else (root / REGISTER_FILE_NAME if root is not None else None)
    if target is None:
        return [Problem(code="number.register", severity="warning",
                        message="没有数据目录，无法登记自动编的发文字号。")]
    try:
        with _locked(target.parent):
            on_disk = _read_entries(target)
            if isinstance(on_disk, Problem):
                return [on_disk]
            taken = {(e.organ, e.year, e.seq): e for e in on_disk}
            new: list[RegisterEntry] = []
            for u in todo:
                src = _relative(u.path, root or target.parent)
                same = next((e for e in on_disk if e.source == src and e.field == u.field), None)
                if same is not None and same.seq == u.seq:
                    continue
                clash = taken.get((u.organ, u.year, u.seq))
                if same is not None or clash is not None:
                    return [Problem(code="number.register", file=_display(target),
                                    message=f"发文登记簿在本次运行期间被修改（{reg.number(u.organ, u.year, u.seq)}已被登记），"
                                            "为免重号，本次没有登记。",
                                    hint="请重新运行同一命令")]
                new.append(RegisterEntry(organ=u.organ, year=u.year, seq=u.seq, title=u.title, date=u.date,
                                         source=src, field=u.field))
            for u in moved.values():
                j = next((j for j, e in enumerate(on_disk) if (e.organ, e.year, e.seq, e.field) == (u.organ, u.year, u.seq, u.field)), None)
                if j is not None and u.path is not None:
                    on_disk[j] = on_disk[j].model_copy(update={"source": _relative(u.path, root or target.parent)})
            if not new and not moved:
                return []
            _write(target, on_disk + new)
    except OSError as e:
        from wenshu.errors import os_reason

        return [Problem(code="number.register", severity="warning", file=_display(target),
                        message=f"无法写入发文登记簿：{os_reason(e)}。本次自动编的发文字号未登记，"
                                "以后数据有变动时可能改变。",
                        hint="请检查数据目录的写入权限，或在数据文件中写明顺序号")]
    for u in todo:
        u.status = "registered"
    reg.moved.clear()
    return []


def _relative(path: Path | None, root: Path) -> str:
    if path is None:
        return ""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _read_entries(target: Path) -> list[RegisterEntry] | Problem:
    from pydantic import ValidationError

    from wenshu.errors import DataError
    from wenshu.loading import load_yaml

    if not target.exists():
        return []
    if not target.is_file():
        raise IsADirectoryError(21, "", str(target))
    try:
        return list(RegisterFile.model_validate(load_yaml(target).data).entries)
    except (DataError, ValidationError):
        return Problem(code="number.register", file=_display(target),
                       message="发文登记簿有错误，本次没有登记新的发文字号。", hint="请先用 wenshu validate 检查并改正")


HEADER = """\
# 发文登记簿：各发文机关每年已使用的发文字号，每个号一项。
# wenshu 为数据中没有写明顺序号的公文自动编号时在这里登记，以后重新生成时沿用同一个号。
# 不由 wenshu 生成的公文也可以手工登记（不写 source 和 field），这些号不会再分配。
# wenshu 改写本文件时按机关、年份、顺序号排列，不保留注释。
kind: register
"""


def _write(target: Path, entries: list[RegisterEntry]) -> None:
    from wenshu.atomic import atomic_write

    entries = sorted(entries, key=lambda e: (e.organ, e.year, e.seq, e.source or "", e.field or ""))
    lines = [HEADER.rstrip("\n"), "entries:" if entries else "entries: []"]
    try:  # keep an editor's schema line (“# yaml-language-server: $schema=…”) at the top
        first = target.read_text(encoding="utf-8").split("\n", 1)[0]
    except (OSError, UnicodeDecodeError):
        first = ""
    if first.startswith("# yaml-language-server:"):
        lines.insert(0, first)
    for e in entries:
        lines.append(f"- organ: {json.dumps(e.organ, ensure_ascii=False)}")
        lines.append(f"  year: {e.year}")
        lines.append(f"  seq: {e.seq}")
        lines.append(f"  title: {json.dumps(e.title, ensure_ascii=False)}")
        if e.date is not None:
            lines.append(f"  date: {e.date.isoformat()}")
        if e.source is not None:
            lines.append(f"  source: {json.dumps(e.source, ensure_ascii=False)}")
            lines.append(f"  field: {e.field}")
        if e.note:
            lines.append(f"  note: {json.dumps(e.note, ensure_ascii=False)}")
    text = "\n".join(lines) + "\n"
    atomic_write(target, lambda f: f.write(text.encode("utf-8")), force=True)


# ── listing ──────────────────────────────────────────────────────────────────────────────────

COLUMNS = ("发文字号", "文书", "数据文件", "成文日期", "说明")


def row_values(reg: Register, u: Use) -> list[str]:
    from wenshu.official import fmt

    number = reg.number(u.organ, u.year, u.seq) if u.seq is not None else ""
    file = u.key or ""
    if not file and u.file is not None and u.file is reg.file:
        file = reg.file_rel or u.file.display
    status = STATUS_TEXT.get(u.status, "") + (f"；{u.note}" if u.note else "")
    return [number, u.title, file, fmt.cn_date(u.date) if u.date else "", status]


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(reg: Register, rows: list[Use]) -> str:
    """The register as an aligned text table (CJK characters count two columns)."""
    table = [list(COLUMNS)] + [row_values(reg, u) for u in rows]
    widths = [max(_width(r[i]) for r in table) for i in range(len(COLUMNS))]
    lines = []
    for r in table:
        cells = [c + " " * (widths[i] - _width(c)) for i, c in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def to_csv(reg: Register, rows: list[Use]) -> bytes:
    """The register as CSV: UTF-8 with BOM and CRLF, as manifest.csv (WPS and Excel open it intact)."""
    import csv
    import io

    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for u in rows:
        w.writerow(row_values(reg, u))
    return buf.getvalue().encode("utf-8")


def duplicate_problems(ds, job) -> list[Problem]:
    """The ``number.duplicate`` problems located at the data of ``job`` (empty when its number is unique)."""
    reg: Register | None = getattr(ds, "numbers", None)
    fname = numbered_kinds().get(job.kind)
    if reg is None or fname is None or not job.sources:
        return []
    u = reg.find(job.sources[0], fname)
    if u is None or u.seq is None:
        return []
    file, line, _ = u.where()
    return [p for p in reg.problems if p.code == "number.duplicate" and p.file == file and p.line == line]
