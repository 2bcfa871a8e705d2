"""`fpxint-sim compare DIR...`: run reports side by side (terminal, and compare.html)."""

from __future__ import annotations

import sys


def add_parser(sub):
    p = sub.add_parser(
        "compare", help="put two or more run reports side by side",
        description="Compare run report folders (each with the report.json of `fpxint-sim run`): "
        "per-inference totals, per-layer deltas (layers matched by name, the rest listed), "
        "against the first folder as the baseline. E.g. the same model on two accelerators, "
        "or two expansion settings on one accelerator.")
    p.add_argument("dirs", nargs="+", metavar="DIR", help="run report folders (at least 2)")
    p.add_argument("--out", metavar="DIR", help="write compare.html and compare.json here "
                   "(replaced only if it holds a previous comparison)")
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from fpxint_sim.report.compare import COMPARE_KIND, compare_reports
    from fpxint_sim.report.compare_page import compare_html, compare_json_text, compare_text
    from fpxint_sim.report.output_dir import check_out_dir, write_report_dir

    if args.out:
        check_out_dir(args.out, COMPARE_KIND)  # fail before the work, not after it
    cmp = compare_reports(args.dirs)
    if args.out:
        write_report_dir(args.out, {"compare.json": compare_json_text(cmp),
                                    "compare.html": compare_html(cmp)}, COMPARE_KIND)
    if args.json:
        sys.stdout.write(compare_json_text(cmp))
    else:
        print(compare_text(cmp))
        if args.out:
            print(f"compare page: {args.out}/compare.html")
    return 0
