"""Words -> tensors -> scores: encoding, batching, the network and its Hugging Face classes."""
