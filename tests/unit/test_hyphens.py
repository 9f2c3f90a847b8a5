"""Long words break at a right place with a hyphen: soft hyphens from Dutch and English
hyphenation patterns, for the pages and (over HTTP) for the board's notes."""

from cocreate.hyphens import SOFT_HYPHEN, soft_hyphens


def places(word):
    return word.split(SOFT_HYPHEN)


def test_long_dutch_words_break_only_between_their_syllables():
    text = soft_hyphens("Het telefoonnummer van de praktijkondersteuner voor mantelzorgers", "nl")
    words = text.split()
    assert places(words[1]) == ["te", "le", "foon", "num", "mer"]
    assert places(words[4]) == ["prak", "tijk", "on", "der", "steu", "ner"]  # never "onderst|euner"
    assert places(words[6]) == ["man", "tel", "zor", "gers"]  # never "mantelzorger|s"
    assert words[0] == "Het" and words[2] == "van"  # short words stay whole


def test_english_words_get_english_break_points():
    assert places(soft_hyphens("responsibilities", "en")) == ["re", "spons", "ib", "il", "it", "ies"]


def test_the_board_asks_for_its_long_words_and_bad_requests_get_a_clear_error(client):
    answer = client.get("/texts/nl/hyphens.json?words=telefoonnummer kort 12345678901234")
    assert answer.status_code == 200
    assert answer.get_json() == {"telefoonnummer": SOFT_HYPHEN.join(["te", "le", "foon", "num", "mer"])}
    missing = client.get("/texts/nl/hyphens.json")
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "invalid"
    assert client.get("/texts/xx/hyphens.json?words=telefoonnummer").status_code == 404
