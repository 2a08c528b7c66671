"""sinks stage of wirewatch."""
