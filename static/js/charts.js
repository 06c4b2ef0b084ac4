// Draws every <canvas data-chart="ID"> from the JSON in <script type="application/json" id="ID">
// (Django's json_script). The JSON: {type?, labels, datasets: [{label, data, color?, dashed?,
// fill?, stepped?}], yTitle?, yMin?, yMax?, xType? ("category" | "linear")}. No inline script: CSP-safe.
(function () {
  function draw(canvas) {
    if (canvas.dataset.drawn || typeof Chart === "undefined") return;
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    const palette = ["#2854c5", "#1f8a4c", "#c0392b", "#d98c00", "#7a8294", "#5b3f99"];
    const datasets = spec.datasets.map((set, index) => ({
      label: set.label,
      data: set.data,
      borderColor: set.color || palette[index % palette.length],
      backgroundColor: set.fill ? (set.fillColor || "rgba(217,140,0,0.12)") : (set.color || palette[index % palette.length]),
      borderDash: set.dashed ? [6, 4] : [],
      fill: set.fill || false,
      stepped: set.stepped || false,
      pointRadius: set.points === false ? 0 : 3,
      spanGaps: true,
      tension: 0,
    }));
    canvas.dataset.drawn = "1";
    new Chart(canvas, {
      type: spec.type || "line",
      data: { labels: spec.labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { type: spec.xType || "category" },
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
