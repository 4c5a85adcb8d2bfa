// Copies the pinned browser libraries from node_modules into kotacerdas/static/vendor.
// The copies are committed so that run time needs neither node nor a CDN (NetBox commits its dist the same way).
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

const out = "../kotacerdas/static/vendor";
const files = {
  "@tabler/core/dist/css/tabler.min.css": "tabler/tabler.min.css",
  "@tabler/core/dist/js/tabler.min.js": "tabler/tabler.min.js",
  "@tabler/core/package.json": "tabler/package.json",
  "chart.js/dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
  "chart.js/LICENSE.md": "chartjs/LICENSE.md",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "htmx.org/LICENSE": "htmx/LICENSE",
  "htmx-ext-sse/dist/sse.min.js": "htmx/sse.min.js",
  "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
  "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
  "leaflet/dist/images": "leaflet/images",
  "leaflet/LICENSE": "leaflet/LICENSE",
};
rmSync(out, { recursive: true, force: true });
for (const [src, dst] of Object.entries(files)) {
  const target = join(out, dst);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join("node_modules", src), target, { recursive: true });
}
console.log(`copied ${Object.keys(files).length} entries into ${out}`);
