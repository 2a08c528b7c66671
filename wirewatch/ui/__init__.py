"""``wirewatch ui``: an incident map served on loopback, from the embedded runner's JSONL files
(:class:`JsonlEventStore`) or live from Kafka (:mod:`wirewatch.ui.kafka_reader`).

The page (``static/``) is vanilla JS with the Natural Earth basemap (world-atlas TopoJSON) and
topojson-client vendored beside it, so nothing is fetched from the internet when it runs.
"""

from wirewatch.ui.server import (
    EventStore,
    JsonlEventStore,
    Selection,
    make_server,
    select_features,
)

__all__ = ["EventStore", "JsonlEventStore", "Selection", "make_server", "select_features"]
