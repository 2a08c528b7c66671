"""Command families of the ``wirewatch`` CLI; each module exposes ``register(group)``."""
