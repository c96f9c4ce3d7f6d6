"""The device contract, defined once: topics, OBIS codes, uplink/downlink message schemas, the IoT-rule
envelope, and the ports through which the cloud publishes commands and keeps device shadows."""
