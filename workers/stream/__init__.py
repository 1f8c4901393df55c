"""The stream layer: thin Faust glue over `workers.routing`."""
