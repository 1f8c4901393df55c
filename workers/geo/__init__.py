"""Places on the map: the gazetteer of GeoNames places keyed by Arabic normal forms, and the
resolution of an article's place names to one place each (`resolve.resolve_places`)."""
