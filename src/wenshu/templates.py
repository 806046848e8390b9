"""Where templates come from: an edited templates folder first, then the built-in ones.

The built-in templates live in the top-level ``templates/`` of a checkout and are copied into the
wheel as ``wenshu/_bundled/templates`` (see pyproject.toml), so both an editable and a plain install
find them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from wenshu.errors import Problem, TemplateError


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


def resolve(template_name: str, *, override_dir: Path | None = None, template_file: Path | None = None) -> Path:
    """The template to use for a kind: --template FILE, else DIR/name if present, else built-in."""
    if template_file is not None:
        return Path(template_file)
    if override_dir is not None:
        candidate = Path(override_dir) / template_name
        if candidate.is_file():
            return candidate
    return bundled_dir() / template_name
