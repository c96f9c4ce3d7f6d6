"""The local stack: DynamoDB Local, moto server, mosquitto with TLS and the API, all on 127.0.0.1."""
