"""The registration unit tests' fake unit of work (the clock comes from the parent conftest)."""

from __future__ import annotations

import pytest

from tests.support.registration import FakeUnitOfWork


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()
