"""casegraph: a knowledge graph of people persecuted by the Chinese state, every fact with its source."""

__version__ = "0.1.0"
