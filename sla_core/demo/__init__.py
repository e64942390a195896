"""The seeded demo: a realistic sales & marketing operation generated in bulk."""
