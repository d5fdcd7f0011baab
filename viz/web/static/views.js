/* policykg views: draws the graph JSON of #pk-data with vis-network (viz/page.py, view.html.j2).
   One file for both homes of a view: inlined into the offline page written by `policykg viz --out`,
   and loaded from /static/views.js by the web app, whose CSP forbids inline scripts.
   Document text reaches the page only as JSON and is set with textContent, never parsed as HTML.
   Dense views carry `density`: a top-N control over ranked hub nodes (each node's `rank` is the
   smallest N that shows it) and, for weighted edges, a minimum-weight control; both re-fit. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pk-data").textContent);
  var words = data.words || {};
  var kinds = {}, edgeKinds = {}, byId = {};
  data.kinds.forEach(function (k) { kinds[k.key] = k; });
  data.edgeKinds.forEach(function (k) { edgeKinds[k.key] = k; });
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  // Tooltips are DOM elements filled with textContent: document text is never parsed as HTML.
  function tip(text) {
    if (!text) { return undefined; }
    var e = document.createElement("div");
    e.className = "pk-tip";
    e.textContent = text;
    return e;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  // A page link is a path of this server built by viz/page.py; anything else is refused.
  function safeHref(href) {
    return typeof href === "string" && href.charAt(0) === "/" && href.charAt(1) !== "/" ? href : null;
  }

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var k = kinds[n.kind] || { color: "#999", shape: "dot", font: "#222222", inside: false };
    // labels inside a shape take the colour that contrasts with the fill (page.label_colour);
    // labels below a shape are dark on a white halo, readable over edges too
    var font = k.inside ? { color: k.font, strokeWidth: 0 }
                        : { color: k.font, strokeWidth: 3, strokeColor: "#ffffff" };
    return { id: n.id, label: n.label, x: n.x, y: n.y, value: n.value, shape: k.shape,
             color: { background: k.color, border: "#333",
                      highlight: { background: k.color, border: "#000" } },
             font: font, title: tip(n.tip), kind: n.kind, city: n.city, tipText: n.tip };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var k = edgeKinds[e.kind] || { color: "#aaa", dashes: false, width: 1 };
    return { id: i, from: e.from, to: e.to, title: tip(e.tip), dashes: k.dashes,
             width: e.weight ? Math.min(1 + Math.log(e.weight + 1), 6) * (k.width > 1.5 ? 1.4 : 1) : k.width,
             color: { color: k.color, highlight: "#000" }, kind: e.kind, weight: e.weight || 0 };
  }));

  var options = {
    physics: false,
    layout: { improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: data.big, hideEdgesOnZoom: data.big },
    nodes: { font: { size: 14, face: "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif" },
             scaling: { min: 8, max: 36, label: { enabled: false } }, size: 12, borderWidth: 1 },
    edges: { smooth: false, selectionWidth: 2 }
  };
  var network = new vis.Network(document.getElementById("graph"), { nodes: nodes, edges: edges }, options);
  window.policykgNetwork = network;
  window.policykgNodes = nodes;
  window.policykgEdges = edges;

  // -- filters: node type (legend), city, and for dense views top-N and minimum edge weight ----
  var shownKinds = {};
  var legend = document.getElementById("pk-legend");
  var counts = {};
  data.nodes.forEach(function (n) { counts[n.kind] = (counts[n.kind] || 0) + 1; });
  data.kinds.forEach(function (k) {
    shownKinds[k.key] = true;
    var label = el("label");
    var box = el("input");
    box.type = "checkbox"; box.checked = true; box.setAttribute("data-kind", k.key);
    box.addEventListener("change", function () { shownKinds[k.key] = box.checked; applyFilters(true); });
    var swatch = el("span", "swatch");
    swatch.style.background = k.color;
    label.appendChild(box); label.appendChild(swatch);
    label.appendChild(el("span", "", k.name + " (" + (counts[k.key] || 0) + ")"));
    legend.appendChild(label);
  });
  var edgeLegend = document.getElementById("pk-edge-legend");
  data.edgeKinds.forEach(function (k) {
    var item = el("span");
    var line = el("span", "edge-swatch");
    line.style.borderTopColor = k.color;
    line.style.borderTopStyle = k.dashes ? "dashed" : "solid";
    item.appendChild(line);
    item.appendChild(el("span", "", " " + k.name));
    edgeLegend.appendChild(item);
  });
  var citySelect = document.getElementById("pk-city");
  data.cities.forEach(function (c) {
    var option = el("option", "", c);
    option.value = c;
    citySelect.appendChild(option);
  });
  citySelect.addEventListener("change", function () { applyFilters(true); });

  var density = data.density;
  var topInput = document.getElementById("pk-top");
  var weightInput = document.getElementById("pk-min-weight");
  var densityStatus = document.getElementById("pk-density-status");
  if (density && topInput) {
    topInput.max = String(density.hubs);
    topInput.value = String(density.top);
    topInput.addEventListener("input", function () { applyFilters(true); });
    document.getElementById("pk-top-value").textContent = topInput.value + " / " + density.hubs;
  }
  if (density && weightInput && density.maxWeight) {
    weightInput.max = String(density.maxWeight);
    weightInput.value = String(density.minWeight);
    weightInput.addEventListener("input", function () { applyFilters(true); });
    document.getElementById("pk-weight-value").textContent = weightInput.value;
  }
  var showAll = document.getElementById("pk-show-all");
  if (showAll && density) {
    showAll.addEventListener("click", function () {
      if (topInput) { topInput.value = String(density.hubs); }
      if (weightInput && density.maxWeight) { weightInput.value = weightInput.min; }
      applyFilters(true);
    });
  }

  var nodeHiddenNow = {}, edgeHiddenNow = {};
  data.nodes.forEach(function (n) { nodeHiddenNow[n.id] = false; });
  data.edges.forEach(function (e, i) { edgeHiddenNow[i] = false; });

  function applyFilters(refit) {
    var city = citySelect.value;
    var top = density && topInput ? Number(topInput.value) : Infinity;
    var minWeight = density && weightInput && density.maxWeight ? Number(weightInput.value) : 0;
    var visible = {};
    data.nodes.forEach(function (n) {
      visible[n.id] = shownKinds[n.kind] && (!city || n.city === city) &&
                      (n.rank === undefined || n.rank <= top);
    });
    if (city) {  // shared nodes (cited documents, indicators, years) stay if they touch the city
      data.nodes.forEach(function (n) {
        if (!n.city && shownKinds[n.kind] && (n.rank === undefined || n.rank <= top)) {
          visible[n.id] = network.getConnectedNodes(n.id).some(function (m) {
            var other = byId[m];
            return other && other.city === city && shownKinds[other.kind];
          });
        }
      });
    }
    var edgeHidden = {};
    var linked = {}, strong = {};
    data.edges.forEach(function (e, i) {
      var hide = minWeight > 0 && (e.weight || 0) < minWeight;
      edgeHidden[i] = hide;
      linked[e.from] = linked[e.to] = true;
      if (!hide) { strong[e.from] = strong[e.to] = true; }
    });
    if (minWeight > 0) {  // a node whose every edge is below the weight shown goes too
      data.nodes.forEach(function (n) { if (linked[n.id] && !strong[n.id]) { visible[n.id] = false; } });
    }
    // only what changes is sent to vis (a 1,000-node view redraws once, not per node)
    var nodeChanges = data.nodes.filter(function (n) { return nodeHiddenNow[n.id] !== !visible[n.id]; })
      .map(function (n) { nodeHiddenNow[n.id] = !visible[n.id]; return { id: n.id, hidden: !visible[n.id] }; });
    var edgeChanges = data.edges.map(function (e, i) { return i; })
      .filter(function (i) { return edgeHiddenNow[i] !== edgeHidden[i]; })
      .map(function (i) { edgeHiddenNow[i] = edgeHidden[i]; return { id: i, hidden: edgeHidden[i] }; });
    if (nodeChanges.length) { nodes.update(nodeChanges); }
    if (edgeChanges.length) { edges.update(edgeChanges); }
    var shownNodes = data.nodes.filter(function (n) { return visible[n.id]; }).map(function (n) { return n.id; });
    var shownEdges = data.edges.filter(function (e, i) {
      return !edgeHidden[i] && visible[e.from] && visible[e.to];
    }).length;
    document.body.setAttribute("data-shown-nodes", String(shownNodes.length));
    document.body.setAttribute("data-shown-edges", String(shownEdges));
    if (density && densityStatus) {
      if (topInput) { document.getElementById("pk-top-value").textContent = topInput.value + " / " + density.hubs; }
      if (weightInput && density.maxWeight) { document.getElementById("pk-weight-value").textContent = weightInput.value; }
      densityStatus.textContent = (words.shown || "shown") + ": " + shownNodes.length + " / " +
        data.nodes.length + " " + (words.nodes || "nodes") + " · " + shownEdges + " / " +
        data.edges.length + " " + (words.edges || "edges");
    }
    if (refit && shownNodes.length) {
      if (shownNodes.length === data.nodes.length) { network.fit({ animation: false }); }
      else { network.fit({ nodes: shownNodes, animation: false }); }
    }
  }

  // -- the side panel: the selected node's text and a link to its page (web app only) ---------
  var panel = document.getElementById("pk-panel");
  function showPanel(id) {
    var n = byId[id];
    if (!panel || !n) { return; }
    panel.textContent = "";
    panel.appendChild(el("strong", "", n.label));
    if (n.tip) { panel.appendChild(el("div", "pk-tip", n.tip)); }
    var href = safeHref(n.href);
    if (href) {
      var a = el("a", "pk-open", words.open || "open page");
      a.href = href;
      a.id = "pk-open-link";
      panel.appendChild(a);
    }
    panel.hidden = false;
  }
  network.on("selectNode", function (params) { if (params.nodes.length) { showPanel(params.nodes[0]); } });
  network.on("deselectNode", function () { if (panel) { panel.hidden = true; } });
  network.on("doubleClick", function (params) {
    var n = params.nodes.length ? byId[params.nodes[0]] : null;
    var href = n && safeHref(n.href);
    if (href) { window.location.assign(href); }
  });
  window.policykgShowPanel = showPanel;

  applyFilters(false);
  network.once("afterDrawing", function () {
    applyFilters(true);   // positions come from Python: show what is shown, whole, at first
    window.policykgReady = performance.now();
    document.body.setAttribute("data-ready", "1");
  });

  var search = document.getElementById("pk-search");
  var status = document.getElementById("pk-search-status");
  function runSearch(focus) {
    var q = search.value.trim().toLowerCase();
    if (!q) { network.unselectAll(); status.textContent = ""; return; }
    var hits = data.nodes.filter(function (n) {
      return n.label.toLowerCase().indexOf(q) >= 0 || n.tip.toLowerCase().indexOf(q) >= 0;
    }).map(function (n) { return n.id; });
    network.selectNodes(hits);
    status.textContent = hits.length + " " + (words.matches || "个匹配 matches");
    if (focus && hits.length) {
      // a hit the top-N or weight control hides is brought in before focusing on it
      var first = byId[hits[0]];
      if (density && nodeHiddenNow[first.id]) {
        if (topInput && first.rank > Number(topInput.value)) { topInput.value = String(first.rank); }
        if (weightInput && density.maxWeight) { weightInput.value = weightInput.min; }
        applyFilters(false);
        network.selectNodes(hits);
      }
      network.focus(hits[0], { scale: 1.2, animation: false });
    }
  }
  search.addEventListener("input", function () { runSearch(false); });
  search.addEventListener("keydown", function (e) { if (e.key === "Enter") { runSearch(true); } });
})();
