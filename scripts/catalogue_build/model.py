"""What every part of the build shares: its error, the regulations, delmål codes and raw delmål."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

REG_2015 = "SOSFS 2015:8"
REG_2021 = "HSLF-FS 2021:8"
REGULATION_BY_FOLDER = {"2015": REG_2015, "2021": REG_2021}

_CODE = re.compile(r"(a|b|c|STa|STb|STc|BT)(\d+)")
_ORDER = ["a", "b", "c", "STa", "STb", "STc", "BT"]


class BuildError(Exception):
    """The sources cannot be converted without guessing."""


@dataclass
class RawDelmal:
    """One delmål as read from a source, before conversion."""

    code: str
    title: str
    kompetenskrav: list[str]
    activities: list[str]
    advice: list[str]
    where: str
    # The source's Intyg (Uppföljning) lines: which certificates it names for the delmål.
    certificates: list[str] = field(default_factory=list)
    # Why the delmål's requirements are in doubt (Swedish, shown to the user); '' when they are not.
    doubt: str = ""


def code_key(code: str) -> tuple[int, int]:
    m = _CODE.fullmatch(code)
    if not m:
        raise BuildError(f"unexpected delmål code {code!r}")
    return _ORDER.index(m.group(1)), int(m.group(2))


def group_of(code: str) -> str:
    m = _CODE.fullmatch(code)
    if not m:
        raise BuildError(f"unexpected delmål code {code!r}")
    return m.group(1)
