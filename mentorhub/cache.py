"""Django's Redis cache, minus a per-operation cost.

The stock client builds a new ``redis.Redis`` object on every cache call (a
connection pool is kept; the client wrapper is not), which costs more than the
network round trip on hot paths such as rate limiting. This keeps one client
per pool. ``redis.Redis`` objects are thread-safe over their pool.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
