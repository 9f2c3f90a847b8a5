"""Summarise a py-spy profile (`--format raw`, collapsed stacks) into hot spots.

    python -m bench.hotspots bench/results/profile-NAME/eventlet-vote-storm.txt [--top 25]
        [--only cocreate/] [--under 'Store._change']

Prints, as shares of all samples: the lines where the time is spent (self), and
the functions whose calls take it (inclusive, each counted once per stack).
`--only` keeps frames whose file contains the text (e.g. `cocreate/`) for the
inclusive list; `--under` keeps only stacks passing through a function.
"""

import argparse
import re
import sys
from collections import Counter

FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def parse(path):
    """[(frames, count)] from a collapsed-stack file; frames outermost first."""
    stacks = []
    with open(path, errors="replace") as lines:
        for raw in lines:
            raw = raw.rstrip("\n")
            if not raw:
                continue
            stack, _, count = raw.rpartition(" ")
            try:
                stacks.append((stack.split(";"), int(count)))
            except ValueError:
                continue
    return stacks


def split(frame):
    match = FRAME.match(frame)
    if not match:
        return frame, "", None
    return match["func"], match["file"], match["line"]


def summarise(stacks, top=25, only=None, under=None):
    if under:
        stacks = [(f, c) for f, c in stacks if any(under in fr for fr in f)]
    total = sum(c for _f, c in stacks) or 1
    self_lines, self_funcs, inclusive, inclusive_lines = Counter(), Counter(), Counter(), Counter()
    for frames, count in stacks:
        func, file, line = split(frames[-1])
        self_lines[f"{func} ({file}:{line})"] += count
        self_funcs[f"{func} ({file})"] += count
        seen, seen_lines = set(), set()
        for frame in frames:
            func, file, line = split(frame)
            if only and only not in file:
                continue
            key = f"{func} ({file})"
            if key not in seen:
                seen.add(key)
                inclusive[key] += count
            line_key = f"{func} ({file}:{line})"
            if line_key not in seen_lines:
                seen_lines.add(line_key)
                inclusive_lines[line_key] += count
    out = [f"{total} samples" + (f" through {under!r}" if under else "")]
    for title, table in (
        ("self, by line", self_lines),
        ("self, by function", self_funcs),
        ("inclusive, by function" + (f" (files with {only!r})" if only else ""), inclusive),
        ("inclusive, by calling line" + (f" (files with {only!r})" if only else ""), inclusive_lines),
    ):
        out.append(f"\n## {title}")
        for key, count in table.most_common(top):
            out.append(f"{100 * count / total:6.1f}%  {key}")
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench.hotspots")
    parser.add_argument("profile")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only")
    parser.add_argument("--under")
    args = parser.parse_args(argv)
    print(summarise(parse(args.profile), args.top, args.only, args.under))
    return 0


if __name__ == "__main__":
    sys.exit(main())
