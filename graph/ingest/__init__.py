"""Importing datasets: mapping files, tables read row by row, cell values, the register of minted IRIs, and
synthetic collections for measuring. Imports graph.matching and everything below it."""
