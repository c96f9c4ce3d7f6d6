"""Device provisioning: one IoT thing and one X.509 certificate per communication module, concentrator
or bridge, bound by a policy to the thing's own topics, and registered in the tenant's table."""
