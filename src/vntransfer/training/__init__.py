"""Training the extractor: the training loop, masked-LM pretraining, cross-validation."""
