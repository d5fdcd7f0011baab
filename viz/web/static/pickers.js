/* Parameter pickers (viz/web/search.py): an <input data-suggest="FIELD" list="ID"> gets its
   <datalist id="ID"> filled with the names /suggest?field=FIELD&q=TYPED returns, as the researcher
   types. Options are set through .value (never HTML), so a name cannot become markup. */
(function () {
  "use strict";
  var DELAY_MS = 120;

  function fill(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var typed = input.value.trim();
    var url = "/suggest?" + new URLSearchParams({ field: input.dataset.suggest, q: typed }).toString();
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || input.value.trim() !== data.q) { return; }  // an older answer: drop it
        var options = data.values.map(function (name) {
          var option = document.createElement("option");
          option.value = name;
          return option;
        });
        list.replaceChildren.apply(list, options);
        list.setAttribute("data-for", data.q);
      })
      .catch(function () { /* no suggestions: the field still takes free text */ });
  }

  document.querySelectorAll("input[data-suggest][list]").forEach(function (input) {
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { fill(input); }, DELAY_MS);
    });
    input.addEventListener("focus", function () { fill(input); }, { once: true });
  });
})();
