"""The local stand-in for the IoT rule and the table stream: subscribes to mosquitto as the cloud client
and hands uplinks to the ingest function in queue-shaped batches; polls DynamoDB Local's stream for the
rollup consumer; runs the command sweeper and collection schedules on a timer."""
