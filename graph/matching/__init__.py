"""One person, one record: reconciliation candidates, Fellegi-Sunter proposals of records that may be one
person, and the links a documenter has confirmed. Imports graph.publish and everything below it."""
