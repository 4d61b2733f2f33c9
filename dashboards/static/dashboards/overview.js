/* Dashboard charts (ECharts, served from node_modules; no CDN). The same numbers are in the tables. */
(function () {
  "use strict";
  var el = document.getElementById("dash-data");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var charts = [];
  function init(id, option) {
    var node = document.getElementById(id);
    if (!node) return;
    var chart = echarts.init(node, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  }
  init("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, left: "center", data: ["收集数", "办结数", "办结率"] },
    grid: { left: 48, right: 48, top: 44, bottom: 28 },
    xAxis: { type: "category", data: data.trend.months },
    yAxis: [{ type: "value", name: "条" }, { type: "value", name: "%", min: 0, max: 100 }],
    series: [
      { name: "收集数", type: "bar", data: data.trend.collected },
      { name: "办结数", type: "bar", data: data.trend.concluded },
      { name: "办结率", type: "line", yAxisIndex: 1, data: data.trend.rate }
    ]
  });
  init("chart-categories", {
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.categories, label: { formatter: "{b}\n{c}" } }]
  });
  init("chart-stages", {
    tooltip: {},
    grid: { left: 48, right: 16, top: 8, bottom: 24 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: data.stages.names },
    series: [{ type: "bar", data: data.stages.values, itemStyle: { color: "#b3261e" } }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

/* The deputy picker's list (filled by htmx): Escape or a click elsewhere closes it. */
(function () {
  "use strict";
  var list = document.getElementById("deputy-choices");
  if (!list) return;
  var picker = list.closest(".deputy-picker");
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") list.innerHTML = ""; });
  document.addEventListener("click", function (e) { if (!picker.contains(e.target)) list.innerHTML = ""; });
})();
