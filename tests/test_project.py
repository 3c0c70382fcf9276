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


def test_environment_yml_lists_the_same_pins(direct: dict[str, str], pyproject: dict):
    environment = yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))
    dependencies = environment["dependencies"]
    pip_lists = [d["pip"] for d in dependencies if isinstance(d, dict) and "pip" in d]
    assert len(pip_lists) == 1
    pinned = [r for r in pip_lists[0] if "==" in r]
    assert pins(pinned, "environment.yml") == direct
    # Python itself agrees with requires-python.
    (python,) = [d for d in dependencies if isinstance(d, str) and d.startswith("python=")]
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
