"""Issue 14, mends (m14mend) of the code merged at 977559c.

The party rule's generic actor names come from wirewatch.contracts, where the actor reader takes
them too, so that the cluster worker compares names without importing the extractor: importing
``processors.actors`` imports the rule engine and the classifier (seconds at start-up)."""

from __future__ import annotations

import json
import subprocess
import sys

# what a cluster worker imports: the command line, the Kafka runner and its stage, built from
# the topology as run_worker builds it
_CLUSTER_WORKER_MODULES = """
import json, sys
import wirewatch.cli, wirewatch.runners.kafka
from wirewatch.config import Settings
from wirewatch.topology import TOPOLOGY
TOPOLOGY.stage("cluster").load()(Settings())
print(json.dumps(sorted(sys.modules)))
"""


def test_the_cluster_worker_does_not_import_the_extractor() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CLUSTER_WORKER_MODULES],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    modules = set(json.loads(done.stdout))
    assert "clusters.events" in modules  # the stage was built
    assert "processors.rules" not in modules
    assert "processors.actors" not in modules
