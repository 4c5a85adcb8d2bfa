// Siduta statistics: draws the bar chart described by the JSON script named in data-kc-chart.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("canvas[data-kc-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.kcChart);
    if (!source || typeof Chart === "undefined") return;
    const spec = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: spec.type || "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map((d) => ({ label: d.label, data: d.data, backgroundColor: d.color })),
      },
      options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } },
                 scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  });
});
