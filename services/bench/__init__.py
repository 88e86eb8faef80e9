"""``newsfacts bench``: throughput, latency, CPU and memory of the pipeline on a real server."""
