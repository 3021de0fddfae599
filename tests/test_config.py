"""Typed settings: precedence CLI > env > config file > preset > default with the source of each
value, documented fields, rejected bad values, the config file and `archivist config show`."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archivist.cli import app
from archivist.config import FIELDS, Settings, config_path, explain_settings, load_settings, setting_fields
from archivist.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def write_config(tmp_path, text: str) -> dict[str, str]:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return {"ARCHIVIST_CONFIG": str(path)}


def sources(rows: list[dict]) -> dict[str, tuple]:
    return {r["name"]: (r["value"], r["source"]) for r in rows}


def test_precedence_and_sources(tmp_path):
    env = write_config(tmp_path, "top_k = 3\nmemory_tokens = 100\ndevice = 'cpu'\nseed = 4\n")
    env.update({"ARCHIVIST_MEMORY_TOKENS": "200", "ARCHIVIST_SEED": "5"})
    got = sources(explain_settings("gpu", {"seed": 6, "llm": None}, env))
    path = env["ARCHIVIST_CONFIG"]
    assert got["seed"] == (6, "cli")  # CLI beats env
    assert got["memory_tokens"] == (200, "env:ARCHIVIST_MEMORY_TOKENS")  # env beats the file
    assert got["device"] == ("cpu", f"config:{path}")  # the file beats the preset
    assert got["top_k"] == (3, f"config:{path}")
    assert got["embed_batch"] == (256, "preset:gpu")  # the preset beats the default
    assert got["chunk_tokens"] == (200, "default")
    assert got["llm"] == ("transformers", "preset:gpu")  # a None CLI value is 'not given'
    s = load_settings("gpu", {"seed": 6}, env)
    assert (s.model.seed, s.memory.memory_tokens, s.model.device, s.retrieval.top_k) == (6, 200, "cpu", 3)


def test_every_field_has_doc_env_and_default():
    rows = explain_settings(environ={})
    assert [r["name"] for r in rows] == [f.name for f in setting_fields()]
    for row in rows:
        assert row["doc"] and "\n" not in row["doc"], row["name"]
        assert row["env"] == f"ARCHIVIST_{row['name'].upper()}" and row["source"] == "default"
    assert not hasattr(Settings(), "extra")


def test_declared_defaults_match_the_code_they_replace():
    from archivist.backends.hf import SSM_NAIVE_MAX_TOKENS
    from archivist.backends.registry import LLM_MODULES
    from archivist.retrieval.search import BM25_WEIGHT, DENSE_WEIGHT, RRF_K
    s = Settings()
    r = s.retrieval
    assert (r.rrf_k, r.dense_weight, r.bm25_weight) == (RRF_K, DENSE_WEIGHT, BM25_WEIGHT)
    assert s.model.ssm_naive_max_tokens == SSM_NAIVE_MAX_TOKENS and r.index_exact_below == 10_000
    llm = FIELDS["llm"]
    assert set(llm.metadata["choices"]) == set(LLM_MODULES)


def test_backend_names_have_one_home():
    from archivist.backends.registry import LLM_NAMES, list_models
    from archivist.backends.settings import ModelSettings
    assert FIELDS["llm"].metadata["choices"] == LLM_NAMES
    assert tuple(row["name"] for row in list_models(ModelSettings(llm="echo"))) == LLM_NAMES
    written = [p.name for p in (ROOT / "archivist").rglob("*.py")
               if re.search(r"smollm2\W+transformers\W+onnx", p.read_text())]
    assert written == [], written  # no second hand-written list of the names


@pytest.mark.parametrize("cli, env, where", [
    ({"planner": "magic"}, {}, "option --planner"),
    ({}, {"ARCHIVIST_PLANNER": "magic"}, "ARCHIVIST_PLANNER"),
])
def test_unknown_choice_is_rejected(cli, env, where):
    with pytest.raises(ConfigError, match="magic") as info:
        load_settings(cli=cli, environ=env)
    assert where in str(info.value) and "rules, llm" in str(info.value)


def test_bad_numbers_and_bools_are_rejected():
    with pytest.raises(ConfigError, match="ARCHIVIST_TOP_K.*'eight'.*integer"):
        load_settings(environ={"ARCHIVIST_TOP_K": "eight"})
    with pytest.raises(ConfigError, match="option --max-seconds"):
        load_settings(cli={"max_seconds": "soon"}, environ={})
    with pytest.raises(ConfigError, match="ARCHIVIST_OFFLINE"):
        load_settings(environ={"ARCHIVIST_OFFLINE": "maybe"})
    for text, value in (("1", True), ("yes", True), ("False", False), ("no", False)):
        assert load_settings(environ={"ARCHIVIST_OFFLINE": text}).model.offline is value
    s = load_settings(environ={"ARCHIVIST_DEVICE": "cuda:1", "ARCHIVIST_RRF_K": "7"})
    assert s.model.device == "cuda:1" and s.retrieval.rrf_k == 7.0
    with pytest.raises(ConfigError, match="cuda:N"):  # the placeholder itself is no device
        load_settings(environ={"ARCHIVIST_DEVICE": "cuda:N"})


def test_config_file_errors_name_the_file(tmp_path):
    env = write_config(tmp_path, "top_k = 3\ncolour = 'blue'\n")
    with pytest.raises(ConfigError, match=re.escape(env["ARCHIVIST_CONFIG"]) + ".*colour"):
        load_settings(environ=env)
    env = write_config(tmp_path, "top_k = 'many'\n")
    with pytest.raises(ConfigError, match=re.escape(env["ARCHIVIST_CONFIG"]) + ".*top_k"):
        load_settings(environ=env)
    env = write_config(tmp_path, "threads = true\n")  # a bool is no integer here
    with pytest.raises(ConfigError, match="threads"):
        load_settings(environ=env)
    with pytest.raises(ConfigError, match="config.toml"):
        load_settings(environ=write_config(tmp_path, "top_k = \n"))


def test_config_file_section_tables_and_flat_replace(tmp_path):
    env = write_config(tmp_path, "top_k = 3\n[model]\nseed = 4\n[memory]\nmemory_tokens = 100\n")
    s = load_settings(environ=env)
    assert (s.retrieval.top_k, s.model.seed, s.memory.memory_tokens) == (3, 4, 100)
    assert sources(explain_settings(environ=env))["seed"] == (4, f"config:{env['ARCHIVIST_CONFIG']}")
    with pytest.raises(ConfigError, match="model.top_k"):  # a setting under another section's table
        load_settings(environ=write_config(tmp_path, "[model]\ntop_k = 3\n"))
    changed = Settings().replace(top_k=2, seed=1)
    assert (changed.retrieval.top_k, changed.model.seed, Settings().retrieval.top_k) == (2, 1, 8)
    with pytest.raises(TypeError):
        Settings().replace(colour="blue")


def test_config_file_location(tmp_path):
    with pytest.raises(ConfigError, match="nope.toml"):  # named explicitly: must exist
        load_settings(environ={"ARCHIVIST_CONFIG": str(tmp_path / "nope.toml")})
    xdg = {"XDG_CONFIG_HOME": str(tmp_path), "HOME": "/nonexistent"}
    assert config_path(xdg) == tmp_path / "archivist" / "config.toml"
    assert load_settings(environ=xdg).retrieval.top_k == 8  # a missing default file is fine
    (tmp_path / "archivist").mkdir()
    (tmp_path / "archivist" / "config.toml").write_text("top_k = 11\n")
    assert load_settings(environ=xdg).retrieval.top_k == 11
    assert config_path({"HOME": str(tmp_path)}) == tmp_path / ".config" / "archivist" / "config.toml"
    assert config_path({**xdg, "ARCHIVIST_CONFIG": ""}) is None  # set but empty: no file


def test_one_flag_still_picks_the_backend(tmp_path):
    got = sources(explain_settings(cli={"llm_base_url": "http://h/v1"}, environ={}))
    assert got["llm"] == ("openai", "cli via llm_base_url")
    env = write_config(tmp_path, "llm_model = '/models/x'\n")
    assert load_settings(environ=env).model.llm == "transformers"
    assert load_settings(cli={"llm": "echo"}, environ=env).model.llm == "echo"


def test_api_key_is_masked():
    env = {"ARCHIVIST_LLM_API_KEY": "sk-secret"}
    got = sources(explain_settings(environ=env))
    assert got["llm_api_key"] == ("***", "env:ARCHIVIST_LLM_API_KEY")
    assert sources(explain_settings(environ={}))["llm_api_key"][0] == ""
    assert "sk-secret" not in repr(load_settings(environ=env))


def test_config_show_json_lists_every_field_once(tmp_path):
    env = {**write_config(tmp_path, "top_k = 3\n"), "ARCHIVIST_LLM_API_KEY": "sk-secret"}
    r = CliRunner().invoke(app, ["--llm", "echo", "config", "show", "--json"], env=env)
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert sorted(row["name"] for row in rows) == sorted(f.name for f in setting_fields())
    got = sources(rows)
    assert got["llm"] == ("echo", "cli") and got["top_k"] == (3, f"config:{env['ARCHIVIST_CONFIG']}")
    assert "sk-secret" not in r.stdout and {"env", "doc"} <= set(rows[0])


def test_config_show_table_and_path_and_errors(tmp_path):
    env = write_config(tmp_path, "top_k = 3\n")
    r = CliRunner().invoke(app, ["config", "show"], env=env)
    assert r.exit_code == 0 and re.search(r"^top_k\s+3\s+config:", r.stdout, re.M), r.output
    r = CliRunner().invoke(app, ["config", "path"], env=env)
    assert r.exit_code == 0 and r.stdout.strip() == env["ARCHIVIST_CONFIG"]
    r = CliRunner().invoke(app, ["config", "show"], env={"ARCHIVIST_PLANNER": "magic"})
    assert r.exit_code == 2 and "magic" in r.output


def test_ask_rejects_an_unknown_planner_before_any_work(tmp_path):
    r = CliRunner().invoke(app, ["--llm", "echo", "ask", "anything", "--planner", "magic",
                                 "-d", str(tmp_path / "none.db")])
    assert r.exit_code == 2 and "--planner" in r.output and "magic" in r.output


def test_no_module_reads_extra():
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "archivist").rglob("*.py")
                 for n, line in enumerate(p.read_text().splitlines(), 1)
                 if re.search(r"\.extra\b|[\"']extra[\"']", line)]
    assert not offenders, offenders
