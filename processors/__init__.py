"""processors stage of wirewatch."""
