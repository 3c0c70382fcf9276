"""How `make test` orders the tests, for every folder it runs (tests/ and the notebooks nbval runs)."""

from __future__ import annotations

from collections import Counter

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files with the most tests marked slow (full renders) first, each file's tests in their
    order: pytest-xdist (--dist loadscope) hands out whole files in this order, so the files left
    for the end are quick ones and the workers finish together instead of one waiting for the
    other's last long file."""
    slow = Counter(item.path for item in items if item.get_closest_marker("slow"))
    items.sort(key=lambda item: -slow[item.path])
