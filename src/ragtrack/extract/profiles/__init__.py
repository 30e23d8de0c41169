"""Layout profiles: declarative descriptions (TOML) of how a council's report prints its
items, read by the generic table reader (:mod:`ragtrack.extract.tables`)."""
