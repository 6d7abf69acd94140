"""The casegraph command: build, validate, query, export and summarise the knowledge graph, and explore its networks.

`serve` is added by service.command, which the installed command runs: the library does not import the web service.
"""

from __future__ import annotations

import typer

from graph.cli import making, networks, reading

app = typer.Typer(help=__doc__, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
app.command()(making.build)
app.command("import")(making.import_table)
app.command()(reading.reconcile)
app.command()(making.synth)
app.command()(reading.validate)
app.command()(reading.query)
app.command()(reading.export)
app.command()(reading.summary)
app.add_typer(networks.graph_app, name="graph")

