"""The layers import one way (seeds → scoring → widgets → lessons → course pipeline), with no
import cycle between modules, and the scoring layer the student side needs stays small."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"seeds": "sourcewise.seeds", "grading": "sourcewise.grading",
            "widgets": "sourcewise.widgets", "lessons": "sourcewise.lessons"}
# The layer of each module, lowest first; a module belongs to the longest prefix that names it.
LAYERS = ["sourcewise.seeds", "sourcewise.grading", "sourcewise.widgets", "sourcewise.lessons",
          "sourcewise.grading.editions", "sourcewise.grading.authoring",
          "sourcewise.grading.course", "sourcewise.grading.demo", "sourcewise.grading.cli"]
STUDENT_SIDE = ("sourcewise.seeds", "sourcewise.grading", "sourcewise.widgets")
INSTRUCTOR_SIDE = LAYERS[4:]


def module_names() -> dict[str, Path]:
    found = {}
    for folder, package in PACKAGES.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([package, *parts])] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every Sourcewise module a module imports, at any depth of its code (lazy ones too)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def layer_name(name: str) -> str:
    return max((layer for layer in LAYERS if name == layer or name.startswith(layer + ".")),
               key=len)


def layer_of(name: str) -> int:
    return LAYERS.index(layer_name(name))


def graph() -> dict[str, set[str]]:
    modules = module_names()
    return {name: imports_of(name, path, set(modules)) for name, path in modules.items()}


def test_imports_point_down_the_layers():
    wrong = [f"{name} ({LAYERS[layer_of(name)]}) imports {target} ({LAYERS[layer_of(target)]})"
             for name, targets in graph().items() for target in targets
             if layer_of(target) > layer_of(name)]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            # A package __init__ re-exporting its modules is not a cycle with them.
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt):], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_the_detector_sees_a_cycle(tmp_path: Path):
    """Would the cycle test notice one? (Guards against a test that cannot fail.)"""
    (tmp_path / "a.py").write_text("from .b import x\n")
    (tmp_path / "b.py").write_text("def x():\n    from .a import y\n")
    found_a = imports_of("p.a", tmp_path / "a.py", {"p.a", "p.b"})
    found_b = imports_of("p.b", tmp_path / "b.py", {"p.a", "p.b"})
    assert found_a == {"p.b"} and found_b == {"p.a"}


def test_no_docstring_points_outside_the_repository():
    outside = ["DESIGN.md", "CONTEXT.md", "STYLE.md", "../shared"]
    folders = [*PACKAGES, "tests", ".ci"]
    files = [path for folder in folders for path in (ROOT / folder).rglob("*.py")
             if path != Path(__file__).resolve()]
    hits = [f"{path.relative_to(ROOT)}: {word}" for path in files
            for word in outside if word in path.read_text(encoding="utf-8")]
    assert not hits, hits


def _edges_into(targets: tuple[str, ...]) -> list[str]:
    return [f"{name} imports {target}" for name, imports in graph().items()
            for target in imports if layer_name(target) in targets]


def test_student_side_never_imports_the_instructor_side():
    wrong = [edge for edge in _edges_into(INSTRUCTOR_SIDE)
             if layer_name(edge.split(" imports ")[0]) in STUDENT_SIDE]
    assert not wrong, "\n".join(wrong)


def test_widgets_never_import_authoring():
    wrong = [edge for edge in _edges_into(("sourcewise.grading.authoring",))
             if edge.startswith("sourcewise.widgets")]
    assert not wrong, "\n".join(wrong)


def test_nothing_imports_the_demo_or_the_cli():
    wrong = [edge for edge in _edges_into(("sourcewise.grading.demo", "sourcewise.grading.cli"))
             if layer_name(edge.split(" imports ")[0]) not in
             ("sourcewise.grading.demo", "sourcewise.grading.cli")]
    assert not wrong, "\n".join(wrong)


def test_every_module_has_a_layer_and_none_is_too_long():
    long = [f"{path.relative_to(ROOT)}: {n} lines" for path in module_names().values()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400]
    assert not long, "\n".join(long)
