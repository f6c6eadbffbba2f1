"""Training the sentiment model: SEntFiN, the n-gram baseline, the network, the run."""
