"""Every benchmark script imports and parses its command line: a rename elsewhere must not break them unseen."""

import importlib
import pkgutil

import pytest

import benchmarks

SCRIPTS = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.name.startswith("_"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_benchmark_script_imports_and_answers_help(name, monkeypatch, capsys):
    module = importlib.import_module(f"benchmarks.{name}")
    monkeypatch.setattr("sys.argv", [name, "--help"])
    with pytest.raises(SystemExit) as exit_:
        module.main()
    assert exit_.value.code == 0 and "usage" in capsys.readouterr().out


def test_dev_sweep_refuses_a_setting_without_seeds(monkeypatch, capsys):
    from benchmarks import dev_sweep

    monkeypatch.setattr("sys.argv", ["dev_sweep", "stance", "--setting", '{"epochs": 1}'])
    with pytest.raises(SystemExit) as exit_:
        dev_sweep.main()
    assert exit_.value.code == 2 and "--setting and --seeds go together" in capsys.readouterr().err
