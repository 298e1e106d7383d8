"""The built wheel installs one top-level package, cpbatch, holding every module of src/ and
nothing else: installing cpbatch can never shadow another project's package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    tree = tmp_path_factory.mktemp("tree")
    shutil.copy(ROOT / "pyproject.toml", tree)
    shutil.copy(ROOT / "README.md", tree)
    shutil.copytree(
        ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__")
    )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(tree)],
        check=True, capture_output=True,
    )  # fmt: skip
    [built] = out.glob("cpbatch-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_has_one_top_level_package(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/")[0] for name in wheel.namelist()}
    packages = {top for top in tops if not top.endswith(".dist-info")}

    assert packages == {"cpbatch"}
    top_level = next(n for n in wheel.namelist() if n.endswith(".dist-info/top_level.txt"))
    assert wheel.read(top_level).decode().split() == ["cpbatch"]


def test_every_module_of_src_is_in_the_wheel_under_cpbatch(wheel: zipfile.ZipFile) -> None:
    sources = {
        "cpbatch/" + path.relative_to(ROOT / "src").as_posix()
        for path in (ROOT / "src").rglob("*.py")
        if ".egg-info" not in path.as_posix()
    }
    shipped = {name for name in wheel.namelist() if name.endswith(".py")}

    assert sources - shipped == set(), "modules missing: list their package in pyproject.toml"
    assert shipped - sources == set()


def test_the_command_is_cpbatch(wheel: zipfile.ZipFile) -> None:
    entry_points = next(n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt"))
    text = wheel.read(entry_points).decode()

    assert "cpbatch = cpbatch.entrypoints.cli.entry:main" in text
