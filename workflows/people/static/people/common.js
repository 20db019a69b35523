// Behaviour every page shares, kept out of the HTML so the Content-Security-Policy can
// refuse inline scripts: a select marked data-autosubmit sends its form when changed.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
});
