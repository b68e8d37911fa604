import threading

from geo.cache import LRU


def test_least_recently_used_goes_first():
    cache = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)
    assert len(cache) == 2


def test_get_or_build_builds_once_and_keeps_none():
    cache = LRU(4)
    calls = []

    def build():
        calls.append(1)
        return None

    assert cache.get_or_build("k", build) is None
    assert cache.get_or_build("k", build) is None
    assert len(calls) == 1


def test_threads_share_one_cache():
    cache = LRU(1000)
    threads = [
        threading.Thread(target=lambda i=i: [cache.put((i, j), j) for j in range(100)])
        for i in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 800
