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
  var lines = document.querySelector("#preview-lines tbody");
  var timer = null, seq = 0;

  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function show(data, mine) {
    if (mine !== seq) return;  // an older answer arriving late
    total.textContent = data.total || "—";
    grade.textContent = data.grade || "";
    waiting.textContent = data.complete
      ? (data.assumed || "")
      : [data.so_far, data.waiting].filter(Boolean).join(" ");
    late.hidden = !data.late;
    late.textContent = data.late || "";
    lines.textContent = "";
    (data.lines || []).forEach(function (l) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(l.label));
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
