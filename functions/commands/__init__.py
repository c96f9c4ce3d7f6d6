"""Commands to meters as tracked tasks (relay, reads, parameters, tokens, firmware), collection
schedules, alarms and notifications, the network monitor: HTTP routes and the jobs behind them."""
