"""``Case``: the base of a union's cases that carry no data (``Next()``, ``WelcomeNew()``).

Such a case is equal to every instance of its own type, hashable and immutable, like a frozen
dataclass without fields. It is not one because a dataclass costs about a third of a
millisecond to create at import (it generates and runs its methods), and the skill has two dozen
of these cases on every cold start; a plain class costs next to nothing.
"""

from __future__ import annotations


class Case:
    """A case of a union with no data of its own."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")
