"""A fleet of simulated prepaid meters with their communication modules (or concentrators), connected to
the broker over MQTT with mutual TLS through awsiotsdk, exactly as firmware would: `python -m iot.sim`."""
