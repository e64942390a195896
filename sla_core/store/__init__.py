"""The lead store: the idempotent bulk writer and its worker, Arrow bulk paths, the snapshot and its reader."""
