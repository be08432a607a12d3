"""A library sentence is its English text and also its code and parameters."""

from __future__ import annotations

import json
import pickle

from matcher.vocab.messages import MessageOut, Msg, codes_of


def test_a_message_is_its_english_text_with_a_code() -> None:
    m = Msg("need.repeat", "3 of 5 similar procurements went to a repeat winner", n=3, of=5)
    assert m == "3 of 5 similar procurements went to a repeat winner"
    assert json.dumps([m]) == '["3 of 5 similar procurements went to a repeat winner"]'
    assert (m.code, m.params) == ("need.repeat", {"n": 3, "of": 5})


def test_the_code_survives_pickling() -> None:
    # Saved potentials are pickled with the index: a reloaded sentence keeps its code.
    m = pickle.loads(pickle.dumps(Msg("theme_words", "use of data: data", theme="data",
                                      words=["data"])))  # fmt: skip
    assert isinstance(m, Msg) and m.code == "theme_words" and m.params["words"] == ["data"]


def test_plain_text_gets_the_text_code() -> None:
    out = codes_of([Msg("few_awards", "only 1 award(s) known", n=1), "free text"])
    assert out == [MessageOut(code="few_awards", params={"n": 1}),
                   MessageOut(code="text", params={"text": "free text"})]  # fmt: skip
