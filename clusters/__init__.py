"""Many reports, one event: near-duplicate articles (:mod:`clusters.dedupe`) and the cluster
stage that joins incidents into events (:mod:`clusters.stage`, :mod:`clusters.events`)."""
