"""``dsr report RUN_DIR [RUN_DIR ...]``: the experiment report (Markdown, HTML, plots)."""
from __future__ import annotations

import os
import sys

__all__ = ["add_parser"]


def add_parser(sub) -> None:
    rp = sub.add_parser("report", help="write the report (tables and plots) of one or more runs")
    rp.add_argument("run_dirs", nargs="+", help="run directories (several for the privileged-fraction sweep)")
    rp.add_argument("--out", default=None, help="output folder (default: <first run>/report)")
    rp.add_argument("--anchor", default=None, help="codec the BD-rates compare against (default: bpg when tested)")
    rp.set_defaults(func=_report)


def _report(args) -> int:
    from pipelines import report  # pylint: disable=g-import-not-at-top

    out = args.out or os.path.join(args.run_dirs[0], "report")
    md, html = report.write_report(args.run_dirs, out, anchor=args.anchor)
    print(f"dsr report: {md}\n            {html}", file=sys.stderr)
    return 0
