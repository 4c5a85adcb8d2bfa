/* Apparatus performance charts (Chart.js, vendored). Data comes from the json_script block
   #performance-chart-data; the same numbers are in the tables on the page. */
(function () {
  "use strict";
  function draw() {
    var node = document.getElementById("performance-chart-data");
    if (!node || typeof window.Chart === "undefined") return;
    var d = JSON.parse(node.textContent);
    var L = d.labels;
    var weekly = document.getElementById("chart-weekly");
    if (weekly) {
      new window.Chart(weekly, {
        data: {
          labels: d.weeks,
          datasets: [
            { type: "bar", label: L.received, data: d.weekReceived, backgroundColor: "#1d4f91", yAxisID: "y" },
            { type: "line", label: L.onTime, data: d.weekOnTime, borderColor: "#2fb344", backgroundColor: "#2fb344",
              yAxisID: "pct", spanGaps: true, tension: 0.2 },
          ],
        },
        options: { maintainAspectRatio: false, animation: false,
          scales: { y: { beginAtZero: true, position: "left" },
                    pct: { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false } } } },
      });
    }
    var monthly = document.getElementById("chart-monthly");
    if (monthly) {
      new window.Chart(monthly, {
        data: {
          labels: d.months,
          datasets: [
            { type: "bar", label: L.received, data: d.monthReceived, backgroundColor: "#1d4f91", yAxisID: "y" },
            { type: "bar", label: L.late, data: d.monthLate, backgroundColor: "#d63939", yAxisID: "y" },
            { type: "line", label: L.onTime, data: d.monthOnTime, borderColor: "#2fb344", backgroundColor: "#2fb344",
              yAxisID: "pct", spanGaps: true, tension: 0.2 },
          ],
        },
        options: { maintainAspectRatio: false, animation: false,
          scales: { y: { beginAtZero: true, position: "left" },
                    pct: { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false } } } },
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
