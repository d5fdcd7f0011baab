/* The query page's editor: CodeMirror 5 (vendored, see vendor/codemirror/README.md) on the
   textarea; Ctrl/Cmd+Enter submits the form. Without JavaScript the plain textarea still works. */
(function () {
  "use strict";
  var area = document.getElementById("query");
  if (!area || typeof CodeMirror === "undefined") { return; }
  var form = document.getElementById("query-form");
  var editor = CodeMirror.fromTextArea(area, {
    mode: "application/sparql-query",
    lineNumbers: true,
    matchBrackets: true,
    extraKeys: {
      "Ctrl-Enter": function (cm) { cm.save(); form.submit(); },
      "Cmd-Enter": function (cm) { cm.save(); form.submit(); }
    }
  });
  form.addEventListener("submit", function () { editor.save(); });
  window.policykgEditor = editor;
})();

/* Tables (viz/web/tables.py): choosing a column in "Facet by" applies it at once. Without
   JavaScript the Apply button does the same. */
(function () {
  "use strict";
  var selects = document.querySelectorAll(".table-controls select[name='_facet']");
  Array.prototype.forEach.call(selects, function (select) {
    select.addEventListener("change", function () {
      if (select.value) { select.form.submit(); }
    });
  });
})();
