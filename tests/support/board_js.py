"""Run a function of the kanban board's own JavaScript (``assets/kanban/board.js``) with Node.

The module has no imports, so Node runs it as it is (copied to a ``.mjs`` so that it loads as
an ES module). Arguments and result cross as JSON.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BOARD_JS = ROOT / "assets" / "kanban" / "board.js"
RUNNER = """
import * as board from "./board.mjs";
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const { fn, args } = JSON.parse(input);
  process.stdout.write(JSON.stringify(board[fn](...args)));
});
"""


def node() -> str:
    found = shutil.which("node") or str(ROOT / ".tools" / "bin" / "node")
    if not Path(found).exists():
        raise RuntimeError("Node.js is needed (make tools puts it in .tools/bin)")
    return found


def run_board_js(fn: str, *args: Any) -> Any:
    with tempfile.TemporaryDirectory(prefix="boardjs") as tmp:
        (Path(tmp) / "board.mjs").write_text(BOARD_JS.read_text())
        (Path(tmp) / "run.mjs").write_text(RUNNER)
        done = subprocess.run(
            [node(), "run.mjs"],
            cwd=tmp,
            input=json.dumps({"fn": fn, "args": list(args)}),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"node failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)
