"""Every app is layered the same way inside: selectors read, services write, and both take
keyword-only arguments, so a call names what it passes (`membership(program=p, user=u)`)."""

import importlib
import inspect

import pytest

from tests.test_architecture import LAYERS, ROOT

SELECTOR_MODULES = [f"{app}.selectors" for app in LAYERS if (ROOT / app / "selectors.py").exists()]


def public_functions(module):
    return [
        (name, value)
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_")
    ]


@pytest.mark.parametrize("name", SELECTOR_MODULES)
def test_selectors_take_keyword_only_arguments(name):
    module = importlib.import_module(name)
    assert public_functions(module), f"{name} has no selectors"
    positional = [
        f"{function}({parameter})"
        for function, value in public_functions(module)
        for parameter, spec in inspect.signature(value).parameters.items()
        if spec.kind is not inspect.Parameter.KEYWORD_ONLY
    ]
    assert positional == []
