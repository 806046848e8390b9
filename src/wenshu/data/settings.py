"""The district's settings files in its data folder, over the shipped defaults: ``rules.yaml``
(计算规则) and ``wording.yaml`` (措辞). Each is validated on its own first, so a problem points at
its line; a district lists only what it changes."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from wenshu.errors import DataError, Problem
from wenshu.loading import LoadedYaml, load_yaml, load_yaml_text
from wenshu.models.rules import RulesFile, deep_merge
from wenshu.models.wording import WORDING_FILE_NAMES, WordingFile
from wenshu.validation import problems_from_validation
from wenshu.wording import Wording

RULES_FILE_NAMES = ("rules.yaml", "rules.yml")
DEFAULT_RULES_RESOURCE = "rules_default.yaml"


def find_settings_file(data_dir: Path | str | None, names: tuple[str, ...]) -> Path | None:
    """The first of ``names`` in the data folder (or beside a data file)."""
    if data_dir is None:
        return None
    d = Path(data_dir)
    if d.is_file():
        d = d.parent
    return next((d / n for n in names if (d / n).is_file()), None)


def _validated(model: type[BaseModel], data: Any, display: str, loaded: LoadedYaml, what: str) -> Any:
    """``data`` as ``model``, or ``DataError`` with every problem located in the file."""
    if not isinstance(data, dict):
        kind = model.model_fields["kind"].annotation.__args__[0]  # Literal["rules"] → rules
        raise DataError(Problem(code="data.not-mapping", message=f"{what}顶层应为键值对（以 kind: {kind} 开头）。",
                                file=display))
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise DataError(problems_from_validation(
            e, model, display, loaded.locate, lambda loc: loaded.key_positions.get(loc, loaded.locate(loc)),
        )) from None


def default_rules_text() -> str:
    """The shipped ``rules_default.yaml`` (package data of ``wenshu.analysis``)."""
    return resources.files("wenshu.analysis").joinpath(DEFAULT_RULES_RESOURCE).read_text(encoding="utf-8")


def find_rules_file(data_dir: Path | str | None) -> Path | None:
    return find_settings_file(data_dir, RULES_FILE_NAMES)


def load_rules(data_dir: Path | str | None = None) -> RulesFile:
    """The shipped defaults, with ``rules.yaml`` of ``data_dir`` (if present) merged over them.

    Mappings merge key by key, lists and scalars replace. Raises ``DataError`` (with located Chinese
    problems) for an invalid file.
    """
    display = f"wenshu/analysis/{DEFAULT_RULES_RESOURCE}"
    base_loaded = load_yaml_text(default_rules_text(), display=display)
    base = base_loaded.data or {}
    _validated(RulesFile, base, display, base_loaded, "规则文件")
    path = find_rules_file(data_dir)
    if path is None:
        return RulesFile.model_validate(base)
    loaded = load_yaml(path, display=path.as_posix())
    _validated(RulesFile, loaded.data, path.as_posix(), loaded, "规则文件")
    return _validated(RulesFile, deep_merge(base, loaded.data), path.as_posix(), loaded, "规则文件")


def find_wording_file(data_dir: Path | str | None) -> Path | None:
    return find_settings_file(data_dir, WORDING_FILE_NAMES)


_WORDING: dict[tuple, Wording] = {}


def load_wording(data_dir: Path | str | None = None) -> Wording:
    """The shipped phrases with the data folder's ``wording.yaml`` (if any) over them (read once per
    change of the file). Raises ``DataError`` with located Chinese problems for an invalid file."""
    path = find_wording_file(data_dir)
    if path is None:
        return Wording()
    st = path.stat()
    key = (path.resolve(), st.st_mtime_ns, st.st_size)
    cached = _WORDING.get(key)
    if cached is None:
        loaded = load_yaml(path, display=path.as_posix())
        model = _validated(WordingFile, loaded.data, path.as_posix(), loaded, "措辞文件")
        cached = Wording(model.overrides(), source=path.as_posix())
        _WORDING.clear()
        _WORDING[key] = cached
    return cached
