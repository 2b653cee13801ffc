// Fieldsets marked data-only-for-format="X" show only while the program's format is X.
(() => {
  const format = document.querySelector("select[name=format]");
  if (!format) return;
  const sync = () => {
    document.querySelectorAll("[data-only-for-format]").forEach((fieldset) => {
      fieldset.hidden = fieldset.dataset.onlyForFormat !== format.value;
    });
  };
  format.addEventListener("change", sync);
  sync();
})();
