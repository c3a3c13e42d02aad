// Render a CSL-JSON file (argv[2]) as a bibliography in a CSL style file (argv[3]) with
// citation-js, whose engine is citeproc-js (Zotero's); print {id: html} as JSON.
// Run with NODE_PATH=.cache/node-tools/node_modules (see scripts/ensure-node-tools).
const fs = require("fs");
const { Cite, plugins } = require("@citation-js/core");
require("@citation-js/plugin-csl");

const items = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const style = fs.readFileSync(process.argv[3], "utf8");
plugins.config.get("@csl").templates.add("style", style);
const entries = new Cite(items).format("bibliography", {
  format: "html",
  template: "style",
  lang: "en-US",
  asEntryArray: true,
});
process.stdout.write(JSON.stringify(Object.fromEntries(entries)));
