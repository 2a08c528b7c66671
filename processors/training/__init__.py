"""Training data and script of the event-type classifier (processors/classifier.py)."""
