// Read CSL-JSON or RIS (stdin) with citation-js and print the CSL-JSON items it gets back.
// Run with NODE_PATH=.cache/node-tools/node_modules (see scripts/ensure-node-tools).
const { Cite } = require("@citation-js/core");
require("@citation-js/plugin-ris");
require("@citation-js/plugin-csl");

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const cite = new Cite(input);
  process.stdout.write(JSON.stringify(cite.data));
});
