"""Where templates come from: an edited templates folder first, then the built-in ones.

The built-in templates live in the top-level ``templates/`` of a checkout and are copied into the
wheel as ``wenshu/_bundled/templates`` (see pyproject.toml), so both an editable and a plain install
find them.

A template knows its kind: the custom document property “文书类型” (and the core property 类别,
``cp:category``) holds the kind's Chinese name, e.g. 项目绩效评价报告. Word, WPS and LibreOffice keep
document properties when they save, so a template renamed by the office
(“项目绩效评价报告（办公室修改）.docx”) is still found by ``batch --templates`` and checked as what it
is by ``template check``. A file without the property is recognised by its name (the built-in file
name, or the kind's Chinese name at the start of the file name).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from wenshu.errors import Problem, TemplateError

KIND_PROPERTY = "文书类型"
CUSTOM_PART = "docProps/custom.xml"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the standard id of user-defined properties


def bundled_dir() -> Path:
    packaged = resources.files("wenshu") / "_bundled" / "templates"
    try:
        p = Path(str(packaged))
        if p.is_dir():
            return p
    except (TypeError, OSError):
        pass
    checkout = Path(__file__).resolve().parents[2] / "templates"
    if checkout.is_dir():
        return checkout
    raise TemplateError(Problem(code="template.no-builtin", message="找不到内置模板目录：安装可能不完整，请重新安装 wenshu。"))


# ─── the kind stored in a template ──────────────────────────────────────────────────────────────


def _kinds() -> dict[str, tuple[str, str]]:
    """kind key → (built-in file name, Chinese title)."""
    from wenshu.documents import REGISTRY

    return {k: (v.template, v.title) for k, v in REGISTRY.items()}


def kind_named(value: str | None) -> str | None:
    """The kind a property value names: its Chinese title (项目绩效评价报告) or its key (project_report)."""
    if not value:
        return None
    value = value.strip()
    for key, (_, title) in _kinds().items():
        if value in (key, title):
            return key
    return None


def custom_properties_xml(kind: str) -> bytes:
    title = _kinds()[kind][1]
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">'
            f'<property fmtid="{_FMTID}" pid="2" name="{KIND_PROPERTY}"><vt:lpwstr>{title}</vt:lpwstr></property>'
            "</Properties>").encode("utf-8")


def add_kind_property(parts: dict[str, bytes], kind: str) -> dict[str, bytes]:
    """Store ``kind`` in a package (part name → bytes): docProps/custom.xml, its relationship and its
    content type. Other custom properties of an existing custom.xml are replaced (templates built by
    wenshu have none)."""
    out = dict(parts)
    out[CUSTOM_PART] = custom_properties_xml(kind)
    ct = out["[Content_Types].xml"].decode("utf-8")
    if f'PartName="/{CUSTOM_PART}"' not in ct:
        ct = ct.replace("</Types>", f'<Override PartName="/{CUSTOM_PART}" ContentType="{CUSTOM_TYPE}"/></Types>')
    out["[Content_Types].xml"] = ct.encode("utf-8")
    rels = out["_rels/.rels"].decode("utf-8")
    if CUSTOM_REL not in rels:
        ids = {int(n) for n in re.findall(r'Id="rId(\d+)"', rels)}
        rid = f"rId{max(ids, default=0) + 1}"
        rels = rels.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{CUSTOM_REL}" Target="{CUSTOM_PART}"/></Relationships>')
    out["_rels/.rels"] = rels.encode("utf-8")
    return out


def stored_kind(path: Path) -> str | None:
    """The kind written in the template's document properties (文书类型, else 类别), or None."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            found = []
            if CUSTOM_PART in names:
                root = etree.fromstring(z.read(CUSTOM_PART), parser)
                for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
                    if (prop.get("name") or "").strip() == KIND_PROPERTY:
                        found.append("".join(prop.itertext()))
            if "docProps/core.xml" in names:
                root = etree.fromstring(z.read("docProps/core.xml"), parser)
                found += ["".join(c.itertext()) for c in root.iter(f"{{{CP_NS}}}category")]
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        return None
    for value in found:
        kind = kind_named(value)
        if kind:
            return kind
    return None


def kind_from_name(path: Path) -> str | None:
    """The kind a file name points to: the built-in name (notice.docx, notice-修改.docx,
    notice.annotated.docx) or the kind's Chinese name at its start (项目绩效评价报告（办公室修改）.docx)."""
    name, stem = Path(path).name, Path(path).stem
    kinds = _kinds()
    for key, (template, _) in kinds.items():
        if name == template or stem == key or stem == Path(template).stem:
            return key
    for key, (template, _) in kinds.items():
        if stem.startswith(Path(template).stem + ".") or stem.startswith(Path(template).stem + "-"):
            return key
    # the longest title first: 年度投资项目综合绩效评价报告 before anything shorter
    for key, (_, title) in sorted(kinds.items(), key=lambda kv: -len(kv[1][1])):
        if stem.startswith(title):
            return key
    return None


def template_kind(path: Path) -> str | None:
    """The kind of a template file: its stored property first, then its file name."""
    return stored_kind(path) or kind_from_name(path)


@dataclass
class TemplateFolder:
    """The templates found in an edited templates folder."""

    folder: Path
    by_kind: dict[str, Path] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)


def scan_folder(folder: Path) -> TemplateFolder:
    """Every .docx of ``folder`` by the kind stored in it (or named by its file name).

    A .docx that matches no kind, a Word/WPS format that is not .docx, and two templates of one kind
    are named in warnings (of two, the one with the built-in file name is used, else the first by name).
    """
    folder = Path(folder)
    res = TemplateFolder(folder)
    kinds = _kinds()
    claims: dict[str, list[Path]] = {}
    try:
        files = sorted(p for p in folder.iterdir() if p.is_file())
    except OSError:
        return res
    for p in files:
        if p.name.startswith(("~$", ".")):
            continue  # Word's lock files, hidden files
        suffix = p.suffix.lower()
        if suffix in (".doc", ".wps", ".dotx", ".docm", ".odt", ".rtf"):
            res.warnings.append(Problem(
                code="template.not-used", severity="warning", file=str(p),
                message="模板目录中的这个文件不是 .docx，未使用。", hint="在 Word/WPS 中“另存为”Word 文档（*.docx）。"))
            continue
        if suffix != ".docx":
            continue
        kind = template_kind(p)
        if kind is None:
            res.warnings.append(Problem(
                code="template.unknown-kind", severity="warning", file=str(p),
                message="无法判断这个模板是哪种文书的（文档属性“文书类型”和文件名都对应不上任何一类文书），未使用。",
                hint="把文件名改为以文书类型开头（如“项目绩效评价报告（修改）.docx”），"
                     "或在 Word“文件 → 信息 → 属性 → 高级属性 → 自定义”中添加“文书类型”，值为文书名称。"))
            continue
        claims.setdefault(kind, []).append(p)
    for kind, paths in claims.items():
        canonical = [p for p in paths if p.name == kinds[kind][0]]
        chosen = canonical[0] if canonical else paths[0]
        res.by_kind[kind] = chosen
        if len(paths) > 1:
            others = "、".join(p.name for p in paths if p != chosen)
            res.warnings.append(Problem(
                code="template.duplicate-kind", severity="warning", file=str(chosen),
                message=f"模板目录中有 {len(paths)} 个{kinds[kind][1]}模板；使用这一个，未使用：{others}。",
                hint="每类文书只保留一个模板，或把不用的移出该目录。"))
    return res


def resolve(template_name: str, *, override_dir: Path | None = None, template_file: Path | None = None) -> Path:
    """The template to use for a kind: --template FILE, else the folder's template of that kind
    (whatever its file name), else built-in."""
    if template_file is not None:
        return Path(template_file)
    if override_dir is not None:
        kind = next((k for k, (t, _) in _kinds().items() if t == template_name), None)
        found = scan_folder(Path(override_dir)).by_kind.get(kind) if kind else None
        if found is not None:
            return found
    return bundled_dir() / template_name
