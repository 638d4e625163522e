"""Application services: the workflows, plain functions over a database handle."""
