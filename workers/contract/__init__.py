"""The contract with other consumers: the JSON Schemas as package data, the records as types, and the wire
(bytes in, bytes out)."""
