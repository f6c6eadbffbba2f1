"""The settings tables are `Settings`: docs/settings.md every variable, the README the
ones most deployments touch, each default as the service applies it."""

from __future__ import annotations

import re
from pathlib import Path

from app.settings import PROJECT_ROOT, Settings, usable_cores
from tests.conftest import ROOT


def table(path: Path) -> dict[str, str]:
    """Variable -> default shown, from the file's settings table (a row may name two
    variables, `A` / `B`, with two defaults the same way)."""
    text = path.read_text()
    section = text[text.index("# Settings") :]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    out = {}
    for row in rows:
        names_cell, default_cell = (c.strip() for c in row.split("|")[1:3])
        names = re.findall(r"`([A-Z_]+)`", names_cell)
        defaults = (
            [d.strip() for d in default_cell.split(" / ")] if len(names) > 1 else [default_cell]
        )
        assert len(defaults) == len(names), row
        out.update(zip(names, defaults, strict=True))
    return out


def shown(value: object) -> set[str]:
    """How a default may be written in the table."""
    if value is None:
        return {"unset", "newest"}
    if isinstance(value, bool):
        return {f"`{str(value).lower()}`"}
    if isinstance(value, Path):
        return {f"`{value.relative_to(PROJECT_ROOT)}/`"}
    if isinstance(value, float) and value.is_integer():
        return {f"`{int(value)}`", f"`{value}`"}
    return {f"`{value}`"}


# Defaults that follow the machine: how the table writes each, and the value it means here.
PER_CORE = {
    "INFERENCE_WORKERS": ("one per core", usable_cores()),
    "TF_INTER_OP_THREADS": ("one per core, at least 2", max(2, usable_cores())),
}


def test_every_setting_is_in_the_docs_table_and_the_readme_shows_some() -> None:
    documented = table(ROOT / "docs" / "settings.md")
    assert set(documented) == {name.upper() for name in Settings.model_fields}
    readme = table(ROOT / "README.md")
    assert {"HOST", "API_TOKEN", "MODELS_DIR", "FRED_URL"} <= set(readme)
    assert all(documented[name] == default for name, default in readme.items()), readme
    _check_defaults(documented)


def _check_defaults(documented: dict[str, str]) -> None:
    settings = Settings()
    for field, info in Settings.model_fields.items():
        name = field.upper()
        if info.default_factory is not None:
            words, value = PER_CORE[name]
            assert documented[name] == words and getattr(settings, field) == value, name
            continue
        assert documented[name] in shown(info.default), (name, documented[name], info.default)
