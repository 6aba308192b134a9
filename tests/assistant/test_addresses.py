"""The first address of a header value and the name to call its owner by."""

from __future__ import annotations

import pytest

from assistant.addresses import display_name
from assistant.addresses import first_address


@pytest.mark.parametrize(
    ("header", "pair", "name"),
    [
        ("Dana Lee <dana@example.com>", ("Dana Lee", "dana@example.com"), "Dana Lee"),
        ("dana@example.com", ("", "dana@example.com"), "dana"),
        ('"Lee, Dana" <d@x.org>, sam@x.org', ("Lee, Dana", "d@x.org"), "Lee, Dana"),
        ("张明 <zm@example.cn>", ("张明", "zm@example.cn"), "张明"),
        ("", ("", ""), ""),
        ("<<>>", ("", ""), ""),
    ],
)  # fmt: skip
def test_first_address_and_display_name(header: str, pair: tuple[str, str], name: str) -> None:
    assert first_address(header) == pair
    assert display_name(header) == name
