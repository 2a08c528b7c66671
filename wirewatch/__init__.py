"""wirewatch: streaming news ingest (feeds -> articles -> incident events on Kafka)."""

__version__ = "0.1.0"
__all__ = ["__version__"]
