"""Scripts that train, evaluate and export the service's SavedModels."""
