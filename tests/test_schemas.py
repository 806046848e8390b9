"""schemas/ is committed and must match the models; example files point editors at it."""

from __future__ import annotations

import json

from tests.conftest import EXAMPLES, ROOT
from wenshu.models import FILE_KINDS
from wenshu.schema_export import render_schema, write_schemas


def test_committed_schemas_are_current():
    stale = []
    for kind, fk in FILE_KINDS.items():
        committed = ROOT / "schemas" / fk.schema_file
        if not committed.is_file() or committed.read_text(encoding="utf-8") != render_schema(kind):
            stale.append(fk.schema_file)
    assert not stale, f"schemas/ is stale, run: wenshu schema --out schemas  ({', '.join(stale)})"


def test_schema_command_reproduces_schemas(tmp_path, run_cli):
    code, out, _ = run_cli("schema", "--out", tmp_path / "s")
    assert code == 0
    for fk in FILE_KINDS.values():
        assert (tmp_path / "s" / fk.schema_file).read_bytes() == (ROOT / "schemas" / fk.schema_file).read_bytes()


def test_every_field_has_a_chinese_title():
    def walk(node, path):
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                for name, spec in props.items():
                    title = spec.get("title", "")
                    assert any("\u4e00" <= c <= "\u9fff" for c in title), f"{path}.{name} has no Chinese title"
                    assert spec.get("description"), f"{path}.{name} has no description"
            for k, v in node.items():
                walk(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")

    for kind in FILE_KINDS:
        walk(json.loads(render_schema(kind)), kind)


def test_schemas_are_deterministic(tmp_path):
    a = write_schemas(tmp_path / "a")
    b = write_schemas(tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_example_files_declare_their_schema():
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: schema {target} not found"
        kind_line = next(l for l in path.read_text(encoding="utf-8").splitlines() if l.startswith("kind:"))
        kind = kind_line.split(":", 1)[1].strip()
        assert target.name == FILE_KINDS[kind].schema_file, path


def test_example_district_covers_the_brief():
    """The example district has what issue 2 asks for: ≥40 projects, ≥6 industries, all libraries..."""
    from wenshu.data import load_dataset

    projects = []
    ds = load_dataset([EXAMPLES], on_project=projects.append)
    assert len(projects) >= 40
    assert len({p.industry for p in projects}) >= 6
    assert {p.library.value for p in projects} == {"目录库", "储备库", "实施库"}
    assert {p.investment_type.value for p in projects} == {"政府投资", "社会投资"}
    late_start = [p for p in projects if p.implementation and p.implementation.actual_start
                  and p.implementation.actual_start > p.reserve.planned_start]
    assert late_start
    assert len(ds.supervision) >= 3
    assert ds.task_lists and ds.notices and ds.evaluation_count and ds.industry_reports and ds.annual_report
