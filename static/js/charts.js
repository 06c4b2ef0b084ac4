// Draws every <canvas data-chart="ID"> from the JSON in <script type="application/json" id="ID">
// (Django's json_script), built by okrapp/core/charts.py. The JSON is data only: {kind?,
// labels, datasets: [{label, role, data, fill?}], yTitle?, yMin?, yMax?}; each series' look
// comes from its role here ("fill" names a band: "-1", down to the series before). No inline
// script: CSP-safe.
(function () {
  const ROLES = {
    value: { color: "#2854c5" },
    own: { color: "#1f8a4c", dashed: true },
    ideal: { color: "#7a8294", dashed: true, points: false },
    projection: { color: "#d98c00", dashed: true },
    target: { color: "#1f8a4c", dashed: true, points: false },
    // With "fill", the band between it and the series before it (the target) is tinted.
    threshold: { color: "#d98c00", dashed: true, points: false, band: "rgba(217,140,0,0.12)" },
    // The expected pace: a dotted grey line, so a score below it reads as behind.
    pace: { color: "#596173", dashed: true, dots: true, points: false },
  };
  function dataset(set) {
    const look = ROLES[set.role] || ROLES.value;
    return {
      label: set.label,
      data: set.data,
      borderColor: look.color,
      backgroundColor: set.fill ? look.band || ROLES.threshold.band : look.color,
      borderDash: look.dots ? [2, 3] : look.dashed ? [6, 4] : [],
      fill: set.fill || false,
      pointRadius: look.points === false ? 0 : 3,
      spanGaps: true,
      tension: 0,
    };
  }
  function draw(canvas) {
    if (canvas.dataset.drawn || typeof Chart === "undefined") return;
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    canvas.dataset.drawn = "1";
    new Chart(canvas, {
      type: spec.kind || "line",
      data: { labels: spec.labels, datasets: spec.datasets.map(dataset) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { type: "category" },
          y: {
            title: { display: !!spec.yTitle, text: spec.yTitle || "" },
            suggestedMin: spec.yMin,
            suggestedMax: spec.yMax,
          },
        },
      },
    });
  }
  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  document.addEventListener("DOMContentLoaded", () => drawAll());
  document.addEventListener("htmx:afterSettle", (event) => drawAll(event.target));
})();
