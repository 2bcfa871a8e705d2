"""The fpxint-sim command line."""
