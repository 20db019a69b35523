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
  // A search box over a long choice list (the deputy): the options matching every
  // word typed stay, the chosen one and the empty choice always; nothing is sent.
  document.querySelectorAll("input[data-filters]").forEach((box) => {
    const select = document.getElementById(box.dataset.filters);
    if (!select) return;
    const all = Array.from(select.options);
    const count = document.getElementById(box.id.replace("-search", "-matches"));
    box.hidden = false;
    box.addEventListener("input", () => {
      const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      const chosen = select.value;
      const kept = all.filter((o) => !o.value || o.value === chosen
        || words.every((w) => o.text.toLowerCase().includes(w)));
      select.replaceChildren(...kept);
      select.value = chosen;
      if (count) {
        const n = kept.filter((o) => o.value).length;
        count.hidden = !words.length;
        count.textContent = (select.dataset[n === 1 ? "matchOne" : "matchMany"] || "").replace("%(n)s", n);
      }
    });
  });
  // A box with a limit (remarks, comments: 4,000 characters) says how much is used and
  // the limit as one types, so nothing is cut without warning; a line break counts as
  // one, as maxlength and the server count it.
  // "{n}" and "{max}": a "%" in a template's trans tag would not find its translation
  const words = document.body.dataset.charCount || "{n} / {max}";
  document.querySelectorAll("textarea[maxlength]").forEach((box) => {
    const max = Number(box.getAttribute("maxlength"));
    if (!max) return;
    const counter = document.createElement("p");
    counter.className = "small muted char-count";
    counter.id = `${box.id || box.name}-count`;
    counter.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", counter);
    const shown = (n) => n.toLocaleString(document.documentElement.lang || undefined);
    const update = () => {
      const n = box.value.replace(/\r\n/g, "\n").length;
      counter.textContent = words.replace("{n}", shown(n)).replace("{max}", shown(max));
      counter.classList.toggle("late", n >= max);
    };
    box.addEventListener("input", update);
    update();
  });
  // A select-all checkbox (data-select-all="ids") ticks every row's box of that name in
  // its form; it shows ticked, unticked or in between as the rows are. Hidden without
  // the script, where it could do nothing.
  document.querySelectorAll("input[data-select-all]").forEach((all) => {
    const boxes = () => Array.from(all.form.querySelectorAll(
      `input[type=checkbox][name="${all.dataset.selectAll}"]`));
    const sync = () => {
      const on = boxes().filter((b) => b.checked).length;
      all.checked = on > 0 && on === boxes().length;
      all.indeterminate = on > 0 && on < boxes().length;
    };
    all.hidden = false;
    all.addEventListener("change", () => {
      boxes().forEach((b) => { b.checked = all.checked; });
      sync();
    });
    boxes().forEach((b) => b.addEventListener("change", sync));
    sync();
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
