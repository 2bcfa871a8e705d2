"""Design-space exploration: sweeps over accelerators and expansion settings, Pareto fronts."""
