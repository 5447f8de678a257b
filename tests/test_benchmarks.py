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
