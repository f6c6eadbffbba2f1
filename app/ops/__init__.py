"""Running the service: probes, loaded models, metrics and logs."""
