"""The describe page's supplier cards: the printed parts of each score add up to it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.slow

_CARD = re.compile(r'<li class="card supplier".*?</details>', re.S)
_SCORE = re.compile(r'<div class="scores">\s*<span>[^<]*<b>(-?\d+\.\d{3})</b>')
_PART = re.compile(r'<ul class="signals">(.*?)</ul>', re.S)
_VALUE = re.compile(r"<li><b>[^<]+</b> ([+-]\d+\.\d{3}):")


def test_every_card_adds_up_as_printed(client: TestClient) -> None:
    page = client.get("/", params={"q": "Koulujen ja päiväkotien siivouspalvelut", "lang": "en"})
    cards = _CARD.findall(page.text)
    assert len(cards) == 10
    for card in cards:
        score = float(_SCORE.search(card).group(1))  # type: ignore[union-attr]
        parts = [float(v) for v in _VALUE.findall(_PART.search(card).group(1))]  # type: ignore[union-attr]
        assert len(parts) > 5 and round(sum(parts), 3) == score
