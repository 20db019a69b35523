// Behaviour every page shares, kept out of the HTML so the Content-Security-Policy can
// refuse inline scripts: a select marked data-autosubmit sends its form when changed;
// after a refused post the error summary at the top takes the focus, and following one
// of its links opens the collapsed section that holds the field and focuses the field.
function reveal(el) {
  for (let d = el.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
    d.open = true;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // A collapsed section that holds an error is shown open.
  document.querySelectorAll("details .has-error, details .error").forEach(reveal);
  const summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.querySelectorAll("a[data-target]").forEach((link) => {
    link.addEventListener("click", (event) => {
      const field = document.getElementById(link.dataset.target);
      if (!field) return;
      event.preventDefault();
      reveal(field);
      field.scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    });
  });
  const box = summary.getBoundingClientRect();
  if (box.top < 0 || box.bottom > window.innerHeight) summary.scrollIntoView({ block: "start" });
  summary.focus({ preventScroll: true });
});
