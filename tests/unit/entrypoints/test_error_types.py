"""Every `type` the facade and `--json` show is an error class name, whether the error was
raised there or recorded by a sync as its kind."""

from __future__ import annotations

import pytest

from cpbatch.domain import errors
from cpbatch.domain.errors import CpbatchError
from cpbatch.entrypoints.presenters import error_type, error_view

ERROR_CLASSES = [
    cls
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, CpbatchError) and cls is not CpbatchError
]


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_a_recorded_kind_is_shown_as_its_class_name(cls: type[CpbatchError]) -> None:
    assert error_type(cls.kind) == cls.__name__ == error_view(cls("why"))["type"]


def test_a_kind_no_error_class_has_is_unexpected() -> None:
    assert error_type("unexpected_error") == "UnexpectedError"
    assert error_view(RuntimeError("secret detail")) == {
        "type": "UnexpectedError",
        "message": "An unexpected error occurred; see the log.",
    }
