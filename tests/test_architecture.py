"""The apps form layers: each imports only the apps below it — also inside functions — so
the dependency graph has no circle. A lower app that must react to a higher one offers a
registry the higher app fills from AppConfig.ready() (notification kinds and collectors,
lifecycle guards, "a match was confirmed")."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# From the bottom up; the order of INSTALLED_APPS.
LAYERS = ["mentoring", "notifications", "programs", "matching", "sessions", "evaluation", "portal"]
# The project package's wiring may name every app (URLconf, Celery, settings, entry points).
WIRING = {"settings.py", "urls.py", "urls_app.py", "celery.py", "wsgi.py", "asgi.py"}


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(LAYERS)


def app_imports() -> dict[str, dict[str, list[str]]]:
    edges: dict[str, dict[str, list[str]]] = {app: {} for app in LAYERS}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or path.name in WIRING:
                continue
            for other in imported_apps(path) - {app}:
                edges[app].setdefault(other, []).append(str(relative))
    return edges


def test_the_layers_are_the_installed_apps_in_order():
    installed = [entry.split(".")[0] for entry in settings.INSTALLED_APPS if entry.split(".")[0] in LAYERS]
    assert list(dict.fromkeys(installed)) == LAYERS
    assert {path.parent.name for path in ROOT.glob("*/apps.py")} == set(LAYERS)


def test_every_app_imports_only_the_layers_below_it():
    upward = [
        f"{app} imports {other} ({', '.join(sorted(files)[:3])})"
        for app, targets in app_imports().items()
        for other, files in targets.items()
        if LAYERS.index(other) > LAYERS.index(app)
    ]
    assert upward == [], "a lower app imports a higher one; offer a registry instead:\n" + "\n".join(upward)


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text("def f():\n    from evaluation.selectors import todo_for\n    import portal.views\n")
    assert imported_apps(module) == {"evaluation", "portal"}
