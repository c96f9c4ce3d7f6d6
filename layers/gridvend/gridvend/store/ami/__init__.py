"""AMI items of a tenant: IoT things and the meters they serve, raw readings (with a TTL) and their
daily/monthly rollups, events and alarms, command tasks, collection schedules, notification templates
and rules. Every repository takes the tenant; keys start with T#<tenant>#.

Access patterns (P = T#<tenant>#):
- thing by id:                       pk=P THING             sk=<thing id>
- the thing serving a meter:         pk=P THINGMETER        sk=<serial>
- network status of a thing:         pk=P NETSTAT           sk=<thing id>
- raw readings by meter by time:     pk=P RD#<serial>       sk=<utc iso>#<msg id>      (TTL expires_at)
- rollups of a meter by period:      pk=P RU#<serial>       sk=D#<local day> | M#<local month>
- rollups of all meters for a day:   gsi1pk=P RUD#<day>     gsi1sk=<serial>      (RUM#<month> for months)
- events by meter by time:           pk=P EV#<serial>       sk=<utc iso>#<msg id>
- events of a day, all meters:       gsi1pk=P EVD#<utc day> gsi1sk=<utc iso>#<serial>
- alarms by month; open alarms:      pk=P ALARM#<yyyy-mm>   sk=<utc iso>#<serial>#<msg id>;
                                     gsi1pk=P ALARM#OPEN    gsi1sk=<utc iso>  (only while open)
- tasks, newest first:               pk=P TASK              sk=<task id> (ids sort by time)
- commands of a task:                pk=P TASK#<task id>    sk=<serial>
- commands waiting for an answer:    gsi1pk=P CMD#OPEN      gsi1sk=<deadline iso>#<task id>#<serial>
- acknowledgements seen (dedupe):    pk=P ACK#<task id>     sk=<msg id>
- collection schedules:              pk=P SCHEDULE          sk=<schedule id>
- schedules due:                     gsi1pk=P SCHEDULE#DUE  gsi1sk=<next run iso>#<schedule id>
- notification templates / rules:    pk=P NOTIFY#TEMPLATE | NOTIFY#RULE   sk=<id>
"""
