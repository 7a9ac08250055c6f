"""Provider tests: each provider against its contract-held stand-in, and the round trip
every provider passes through the real deploy and rollback commands."""
