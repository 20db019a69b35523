"""Fixtures shared by the page tests."""

import pytest

from tests.month import at, open_department


@pytest.fixture
def cs(litong, set_clock):
    """Litong's customer-service department with its November cycle opened on the last
    working morning of October."""
    set_clock(at(2026, 10, 31, 9))
    return open_department(litong, "cs")
