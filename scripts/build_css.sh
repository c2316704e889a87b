#!/usr/bin/env bash
# Rebuild static/vendor/bootstrap/bootstrap.min.css: Bootstrap-Flask's
# Bootstrap 5 CSS with only the rules our pages can use (PurgeCSS), and
# bootstrap.rtl.min.css, the same for right-to-left pages (Arabic): Bootstrap's
# own RTL build of the same version, from npm (Bootstrap-Flask ships none). Run it
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
# The version Bootstrap-Flask ships, so both directions have the same rules.
BOOTSTRAP_VERSION=$(sed -n 's/.*Bootstrap  *v\([0-9.]*\).*/\1/p' \
  "$BOOTSTRAP/static/bootstrap5/css/bootstrap.min.css" | head -1)
export BOOTSTRAP_VERSION
[ -d build/node/node_modules/purgecss ] &&
  grep -q "\"version\": \"$BOOTSTRAP_VERSION\"" build/node/node_modules/bootstrap/package.json 2>/dev/null ||
  npm install --silent --no-audit --no-fund --prefix build/node purgecss@7.0.2 "bootstrap@$BOOTSTRAP_VERSION"
mkdir -p static/vendor/bootstrap

NODE_PATH=build/node/node_modules node <<'JS'
const fs = require("fs");
const { PurgeCSS } = require("purgecss");
const { BOOTSTRAP: bootstrap, WTFORMS: wtforms } = process.env;
const purge = (source, target) => new PurgeCSS().purge({
  // Our markup, and where the rest of it comes from: Bootstrap-Flask's form
  // macros and the WTForms widgets (<textarea>, <select> are written there).
  content: ["templates/**/*.html", "static/js/*.js", "site_app/**/*.py",
            `${bootstrap}/templates/bootstrap5/*.html`, `${wtforms}/widgets/core.py`],
  css: [source],
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
  fs.writeFileSync(target, result.css);
  console.log(`${target}: ${result.css.length} bytes`);
});
purge(`${bootstrap}/static/bootstrap5/css/bootstrap.min.css`,
      "static/vendor/bootstrap/bootstrap.min.css");
purge("build/node/node_modules/bootstrap/dist/css/bootstrap.rtl.min.css",
      "static/vendor/bootstrap/bootstrap.rtl.min.css");
JS
