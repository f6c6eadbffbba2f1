"""Training the GDP model: the network, the rolling-origin backtest and its peers, the run."""
