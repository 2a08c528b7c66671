"""No shell, no eval, no unsafe deserialisation in the shipped packages (a static AST check).

Fetched content (feeds, pages, Kafka records) is data: it is parsed by feedparser, trafilatura
and pydantic, never executed. This test keeps it that way by refusing, anywhere in ingest/,
processors/, sinks/ and wirewatch/: eval/exec/compile, os.system/os.popen/os.exec*,
subprocess (any use), pickle/shelve/marshal loads (except the gazetteer index the package
builds itself, see ALLOWED), and yaml.load without the safe loader.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("ingest", "processors", "sinks", "wirewatch")
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_ATTRS = {
    ("os", "system"),
    ("os", "popen"),
    ("os", "execv"),
    ("os", "execvp"),
    ("os", "execl"),
    ("os", "spawnl"),
    ("pickle", "loads"),
    ("pickle", "load"),
    ("marshal", "loads"),
    ("marshal", "load"),
    ("shelve", "open"),
    ("yaml", "load"),
    ("yaml", "unsafe_load"),
    ("yaml", "full_load"),
}
FORBIDDEN_MODULES = {"subprocess", "pickle", "shelve", "dill", "cloudpickle"}
#: (file, what): reviewed exceptions. The gazetteer index is written by
#: processors/build_gazetteer.py into the user's cache directory and read back; it never comes
#: from the network.
ALLOWED = {("processors/gazetteer.py", "marshal.load")}


def _findings() -> list[tuple[str, int, str]]:
    out = []
    for pkg in PACKAGES:
        for path in sorted((REPO / pkg).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
            for node in ast.walk(tree):
                what = None
                if isinstance(node, ast.Call):
                    f = node.func
                    if isinstance(f, ast.Name) and f.id in FORBIDDEN_CALLS:
                        what = f.id
                    elif (
                        isinstance(f, ast.Attribute)
                        and isinstance(f.value, ast.Name)
                        and (f.value.id, f.attr) in FORBIDDEN_ATTRS
                    ):
                        what = f"{f.value.id}.{f.attr}"
                elif isinstance(node, ast.Import):
                    names = {a.name.split(".")[0] for a in node.names} & FORBIDDEN_MODULES
                    what = ",".join(sorted(names)) or None
                elif isinstance(node, ast.ImportFrom) and node.module:
                    if node.module.split(".")[0] in FORBIDDEN_MODULES:
                        what = node.module
                if what and (rel, what) not in ALLOWED:
                    out.append((rel, node.lineno, what))
    return out


def test_no_shell_eval_or_unsafe_deserialisation_in_packages() -> None:
    assert _findings() == []


def test_the_checker_bites(tmp_path: Path, monkeypatch) -> None:
    """A planted eval and a planted subprocess import are both reported."""
    pkg = tmp_path / "ingest"
    pkg.mkdir()
    (pkg / "bad.py").write_text("import subprocess\nx = eval('1')\n")
    for name in PACKAGES[1:]:
        (tmp_path / name).mkdir()
    monkeypatch.setattr(f"{__name__}.REPO", tmp_path)
    assert {w for _f, _l, w in _findings()} == {"subprocess", "eval"}
