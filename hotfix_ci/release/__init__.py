"""The release stage: version arithmetic, tags, changelog, notes, and the idempotent writes."""
