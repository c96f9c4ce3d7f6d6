"""Sales channels: agents' floats and commission, vendor API keys, signed payment callbacks, token messages."""
