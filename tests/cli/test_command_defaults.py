"""One set of expansion defaults: every command's parser, the sweep's ExpansionConfig, the
demo and the API all start from fpxint_sim/expansion_defaults.py."""

import dataclasses
import subprocess
import sys

import pytest

from fpxint_sim import expansion_defaults as D
from fpxint_sim.cli import main as cli_main
from fpxint_sim.cli import run_cmd
from fpxint_sim.cli.demo_cmd import demo_run_args
from fpxint_sim.cli.expansion_args import settings_from_args
from fpxint_sim.expand import ExpansionConfig

CHOSEN = {"w_bits": 4, "a_bits": 4, "w_terms": 2, "a_terms": None, "a_tol": 1e-4,
          "a_max_terms": 6, "truncate": None, "scale_policy": "free", "a_clip": "laplace"}


def _parsed(argv):
    saved = cli_main.COMMANDS
    cli_main.COMMANDS = saved if run_cmd in saved else (*saved, run_cmd)
    try:
        return cli_main.build_parser().parse_args(argv)
    finally:
        cli_main.COMMANDS = saved


@pytest.mark.parametrize("command", ["run", "verify", "lower", "accuracy"])
def test_every_command_parser_has_the_same_defaults(command):
    args = _parsed([command, "--model", "digits_cnn"] + (["--json"] if command == "run" else []))
    assert settings_from_args(args) == D.settings() == CHOSEN


def test_run_settings_sweep_config_and_demo_use_the_same_defaults():
    from fpxint_sim.hw import default_hw_config_path, load_accelerator

    s = run_cmd._settings(_parsed(["run", "--model", "digits_cnn", "--json"]),
                          load_accelerator(default_hw_config_path()))
    assert {k: s[k] for k in s if k in CHOSEN} == {k: v for k, v in CHOSEN.items() if k in s}
    cfg = ExpansionConfig()  # what a sweep point gets for every setting its space leaves out
    assert {f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg)
            if f.name in CHOSEN} == CHOSEN
    assert settings_from_args(demo_run_args("x")) == CHOSEN


def test_flags_override_the_defaults():
    args = _parsed(["verify", "--model", "digits_cnn", "--w-terms", "3", "--a-terms", "2",
                    "--no-clip", "--scale-policy", "pow2"])
    assert settings_from_args(args) == {**CHOSEN, "w_terms": 3, "a_terms": 2, "a_clip": None,
                                        "scale_policy": "pow2"}


def test_defaults_module_imports_no_torch():
    code = ("import sys, fpxint_sim.expansion_defaults, fpxint_sim.cli.expansion_args; "
            "sys.exit('torch' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
