"""Reports of a run: report.json (versioned schema), layers.csv and a self-contained report.html.

`build_report` makes the document; `render_report_files` turns it into the three files;
`write_report_dir` puts them in place atomically (fpxint_sim/report/output_dir.py).
"""

from fpxint_sim.report.document import SCHEMA, build_report
from fpxint_sim.report.files import render_report_files
from fpxint_sim.report.output_dir import check_out_dir, write_report_dir

__all__ = ["SCHEMA", "build_report", "check_out_dir", "render_report_files", "write_report_dir"]
