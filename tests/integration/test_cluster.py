"""The local Redis Cluster and the partition map on it: a partition's keys share a slot, partitions spread."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisClusterException, ResponseError

from services.common.partitions import PartitionMap, slot

pytestmark = pytest.mark.redis

#: One Lua call writing a stream entry, a guard field and an order key, as commit.lua does.
_COMMIT_LIKE = """
redis.call('XADD', KEYS[1], '*', 'event', ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], 1)
redis.call('SET', KEYS[3], ARGV[1])
return 1
"""


@pytest.fixture
async def cluster(cluster_url: str) -> AsyncIterator[RedisCluster]:
    client = RedisCluster.from_url(cluster_url)
    await client.initialize()
    yield client
    await client.aclose()


async def test_the_local_cluster_has_three_masters_each_with_a_replica(cluster: RedisCluster) -> None:
    """3 masters and 3 replicas, every slot served."""
    nodes = cluster.get_nodes()
    assert sum(n.server_type == "primary" for n in nodes) == 3
    assert sum(n.server_type == "replica" for n in nodes) == 3
    info = await cluster.cluster_info()
    assert info["cluster_state"] == "ok" and int(info["cluster_slots_ok"]) == 16384


async def test_one_script_call_writes_all_of_a_partitions_keys_on_the_cluster(cluster: RedisCluster) -> None:
    """Stream, guard and order key of one partition share a slot, so one script may touch them all."""
    names = PartitionMap(f"t{uuid.uuid4().hex[:12]}", 8).names(5)
    keys = [names.stream("cleaned"), names.done("clean"), names.order("clean", "a-1")]
    assert await cluster.eval(_COMMIT_LIKE, 3, *keys, "e1") == 1
    assert await cluster.xlen(keys[0]) == 1
    await cluster.delete(*keys)


async def test_keys_of_two_partitions_in_one_script_are_refused_as_crossslot(cluster: RedisCluster) -> None:
    """The guarantee is real: a script spanning partitions is exactly what a cluster forbids."""
    pmap = PartitionMap(f"t{uuid.uuid4().hex[:12]}", 8)
    keys = [pmap.names(0).stream("cleaned"), pmap.names(1).done("clean"), pmap.names(1).order("clean", "a")]
    with pytest.raises((RedisClusterException, ResponseError), match=r"(?i)same key slot|CROSSSLOT"):
        await cluster.eval(_COMMIT_LIKE, 3, *keys, "e1")


async def test_eight_partitions_land_on_all_three_masters(cluster: RedisCluster) -> None:
    """Partitions spread over the cluster's shards rather than sitting in one."""
    pmap = PartitionMap("nf", 8)
    owners = [cluster.get_node_from_key(names.stream("submitted")).name for names in pmap.all()]
    masters = sorted({owners.count(o) for o in set(owners)})
    assert len(set(owners)) == 3 and masters == [2, 3]
    assert len({slot(n.stream("submitted")) for n in pmap.all()}) == 8
