"""The whole instructor flow on a simulated class, for trying Sourcewise out and for benchmarks."""
