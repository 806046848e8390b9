"""Checks across the files of a data folder: every reference resolves, ids and 项目代码 are unique,
the district's names are used as district.yaml writes them; each problem located at the referencing
field. Project files are checked as they are read (``take_projects``); the rest once every file is in.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from wenshu.data.dataset import Dataset, ProjectMeta, ProjectStub, Ref, SourceFile
from wenshu.data.files import RawFile
from wenshu.errors import Problem, ProblemCollector
from wenshu.models.notice import NoticeFile, Section
from wenshu.models.project import Library


def assemble(ds: Dataset, col: ProblemCollector) -> None:
    for sf in ds.files:
        m = sf.model
        if sf.kind == "district":
            if sf.model is not ds.district:
                col.add(Problem(code="data.duplicate-district", message="数据中有多个 district 文件，只能有一个。", file=sf.display, line=1, column=1))
            continue
        elif sf.kind == "industry_reports":
            ds.industry_reports.extend(m.reports)  # type: ignore[attr-defined]
        elif sf.kind == "annual_report":
            if ds.annual_report is not None:
                col.add(Problem(code="data.duplicate-annual", message="数据中有多个 annual_report 文件，只能有一个。", file=sf.display, line=1, column=1))
            ds.annual_report = m  # type: ignore[assignment]
        elif sf.kind == "supervision":
            ds.supervision.append(m)  # type: ignore[arg-type]
        elif sf.kind == "tasks":
            ds.task_lists[ds.rel(sf)] = m  # type: ignore[assignment]
        elif sf.kind == "notice":
            ds.notices[ds.rel(sf)] = m  # type: ignore[assignment]
        elif sf.kind == "holidays":
            ds.holidays = m  # type: ignore[assignment]
    ds.supervision.sort(key=lambda s: (s.year, s.month))
    months = [(s.year, s.month) for s in ds.supervision]
    for ym in sorted({x for x in months if months.count(x) > 1}):
        col.add(Problem(code="data.duplicate-month", message=f"{ym[0]}年{ym[1]}月的督办记录有多个文件。"))


def after_load(ds: Dataset, col: ProblemCollector) -> None:
    """Checks over the whole data folder that need every file: the calendar and the 发文字号 register."""
    from wenshu.analysis.workdays import holiday_year_problems
    from wenshu.numbers import build_register

    hf = next((f for f in ds.files if f.kind == "holidays"), None)
    if hf is not None:
        for p in holiday_year_problems(hf.model):  # type: ignore[arg-type]
            line, column = hf.loaded.key_positions.get(p.loc) or hf.loaded.locate(p.loc)
            col.add(dataclasses.replace(p.problem, file=hf.display, line=line, column=column))
    ds.numbers = build_register(ds)
    col.extend(ds.numbers.problems)


def take_projects(ds: Dataset, sf: SourceFile | None, raw: RawFile | None, metas: list[ProjectMeta],
                  col: ProblemCollector) -> Iterator[int]:
    """Index one file's projects (ids and 项目代码 unique across files), check their references, and
    yield the index (in ``metas``, the file's valid projects) of each defined here first (a later
    definition of the same id is an error).

    Records that failed validation (``raw``) take part in the uniqueness checks with what their raw
    YAML says, so a duplicate is reported in the same run as the record's own errors.
    """
    names = ds.names
    fi = len(ds.files) - 1 if sf is not None else -1
    rows: list[tuple[int, Any, Any]] = []  # (index in the file, valid project or None, raw definition)
    for i, p in enumerate(metas):
        rows.append((sf.kept[i] if sf is not None and sf.kept is not None else i, (i, p), None))
    if raw is not None:
        ds_raw_index = ds.raw.index(raw)
        rows += [(loc[1], None, (ds_raw_index, value)) for what, value, loc in raw.refs if what == "project-def"]
    rows.sort(key=lambda r: r[0])
    where = sf if sf is not None else raw
    for at, valid, bad in rows:
        if valid is not None:
            i, p = valid
            pid, code = p.id, p.code
        else:
            pid, code = bad[1]["id"], bad[1]["code"]
        id_loc, code_loc = ("projects", at, "id"), ("projects", at, "reserve", "project_code")
        first = _first_definition(ds, pid) if pid else None
        if first is not None:
            col.add(_problem(Ref(where, id_loc), "ref.duplicate-project",  # type: ignore[arg-type]
                             f"项目编号“{pid}”重复：已在 {_at(first)}使用。",
                             field_path=_path(id_loc), field_title="项目 › 平台项目编号"))
        if code:
            seen = ds.codes.get(code)
            if seen is not None:
                other = _code_ref(ds, seen)
                col.add(_problem(Ref(where, code_loc), "ref.duplicate-project-code",  # type: ignore[arg-type]
                                 f"项目代码“{code}”重复：已在 {_at(other)}（项目编号“{seen[3]}”）使用。",
                                 field_path=_path(code_loc), field_title="项目 › 储备库信息 › 项目代码",
                                 hint="项目代码由投资项目在线审批监管平台赋予，每个项目唯一；请核对是否抄错"))
            else:
                ds.codes[code] = ("v" if valid else "r", fi if valid else bad[0], at, pid or "")
        if first is not None:
            continue
        if valid is None:
            if pid:
                ds.invalid_ids[pid] = (bad[0], id_loc)
            continue
        i, p = valid
        ds.stubs[p.id] = ProjectStub(p.id, p.name, p.code, p.library, p.department, p.industry, p.completed, fi, i)
        if names is not None:
            _check_names(ds, sf, i, p, col)
        yield i


def _check_names(ds: Dataset, sf: Any, i: int, p: ProjectMeta, col: ProblemCollector) -> None:
    names = ds.names
    if p.department not in names.departments:
        col.add(_problem(Ref(sf, sf.loc("projects", i, "department")), "ref.unknown-department",  # type: ignore[union-attr]
                         f"行业主管部门“{p.department}”不在 district.yaml 的部门中。",
                         field_path=_path(sf.loc("projects", i, "department")), field_title="行业主管部门",  # type: ignore[union-attr]
                         hint=_suggest(p.department, names.shorts)))
    if p.industry not in names.industries:
        col.add(_problem(Ref(sf, sf.loc("projects", i, "industry")), "ref.unknown-industry",  # type: ignore[union-attr]
                         f"所属行业“{p.industry}”不在 district.yaml 的行业中。",
                         field_path=_path(sf.loc("projects", i, "industry")), field_title="所属行业",  # type: ignore[union-attr]
                         hint=_suggest(p.industry, names.industries)))


def _first_definition(ds: Dataset, pid: str) -> Ref | None:
    """Where a project id was first defined, valid or not."""
    ref = ds.project_ref(pid)
    if ref is not None:
        return Ref(ref.file, (*ref.loc, "id"))
    bad = ds.invalid_ids.get(pid)
    return Ref(ds.raw[bad[0]], bad[1]) if bad is not None else None  # type: ignore[arg-type]


def _code_ref(ds: Dataset, seen: tuple) -> Ref:
    flag, index, at, _ = seen
    where = ds.files[index] if flag == "v" else ds.raw[index]
    return Ref(where, ("projects", at, "reserve", "project_code"))  # type: ignore[arg-type]


def _at(ref: Ref) -> str:
    line, _ = ref.position()
    return f"{ref.file.display} 第{line}行" if line else ref.file.display


def _problem(ref: Ref, code: str, message: str, **kw: Any) -> Problem:
    line, col = ref.position()
    return Problem(code=code, message=message, file=ref.file.display, line=line, column=col, **kw)


def _suggest(word: str, choices: list[str]) -> str | None:
    hit = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f"是否应为“{hit[0]}”？" if hit else None


def cross_check(ds: Dataset, col: ProblemCollector) -> None:
    names = ds.names
    if ds.district is None and (ds.files or ds.raw):
        if ds.district_failed is not None and names is not None:
            col.add(Problem(code="ref.district-invalid", severity="warning", file=ds.district_failed,
                            message="district.yaml（区情设置）有错误（见上），部门、行业和发文机关的引用"
                                    "按其中能读出的名称检查；改正后请再校验一次。"))
        elif ds.district_failed is not None:
            col.add(Problem(code="ref.district-invalid", severity="warning", file=ds.district_failed,
                            message="district.yaml（区情设置）无法读取（见上），跳过部门、行业和发文机关的引用检查。"))
        else:
            col.add(Problem(code="ref.no-district", severity="warning",
                            message="未找到 district.yaml（区情设置），跳过部门、行业和发文机关的引用检查。"))
    ids = ds.stubs

    def check_unit(sf: SourceFile, loc: tuple, name: str, title: str, collective: bool = False) -> None:
        if names is None:
            return
        ok = names.unit_ok(name) if collective else name in names.departments
        if not ok:
            col.add(_problem(Ref(sf, loc), "ref.unknown-department",
                             f"{title}“{name}”不在 district.yaml 的部门中。",
                             field_path=_path(loc), field_title=title, hint=_suggest(name, names.shorts)))

    for h in ds.held_records("appraisals"):
        sf, i, a = ds.files[h.file_index], h.index, h.record
        _check_project(col, sf, sf.loc("appraisals", i, "project"), a.project, ids, ds)
        check_unit(sf, sf.loc("appraisals", i, "department"), a.department, "论证部门")
        p = ds.stubs.get(a.project)
        if p is not None and p.library == Library.CATALOGUE:
            col.add(_problem(Ref(sf, sf.loc("appraisals", i, "project")), "ref.catalogue-appraisal",
                             f"项目“{p.name}”仍在目录库，尚未发起转库申请，不应有论证记录。",
                             severity="warning", field_path=f"appraisals[{i}].project"))
    for h in ds.held_records("evaluations"):
        sf, i, e = ds.files[h.file_index], h.index, h.record
        if _check_project(col, sf, sf.loc("evaluations", i, "project"), e.project, ids, ds):
            p = ds.stubs.get(e.project)
            if p is None or not p.completed:
                col.add(_problem(Ref(sf, sf.loc("evaluations", i, "project")), "ref.not-completed",
                                 f"项目“{p.name if p else e.project}”尚未竣工，不能开展项目绩效评价。",
                                 field_path=f"evaluations[{i}].project", field_title="项目编号"))
    for sf in ds.files:
        m = sf.model
        if sf.kind in ("projects", "appraisals", "evaluations"):
            continue  # projects checked as the file was read (_take_projects); the others above
        elif sf.kind == "industry_reports":
            for i, r in enumerate(m.reports):  # type: ignore[attr-defined]
                if names is not None and r.industry not in names.industries:
                    col.add(_problem(Ref(sf, sf.loc("reports", i, "industry")), "ref.unknown-industry",
                                     f"行业“{r.industry}”不在 district.yaml 的行业中。",
                                     field_path=f"reports[{i}].industry", hint=_suggest(r.industry, names.industries)))
                for j, rc in enumerate(r.rectifications):
                    check_unit(sf, sf.loc("reports", i, "rectifications", j, "unit"), rc.unit, "责任单位", collective=True)
        elif sf.kind == "supervision":
            for i, r in enumerate(m.records):  # type: ignore[attr-defined]
                check_unit(sf, ("records", i, "department"), r.department, "部门")
            if m.bulletin is not None and names is not None and m.bulletin.organ not in names.organs:  # type: ignore[attr-defined]
                col.add(_problem(Ref(sf, ("bulletin", "organ")), "ref.unknown-organ",
                                 f"发文机关代号“{m.bulletin.organ}”不在 district.yaml 的 organs 中。",  # type: ignore[attr-defined]
                                 hint=_suggest(m.bulletin.organ, names.organs)))  # type: ignore[attr-defined]
        elif sf.kind == "tasks":
            for i, t in enumerate(m.items):  # type: ignore[attr-defined]
                for j, u in enumerate(t.units):
                    check_unit(sf, ("items", i, "units", j), u, "责任单位", collective=True)
        elif sf.kind == "notice":
            n: NoticeFile = m  # type: ignore[assignment]
            if names is not None and n.organ not in names.organs:
                col.add(_problem(Ref(sf, ("organ",)), "ref.unknown-organ",
                                 f"发文机关代号“{n.organ}”不在 district.yaml 的 organs 中。",
                                 hint=_suggest(n.organ, names.organs)))
            for j, o in enumerate(n.co_organs):
                if names is not None and o not in names.organs:
                    col.add(_problem(Ref(sf, ("co_organs", j)), "ref.unknown-organ",
                                     f"联合发文机关代号“{o}”不在 district.yaml 的 organs 中。", hint=_suggest(o, names.organs)))
            for loc, code, message in n.advisories():
                col.add(_problem(Ref(sf, loc), code, message, severity="warning", field_path=_path(loc),
                                 field_title={"signers": "签发人", "direction": "行文方向"}.get(loc[0])))
            atts = [(("attachments", i), a) for i, a in enumerate(n.attachments)]
            if n.enclosure is not None:
                atts += [(("enclosure", "attachments", i), a) for i, a in enumerate(n.enclosure.attachments)]
            for loc, a in atts:
                if a.task_list is None:
                    continue
                base = ds.root if ds.root is not None else sf.path.parent
                target = (base / a.task_list)
                if not target.is_file():
                    target = sf.path.parent / a.task_list
                tl = next((t for key, t in ds.task_lists.items() if key == a.task_list), None)
                if tl is None and not target.is_file():
                    col.add(_problem(Ref(sf, (*loc, "task_list")), "ref.missing-file",
                                     f"附件引用的任务清单文件“{a.task_list}”不存在（路径相对于数据目录）。",
                                     field_path=_path((*loc, "task_list")), field_title="任务清单文件"))
                elif tl is None:
                    # The file is there but could not be used: say so, not “不存在”.
                    failed = any(r.path.resolve() == target.resolve() for r in ds.raw) or \
                        target.resolve() in {Path(u).resolve() for u in ds.unread_files}
                    other = next((f for f in ds.files if f.path.resolve() == target.resolve()), None)
                    if failed or other is not None:  # (a file outside the files checked is not judged)
                        why = "有错误（见该文件的问题）" if failed else f"不是任务清单（kind 为 {other.kind}）"  # type: ignore[union-attr]
                        col.add(_problem(Ref(sf, (*loc, "task_list")), "ref.invalid-file",
                                         f"附件引用的任务清单文件“{a.task_list}”{why}，附件中的任务清单无法生成。",
                                         field_path=_path((*loc, "task_list")), field_title="任务清单文件"))
            for loc, s in _sections(n):
                if s.responsibility is not None:
                    for key in ("lead", "units"):
                        for j, u in enumerate(getattr(s.responsibility, key)):
                            check_unit(sf, (*loc, "responsibility", key, j), u, "责任单位", collective=True)
    from wenshu import coherence

    coherence.check(ds, col, Ref)


def _sections(n: NoticeFile) -> Iterable[tuple[tuple, Section]]:
    def walk(prefix: tuple, sections: list[Section]):
        for i, s in enumerate(sections):
            loc = (*prefix, i)
            yield loc, s
            yield from walk((*loc, "sections"), s.sections)

    yield from walk(("sections",), n.sections)
    if n.enclosure is not None:
        yield from walk(("enclosure", "sections"), n.enclosure.sections)


def _check_project(col: ProblemCollector, sf: Any, loc: tuple, pid: str, ids: Any, ds: Dataset | None = None) -> bool:
    """True when ``pid`` is a valid project. A project that exists but failed validation is not
    reported again here (its own errors are); one that exists nowhere is."""
    if pid in ids:
        return True
    if ds is not None and pid in ds.invalid_ids:
        return False
    hint = _suggest(pid, sorted(ids.keys()))
    if ds is not None:
        if ds.unread_files:
            hint = (hint + "；" if hint else "") + f"另有 {len(ds.unread_files)} 个数据文件无法读取（见上），该项目可能定义在其中"
    col.add(_problem(Ref(sf, loc), "ref.unknown-project", f"项目编号“{pid}”在项目数据中不存在。",
                     field_path=_path(loc), field_title="项目编号", hint=hint))
    return False


def raw_check(ds: Dataset, col: ProblemCollector) -> None:
    """References made by files or records that failed validation, read from their raw YAML."""
    names = ds.names
    for rf in ds.raw:
        for what, value, loc in rf.refs:
            if what == "project":
                _check_project(col, rf, loc, value, ds.stubs, ds)
            elif names is None:
                continue
            elif what in ("department", "unit"):
                ok = names.unit_ok(value) if what == "unit" else value in names.departments
                if not ok:
                    col.add(_problem(Ref(rf, loc), "ref.unknown-department",  # type: ignore[arg-type]
                                     f"部门“{value}”不在 district.yaml 的部门中。",
                                     field_path=_path(loc), hint=_suggest(value, names.shorts)))
            elif what == "industry" and value not in names.industries:
                col.add(_problem(Ref(rf, loc), "ref.unknown-industry", f"行业“{value}”不在 district.yaml 的行业中。",  # type: ignore[arg-type]
                                 field_path=_path(loc), hint=_suggest(value, names.industries)))
            elif what == "organ" and value not in names.organs:
                col.add(_problem(Ref(rf, loc), "ref.unknown-organ",  # type: ignore[arg-type]
                                 f"发文机关代号“{value}”不在 district.yaml 的 organs 中。", field_path=_path(loc),
                                 hint=_suggest(value, names.organs)))


def _path(loc: tuple) -> str:
    from wenshu.validation import loc_to_path

    return loc_to_path(loc)
