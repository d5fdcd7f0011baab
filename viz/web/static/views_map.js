/* policykg map page: highlights a plan's point and table row together (viz/map.py). Inlined in
   files written by `policykg viz map --out`, loaded from /static/views_map.js by the web app. */
(function () {
  var data = JSON.parse(document.getElementById("pk-data").textContent);
  function mark(i, on) {
    document.querySelectorAll('[data-i="' + i + '"]').forEach(function (el) { el.classList.toggle("on", on); });
  }
  document.querySelectorAll("[data-i]").forEach(function (el) {
    var i = el.getAttribute("data-i");
    el.addEventListener("mouseenter", function () { mark(i, true); });
    el.addEventListener("mouseleave", function () { mark(i, false); });
  });
  window.policykgMap = { points: data.points.length, provinces: document.querySelectorAll(".province").length };
  window.policykgReady = performance.now();
})();
