"""Workshop formats: data files listing steps, prompts, lanes and rules in nl and en."""

import json
from importlib import resources

LANGUAGES = ("nl", "en")
DEFAULT_FORMAT = "cocreation"


def available_formats():
    """Keys of the formats shipped in `cocreate/formats/`."""
    folder = resources.files("cocreate") / "formats"
    keys = [entry.name.removesuffix(".json") for entry in folder.iterdir() if entry.name.endswith(".json")]
    return sorted(keys, key=lambda key: (key != DEFAULT_FORMAT, key))


def load_format(key):
    """The format with this key as a dict, read from its JSON file."""
    if key not in available_formats():
        raise KeyError(key)
    text = (resources.files("cocreate") / "formats" / f"{key}.json").read_text("utf-8")
    return json.loads(text)


def steps_in_language(fmt, language):
    """The format's steps materialised in one language, ready to become a workshop's steps."""
    steps = []
    for spec in fmt["steps"]:
        steps.append(
            {
                "key": spec["key"],
                "title": spec["title"][language],
                "prompt": spec["prompt"][language],
                "lanes": [{"key": lane["key"], "title": lane["title"][language]} for lane in spec.get("lanes", [])],
                "reveal": spec["rules"].get("reveal", "open"),
                "anonymity": spec["rules"].get("anonymity", "off"),
                "voting": bool(spec["rules"].get("voting", False)),
                "layout": "canvas" if spec.get("layout") == "canvas" else None,
                "tables": bool(spec.get("tables", False)),
                "minutes": spec.get("minutes"),
            }
        )
    return steps


def table_names(fmt, language):
    """The names a format proposes for its tables (its cases, say) in one language; often none."""
    return list(fmt.get("table_names", {}).get(language, []))
