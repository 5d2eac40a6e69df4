"""Demo people: names drawn from the reference lists, unique name-based e-mails and sequential ids."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from tracker.demo.reference import (
    DEMO_EMAIL_DOMAIN,
    FIRST_NAMES,
    FIXED_NAMES,
    FOREIGN_FIRST_NAMES,
    FOREIGN_SURNAMES,
    SURNAMES,
)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    out = "".join(ch for ch in folded if not unicodedata.combining(ch))
    out = out.replace("ø", "o").replace("ł", "l").replace("ß", "ss").replace(" ", "-")
    return "".join(ch for ch in out if ch.isascii() and (ch.isalnum() or ch in "-"))


@dataclass
class Person:
    person_id: str
    name: str
    email: str
    is_specialist: bool
    password_hash: str | None = None


class People:
    """Creates people with unique names-based emails; ids are sequential."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows: list[Person] = []
        self._emails: dict[str, int] = {}

    def email_for(self, name: str) -> str:
        first, _, last = name.partition(" ")
        local = f"{_ascii(first)}.{_ascii(last)}"
        n = self._emails.get(local, 0) + 1
        self._emails[local] = n
        suffix = "" if n == 1 else str(n)
        return f"{local}{suffix}@{DEMO_EMAIL_DOMAIN}"

    def name(self, foreign: bool = False) -> str:
        if foreign:
            return f"{self.rng.choice(FOREIGN_FIRST_NAMES)} {self.rng.choice(FOREIGN_SURNAMES)}"
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    def add(self, *, specialist: bool, foreign: bool = False, email: str | None = None) -> Person:
        name = FIXED_NAMES[email] if email in FIXED_NAMES else self.name(foreign)
        person = Person(f"DP{len(self.rows) + 1:05d}", name, email or self.email_for(name), specialist)
        self.rows.append(person)
        return person

