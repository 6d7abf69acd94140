"""casegraph: a knowledge graph of people persecuted by the Chinese state, every fact with its source.

The library, with no web code. Its foundation modules (errors, paths, settings, namespaces, iris, files,
processes) import only each other; each subpackage says in its docstring which it may import, and
`make lint` holds them to it.
"""

__version__ = "0.1.0"
