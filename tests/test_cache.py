"""Tests for digest_utils.cache: a cache that never loses work (batches, processes, damage)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from digest_utils import cache as store
from digest_utils import cli, embed
from digest_utils.errors import CacheWarning, DigestError, ModelError

TESTS = Path(__file__).parent

#: A child process embedding with the fake encoder, slowly, so that runs overlap.
CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from conftest import FakeEncoder
    from digest_utils import embed

    cache, name, n, ready, other = sys.argv[2], sys.argv[3], int(sys.argv[4]), *sys.argv[5:7]
    encoder = FakeEncoder()
    encode = encoder.encode

    def slow(texts, **kw):
        time.sleep(0.05)
        return encode(texts, **kw)

    encoder.encode = slow
    embed._load = lambda _m, progress=True, device="cpu": encoder
    Path(ready).touch()
    while other != "-" and not Path(other).exists():  # start together
        time.sleep(0.01)
    texts = [f"{name} paper number {i}" for i in range(n)]
    embed.embed_texts(texts, model="fake", cache_dir=cache, progress=False, batch_size=2)
    print(encoder.n_encoded)
    """
)


def _child(cache: Path, name: str, n: int, ready: Path, other: str = "-") -> subprocess.Popen:
    args = [sys.executable, "-c", CHILD, str(TESTS), str(cache), name, str(n), str(ready), other]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_an_interrupted_run_keeps_its_finished_batches(fake_model, cache):
    """Interrupted after half its batches, a rerun embeds only the other half."""
    texts = [f"text {i}" for i in range(10)]
    encode = fake_model.encode

    def stop_after_three_batches(batch, **kw):
        if len(fake_model.calls) == 3:
            raise KeyboardInterrupt
        return encode(batch, **kw)

    fake_model.encode = stop_after_three_batches
    with pytest.raises(KeyboardInterrupt):
        embed.embed_texts(texts, model="fake", progress=False, batch_size=2)
    assert fake_model.n_encoded == 6  # three batches done before the interrupt
    fake_model.encode, fake_model.calls = encode, []
    out = embed.embed_texts(texts, model="fake", progress=False, batch_size=2)
    assert fake_model.calls == [texts[6:8], texts[8:10]]
    np.testing.assert_array_equal(out, encode(texts))


def test_two_processes_embedding_into_one_cache_lose_nothing(fake_model, tmp_path):
    """Two processes embedding different papers at once: afterwards both sets are cached."""
    folder = tmp_path / "shared"
    ready_a, ready_b = tmp_path / "a.ready", tmp_path / "b.ready"
    a = _child(folder, "alpha", 40, ready_a, str(ready_b))
    b = _child(folder, "beta", 40, ready_b, str(ready_a))
    for proc in (a, b):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "40"
    texts = [f"{n} paper number {i}" for n in ("alpha", "beta") for i in range(40)]
    embed.embed_texts(texts, model="fake", cache_dir=folder, progress=False)
    assert fake_model.n_encoded == 0
    assert store.info(folder)[0]["vectors"] == 80


def test_cache_info_runs_while_another_process_embeds(tmp_path, capsys):
    """`cache info` reads the vectors stored so far while a writer is still going."""
    folder = tmp_path / "busy"
    proc = _child(folder, "gamma", 80, tmp_path / "ready")  # 40 batches, 0.05 s each
    try:
        deadline = time.monotonic() + 60
        while not store.store_path(folder).exists() or not store.info(folder):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        assert cli.main(["cache", "info", "--cache-dir", str(folder)]) == 0
    finally:
        proc.communicate(timeout=120)
    line = capsys.readouterr().out.splitlines()[0]
    model, count, size = line.split("\t")
    assert model == "fake"
    assert 0 < int(count.split()[0]) < 80  # a part, committed batch by batch
    assert size.endswith("MiB")
    assert store.info(folder)[0]["vectors"] == 80


def test_cache_info_and_clear_on_the_command_line(fake_model, cache, capsys):
    """`cache info` prints one line per model (id, vectors, size); `cache clear` empties it."""
    embed.embed_texts(["one", "two", "three"], model="fake-a", progress=False)
    embed.embed_texts(["one"], model="fake-b", progress=False)
    assert cli.main(["cache", "info"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:2] for line in lines[:2]] == [
        ["fake-a", "3 vectors"],
        ["fake-b", "1 vectors"],
    ]
    assert lines[2].startswith(f"file: {cache / store.CACHE_FILE}")
    assert cli.main(["cache", "clear"]) == 0
    assert "cleared 4 cached entries" in capsys.readouterr().out
    assert store.info(cache) == []
    embed.embed_texts(["one"], model="fake-a", progress=False)
    assert fake_model.n_encoded == 5  # recomputed after the clear


def test_cache_info_without_a_cache_says_so(tmp_path, capsys):
    """No cache file yet: one line saying so, exit 0."""
    assert cli.main(["cache", "info", "--cache-dir", str(tmp_path / "none")]) == 0
    assert capsys.readouterr().out.startswith("no cache at ")


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_cache_file_is_set_aside_and_rebuilt(fake_model, cache, damage):
    """A file that is not a whole SQLite database warns (naming it), is rebuilt, vectors right."""
    texts = [f"paper {i} " + "word " * 50 for i in range(300)]
    expected = embed.embed_texts(texts, model="fake", progress=False)
    path = cache / store.CACHE_FILE
    with sqlite3.connect(path) as con:  # fold the write-ahead log into the file
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    assert len(data) > 8192
    path.write_bytes(b"not a database" * 100 if damage == "garbage" else data[: len(data) // 2])
    with pytest.warns(CacheWarning, match=r"cache\.sqlite: the cache is damaged"):
        out = embed.embed_texts(texts, model="fake", progress=False)
    np.testing.assert_array_equal(out, expected)
    assert fake_model.n_encoded == 600
    assert (cache / (store.CACHE_FILE + ".corrupt")).exists()
    embed.embed_texts(texts, model="fake", progress=False)  # the rebuilt cache works
    assert fake_model.n_encoded == 600


def test_a_damaged_vector_is_never_returned(fake_model, cache):
    """A stored vector whose bytes changed fails its checksum: warned, recomputed, stored again."""
    expected = embed.embed_texts(["one", "two"], model="fake", progress=False)
    with sqlite3.connect(cache / store.CACHE_FILE) as con:
        con.execute(
            "UPDATE vectors SET vector = zeroblob(64) WHERE key = ?", (embed._key("fake", "one"),)
        )
    with pytest.warns(CacheWarning, match="1 cached vector"):
        out = embed.embed_texts(["one", "two"], model="fake", progress=False)
    np.testing.assert_array_equal(out, expected)
    assert fake_model.calls[-1] == ["one"]


def test_the_old_npz_cache_is_moved_into_the_store(fake_model, cache):
    """Vectors cached by earlier versions (one .npz per model) are kept, not recomputed."""
    old = embed._legacy_file(cache, "fake")
    old.parent.mkdir(parents=True)
    vector = np.arange(16, dtype=np.float32)
    np.savez(old, keys=np.array([embed._key("fake", "kept")]), vectors=vector[None, :])
    out = embed.embed_texts(["kept"], model="fake", progress=False)
    np.testing.assert_array_equal(out[0], vector)
    assert fake_model.n_encoded == 0
    assert not old.exists()


def test_device_choices():
    """The CPU passes through, an unknown device is refused, cuda without a GPU says so."""
    import torch

    assert embed.resolve_device("cpu") == "cpu"
    assert embed.resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(DigestError, match="unknown device 'tpu'"):
        embed.resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ModelError, match="torch sees no GPU"):
            embed.resolve_device("cuda")


def test_device_reaches_the_model_loader(monkeypatch, cache):
    """--device cpu is what the embedding model is loaded on."""
    from tests.conftest import FakeEncoder

    seen = []
    encoder = FakeEncoder()

    def load(_model, progress=True, device="?"):
        seen.append(device)
        return encoder

    monkeypatch.setattr(embed, "_load", load)
    monkeypatch.setenv("DIGEST_DEVICE", "cpu")
    embed.embed_texts(["one"], model="fake", progress=False)
    embed.embed_texts(["two"], model="fake", progress=False, device="cpu")
    assert seen == ["cpu", "cpu"]


def test_the_cli_reports_a_damaged_cache_in_one_line(fake_model, cache, capsys):
    """A damaged cache: one warning line on stderr naming the file, and the command succeeds."""
    cache.mkdir()
    (cache / store.CACHE_FILE).write_bytes(b"\x00garbage" * 50)
    assert cli.main(["themes", str(TESTS / "data" / "compact.txt"), "-q"]) == 0
    err = capsys.readouterr().err.splitlines()
    damaged = [line for line in err if "damaged" in line]
    assert damaged == [
        f"warning: {cache / store.CACHE_FILE}: the cache is damaged (not an SQLite database); "
        f"moved it to {store.CACHE_FILE}.corrupt and rebuilding it (vectors are computed again)"
    ]
