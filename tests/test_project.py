"""The pins agree across pyproject.toml, requirements.lock and environment.yml; the seed is intact."""

from __future__ import annotations

import hashlib
import re
import tomllib

import pytest
import yaml

from spillover import paths

SEED_SHA256 = "4dfeeb37b3579759d52b91ac41bbb57aa32a10b2f4d7cdbbd49dafba22fc518a"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9][A-Za-z0-9._+!-]*)$")


def normalise(name: str) -> str:
    """PEP 503: case and runs of -, _ and . do not matter."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str], source: str) -> dict[str, str]:
    found = {}
    for requirement in requirements:
        match = PIN.match(requirement.strip())
        assert match, f"{source}: {requirement!r} is not pinned with =="
        name = normalise(match.group(1))
        assert name not in found, f"{source}: {name} is listed twice"
        found[name] = match.group(2)
    return found


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def direct(pyproject: dict) -> dict[str, str]:
    project = pyproject["project"]
    runtime = pins(project["dependencies"], "pyproject.toml [project].dependencies")
    dev = pins(project["optional-dependencies"]["dev"], "pyproject.toml [project.optional-dependencies].dev")
    assert not runtime.keys() & dev.keys()
    return {**runtime, **dev}


@pytest.fixture(scope="module")
def lock() -> dict[str, str]:
    lines = (paths.ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    return pins([line for line in lines if line.strip() and not line.startswith("#")], "requirements.lock")


def test_direct_dependencies_are_pinned_to_the_lock(direct: dict[str, str], lock: dict[str, str]):
    assert {"pandas", "frictionless", "pyyaml", "pytest", "quantulum3"} <= direct.keys()
    missing = sorted(direct.keys() - lock.keys())
    assert not missing, f"not in requirements.lock: {missing}"
    differ = {name: (version, lock[name]) for name, version in direct.items() if lock[name] != version}
    assert not differ, f"pyproject.toml vs requirements.lock: {differ}"


# conda-forge packages whose name differs from the PyPI name, chosen to install what the PyPI wheel
# does (matplotlib-base: no Qt GUI; nbconvert-core: no pandoc; geopandas-base and dask-core: no extras).
CONDA_FORGE_NAMES = {
    "matplotlib": "matplotlib-base",
    "nbconvert": "nbconvert-core",
    "geopandas": "geopandas-base",
    "fastjsonschema": "python-fastjsonschema",
    "playwright": "playwright-python",
    "dask": "dask-core",
}
# Direct dependencies that conda-forge does not have at the pinned version: they come from PyPI.
FROM_PYPI = {"quantulum3"}
# The keys `conda env create`, `mamba env create` and `conda-lock` all read.
ENVIRONMENT_KEYS = {"name", "channels", "dependencies"}
# conda-lock's rules (conda_lock/src_parser): a conda spec is a name of [A-Za-z0-9_-] and a version
# (environment_yaml._conda_package_pattern); a line ending in a `# [platform]` comment is a platform
# selector, kept or dropped per platform (selectors.filter_platform_selectors); a pip entry is
# `-e PATH` (left out of the lock) or a PEP 508 requirement (pyproject_toml.parse_python_requirement).
CONDA_PIN = re.compile(r"^([A-Za-z0-9_-]+)==([0-9][0-9A-Za-z.]*)$")
SELECTOR = re.compile(r"(.+?)\s*(#.*)\[([^\[\]]+)\](?(2)[^\(\)]*)$")


@pytest.fixture(scope="module")
def environment_text() -> str:
    return (paths.ROOT / "environment.yml").read_text(encoding="utf-8")


def environment_pins(environment: dict) -> tuple[dict[str, str], dict[str, str]]:
    """(conda pins by conda name, pip pins by PyPI name) of environment.yml's dependencies."""
    dependencies = environment["dependencies"]
    conda = {}
    for spec in (d for d in dependencies if isinstance(d, str)):
        if spec in ("pip", "python=3.11"):
            continue
        match = CONDA_PIN.match(spec)
        assert match, f"environment.yml: {spec!r} is not pinned as NAME==VERSION"
        assert match.group(1) not in conda, f"environment.yml: {match.group(1)} is listed twice"
        conda[match.group(1)] = match.group(2)
    (pip,) = [d["pip"] for d in dependencies if isinstance(d, dict)]
    return conda, pins([r for r in pip if not r.startswith("-")], "environment.yml pip:")


def test_environment_yml_follows_conda_lock_rules(environment_text: str):
    """The structure `conda env create` and conda-lock accept, checked with conda-lock's own rules
    (conda-lock itself, and any solver, needs the conda channels, which CI cannot reach)."""
    from packaging.requirements import Requirement

    environment = yaml.safe_load(environment_text)
    unread = set(environment) - ENVIRONMENT_KEYS
    assert not unread, f"keys that conda does not read: {unread}"
    assert environment["name"] == "spillover"
    assert environment["channels"][0] == "conda-forge"
    assert set(environment["channels"]) <= {"conda-forge", "nodefaults"}
    selectors = [line for line in environment_text.splitlines() if SELECTOR.match(line)]
    assert not selectors, f"platform selectors make the environment differ by platform: {selectors}"
    dependencies = environment["dependencies"]
    specs = [d for d in dependencies if isinstance(d, str)]
    sections = [d for d in dependencies if not isinstance(d, str)]
    assert all(re.match(r"^[A-Za-z0-9_-]+\s?\S*$", spec) for spec in specs), specs
    assert len(set(specs)) == len(specs), "a conda package is listed twice"
    # One pip section, and pip itself from conda-forge to run it.
    assert len(sections) == 1 and set(sections[0]) == {"pip"}, sections
    assert "pip" in specs
    pip = sections[0]["pip"]
    options = [entry for entry in pip if entry.startswith("-")]
    # No -r (conda-lock cannot read it) and no other option: the editable project alone.
    assert options == ["-e ."], f"pip options other than the editable project: {options}"
    for entry in pip:
        if entry not in options:
            Requirement(entry)  # raises on anything pip and conda-lock cannot parse


def test_environment_yml_lists_the_same_pins(direct: dict[str, str], pyproject: dict, environment_text: str):
    environment = yaml.safe_load(environment_text)
    conda, pip = environment_pins(environment)
    to_pypi = {conda_name: pypi for pypi, conda_name in CONDA_FORGE_NAMES.items()}
    from_conda = {normalise(to_pypi.get(name, name)): version for name, version in conda.items()}
    assert not from_conda.keys() & pip.keys(), "listed both from conda-forge and from PyPI"
    assert pip.keys() == FROM_PYPI, f"from PyPI: {sorted(pip)}; only what conda-forge lacks belongs there"
    assert {**from_conda, **pip} == direct
    # Python itself agrees with requires-python.
    specs = [d for d in environment["dependencies"] if isinstance(d, str)]
    (python,) = [spec for spec in specs if re.split(r"[ =<>!]", spec)[0] == "python"]
    assert python == "python=3.11"
    assert pyproject["project"]["requires-python"] == ">=3.11,<3.12"


def test_seed_is_intact():
    seed = paths.SEEDS / "000_bcf152c5a0c9a4f2.txt"
    assert seed == paths.DEFAULT_ARTICLE
    assert hashlib.sha256(seed.read_bytes()).hexdigest() == SEED_SHA256
    meta = yaml.safe_load(paths.metadata_path(seed).read_text(encoding="utf-8"))
    assert meta["sha256"] == SEED_SHA256
    assert meta["file"] == seed.name
    assert str(meta["published"]) == "2021-07-13"
