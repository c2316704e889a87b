#!/usr/bin/env bash
# Rebuild static/vendor/bootstrap/bootstrap.min.css: Bootstrap-Flask's
# Bootstrap 5 CSS with only the rules our pages can use (PurgeCSS). Run it
# after adding Bootstrap classes to a template or a script;
# tests/test_static_assets.py fails when a class a template uses is missing
# from the committed file. Needs Node and npm (PurgeCSS goes to build/node).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
package() { $PYTHON -c "import $1, pathlib; print(pathlib.Path($1.__file__).parent)"; }
BOOTSTRAP=$(package flask_bootstrap)
WTFORMS=$(package wtforms)
export BOOTSTRAP WTFORMS
[ -d build/node/node_modules/purgecss ] ||
  npm install --silent --no-audit --no-fund --prefix build/node purgecss@7.0.2
mkdir -p static/vendor/bootstrap

NODE_PATH=build/node/node_modules node <<'JS'
const fs = require("fs");
const { PurgeCSS } = require("purgecss");
const { BOOTSTRAP: bootstrap, WTFORMS: wtforms } = process.env;
new PurgeCSS().purge({
  // Our markup, and where the rest of it comes from: Bootstrap-Flask's form
  // macros and the WTForms widgets (<textarea>, <select> are written there).
  content: ["templates/**/*.html", "static/js/*.js", "site_app/**/*.py",
            `${bootstrap}/templates/bootstrap5/*.html`, `${wtforms}/widgets/core.py`],
  css: [`${bootstrap}/static/bootstrap5/css/bootstrap.min.css`],
  // Classes set outside the markup: by Bootstrap's scripts (collapse,
  // dropdown, alerts), by flash categories (alert-<category>), by states.
  safelist: {
    standard: ["show", "showing", "hiding", "collapsing", "fade", "active", "disabled",
               "is-invalid", "is-valid", "was-validated"],
    greedy: [/^alert-/, /^text-bg-/],
  },
  keyframes: true,
  fontFace: true,
}).then(([result]) => {
  // Bootstrap's licence comment stays at the top.
  fs.writeFileSync("static/vendor/bootstrap/bootstrap.min.css", result.css);
  console.log(`static/vendor/bootstrap/bootstrap.min.css: ${result.css.length} bytes`);
});
JS
