"""The package as it ships: the wheel carries each widget's bundle (and cannot be built without
them), each bundle is one self-contained module within its size budget, and the versions agree."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STATIC = REPO / "python" / "alyx_qc" / "static"
# One per widget class: SignOff loads signoff.js, CriticalNote critical.js, ReviewQueue queue.js.
BUNDLES = ("signoff.js", "critical.js", "queue.js")
# What the widget build writes, and the wheel must ship: the bundles, and the sign-off kinds Python sends to the page.
BUILT = (*BUNDLES, "kinds.json")
# What a notebook downloads for every widget: over this, look for what grew before raising it.
BUNDLE_BUDGET_BYTES = 150_000


def copy_project(target: Path, with_bundle: bool) -> Path:
    for name in ("pyproject.toml", "README.md", "package.json"):
        shutil.copy(REPO / name, target / name)
    shutil.copytree(REPO / "python" / "alyx_qc", target / "python" / "alyx_qc", ignore=shutil.ignore_patterns("__pycache__", "static"))
    if with_bundle:
        (target / "python" / "alyx_qc" / "static").mkdir()
        for name in BUILT:
            shutil.copy(STATIC / name, target / "python" / "alyx_qc" / "static" / name)
    return target


def build_wheel(project: Path, out: Path) -> subprocess.CompletedProcess:
    # No npm here: the hook must rely on the bundle being there, and fail when it is not.
    env = {**os.environ, "HATCH_JUPYTER_BUILDER_SKIP_NPM": "1"}
    return subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(project)],
        capture_output=True, text=True, env=env, cwd=project, timeout=300,
    )


def test_the_wheel_ships_the_bundle(tmp_path):
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project", with_bundle=True)
    result = build_wheel(project, tmp_path / "dist")
    assert result.returncode == 0, result.stdout + result.stderr
    [wheel] = (tmp_path / "dist").glob("alyx_qc-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for name in BUILT:
            assert archive.read(f"alyx_qc/static/{name}") == (STATIC / name).read_bytes()
    assert not any("tests" in name or name.endswith(".ts") for name in names), names


def test_a_wheel_without_its_bundle_fails_to_build(tmp_path):
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project", with_bundle=False)
    result = build_wheel(project, tmp_path / "dist")
    assert result.returncode != 0
    assert 'Ensured target "python/alyx_qc/static/signoff.js" does not exist' in result.stdout + result.stderr
    assert not list(tmp_path.glob("dist/*.whl"))


@pytest.mark.parametrize("name", BUNDLES)
def test_the_bundle_is_one_module_with_no_imports(name):
    source = (STATIC / name).read_text(encoding="utf-8")
    assert not re.search(r"^\s*import[\s{*]", source, re.M), "a static import is left in the bundle"
    assert not re.search(r"\bimport\s*\(", source), "a dynamic import is left in the bundle"
    assert re.search(r"export\s*\{\s*[\w$]+ as default\s*\}", source), "the bundle has no default export for anywidget"


@pytest.mark.parametrize("name", BUNDLES)
def test_the_bundle_is_within_its_budget(name):
    size = (STATIC / name).stat().st_size
    assert size <= BUNDLE_BUDGET_BYTES, f"{name} is {size} bytes, over the {BUNDLE_BUDGET_BYTES} budget"


def test_the_versions_agree():
    import tomllib

    import alyx_qc

    npm = json.loads((REPO / "package.json").read_text())["version"]
    python = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert python == npm, "pyproject.toml and package.json must carry the same version"
    assert alyx_qc.__version__ == npm, "reinstall the package (scripts/setup-python.sh) after a version change"


@pytest.mark.parametrize("module", ["alyx_qc._widget", "alyx_qc._relay", "alyx_qc._credentials"])
def test_nothing_of_the_workflows_is_in_python(module):
    # The shim holds no note kinds, reasons or note text: those live in the TypeScript core.
    source = Path(__import__(module, fromlist=["_"]).__file__).read_text()
    for word in ("EXPERIMENTER REASON", "SIGN-OFF NOTE", "wheel data corrupt", "json.dumps("):
        assert word not in source, f"{word!r} in {module}"
