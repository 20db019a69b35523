// The live score preview: as values are typed, the form goes to the preview endpoint
// (nothing is saved) and the total, grade and each line are shown beside the form.
(function () {
  "use strict";
  var form = document.getElementById("step-form");
  if (!form || !form.dataset.preview) return;
  var total = document.getElementById("preview-total");
  var grade = document.getElementById("preview-grade");
  var waiting = document.getElementById("preview-waiting");
  var late = document.getElementById("preview-late");
  var subtotal = document.getElementById("preview-subtotal");
  var lines = document.querySelector("#preview-lines tbody");
  var timer = null, seq = 0;

  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function list(id, items) {
    var ul = document.getElementById(id);
    if (!ul) return;
    ul.textContent = "";
    (items || []).forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      ul.appendChild(li);
    });
    ul.hidden = !(items && items.length);
  }

  function show(data, mine) {
    if (mine !== seq) return;  // an older answer arriving late
    // No total while it cannot be said (a value refused, an item missing): never an
    // older total left standing.
    total.textContent = data.complete && data.total ? data.total : "—";
    grade.textContent = data.complete ? (data.grade || "") : "";
    grade.hidden = !grade.textContent;
    waiting.textContent = data.complete
      ? (data.assumed || "")
      : [data.error, data.so_far, data.waiting].filter(Boolean).join(" ");
    waiting.className = data.invalid || data.error ? "error small" : "muted small";
    late.hidden = !data.late;
    late.textContent = data.late || "";
    if (subtotal) {
      subtotal.textContent = data.subtotal || "";
      subtotal.hidden = !data.subtotal;
    }
    list("preview-adjustments", data.adjustments);
    list("preview-sections", data.sections);
    lines.textContent = "";
    var section = "";
    (data.lines || []).forEach(function (l) {
      if (l.section && l.section !== section) {
        section = l.section;
        var head = document.createElement("tr");
        var th = document.createElement("th");
        th.colSpan = 2;
        th.textContent = section;
        head.appendChild(th);
        lines.appendChild(head);
      }
      var tr = document.createElement("tr");
      if (l.invalid) tr.className = "invalid";
      var label = cell(l.label);
      if (l.note) {
        var note = document.createElement("span");
        note.className = l.invalid ? "error" : "muted";
        note.textContent = l.note;
        label.appendChild(document.createElement("br"));
        label.appendChild(note);
      }
      tr.appendChild(label);
      tr.appendChild(cell((l.score === null ? "—" : l.score) + " / " + l.max, "num"));
      lines.appendChild(tr);
    });
  }

  function update() {
    var mine = ++seq;
    fetch(form.dataset.preview, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {"X-Requested-With": "fetch"}
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) show(data, mine); })
      .catch(function () {});
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  update();
})();
