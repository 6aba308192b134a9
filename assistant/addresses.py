"""Mail addresses in header values: the first one, and the name to call its owner by.

Header values come from mail (untrusted, sometimes malformed); these never
raise, and give empty strings where there is no address.
"""

from __future__ import annotations

from email.utils import getaddresses


def first_address(header: str) -> tuple[str, str]:
    """``(display name, address)`` of the first address in a header value; empty if none."""
    pairs = getaddresses([header or ""])
    if not pairs:
        return "", ""
    name, address = pairs[0]
    return name.strip(), address.strip()


def display_name(header: str) -> str:
    """What to call the first address's owner: the display name, else the address's local part."""
    name, address = first_address(header)
    return name or address.split("@")[0]
