"""Sentences the library says, as English text that also carries a stable code and parameters.

The library explains itself in English (evidence, route reasons, score parts) and the JSON API
keeps those English fields. A :class:`Msg` is that English string, so every reader of the text
keeps working, and it also carries ``code`` and ``params``: the pages render the same sentence in
Finnish or Swedish from the code, and an API client can do the same without parsing English.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["Msg", "MessageOut", "Param", "codes_of"]

#: A parameter value: a number, a text, or a list of texts (rendered joined by commas).
Param = str | int | float | list[str]


class Msg(str):
    """An English sentence with its code and parameters.

    Args:
        code: Stable identifier of the sentence, e.g. ``need.route.novel_rd``.
        text: The English sentence.
        params: The values the sentence is built from (numbers unformatted, names as codes).
    """

    code: str
    params: dict[str, Param]

    def __new__(cls, code: str, text: str, **params: Param) -> Msg:
        self = super().__new__(cls, text)
        self.code = code
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # Saved potentials are pickled: rebuild with the code, not from the text alone.
        return (_rebuild, (self.code, str(self), self.params))


def _rebuild(code: str, text: str, params: dict[str, Param]) -> Msg:
    return Msg(code, text, **params)


class MessageOut(BaseModel):
    """A sentence's stable code and parameters, beside its English text in the API."""

    code: str = Field(description="stable identifier; 'text' for a sentence without one")
    params: dict[str, Param] = Field(default_factory=dict)

    @classmethod
    def of(cls, text: str) -> MessageOut:
        """The code of ``text`` (a :class:`Msg`), or code ``text`` with the text as parameter."""
        if isinstance(text, Msg):
            return cls(code=text.code, params=text.params)
        return cls(code="text", params={"text": str(text)})


def codes_of(texts: list[str]) -> list[MessageOut]:
    """One :class:`MessageOut` per text, in order."""
    return [MessageOut.of(t) for t in texts]
