// A wide table scrolls sideways inside its .table-responsive box. While it does, the box is a
// tab stop with a name, so a keyboard user can focus it and scroll it with the arrow keys
// (WCAG 2.1.1; axe's "scrollable-region-focusable"). A table that fits is no extra tab stop.
(() => {
  const label = document.currentScript.dataset.label || "Table";
  const mark = () => {
    document.querySelectorAll(".table-responsive").forEach((box) => {
      if (box.scrollWidth > box.clientWidth + 1) {
        const caption = box.querySelector("caption");
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : label);
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  };
  mark();
  window.addEventListener("resize", mark);
})();
