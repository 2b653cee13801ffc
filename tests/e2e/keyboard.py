"""Keyboard-only driving for browser journeys: move focus with Tab until the control we want
has it, and check that a focused control shows where the focus is."""

import re

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# The name a sighted keyboard user would read for the focused element: its aria-label, its
# <label>s, or its own text/value. Also returns tag and type, for the failure message.
_ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {name: "", tag: "body", desc: "(body)"};
  let name = el.getAttribute("aria-label") || "";
  const labelledby = el.getAttribute("aria-labelledby");
  if (!name && labelledby) {
    name = labelledby.split(/\\s+/).map(id => (document.getElementById(id) || {}).textContent || "").join(" ");
  }
  if (!name && el.labels && el.labels.length) name = Array.from(el.labels).map(l => l.textContent).join(" ");
  if (!name) name = el.innerText || el.value || el.getAttribute("title") || el.getAttribute("name") || "";
  name = name.replace(/\\s+/g, " ").trim().replace(/\\s*\\*$/, "");
  const tag = el.tagName.toLowerCase();
  const type = el.getAttribute("type") || "";
  return {name, tag, type, desc: `${tag}${type ? "[" + type + "]" : ""} "${name.slice(0, 60)}"`};
}"""


def active(page: Page) -> dict:
    return page.evaluate(_ACTIVE)


def _matches(info: dict, want, tag: str | None) -> bool:
    if tag and info["tag"] != tag:
        return False
    if isinstance(want, re.Pattern):
        return bool(want.search(info["name"]))
    return info["name"] == want


def tab_to(page: Page, want: str | re.Pattern, *, tag: str | None = None, max_steps: int = 80, backwards: bool = False) -> dict:
    """Press Tab (Shift+Tab if `backwards`) until the focused element's accessible name is
    `want` (exact string, or a regex searched in it). Fails with the path focus took."""
    key = "Shift+Tab" if backwards else "Tab"
    path = []
    for _ in range(max_steps):
        page.keyboard.press(key)
        info = active(page)
        path.append(info["desc"])
        if _matches(info, want, tag):
            return info
    listed = "\n  ".join(path)
    pytest.fail(f"{key} never reached {want!r} in {max_steps} steps on {page.url}; focus went:\n  {listed}", pytrace=False)


def type_into(page: Page, want: str | re.Pattern, text: str, **kwargs) -> None:
    tab_to(page, want, **kwargs)
    page.keyboard.type(text)


_FOCUS_STYLE = """(onLabel) => {
  const el = onLabel ? document.activeElement.labels[0] : document.activeElement;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && s.outlineWidth !== "0px";
  const shadow = s.boxShadow !== "none" && s.boxShadow !== "";
  return {visible: outline || shadow, outline: `${s.outlineStyle} ${s.outlineWidth}`, shadow: s.boxShadow};
}"""


def assert_focus_visible(page: Page, *, on_label: bool = False) -> None:
    """The focused control draws an outline or a focus shadow (not the browser's nothing).
    `on_label`: the input is visually hidden (Bootstrap's btn-check) and its label shows it.
    Bootstrap fades the focus shadow in (a 0.15 s transition), so this waits for it briefly."""
    try:
        page.wait_for_function(f"(onLabel) => ({_FOCUS_STYLE})(onLabel).visible", arg=on_label, timeout=2_000)
    except PlaywrightTimeoutError:
        style = page.evaluate(_FOCUS_STYLE, on_label)
        pytest.fail(f"no visible focus indicator on {active(page)['desc']} at {page.url}: {style}", pytrace=False)


def press_and_load(page: Page, key: str = "Enter") -> None:
    """Press `key` on a focused link or submit button and wait for the page it loads."""
    with page.expect_navigation():
        page.keyboard.press(key)
