"""ingest stage of wirewatch."""
