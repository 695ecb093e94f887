"""The commands of the library: build, batch, check, new, diff."""
