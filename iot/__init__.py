"""The device side: simulated meters and modules, the office bridge agent, provisioning."""
