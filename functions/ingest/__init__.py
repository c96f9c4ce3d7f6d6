"""Ingest: device uplinks from the IoT rule's queue (readings, events, command acknowledgements), and the
table stream consumer that keeps reading rollups."""
