"""What the server sends is compact JSON that reads back as what was sent."""

import json

import pytest

from cocreate.realtime import packets


@pytest.mark.parametrize(
    "value",
    [
        {"text": "Knuppel in het hoenderhok — één idee 🐔", "x": 0.125, "n": None, "ok": True},
        ["event", {"seq": 7, "data": {"notes": [{"id": "a"}, {"id": "b"}]}}],
        {"big": 2**70},  # beyond 64 bits: orjson refuses it, json.dumps takes it
        {3: "a number as key", "nested": {1: [1, 2]}},
        {"lone": "\ud800"},  # not UTF-8: orjson refuses it, json.dumps escapes it
    ],
)
def test_what_is_sent_reads_back_as_json_dumps_would_send_it(value):
    sent = packets.dumps(value, separators=(",", ":"))
    assert json.loads(sent) == json.loads(json.dumps(value, separators=(",", ":")))
    assert ", " not in sent and '": ' not in sent


def test_text_goes_as_utf8_and_other_options_as_json_dumps_makes_them():
    assert packets.dumps({"t": "één"}, separators=(",", ":")) == '{"t":"één"}'
    assert packets.dumps({"a": 1}, indent=1) == json.dumps({"a": 1}, indent=1)


def test_an_unparsable_packet_reads_as_an_unknown_event():
    assert packets.loads('["note:add",') == [packets.UNPARSABLE]
    assert packets.loads("[" * 100000 + "]" * 100000) == [packets.UNPARSABLE]
