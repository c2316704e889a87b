// Runs static/js/api-docs.js against a tiny fake DOM and prints the text it drew
// (used by tests/test_api.py; no browser needed).
const fs = require("fs");
const [script, specPath] = process.argv.slice(2);
class Node {
  constructor(tag) { this.tag = tag; this.children = []; this.attrs = {}; this._text = ""; }
  appendChild(child) { this.children.push(child); return child; }
  set textContent(value) { this.children = []; this._text = String(value); }
  get textContent() { return this._text + this.children.map((c) => c.textContent).join(""); }
  getAttribute(name) { return this.attrs[name] === undefined ? null : this.attrs[name]; }
  setAttribute(name, value) { this.attrs[name] = String(value); }
  createTHead() { return this.appendChild(new Node("thead")); }
  createTBody() { return this.appendChild(new Node("tbody")); }
  insertRow() { return this.appendChild(new Node("tr")); }
  insertCell() { return this.appendChild(new Node("td")); }
}
const root = new Node("div");
root.attrs["data-spec-url"] = "/api/v1/openapi.json";
global.document = {
  getElementById: (id) => (id === "api-docs" ? root : null),
  createElement: (tag) => new Node(tag),
  createTextNode: (text) => { const n = new Node("#text"); n._text = String(text); return n; },
};
const spec = JSON.parse(fs.readFileSync(specPath, "utf8"));
global.fetch = () => Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve(spec) });
require(require("path").resolve(script));
setTimeout(() => { process.stdout.write(root.textContent); }, 50);
