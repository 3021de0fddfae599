from archivist.config import load_settings
from archivist.store import Store, migrations


def test_migrations_are_numbered_and_idempotent(tmp_path):
    path = tmp_path / "a.db"
    Store(path).close()
    with Store(path) as s:  # reopening applies nothing twice
        names = [m.name for m in migrations.applied(s.db)]
        assert names == sorted(names) and names[0].startswith("m001")
        assert s.scalar("PRAGMA journal_mode") == "wal"


def test_settings_precedence():
    env = {"ARCHIVIST_TOP_K": "5", "ARCHIVIST_LLM": "echo"}
    s = load_settings("gpu", {"llm": "openai", "db": None}, environ=env)
    assert s.model.llm == "openai"  # CLI beats env
    assert s.retrieval.top_k == 5  # env beats default
    assert s.model.device == "cuda"  # preset beats default


def test_one_flag_picks_the_backend():
    assert load_settings(cli={"llm_model": "/models/llama"}, environ={}).model.llm == "transformers"
    assert load_settings(cli={"llm_base_url": "http://127.0.0.1:8000/v1"}, environ={}).model.llm == "openai"
    assert load_settings(cli={"llm_model": "x.gguf", "llm": "llamacpp"}, environ={}).model.llm == "llamacpp"
    assert load_settings(environ={}).model.llm == "smollm2"
