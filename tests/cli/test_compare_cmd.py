"""`fpxint-sim compare`: reports side by side, deltas against the first, bad folders refused."""

import json
from pathlib import Path

import pytest

from fpxint_sim.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
TOPOLOGY = """name, ifmap_h, ifmap_w, filter_h, filter_w, channels, num_filters, stride,
conv1, 18, 18, 3, 3, 3, 16, 2,
pw, 8, 8, 1, 1, 16, 32, 1,
fc, 1, 1, 1, 1, 512, 10, 1,
"""


def run_report(tmp: Path, name: str, *extra: str, topology: str = TOPOLOGY) -> Path:
    csv = tmp / f"{name}.csv"
    csv.write_text(topology)
    out = tmp / name
    assert main(["run", "--topology", str(csv), "--out", str(out), *extra]) == 0
    return out


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("runs")
    return {
        "bitfusion": run_report(tmp, "bitfusion", "--w-terms", "2"),
        "edge": run_report(tmp, "edge", "--hw", str(ROOT / "hw_configs" /
                                                     "edge_int4_os_8x8.yaml"), "--w-terms", "2"),
        "w3": run_report(tmp, "w3", "--w-terms", "3"),
        "renamed": run_report(tmp, "renamed", topology=TOPOLOGY.replace("pw,", "pointwise,")),
    }


def load(folder: Path) -> dict:
    return json.loads((folder / "report.json").read_text())


def compare_json(capsys, *folders) -> dict:
    assert main(["compare", *map(str, folders), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_same_model_on_two_accelerators(reports, capsys):
    cmp = compare_json(capsys, reports["bitfusion"], reports["edge"])
    a, b = load(reports["bitfusion"]), load(reports["edge"])
    latency = next(t for t in cmp["totals"] if t["key"] == "latency_us")
    assert latency["values"] == [a["totals"]["latency_us"], b["totals"]["latency_us"]]
    assert latency["deltas"] == [0.0, (b["totals"]["latency_us"] - a["totals"]["latency_us"])
                                 / a["totals"]["latency_us"]]
    assert [ly["name"] for ly in cmp["layers"]] == ["conv1", "pw", "fc"]
    for ly, la, lb in zip(cmp["layers"], a["layers"], b["layers"]):
        assert ly["energy_pj"] == [la["energy_total_pj"], lb["energy_total_pj"]]
    assert cmp["unmatched_layers"] == {}
    assert [r["hw"] for r in cmp["runs"]] == ["bitfusion_16x16", "edge_int4_os_8x8"]


def test_two_expansion_settings_on_one_accelerator(reports, capsys):
    cmp = compare_json(capsys, reports["bitfusion"], reports["w3"])
    macs = next(t for t in cmp["totals"] if t["key"] == "macs")
    assert macs["deltas"][1] == 0.5  # 3 weight terms instead of 2: half as many MACs again
    util = next(t for t in cmp["totals"] if t["key"] == "utilization")
    assert util["delta_kind"] == "points"
    assert util["deltas"][1] == util["values"][1] - util["values"][0]


def test_unmatched_layers_are_listed_not_compared(reports, capsys):
    cmp = compare_json(capsys, reports["bitfusion"], reports["renamed"])
    assert [ly["name"] for ly in cmp["layers"]] == ["conv1", "fc"]
    assert cmp["unmatched_layers"] == {"bitfusion": ["pw"], "renamed": ["pointwise"]}
    assert main(["compare", str(reports["bitfusion"]), str(reports["renamed"])]) == 0
    assert "unmatched in renamed: pointwise" in capsys.readouterr().out


def test_terminal_table_and_html_page(reports, tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(reports["bitfusion"]), str(reports["edge"]),
                 str(reports["w3"]), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == "baseline: bitfusion"
    assert "latency per inference" in text and "edge" in text and "w3" in text
    page = (out / "compare.html").read_text()
    assert page.count('<figure id="compare-') == 2 and "data:image/png;base64," in page
    assert '<table class="sortable" id="layers">' in page
    style = (ROOT / "fpxint_sim" / "report" / "templates" / "style.css").read_text()
    assert style.strip() in page  # the one shared stylesheet
    assert sorted(p.name for p in out.iterdir()) == ["compare.html", "compare.json"]
    # run again into the same folder: a previous comparison is replaced
    assert main(["compare", str(reports["bitfusion"]), str(reports["edge"]),
                 "--out", str(out)]) == 0


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    return err[0]


def test_fewer_than_two_or_more_than_sixteen_reports_are_refused(reports, capsys):
    assert main(["compare", str(reports["bitfusion"])]) == 2
    assert "at least 2" in one_error_line(capsys)
    assert main(["compare", *[str(reports["bitfusion"])] * 17]) == 2
    assert "at most 16" in one_error_line(capsys)


def test_a_folder_without_a_valid_report_is_refused(reports, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["compare", str(reports["bitfusion"]), str(empty)]) == 2
    assert f"{empty}/report.json: missing" in one_error_line(capsys)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "report.json").write_text("{not json")
    assert main(["compare", str(reports["bitfusion"]), str(bad)]) == 2
    assert "not valid JSON" in one_error_line(capsys)
    (bad / "report.json").write_text(json.dumps({"schema": "someone.else/1"}))
    assert main(["compare", str(reports["bitfusion"]), str(bad)]) == 2
    assert "not an fpxint_sim run report" in one_error_line(capsys)
    doc = load(reports["bitfusion"])
    del doc["totals"]["cycles"]
    (bad / "report.json").write_text(json.dumps(doc))
    assert main(["compare", str(reports["bitfusion"]), str(bad)]) == 2
    assert "not a complete run report" in one_error_line(capsys)


@pytest.mark.parametrize(("edit", "match"), [
    (lambda d: d["totals"].__setitem__("utilization", "x"),
     "key totals.utilization must be a number"),
    (lambda d: d["totals"]["energy_pj"].__setitem__("dram", float("nan")),
     "key totals.energy_pj.dram must be finite"),
    (lambda d: d["totals"].__setitem__("jobs", True), "key totals.jobs must be a number"),
    (lambda d: d["run"]["hw"].__setitem__("clock_mhz", "fast"), "not a complete run report"),
])
def test_a_report_with_wrong_values_is_refused_naming_the_key(reports, tmp_path, capsys, edit,
                                                               match):
    bad = tmp_path / "bad"
    bad.mkdir()
    doc = load(reports["bitfusion"])
    edit(doc)
    (bad / "report.json").write_text(json.dumps(doc))  # json.dumps writes NaN as NaN
    assert main(["compare", str(reports["bitfusion"]), str(bad)]) == 2
    assert match in one_error_line(capsys)


def test_reports_of_different_schema_versions_are_refused(reports, tmp_path, capsys):
    other = tmp_path / "v2"
    other.mkdir()
    doc = load(reports["edge"])
    doc["schema"] = "fpxint_sim.report/2"
    (other / "report.json").write_text(json.dumps(doc))
    assert main(["compare", str(reports["bitfusion"]), str(other)]) == 2
    assert "different schema versions" in one_error_line(capsys)


def test_an_out_folder_of_user_files_is_refused_and_left_alone(reports, tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep")
    assert main(["compare", str(reports["bitfusion"]), str(reports["edge"]),
                 "--out", str(out)]) == 2
    assert "not an fpxint_sim report" in one_error_line(capsys)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
