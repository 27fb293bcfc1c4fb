// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// Charts: each <figure data-chart="ID"> has a <script type="application/json" id="ID">
// holding a Vega-Lite specification (the same one the board packs render).
function drawCharts(root) {
  root.querySelectorAll("[data-chart]").forEach((figure) => {
    const specElement = document.getElementById(figure.dataset.chart);
    const target = figure.querySelector(".owf-chart__canvas");
    if (!specElement || !target || !window.vegaEmbed || target.dataset.drawn) return;
    target.dataset.drawn = "1";
    window.vegaEmbed(target, JSON.parse(specElement.textContent), {
      actions: false,
      renderer: "svg",
    }).catch((error) => { target.textContent = "The chart could not be drawn: " + error; });
  });
}
drawCharts(document);
document.body.addEventListener("htmx:afterSwap", (event) => drawCharts(event.target));

// htmx requests carry the CSRF token from the page's meta tag.
document.body.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRFToken"] = token.content;
});
