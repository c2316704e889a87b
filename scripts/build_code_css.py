"""Write static/css/code.css, the colours of highlighted code blocks, from
the Pygments styles named in site_app/markup.py. Run it after changing
them; tests/test_code_highlighting.py fails while the file is stale."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_app.markup import code_stylesheet  # noqa: E402

if __name__ == "__main__":
    target = ROOT / "static" / "css" / "code.css"
    target.write_text(code_stylesheet(), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
