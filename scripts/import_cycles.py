"""Import cycles among the modules of Python packages, read from their source.

    python scripts/import_cycles.py cocreate bench     # prints each cycle; exits 1 if any

Every `import` and `from … import` counts, also one inside a function: an import put
off until a call is still a dependency a reader has to follow. `from package import
name` depends on `package.name` when that is a module, else on the package itself.
"""

import ast
import sys
from pathlib import Path


def modules_of(root, package):
    """{dotted module name: its file} of a package folder below `root`."""
    found = {}
    for path in sorted((Path(root) / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _absolute(module, level, current, is_package):
    """The dotted name a (possibly relative) import in `current` refers to."""
    if not level:
        return module or ""
    base = current.split(".")
    base = base if is_package else base[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imports_of(name, path, known):
    """The modules in `known` that module `name` (source at `path`) imports."""
    tree = ast.parse(Path(path).read_text("utf-8"), str(path))
    is_package = Path(path).name == "__init__.py"
    wanted = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, name, is_package)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import a.b.c` of a module a.b
                target = target.rpartition(".")[0]
            if target and target != name:
                wanted.add(target)
    return wanted


def import_graph(root, packages):
    """{module: set of modules it imports}, for the modules of `packages` below `root`."""
    known = {}
    for package in packages:
        known.update(modules_of(root, package))
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(graph):
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def main(argv=None):
    packages = (sys.argv[1:] if argv is None else argv) or ["cocreate", "bench"]
    root = Path(__file__).resolve().parent.parent
    found = cycles(import_graph(root, packages))
    for group in found:
        print("import cycle: " + " ↔ ".join(group))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
